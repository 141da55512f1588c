"""Outputs for indexers: the built-in SQLite search index and files other engines load.

Every format reads a ``zhnews run`` output folder (``OUTDIR/<id>.json``, plus
``OUTDIR/duplicates/`` when duplicates are written aside) in id order, so equal folders give
equal bytes. ``document`` is the flat record the search engines share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.article import Article, from_json_line
from pipeline.errors import UsageError

if TYPE_CHECKING:
    from pipeline.export.titles import Segmenter

FORMATS = ("es-bulk", "meili", "jsonl", "parquet")


def article_files(outdir: Path) -> list[Path]:
    """Per-article JSON files of a run's output folder, in id order."""
    if not outdir.is_dir():
        raise UsageError(f"not an output folder: {outdir}")
    files = list(outdir.glob("*.json")) + list((outdir / "duplicates").glob("*.json"))
    return sorted(files, key=lambda p: (p.stem, p.parent.name))


def read_articles(outdir: Path) -> Iterator[Article]:
    for path in article_files(outdir):
        yield from_json_line(path.read_bytes())


def iso_date(value: str | None, naive_offset_hours: float) -> str | None:
    """``published_at`` as strict ISO 8601 with an offset (what Elasticsearch's date parses)."""
    from pipeline.stages.dedup.signature import published_key

    seconds = published_key(value, naive_offset_hours)
    if seconds == float("inf"):
        return None
    tz = timezone(timedelta(hours=naive_offset_hours))
    return datetime.fromtimestamp(seconds, tz).isoformat()


def seg_text(article: Article, unmerge: Callable[[list[str]], list[str]]) -> str:
    """The pre-segmented body: tokens joined by spaces, paragraphs by newlines. ``unmerge``
    (titles.Segmenter.unmerge) cuts the run's discovered words back into dictionary words, so
    that a name is indexed the same way in every article and as a query is cut."""
    return "\n".join(" ".join(unmerge(tokens)) for tokens in article.tokens)


def document(article: Article, cfg: Any, seg: Segmenter | None) -> dict[str, Any]:
    """The flat record both search-engine exports write (field names: see the README);
    ``title_seg`` and ``text_seg`` only with ``seg`` (Meilisearch segments Chinese itself)."""
    offset = float(cfg.get("dedup", "naive_utc_offset"))
    published = iso_date(article.published_at, offset)
    from pipeline.stages.dedup.signature import published_key

    doc = {
        "id": article.id,
        "title": article.title,
        "title_seg": " ".join(seg(article.title)) if seg else None,
        "text": article.text,
        "text_seg": seg_text(article, seg.unmerge) if seg else None,
        "authors": article.authors,
        "editors": article.editors,
        "publisher": article.publisher,
        "tags": article.tags,
        "keywords": [k.word for k in article.keywords],
        "published_at": published,
        "published_ts": int(published_key(published, offset)) if published else None,
        "url": article.source.url,
        "site": article.source.site,
        "source_path": article.source.path,
        "script": article.script.detected,
        "duplicate_of": article.duplicate_of,
        "cluster": article.cluster,
    }
    if seg is None:
        del doc["title_seg"], doc["text_seg"]
    return doc
