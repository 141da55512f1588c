"""Work units: what one worker call processes, small enough that memory stays bounded.

A unit is a whole input file or, for a multi-page file bigger than ``[run] split_mb``, a part
of it: a byte range of a plain crawler JSONL file cut at line boundaries, a byte range of
whole records of a WARC file (of a WARC.gz, from one gzip member's start to another's), or
whole records of another gzipped container that the driver read and that travel with the
unit (a gzip stream inflates only from a member's start). Several workers then share one big
file, and each returns its articles in a bounded batch. A reader numbers records within what
it is given, so a unit reports how many record numbers it used and the driver, which sees
units in input order, shifts ``source.index`` (and an id made from it, for records without a URL) by
the records of the units before: ids do not depend on where the file was cut. Every engine
(local pool, Ray) runs :func:`run_unit`; the driver puts units back in input order and
:func:`merge_entries` makes one manifest line per input file.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, BinaryIO

import msgspec

from pipeline.article import (
    LIGHT_FIELDS,
    Article,
    FileOnDisk,
    LightArticle,
    from_json_line,
    light,
    make_id,
    to_json_file,
    write_file_to,
)
from pipeline.engine.work import (
    MAX_WARNINGS,
    FileResult,
    PartContext,
    extract_and_process,
    lost_notes,
    not_utf8_warning,
    prepared,
    process_file,
)
from pipeline.io import InputFile, ManifestEntry
from pipeline.stages.dedup.deduper import Fingerprint
from pipeline.stages.extract import detect_format

_HEAD_BYTES = 256 * 1024


@dataclass(frozen=True)
class Unit:
    """``inp`` whole (``end`` is None) or bytes ``[start, end)`` starting at line
    ``first_line`` (1-based); ``part`` counts from 0 and ``last`` closes the file.

    A part of a container the driver read itself (gzipped, or a WARC: ``containers``) carries
    its bytes in ``data``: whole lines of crawler JSONL, or whole WARC records (``kind``),
    inflated; ``start``/``end`` are then offsets in the inflated stream. A part of a gzipped
    WARC whose records start gzip members (``gz``) is a byte range of the file itself, from
    one member's start to another's: its worker inflates it alone. ``notes`` are what
    reading the file found (records skipped, damage), for its manifest line: on its last
    part."""

    inp: InputFile
    start: int = 0
    end: int | None = None
    first_line: int = 1
    part: int = 0
    last: bool = True
    data: bytes | None = None
    kind: str = "jsonl"
    notes: tuple[str, ...] = ()
    gz: bool = False


def unit_bytes(unit: Unit) -> int:
    """How many input bytes ``unit`` covers (0 when its file cannot be read)."""
    if unit.data is not None:
        return len(unit.data)
    if unit.end is not None:
        return unit.end - unit.start
    try:
        return os.path.getsize(unit.inp.fs_path)
    except OSError:
        return 0


def input_sizes(inputs: Iterable[InputFile]) -> list[tuple[str, int]]:
    """Each input's path and bytes, for ``expect_input`` (what its units add up to)."""
    return [(inp.path, unit_bytes(Unit(inp))) for inp in inputs]


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


def plan(files: Iterable[InputFile], size: int, max_record: int = 32 << 20) -> Iterator[Unit]:
    """Units in input order; reads big JSONL files once, sequentially, to find cut points.

    A plain WARC file bigger than ``size`` is cut into byte ranges of whole records, found
    from its records' headers. So is a gzipped WARC whose records each start a gzip member,
    as crawlers write them (the WARC standard's recommended practice): a range starts and
    ends where members do, so its worker inflates it alone. Another gzipped container bigger
    than ``size`` (a gzipped JSONL file, a WARC gzipped as one member:
    ``containers.streamed_kind``) is read here, in the driver, and cut into parts of whole
    records that carry their bytes (Ray puts them in its object store): a gzip stream
    inflates only from a member's start. Inflating and framing cost the driver about 3 s of
    CPU a GB (3.0-3.3 s for the benchmark's 1 GB WARC.gz, measured)."""
    for inp in files:
        try:
            big = size > 0 and os.path.getsize(inp.fs_path) > size
        except OSError:
            big = False
        if big and is_jsonl(inp.path):
            yield from _ranges(inp, size)
            continue
        kind = _streamed_kind(inp.path) if big else None
        if kind is not None:
            yield from _container_parts(inp, kind[0], kind[1], size, max_record)
        else:
            yield Unit(inp)


