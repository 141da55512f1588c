"""Line-level chrome rules: what a stand-alone line of site chrome looks like.

Used by clean on every body and by the text readers before they pick a title, so the two
agree on what is chrome. All rules are data in config (boilerplate, chrome line and tail
marker lists, spam phrases); this module only compiles and applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_TAG_ONLY = re.compile(r"^(?:\s*<[^<>]{0,2000}>\s*)+$")
_TAG = re.compile(r"<[^<>]{0,2000}>")


@dataclass
class LineRules:
    exact: frozenset[str]
    chrome: re.Pattern[str] | None
    tail: re.Pattern[str] | None
    spam: re.Pattern[str] | None
    spam_min_hits: int = 3
    inline: re.Pattern[str] | None = None

    def classify(self, line: str) -> str | None:
        """The reason ``line`` is chrome (``markup``, ``boilerplate``, ``chrome``, ``spam``)."""
        stripped = line.strip()
        if not stripped:
            return None
        if _TAG_ONLY.match(stripped):
            return "markup"
        if stripped in self.exact:
            return "boilerplate"
        if self.chrome is not None and self.chrome.search(stripped):
            return "chrome"
        if self.is_spam(stripped):
            return "spam"
        return None

    def is_spam(self, line: str) -> bool:
        if self.spam is None:
            return False
        hits = self.spam.findall(line)
        return len(hits) >= self.spam_min_hits and sum(map(len, hits)) >= 0.3 * len(line)

    def cut_inline(self, para: str) -> tuple[str, list[str]]:
        """``para`` without inline chrome, and the pieces cut out."""
        if self.inline is None:
            return para, []
        cuts = [m.group(0).strip() for m in self.inline.finditer(para) if m.group(0).strip()]
        if not cuts:
            return para, []
        return self.inline.sub("", para).strip(), cuts

    def starts_tail(self, line: str) -> bool:
        return self.tail is not None and bool(self.tail.search(line.strip()))


def strip_tags(text: str) -> str:
    return _TAG.sub("", text)


def _alternation(patterns: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def compile_line_rules(cfg: Any) -> LineRules:
    """LineRules from the [clean] list files of ``cfg``."""
    phrases = cfg.lines("clean", "spam_phrases_file")
    spam = re.compile("|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))) \
        if phrases else None
    return LineRules(
        exact=frozenset(cfg.lines("clean", "boilerplate_file")),
        chrome=_alternation(cfg.lines("clean", "chrome_lines_file")),
        tail=_alternation(cfg.lines("clean", "tail_markers_file")),
        spam=spam,
        spam_min_hits=int(cfg.get("clean", "spam_min_hits")),
        inline=_alternation(cfg.lines("clean", "chrome_inline_file")),
    )
