"""Stages registered by name, in pipeline order.

Per-article stages (clean, convert, repair, segment) are modules with ``prepare(cfg) -> state``
and ``process(article, state) -> Article | None``: pure functions of the article and state
prepared once per process. ``extract`` turns bytes into articles, ``dedup`` looks across
articles, ``emit`` writes them. Modules import lazily so a one-stage command loads only what
it needs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from pipeline.article import Article

ORDER = ("extract", "clean", "convert", "repair", "segment", "dedup", "emit")
ARTICLE_STAGES = ("clean", "convert", "repair", "segment")

_MODULES = {name: f"pipeline.stages.{name}" for name in ORDER}


def get(name: str) -> ModuleType:
    """The module implementing stage ``name``."""
    if name not in _MODULES:
        raise KeyError(f"unknown stage {name!r}; stages are: {', '.join(ORDER)}")
    return importlib.import_module(_MODULES[name])


class Chain:
    """Per-article stages with their state prepared once (one per worker process)."""

    def __init__(self, cfg: Any, names: Iterable[str] = ARTICLE_STAGES) -> None:
        self.steps: list[tuple[str, Callable[[Article, Any], Article | None], Any]] = []
        for name in names:
            module = get(name)
            self.steps.append((name, module.process, module.prepare(cfg)))

    def __call__(self, article: Article) -> Article | None:
        for _name, process, state in self.steps:
            result = process(article, state)
            if result is None:
                return None
            article = result
        return article
