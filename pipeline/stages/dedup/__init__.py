"""dedup: exact and near duplicates, wire-story clusters, and the persistent dedup index.

``prepare(cfg)`` gives a ``Deduper``; ``add`` each article in input order and write what it
returns; ``finish`` returns the ``Change``s for records whose verdict moved later (apply them
with ``apply``). ``store`` keeps the light records in SQLite so the next run dedups against
this one. Where a flagged duplicate is written is ``folder(outdir, article, cfg)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.article import Article
from pipeline.stages.dedup.deduper import SCORE, Change, Deduper, apply, apply_to_file

__all__ = ["SCORE", "Change", "Deduper", "apply", "apply_to_file", "folder", "folder_for",
           "index_path",
           "prepare"]

ASIDE = "duplicates"


def prepare(cfg: Any) -> Deduper:
    return Deduper(cfg)


def folder(outdir: Path, article: Article, cfg: Any) -> Path:
    """``outdir``, or ``outdir/duplicates`` for a duplicate when ``duplicates = "aside"``."""
    return folder_for(outdir, article.duplicate_of, cfg)


def folder_for(outdir: Path, duplicate_of: str | None, cfg: Any) -> Path:
    """:func:`folder` from the verdict alone (for a file re-written without decoding it)."""
    if duplicate_of is not None and cfg.get("dedup", "duplicates") == "aside":
        return outdir / ASIDE
    return outdir


def index_path(outdir: Path, cfg: Any) -> Path | None:
    """The persistent dedup index inside the output folder (None when switched off)."""
    name = cfg.get("dedup", "index")
    return outdir / name if name else None
