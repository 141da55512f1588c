"""Parquet export with a stable, explicit schema mirroring the Article record.

The schema is written out rather than inferred, so an empty list or an all-null column never
changes a type between files, and a field added to Article fails a test until it is added
here. pyarrow is optional (``pip install 'zhnews[parquet]'``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.article import Article, to_dict
from pipeline.errors import ZhnewsError

BATCH = 1000


def _pa() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise ZhnewsError("parquet export needs pyarrow: pip install 'zhnews[parquet]'") from None
    return pyarrow


def schema() -> Any:
    pa = _pa()
    s, i, f = pa.string(), pa.int64(), pa.float64()
    strings = pa.list_(s)
    return pa.schema([
        ("id", s),
        ("source", pa.struct([("path", s), ("format", s), ("index", i), ("url", s),
                              ("site", s), ("encoding", s), ("crawled_at", s)])),
        ("title", s),
        ("authors", strings),
        ("editors", strings),
        ("publisher", s),
        ("published_at", s),
        ("tags", strings),
        ("paragraphs", strings),
        ("text", s),
        ("tokens", pa.list_(strings)),
        ("token_offsets", pa.list_(pa.list_(pa.list_(pa.int32())))),
        ("keywords", pa.list_(pa.struct([("word", s), ("weight", f)]))),
        ("script", pa.struct([("detected", s), ("profile", s), ("converted_chars", i)])),
        ("repairs", pa.list_(pa.struct([("paragraph", i), ("offset", i), ("from", s), ("to", s),
                                        ("rule", s), ("confidence", f)]))),
        ("removed", pa.list_(pa.struct([("reason", s), ("text", s)]))),
        ("original", pa.struct([("title", s), ("paragraphs", strings)])),
        ("duplicate_of", s),
        ("cluster", s),
        ("scores", pa.map_(s, f)),
        ("pipeline", pa.struct([("version", s), ("config_hash", s), ("dict_hash", s)])),
    ])


def _record(article: Article) -> dict[str, Any]:
    rec = to_dict(article)
    rec["scores"] = sorted(rec["scores"].items())
    return rec


def write(articles: Iterable[Article], path: Path) -> int:
    """Write ``articles`` to ``path`` in row groups of ``BATCH``; returns the count."""
    pa = _pa()
    import pyarrow.parquet as pq

    sch = schema()
    count = 0
    batch: list[dict[str, Any]] = []
    with pq.ParquetWriter(str(path), sch, compression="zstd") as writer:
        for article in articles:
            batch.append(_record(article))
            if len(batch) == BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=sch))
                count += len(batch)
                batch = []
        if batch or not count:
            writer.write_table(pa.Table.from_pylist(batch, schema=sch))
            count += len(batch)
    return count


def read(path: Path) -> list[dict[str, Any]]:
    """Records as ``to_dict(article)`` gives them (the map column back to a dict)."""
    _pa()
    import pyarrow.parquet as pq

    rows = pq.read_table(str(path)).to_pylist()
    for row in rows:
        row["scores"] = dict(row["scores"] or [])
    return rows
