"""clean: take boilerplate, leftover markup and spam out of the body, recording each removal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pipeline.article import Article, Removal
from pipeline.stages import mojibake

_TAG = re.compile(r"<[^<>]{0,2000}>")


@dataclass
class CleanState:
    drop_lines: frozenset[str]


def prepare(cfg: Any) -> CleanState:
    return CleanState(frozenset(cfg.lines("clean", "boilerplate_file")))


def process(article: Article, state: CleanState) -> Article | None:
    article = mojibake.process(article)  # must precede convert: t2s would destroy the bytes
    kept: list[str] = []
    for para in article.paragraphs:
        stripped = _TAG.sub("", para).strip()
        if stripped != para.strip() and not stripped:
            article.removed.append(Removal(reason="markup", text=para))
            continue
        if not stripped:
            continue
        if stripped in state.drop_lines:
            article.removed.append(Removal(reason="boilerplate", text=stripped))
            continue
        kept.append(stripped)
    if article.title:
        article.title = _TAG.sub("", article.title).strip() or None
    article.set_paragraphs(kept)
    return article