def _streamed_kind(path: str) -> tuple[str, bool] | None:
    from pipeline.engine.containers import streamed_kind

    try:
        with open(path, "rb") as fh:
            return streamed_kind(path, fh.read(1 << 16))
    except OSError:
        return None


def _open(inp: InputFile) -> BinaryIO | None:
    """The input opened for reading, or None when it cannot be (a unit of the whole file
    then goes to a worker, whose ``process_file`` says why)."""
    try:
        return open(inp.fs_path, "rb")  # noqa: SIM115
    except OSError:
        return None


# A piece of a container: where it starts and ends (in the inflated stream), the number of
# its first record or line, and its bytes when it travels with its unit (None: the worker
# reads the range itself).
_Piece = tuple[int, int, int, bytes | None]


def _container_parts(inp: InputFile, kind: str, gz: bool, size: int,
                     max_record: int) -> Iterator[Unit]:
    """A container cut into units of about ``size`` (inflated) bytes of whole records: byte
    ranges of a plain WARC file, found from its records' headers alone (the bodies are
    sought past), or, for a gzipped file, parts read here that carry their bytes. When
    nothing whole comes out of it (damage in its first record), one unit of the whole file:
    its worker reads it and says why."""
    from pipeline.engine import containers
    from pipeline.engine.work import stream_notes

    if kind == "warc" and gz:
        ranges = _member_ranges(inp, size)
        if ranges is not None:
            yield from ranges
            return
    fh = _open(inp)
    if fh is None:
        yield Unit(inp)  # process_file reports why it cannot be read
        return
    with fh:
        stream = containers.ByteStream(fh, gz, resync=True)
        reader: containers.WarcRecords | containers.JsonlBlocks
        pieces: Iterator[_Piece]
        if kind == "jsonl":
            reader = containers.JsonlBlocks(stream, size, max_record)
            pieces = ((at, at + len(block), line, block) for block, line, at in reader)
        else:
            reader = containers.WarcRecords(stream, max_record)
            pieces = _record_groups(reader, size, keep=gz)
        pending: Unit | None = None
        for part, (begin, end, first, data) in enumerate(pieces):
            if pending is not None:
                yield pending
            pending = Unit(inp, begin, end, first, part, last=False, data=data, kind=kind)
        notes, error = stream_notes(reader, stream, max_record)
    if pending is None or error is not None:
        yield Unit(inp)
        return
    yield replace(pending, last=True, notes=tuple(notes))


def _member_ranges(inp: InputFile, size: int) -> Iterator[Unit] | None:
    """A gzipped WARC cut into byte ranges of the file, each about ``size`` inflated bytes of
    whole records, from a gzip member's start to the next range's; None when the first place
    to cut is not a member's start (the file is one member, or members hold several records:
    the caller reads it otherwise). A later place that is not one moves the cut on to the
    next record that starts a member."""
    from pipeline.engine import containers

    fh = _open(inp)
    if fh is None:
        return None  # the caller opens it again and says why it cannot
    total = os.fstat(fh.fileno()).st_size
    stream = containers.ByteStream(fh, gz=True, members=True, resync=True)
    records = containers.WarcRecords(stream, max_record=0)  # no body kept: all read past
    cuts = _member_cuts(records, stream, size)
    cut = next(cuts, None)
    if cut is None:
        fh.close()
        return None
    return _member_units(inp, fh, total, records, cut, cuts)


# A record that starts a part: where it starts in the inflated stream and in the file (a gzip
# member's start), and its number.
_Cut = tuple[int, int, int]


def _member_cuts(records: Any, stream: Any, size: int) -> Iterator[_Cut]:
    """Where parts start: once a part holds ``size`` inflated bytes, the next record that
    starts a gzip member. Stops at once if the first such record does not start one. Not the
    first record after a corrupt member: the part before then holds the member after it, so
    its worker reads on past the damage as the whole file's reader does."""
    begin, full, cut = 0, False, False
    for start, end, _ in records.located(keep=False):
        if full and not records.fresh:
            at = stream.member_at(start)
            if at is not None:
                yield start, at, records.count
                begin, full, cut = start, False, True
            elif not cut:
                return
        full = full or end - begin >= size


