"""emit: one JSON file per article, named from its id, written atomically."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.article import Article, to_json_file
from pipeline.io import atomic_write

_SAFE_ID = re.compile(r"^[0-9a-f]{8,64}$")


def article_path(outdir: Path, article: Article) -> Path:
    if not _SAFE_ID.match(article.id):
        raise ValueError(f"article id is not a hex hash: {article.id!r}")
    return outdir / f"{article.id}.json"


def write(outdir: Path, article: Article) -> Path:
    path = article_path(outdir, article)
    atomic_write(path, to_json_file(article))
    return path
