"""convert: unify the script to standard simplified Chinese with OpenCC."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.article import Article, Original


@dataclass
class ConvertState:
    converter: Any
    profile: str


def prepare(cfg: Any) -> ConvertState:
    import opencc

    profile = cfg.get("convert", "profile")
    return ConvertState(opencc.OpenCC(f"{profile}.json"), profile)


def _convert(text: str, state: ConvertState) -> tuple[str, int]:
    out = state.converter.convert(text)
    if len(out) == len(text):
        changed = sum(1 for a, b in zip(text, out) if a != b)
    else:
        changed = abs(len(out) - len(text)) or 1
    return out, changed


def process(article: Article, state: ConvertState) -> Article:
    if not article.original.paragraphs and article.original.title is None:
        article.original = Original(title=article.title, paragraphs=list(article.paragraphs))
    total = 0
    if article.title:
        article.title, n = _convert(article.title, state)
        total += n
    paragraphs = []
    for para in article.paragraphs:
        converted, n = _convert(para, state)
        total += n
        paragraphs.append(converted)
    article.set_paragraphs(paragraphs)
    article.script.profile = state.profile
    article.script.converted_chars = total
    article.script.detected = "traditional" if total else "simplified"
    return article