def _member_units(inp: InputFile, fh: Any, total: int, records: Any, cut: _Cut,
                  cuts: Iterator[_Cut]) -> Iterator[Unit]:
    from pipeline.engine.work import stream_notes

    with fh:
        part, first, begin = 0, 1, 0
        next_cut: _Cut | None = cut
        while next_cut is not None:
            _start, at, number = next_cut
            yield Unit(inp, begin, at, first, part, last=False, kind="warc", gz=True)
            part, first, begin = part + 1, number, at
            next_cut = next(cuts, None)
        records.lost.clear()  # in the parts: their workers name what they lose
        notes, _ = stream_notes(records, records.stream, 0)  # (an error: no whole record)
        end = total  # the last part runs to the end of the file, or of its last whole record
        if records.problem is not None:
            end = records.stream.member_at(records.end, exact=False) or total
        yield Unit(inp, begin, end, first, part, last=True, kind="warc", gz=True,
                   notes=tuple(notes))


def _record_groups(records: Any, size: int, keep: bool) -> Iterator[_Piece]:
    """Whole WARC records grouped into pieces of about ``size`` bytes; with ``keep``, each
    piece holds its records joined into an archive, else only where they lie in the file."""
    group: list[bytes] = []
    begin: int | None = None
    first, end = 1, 0
    for start, end, record in records.located(keep):
        begin = start if begin is None else begin
        if record is not None:
            group.append(record)
        if end - begin >= size:
            yield begin, end, first, _archive(group) if keep else None
            first, group, begin = records.count + 1, [], None
    if begin is not None:
        yield begin, end, first, _archive(group) if keep else None


def _archive(records: list[bytes]) -> bytes:
    return b"\r\n\r\n".join(records) + b"\r\n\r\n"


def _ranges(inp: InputFile, size: int) -> Iterator[Unit]:
    fh = _open(inp)
    if fh is None:
        yield Unit(inp)  # process_file reports why it cannot be read
        return
    with fh:
        start, line, part = 0, 1, 0
        pending: Unit | None = None
        while True:
            block = fh.read(size)
            if not block:
                break
            if not block.endswith(b"\n"):
                block += fh.readline()  # up to the end of the line (or of the file)
            if pending is not None:
                yield pending
            pending = Unit(inp, start, start + len(block), line, part, last=False)
            line += block.count(b"\n")
            start += len(block)
            part += 1
        if pending is None:
            yield Unit(inp)
        else:
            yield Unit(inp, pending.start, pending.end, pending.first_line, pending.part, True)


# --- running one unit ---------------------------------------------------------------------

_encoder = msgspec.msgpack.Encoder()
_result_decoder = msgspec.msgpack.Decoder(
    tuple[ManifestEntry, int, dict[str, list[int]],
          list[tuple[msgspec.Raw, Fingerprint | None, bytes | FileOnDisk | None]]]
)
_article_decoder = msgspec.msgpack.Decoder(Article)
_light_decoder = msgspec.msgpack.Decoder(LightArticle)


@dataclass
class UnitDone:
    """What a unit's articles alone do not say: its manifest entry and how many record
    numbers its reader used (both complete once the articles are exhausted)."""

    entry: ManifestEntry
    records: int = 0
    # stage → [articles in, articles out, characters in, characters out] (drop-rate alarm)
    stats: dict[str, list[int]] = field(default_factory=dict)


# An article with dedup's fingerprint of it when a worker computed one (else None). On a
# full run, the worker also renders the article's file: then the article is sent as its
# LightArticle, with the file third (else None), and the driver only re-renders the fields
# it sets (article.set_file_fields). The file is its bytes, or, where the worker wrote it
# to the output folder itself (the local engine's runs), where it is (article.FileOnDisk).
Carried = tuple[Article | LightArticle, Fingerprint | None, bytes | FileOnDisk | None]
Result = tuple[Unit, UnitDone, Iterator[Carried]]


def unit_articles(unit: Unit, cfg: Any, names: tuple[str, ...],
                  tick: Callable[[], None] | None = None) -> tuple[UnitDone, Iterator[Article]]:
    """One unit through extract and ``names``, its articles in a list (the in-process engine;
    a worker hands each to :func:`run_unit`'s encoder as it is done). Never raises for bad
    input."""
    if unit.end is None:
        result = process_file(unit.inp, cfg, names, tick)
        return UnitDone(result.entry, stats=result.stats), iter(result.articles)
    result, records = process_part(unit, cfg, names, tick)
    return UnitDone(result.entry, records, result.stats), iter(result.articles)


