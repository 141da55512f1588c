"""emit: one JSON file per article, named from its id, written atomically."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.article import Article, to_json_file
from pipeline.io import Blanks, atomic_write

_SAFE_ID = re.compile(r"^[0-9a-f]{8,64}$")


def article_path(outdir: Path, article: Article) -> Path:
    return file_path(outdir, article.id)


def file_path(outdir: Path, article_id: str) -> Path:
    if not _SAFE_ID.match(article_id):
        raise ValueError(f"article id is not a hex hash: {article_id!r}")
    return outdir / f"{article_id}.json"


def write(outdir: Path, article: Article, blanks: Blanks | None = None) -> Path:
    """Write ``article`` into ``outdir``, through one of ``blanks`` when given."""
    return write_file(outdir, article.id, to_json_file(article), blanks)


def write_file(outdir: Path, article_id: str, data: bytes, blanks: Blanks | None = None) -> Path:
    """Write an article's file (``data``, as :func:`to_json_file` renders it) into ``outdir``."""
    path = file_path(outdir, article_id)
    if blanks is None:
        atomic_write(path, data)
    else:
        blanks.write(path, data)
    return path
