"""Punctuation and width normalisation that comes with unifying to mainland conventions.

Corner brackets become mainland curly quotes (「」『』 → “”‘’) and full-width ASCII letters and
digits become half-width (ＡＩ２０２５ → AI2025). Chinese punctuation (，。！？：；、 and the
full-width ％（）) stays as it is: it is correct Chinese typography, not noise.
"""

from __future__ import annotations

import re

from pipeline.stages.convert.diffcount import differing

QUOTES = {"「": "“", "」": "”", "『": "‘", "』": "’"}
FULLWIDTH_ALNUM = {
    chr(c): chr(c - 0xFEE0)
    for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for c in range(lo, hi + 1)
}
TABLE = str.maketrans({**QUOTES, **FULLWIDTH_ALNUM})
NEEDS_RE = re.compile("[「」『』０-９Ａ-Ｚａ-ｚ]")


def normalise(text: str) -> tuple[str, int]:
    """The normalised text and the number of characters changed."""
    if NEEDS_RE.search(text) is None:  # the common case costs one C-level scan
        return text, 0
    out = text.translate(TABLE)  # one character for one: count by position
    return out, differing(text, out)
