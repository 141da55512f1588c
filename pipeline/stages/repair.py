"""repair: undo laundered characters, logging every edit on the article."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.article import Article, Original, Repair


@dataclass
class RepairState:
    table: dict[str, str]


def prepare(cfg: Any) -> RepairState:
    table = {}
    for line in cfg.lines("repair", "unconditional_file"):
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0]:
            table[parts[0]] = parts[1]
    return RepairState(table)


def _fix(text: str, index: int, state: RepairState, log: list[Repair]) -> str:
    if not any(ch in state.table for ch in text):
        return text
    out = []
    for offset, ch in enumerate(text):
        new = state.table.get(ch)
        if new is not None:
            log.append(Repair(paragraph=index, offset=offset, from_=ch, to=new,
                              rule="unconditional", confidence=1.0))
            out.append(new)
        else:
            out.append(ch)
    return "".join(out)


def process(article: Article, state: RepairState) -> Article:
    if not article.original.paragraphs and article.original.title is None:
        article.original = Original(title=article.title, paragraphs=list(article.paragraphs))
    if article.title:
        article.title = _fix(article.title, -1, state, article.repairs)
    article.set_paragraphs(
        [_fix(p, i, state, article.repairs) for i, p in enumerate(article.paragraphs)]
    )
    return article