def run_unit(unit: Unit, cfg: Any, names: tuple[str, ...],
             tick: Callable[[], None] | None = None, write_dir: str | None = None) -> bytes:
    """:func:`unit_articles` as msgpack for a trip between processes. Articles are encoded as
    soon as they are done, so a worker holds compact bytes, not a chunk of token lists. On a
    full run each goes as its light part with its dedup fingerprint and its file: the file's
    bytes, or, with ``write_dir`` (the output folder, where the worker shares the driver's
    disk), where the worker wrote it there (FileOnDisk): the driver then patches the fields
    it sets and renames the file into place, work its one serial process does not do."""
    fingerprint = prepared(cfg, names).fingerprint
    raw: list[tuple[msgspec.Raw, Fingerprint | None, bytes | FileOnDisk | None]] = []

    def keep(article: Article) -> None:
        if fingerprint is None:
            raw.append((msgspec.Raw(_encoder.encode(article)), None, None))
        else:
            raw.append((msgspec.Raw(_encoder.encode(light(article))), fingerprint(article),
                        to_json_file(article) if write_dir is None
                        else write_file_to(write_dir, article)))

    try:
        if unit.end is None:  # each article encoded as the file's reader gives it
            result = process_file(unit.inp, cfg, names, tick, sink=keep)
            done = UnitDone(result.entry, stats=result.stats)
        else:
            result, records = process_part(unit, cfg, names, tick, sink=keep)
            done = UnitDone(result.entry, records, result.stats)
    except BaseException:
        for _raw, _fp, file in raw:  # the unit fails as a whole: leave no temp files
            if isinstance(file, FileOnDisk):
                _unlink(file.path)
        raise
    return _encoder.encode((done.entry, done.records, done.stats, raw))


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def crashed_unit(unit: Unit, reason: str) -> bytes:
    """What a unit whose worker died or hung reports: failed, no articles."""
    entry = ManifestEntry(path=unit.inp.path, status="failed", error=reason)
    return _encoder.encode((entry, 0, {}, []))


def decode_unit(data: bytes) -> tuple[UnitDone, Iterator[Carried]]:
    """The unit's report now, its articles one at a time (never a whole decoded chunk)."""
    entry, records, stats, raws = _result_decoder.decode(data)
    return (UnitDone(entry, records, stats),
            ((_article_decoder.decode(r) if file is None else _light_decoder.decode(r), fp, file)
             for r, fp, file in raws))


def process_part(unit: Unit, cfg: Any, names: tuple[str, ...],
                 tick: Callable[[], None] | None = None,
                 sink: Callable[[Article], None] | None = None) -> tuple[FileResult, int]:
    """A part of a file (a byte range of a crawler JSONL file or of a WARC, gzipped or not,
    or a part the driver read and carries) through extract and ``names`` as
    :func:`process_file` takes a whole file: the same per-article limits, drop counts and
    manifest wording, so output does not depend on where a file was cut. Returns the result
    and how many record numbers the reader used (the driver numbers the file's records from
    them). Never raises for bad input."""
    from pipeline.engine import containers
    from pipeline.stages.extract import jsonl, warc
    from pipeline.stages.extract.decode import decode

    state = prepared(cfg, names)
    entry = ManifestEntry(path=unit.inp.path, status="ok", format=unit.kind)
    result = FileResult(entry, sink=sink)
    data = unit.data
    if data is None:
        assert unit.end is not None
        try:
            with open(unit.inp.fs_path, "rb") as fh:
                fh.seek(unit.start)
                data = fh.read(unit.end - unit.start)
        except OSError as exc:
            entry.status, entry.error = "failed", f"cannot read: {exc.strerror or exc}"
            return result, 0
    ctx = PartContext(path=unit.inp.path, relpath=unit.inp.relpath, fmt=unit.kind,
                      first_line=unit.first_line)
    records = None
    if unit.kind == "warc":  # a gzipped range starts and ends with gzip members
        stream = containers.ByteStream(io.BytesIO(data), gz=unit.gz, resync=True)
        records = containers.WarcRecords(stream, state.limits.max_record_bytes)
        articles = warc.read_records(records, ctx, state.extract_state)
    else:
        text, ctx.encoding = decode(data)
        ctx.utf8_warning = not_utf8_warning(data, ctx.encoding, unit.start)
        articles = jsonl.read(text, ctx, state.extract_state)
    del data
    extract_and_process(None, unit.inp, cfg, state, result, tick, articles, ctx)
    if records is not None:  # in a range a worker read itself
        over = f"over [run] max_record_mb = {state.limits.max_record_bytes / (1 << 20):g}"
        entry.warnings[:0] = [*lost_notes(records.lost, unit.first_line),
                              *(f"WARC record {unit.first_line - 1 + n}: "
                                f"{size / (1 << 20):.1f} MB skipped ({over})"
                                for n, size in records.skipped)]
    entry.warnings[:0] = unit.notes
    if ctx.utf8_warning:
        entry.warnings.insert(0, ctx.utf8_warning)
    if len(entry.warnings) > MAX_WARNINGS:
        more = len(entry.warnings) - MAX_WARNINGS
        entry.warnings = entry.warnings[:MAX_WARNINGS] + [f"(+{more} more)"]
    return result, ctx.issued


