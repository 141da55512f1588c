"""Work units: what one worker call processes, small enough that memory stays bounded.

A unit is a whole input file, or, for a crawler JSONL file bigger than ``[run] split_mb``, a
byte range of it cut at line boundaries. Several workers then share one big file, and each
returns its articles in a bounded batch. An article's ``source.index`` is its record number in
the whole file (non-blank lines before it), counted while planning, so ids do not depend on
where the file was cut. Every engine (local pool, Ray) runs :func:`run_unit`; the driver puts
units back in input order and :func:`merge_entries` makes one manifest line per input file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import msgspec

from pipeline import __version__
from pipeline.article import Article
from pipeline.engine.work import one_line, prepared, process_file
from pipeline.io import InputFile, ManifestEntry
from pipeline.stages.extract import InputContext, detect_format

_HEAD_BYTES = 256 * 1024
_READ_BYTES = 1 << 20


@dataclass(frozen=True)
class Unit:
    """``inp`` whole (``end`` is None) or bytes ``[start, end)`` holding records
    ``first_index`` onwards; ``part`` counts from 0 and ``last`` closes the file."""

    inp: InputFile
    start: int = 0
    end: int | None = None
    first_index: int = 0
    part: int = 0
    last: bool = True


def split_bytes(cfg: Any) -> int:
    """``[run] split_mb`` in bytes (0 disables splitting)."""
    mb = cfg.section("run").get("split_mb", 4)
    return int(float(mb) * (1 << 20))


def is_jsonl(path: str) -> bool:
    """Same rule as extract's format detection, from the file's head only."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError:
        return False
    return detect_format(path, head.decode("utf-8", "replace")) == "jsonl"


def count_records(data: bytes) -> int:
    """Records in a run of whole lines: the non-blank ones (blank lines have no index)."""
    n = 0
    for line in data.split(b"\n"):
        if line.strip():
            n += 1
    return n


def plan(files: Iterable[InputFile], size: int) -> Iterator[Unit]:
    """Units in input order; reads big JSONL files once, sequentially, to find cut points."""
    for inp in files:
        try:
            big = size > 0 and os.path.getsize(inp.path) > size and is_jsonl(inp.path)
        except OSError:
            big = False
        if big:
            yield from _ranges(inp, size)
        else:
            yield Unit(inp)


def _ranges(inp: InputFile, size: int) -> Iterator[Unit]:
    try:
        fh = open(inp.path, "rb")  # noqa: SIM115
    except OSError:
        yield Unit(inp)  # process_file reports why it cannot be read
        return
    with fh:
        start, index, part = 0, 0, 0
        pending: Unit | None = None
        while True:
            block = fh.read(size)
            if not block:
                break
            if not block.endswith(b"\n"):
                block += fh.readline()  # up to the end of the line (or of the file)
            if pending is not None:
                yield pending
            pending = Unit(inp, start, start + len(block), index, part, last=False)
            index += count_records(block)
            start += len(block)
            part += 1
        if pending is None:
            yield Unit(inp)
        else:
            yield Unit(inp, pending.start, pending.end, pending.first_index, pending.part, True)


# --- running one unit ---------------------------------------------------------------------

_encoder = msgspec.msgpack.Encoder()
_result_decoder = msgspec.msgpack.Decoder(tuple[ManifestEntry, list[msgspec.Raw]])
_article_decoder = msgspec.msgpack.Decoder(Article)


def unit_articles(unit: Unit, cfg: Any,
                  names: tuple[str, ...]) -> tuple[ManifestEntry, Iterator[Article]]:
    """One unit through extract and ``names``: its manifest entry (complete once the
    articles are exhausted) and its articles, produced as they are consumed for a byte range.
    Never raises for bad input."""
    if unit.end is None:
        result = process_file(unit.inp, cfg, names)
        return result.entry, iter(result.articles)
    entry = ManifestEntry(path=unit.inp.path, status="ok", format="jsonl")
    return entry, _range_articles(unit, cfg, names, entry)


def run_unit(unit: Unit, cfg: Any, names: tuple[str, ...]) -> bytes:
    """:func:`unit_articles` as msgpack (entry, [article, ...]) for a trip between processes.

    Articles are encoded as soon as they are done, so a worker holds compact bytes rather
    than a chunk's worth of token lists.
    """
    entry, articles = unit_articles(unit, cfg, names)
    raw = [msgspec.Raw(_encoder.encode(a)) for a in articles]
    return _encoder.encode((entry, raw))


