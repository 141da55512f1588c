"""WARC and WARC.gz archives (warcio): every HTML response record becomes one article.

The record's URL and WARC-Date become ``source.url`` and ``source.crawled_at``; the HTTP
Content-Type charset is passed to the one decoder as the declared charset. ``read`` takes a
whole archive's bytes (``zhnews extract``); ``read_records`` takes its records one at a time
(``zhnews run``, which streams big archives: ``engine/containers.py``).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from pipeline.article import Article
from pipeline.errors import InputError, SkipInput
from pipeline.stages.extract.decode import decode, normalise_charset
from pipeline.stages.extract.html import extract_html
from pipeline.stages.extract.html import preload as _preload_html


def preload() -> None:
    """What reading records needs: mostly pages, so the HTML extractors (see
    ``extract.expect``)."""
    from warcio.archiveiterator import ArchiveIterator  # noqa: F401

    _preload_html()


def _charset(content_type: str | None) -> str | None:
    if not content_type or "charset=" not in content_type.lower():
        return None
    value = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    return normalise_charset(value)


def _records(data: bytes):
    """(url, crawled_at, content type, payload) of each response; warcio's errors become one
    ``InputError`` (corrupt archives raise anything from AttributeError to zlib errors)."""
    from warcio.archiveiterator import ArchiveIterator

    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type not in ("response", "resource"):
                continue
            headers = record.http_headers
            if headers is not None and headers.get_statuscode() not in ("200", None):
                yield None
                continue
            ctype = headers.get_header("Content-Type") if headers is not None else \
                record.rec_headers.get_header("Content-Type")
            if ctype and "html" not in ctype.lower():
                yield None
                continue
            yield (record.rec_headers.get_header("WARC-Target-URI"),
                   record.rec_headers.get_header("WARC-Date"), ctype,
                   record.content_stream().read())
    except Exception as exc:  # noqa: BLE001 - any failure inside warcio means a bad archive
        first = (str(exc).splitlines() or [""])[0]
        raise InputError(f"not a readable WARC: {type(exc).__name__}: {first}") from None


def read(data: bytes, ctx, state) -> Iterator[Article]:
    yield from _articles(_records(data), ctx, state)


def read_records(records: Iterable[bytes], ctx, state) -> Iterator[Article]:
    """The articles of an archive's records, each record's bytes parsed alone. A record warcio
    cannot read costs only that record (a warning in ``ctx.warnings``, with its number in the
    whole file: ``records.count``, where records skipped count too, from the part's first,
    ``ctx.first_line``), not the rest."""
    first = getattr(ctx, "first_line", 1)

    def items() -> Iterator[tuple | None]:
        for number, data in enumerate(records, 1):
            try:
                yield from _records(data)
            except InputError as exc:
                number = getattr(records, "count", number)
                ctx.warnings.append(f"WARC record {first - 1 + number}: {exc}")
                yield None

    yield from _articles(items(), ctx, state)


def _articles(items: Iterable[tuple | None], ctx, state) -> Iterator[Article]:
    index = 0
    seen = 0
    for item in items:
        seen += 1
        if item is None:
            continue
        url, crawled_at, ctype, payload = item
        if not payload.strip():
            continue
        text, encoding = decode(payload, declared=_charset(ctype))
        article = ctx.article(index, url=url, fmt="warc")
        article.source.encoding = encoding
        article.source.crawled_at = crawled_at
        index += 1
        try:
            extract_html(text, article, state)
        except SkipInput:
            continue
        yield article
    if not seen:
        raise SkipInput("WARC holds no response records")