def renumber(article: Article | LightArticle, relpath: str,
             offset: int) -> Article | LightArticle:
    """Shift a record number made within a unit to its number in the whole file."""
    if offset:
        local = article.source.index
        if article.id == make_id(None, relpath, local):
            article.id = make_id(None, relpath, local + offset)
        article.source.index = local + offset
    return article


# --- back in the driver -------------------------------------------------------------------


def whole(part: Article | LightArticle, file: bytes | FileOnDisk) -> Article:
    """The whole article from its file, with the light part's values (the driver may have
    renumbered it). A file a worker wrote is read and removed: the article is the caller's."""
    if isinstance(file, FileOnDisk):
        data = file.read()
        _unlink(file.path)
        file = data
    article = from_json_line(file)
    for name in LIGHT_FIELDS:
        if name != "tokens" or not isinstance(part, LightArticle) or part.tokens_read():
            setattr(article, name, getattr(part, name))
    return article


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
    if status == "ok":
        errors = [e.error for e in entries if e.error and e.status == "ok"]
    error = "; ".join(errors[:3]) + (f" (+{len(errors) - 3} more)" if len(errors) > 3 else "")
    if not error and status == "skipped":
        error = "no article text found"
    merged = ManifestEntry(path=first.path, status=status, articles=total, error=error or None,
                           format=first.format, encoding=first.encoding)
    if hasattr(merged, "warnings"):
        merged.warnings = [w for e in entries for w in e.warnings]
    return merged


class StreamedFile:
    """One input file's results as they arrive: iterate ``articles`` (in file order) first;
    ``entry`` is the file's manifest line and is complete once ``articles`` is exhausted."""

    def __init__(self, inp: InputFile) -> None:
        self.inp = inp
        self.entry = ManifestEntry(path=inp.path, status="ok")
        self.stats: dict[str, list[int]] = {}
        self._parts: list[ManifestEntry] = []
        self._source: Iterator[Carried] | None = None

    @property
    def articles(self) -> Iterator[Article]:
        """The articles (whole: from a full run's light parts and files, decoded again)."""
        for article, _fp, file in self.carried:
            yield article if file is None else whole(article, file)

    @property
    def carried(self) -> Iterator[Carried]:
        """The articles with their dedup fingerprints (None where no worker computed one) and,
        on a full run, their light parts and files (see ``Carried``)."""
        assert self._source is not None
        return self._source

    def collect(self) -> FileResult:
        """All the file's articles in a list, with the complete entry."""
        articles = list(self.articles)
        return FileResult(self.entry, articles, self.stats)

    def _finish(self) -> None:
        merged = merge_entries(self._parts)
        for name in ManifestEntry.__struct_fields__:
            setattr(self.entry, name, getattr(merged, name))


def group(items: Iterable[Result]) -> Iterator[StreamedFile]:
    """Ordered unit results → one StreamedFile per input file, articles streamed and
    renumbered in the file.

    The caller must exhaust each file's ``articles`` before asking for the next file.
    """
    it = iter(items)
    try:
        pending = next(it, None)
        while pending is not None:
            current = StreamedFile(pending[0].inp)

            def articles(current: StreamedFile = current) -> Iterator[Carried]:
                nonlocal pending
                offset = 0
                while pending is not None:
                    unit, done, arts = pending
                    current._parts.append(done.entry)
                    for name, row in done.stats.items():
                        acc = current.stats.setdefault(name, [0, 0, 0, 0])
                        for i, value in enumerate(row):
                            acc[i] += value
                    relpath = unit.inp.relpath
                    for article, fp, file in arts:
                        yield renumber(article, relpath, offset), fp, file
                    offset += done.records
                    pending = next(it, None)
                    if unit.last:
                        break
                current._finish()

            current._source = articles()
            yield current
            for _ in current._source:  # the caller skipped some: drain to keep the stream aligned
                pass
    finally:
        close = getattr(it, "close", None)
        if close is not None:
            close()  # stop the engine's workers now, not when the cycle is collected