def decode_unit(data: bytes) -> tuple[ManifestEntry, Iterator[Article]]:
    """The entry now, the articles one at a time (the driver never holds a decoded chunk)."""
    entry, raws = _result_decoder.decode(data)
    return entry, (_article_decoder.decode(r) for r in raws)


def _range_articles(unit: Unit, cfg: Any, names: tuple[str, ...],
                    entry: ManifestEntry) -> Iterator[Article]:
    from pipeline.stages.extract import jsonl as reader
    from pipeline.stages.extract.decode import decode

    assert unit.end is not None
    state = prepared(cfg, names)
    errors: list[str] = []
    try:
        with open(unit.inp.path, "rb") as fh:
            fh.seek(unit.start)
            data = fh.read(unit.end - unit.start)
    except OSError as exc:
        entry.status, entry.error = "failed", f"cannot read: {exc.strerror or exc}"
        return
    text, entry.encoding = decode(data)
    del data
    index = unit.first_index
    for line in text.split("\n"):
        if not line.strip():
            continue
        ctx = _IndexedContext(path=unit.inp.path, relpath=unit.inp.relpath,
                              encoding=entry.encoding, fmt="jsonl", first=index)
        index += 1
        try:
            for article in reader.read(line, ctx, state.extract_state):
                article.pipeline.version = __version__
                article.pipeline.config_hash = cfg.hash
                out = state.chain(article) if state.chain else article
                if out is not None:
                    entry.articles += 1
                    yield out
        except Exception as exc:  # one bad record never costs the others
            errors.append(f"record {ctx.first}: {one_line(exc)}")
    if errors:
        entry.error = "; ".join(errors[:3]) + (f" (+{len(errors) - 3} more)"
                                               if len(errors) > 3 else "")


@dataclass
class _IndexedContext(InputContext):
    """An extract context for one line whose record number in the file is ``first``."""

    first: int = 0

    def article(self, index: int, url: str | None = None, fmt: str | None = None) -> Article:
        return super().article(self.first + index, url=url, fmt=fmt)


# --- back in the driver -------------------------------------------------------------------


def merge_entries(entries: list[ManifestEntry]) -> ManifestEntry:
    """One manifest line for a file processed as several units."""
    if len(entries) == 1:
        return entries[0]
    first = entries[0]
    total = sum(e.articles for e in entries)
    errors = [e.error for e in entries if e.error]
    failed = any(e.status == "failed" for e in entries)
    if total:
        status = "ok"
    else:
        status = "failed" if failed else "skipped"
    error = "; ".join(errors[:3]) + (f" (+{len(errors) - 3} more)" if len(errors) > 3 else "")
    if not error and status == "skipped":
        error = "no article text found"
    return ManifestEntry(path=first.path, status=status, articles=total, error=error or None,
                         format=first.format, encoding=first.encoding)


class StreamedFile:
    """One input file's results as they arrive: iterate ``articles`` (in file order) first;
    ``entry`` is the file's manifest line and is complete once ``articles`` is exhausted."""

    def __init__(self, inp: InputFile) -> None:
        self.inp = inp
        self.entry = ManifestEntry(path=inp.path, status="ok")
        self._parts: list[ManifestEntry] = []
        self._source: Iterator[Article] | None = None

    @property
    def articles(self) -> Iterator[Article]:
        assert self._source is not None
        return self._source

    def _finish(self) -> None:
        merged = merge_entries(self._parts)
        for field in ManifestEntry.__struct_fields__:
            setattr(self.entry, field, getattr(merged, field))


def group(items: Iterable[tuple[Unit, ManifestEntry, Iterator[Article]]]
          ) -> Iterator[StreamedFile]:
    """Ordered unit results → one StreamedFile per input file, articles streamed.

    The caller must exhaust each file's ``articles`` before asking for the next file.
    """
    it = iter(items)
    pending = next(it, None)
    while pending is not None:
        current = StreamedFile(pending[0].inp)

        def articles(current: StreamedFile = current) -> Iterator[Article]:
            nonlocal pending
            while pending is not None:
                unit, entry, arts = pending
                current._parts.append(entry)
                yield from arts
                pending = next(it, None)
                if unit.last:
                    break
            current._finish()

        current._source = articles()
        yield current
        for _ in current._source:  # the caller skipped some: drain to keep the stream aligned
            pass
