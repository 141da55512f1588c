"""Script detection with precompiled character classes (no OpenCC call per character).

``re`` tests a class of BMP characters with a bitmap, so "does this paragraph hold any
traditional-only character?" costs about as much as reading it; simplified text (the common
case) is decided by one failed search per article. Characters outside the BMP would turn the
class into a linear list (10-30× slower), so they get their own cheap range test and a set.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipeline.stages.convert.charsets import SIMPLIFIED_ONLY, TRADITIONAL_ONLY, WEAK_TRADITIONAL

SIMPLIFIED = "simplified"
TRADITIONAL = "traditional"
MIXED = "mixed"
NONE = "none"

ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
WEAK_TRAD_RE = re.compile(f"[{re.escape(WEAK_TRADITIONAL)}]")

# A sentence: up to and including its end mark(s) and any closing quotes/brackets after them.
SENTENCE_RE = re.compile(r"[^。！？!?；;…\n]*(?:[。！？!?；;…]+[”’」』）)\]】]*|$)")

# An article whose simplified-only characters are at most this share of its length (stray
# characters a careless converter left) is still traditional: its neutral sentences convert.
STRAY_SIMPLIFIED_SHARE = 0.005


def _finder(chars: str) -> tuple[Callable[[str], bool], re.Pattern[str]]:
    bmp = "".join(c for c in chars if ord(c) < 0x10000)
    astral = frozenset(c for c in chars if ord(c) >= 0x10000)
    bmp_re = re.compile(f"[{re.escape(bmp)}]")

    def has(text: str) -> bool:
        if bmp_re.search(text) is not None:
            return True
        if astral and ASTRAL_RE.search(text) is not None:
            return any(c in astral for c in ASTRAL_RE.findall(text))
        return False

    return has, bmp_re


has_traditional, _TRAD_BMP_RE = _finder(TRADITIONAL_ONLY)
has_simplified, SIMP_BMP_RE = _finder(SIMPLIFIED_ONLY)


def article_script(
        text: str, has_taiwan: Callable[[str], bool] | None = None) -> tuple[str, bool]:
    """(simplified / traditional / mixed / none, has simplified-only characters) for an article.

    Without any traditional-only character the article is simplified, unless it also lacks
    simplified-only characters and shows weak traditional characters (步步高陞) or Taiwan
    vocabulary (演算法): then it is traditional text that happens to use shared characters.
    """
    simp = has_simplified(text)
    if not has_traditional(text):
        if not HAN_RE.search(text):
            return NONE, simp
        if not simp and (
                WEAK_TRAD_RE.search(text) or (has_taiwan is not None and has_taiwan(text))):
            return TRADITIONAL, simp
        return SIMPLIFIED, simp
    if not simp:
        return TRADITIONAL, simp
    n_simp = len(SIMP_BMP_RE.findall(text))
    return (TRADITIONAL if n_simp <= STRAY_SIMPLIFIED_SHARE * len(text) else MIXED), simp


def sentences(paragraph: str) -> list[str]:
    """The paragraph cut after sentence end marks; ``"".join`` gives it back unchanged."""
    return [m for m in SENTENCE_RE.findall(paragraph) if m]


def sentence_script(sentence: str) -> str:
    trad = has_traditional(sentence)
    simp = has_simplified(sentence)
    if trad:
        return MIXED if simp else TRADITIONAL
    return SIMPLIFIED if simp else NONE
