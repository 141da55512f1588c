"""Does an article use Taiwan vocabulary? One regex pass over the text.

The terms (晶片, 資訊, 程式設計 …; weak ones such as 支援 need a second, different one) are
compiled into a single character trie (資(?:訊|料庫)|晶片 …) rather than an alternation of
whole words: ``re`` then tries one branch per character instead of every word that shares a
first character, which makes the scan of an article without any term about a third cheaper.
Strong and weak terms share the pass, so a text is read once.
"""

from __future__ import annotations

import re


def trie_pattern(terms: list[str]) -> str:
    """A regex matching any of ``terms``, longest first at each position."""
    root: dict[str, dict] = {}
    for term in terms:
        node = root
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


class TaiwanVocabulary:
    """Strong terms (one is enough) and weak ones (two different ones needed)."""

    def __init__(self, strong: list[str], weak: list[str]) -> None:
        self.strong = frozenset(t for t in strong if t)
        self.weak = frozenset(t for t in weak if t) - self.strong
        terms = sorted(self.strong | self.weak)
        self.any_re = re.compile(trie_pattern(terms)) if terms else None
        self.strong_re = re.compile(trie_pattern(sorted(self.strong))) if self.strong else None

    def shows(self, text: str) -> bool:
        if self.any_re is None:
            return False
        seen: set[str] = set()
        for m in self.any_re.finditer(text):
            term = m.group()
            if term in self.strong:
                return True
            seen.add(term)
            if len(seen) >= 2:
                return True
        # A weak match may have overlapped a strong term (rare): look for strong ones alone.
        return bool(seen) and self.strong_re is not None and self.strong_re.search(text) is not None
