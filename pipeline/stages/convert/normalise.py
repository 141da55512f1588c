"""Punctuation and width normalisation that comes with unifying to mainland conventions.

Corner brackets become mainland curly quotes (「」『』 → “”‘’) and full-width ASCII letters and
digits become half-width (ＡＩ２０２５ → AI2025). Chinese punctuation (，。！？：；、 and the
full-width ％（）) stays as it is: it is correct Chinese typography, not noise.

ASCII punctuation typed into Chinese text (content farms and reposts write 上市了!燧原科技IPO获受理,
拟募资60亿) becomes the Chinese form with ``punctuation``: , ; : ? ! right after a Han
character or a Chinese closing mark, or right before a Han character or an opening mark (so
1,000, 3:2, http://a.b/?x=1 and "Python: a language" stay), and ( ) around text holding a Han
character ((图), (简称“燧原”); (2024) and (GPU) stay), and so do straight double quotes
around such text ("暗伤" → “暗伤”). The period is never touched (3.5, U.S., ...). One character
for one, so every offset stays.
"""

from __future__ import annotations

import re

from pipeline.stages.convert.detect import HAN_RE
from pipeline.stages.convert.diffcount import differing

QUOTES = {"「": "“", "」": "”", "『": "‘", "』": "’"}
FULLWIDTH_ALNUM = {
    chr(c): chr(c - 0xFEE0)
    for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for c in range(lo, hi + 1)
}
TABLE = str.maketrans({**QUOTES, **FULLWIDTH_ALNUM})
NEEDS_RE = re.compile("[「」『』０-９Ａ-Ｚａ-ｚ]")

# A run of , ; : ? ! is Chinese punctuation when a Han character or a Chinese closing mark is
# right before it (吗?!), or a Han character or a Chinese opening mark right after it (比分3:2,网址:
# the comma). Found by a plain scan for the marks, then their neighbours looked at: a pattern
# with look-arounds tried at every position cost a third of the stage on marks-free text.
_MARKS = re.compile(r"[,;:?!]+")
_CLOSING = frozenset("”’）》」』】")
_OPENING = frozenset("“‘（《「『【")
_PAREN = re.compile(f"\\(([^()\\n]*{HAN_RE.pattern}[^()\\n]*)\\)")
_WIDE = str.maketrans(",;:?!", "，；：？！")
_han = HAN_RE.match  # one character: a Han character?


def _widen_marks(text: str) -> str:
    parts: list[str] = []
    done = 0
    for m in _MARKS.finditer(text):
        start, end = m.span()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if before and (_han(before) or before in _CLOSING) \
                or after and (_han(after) or after in _OPENING):
            parts += (text[done:start], m[0].translate(_WIDE))
            done = end
    if not done:
        return text
    parts.append(text[done:])
    return "".join(parts)


def _curl_quotes(line: str) -> str:
    """Straight double quotes, paired in order, around text holding a Han character:
    龙湖集团"暗伤"曝露 → 龙湖集团“暗伤”曝露; "hello" stays. A line with an odd number of them
    (an inch mark: 5" 屏) is left as it is."""
    parts = line.split('"')
    if len(parts) < 3 or len(parts) % 2 == 0:
        return line
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        inner = parts[i]
        out.append(f"“{inner}”" if HAN_RE.search(inner) else f'"{inner}"')
        out.append(parts[i + 1])
    return "".join(out)


def normalise(text: str, punctuation: bool = False) -> tuple[str, int]:
    """The normalised text and the number of characters changed."""
    out = text.translate(TABLE) if NEEDS_RE.search(text) is not None else text
    if punctuation:
        if "(" in out:
            out = _PAREN.sub(lambda m: f"（{m[1]}）", out)
        if '"' in out:
            out = "\n".join(map(_curl_quotes, out.split("\n")))
        if "," in out or ":" in out or "!" in out or "?" in out or ";" in out:
            out = _widen_marks(out)  # (str.__contains__ is a fast search; the pattern is not)
    if out is text:  # nothing to translate and no ASCII mark: a few C-level scans
        return text, 0
    return out, differing(text, out)  # one character for one: count by position
