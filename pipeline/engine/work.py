"""The unit of work every engine runs: one input file through extract and the article stages.

Prepared state lives in a module-level slot so each process builds jieba/OpenCC once.

``process_file`` never raises for anything an input can cause: unreadable, binary, oversized,
truncated or pathological inputs end as a manifest entry with a one-line reason. Each article
runs under a time limit (SIGALRM in the process's main thread), and a failure in one article
costs only that article. Crashes Python cannot catch (a segfault in a C extension, the OOM
killer) are the supervisor's job (``engine/supervised.py``).
"""

from __future__ import annotations

import os
import signal
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec

from pipeline import __version__, sniff, stages
from pipeline.article import Article
from pipeline.engine import containers
from pipeline.errors import InputError, SkipInput, ZhnewsError
from pipeline.io import InputFile, ManifestEntry
from pipeline.stages.extract import InputContext

MAX_WARNINGS = 10


@dataclass
class Limits:
    """The [run] settings that bound one input's work."""

    article_timeout: float
    max_input_bytes: int
    max_container_bytes: int
    max_record_bytes: int
    max_article_chars: int

    @classmethod
    def from_cfg(cls, cfg: Any) -> Limits:
        sec = cfg.section("run")
        mb = 1 << 20
        return cls(float(sec.get("article_timeout", 10.0)),
                   int(float(sec.get("max_input_mb", 64)) * mb),
                   int(float(sec.get("max_container_mb", 4096)) * mb),
                   int(float(sec.get("max_record_mb", 32)) * mb),
                   int(sec.get("max_article_chars", 1_000_000)))

    def cap(self, container: bool) -> tuple[int, str]:
        """The size limit for an input and the config key that sets it."""
        if container:
            return self.max_container_bytes, "max_container_mb"
        return self.max_input_bytes, "max_input_mb"


@dataclass
class Prepared:
    cfg: Any
    extract_state: Any
    chain: stages.Chain | None
    limits: Limits
    fingerprint: Any = None  # dedup's Fingerprinter for a full run, computed beside the stages


_STATE: dict[tuple[str, tuple[str, ...]], Prepared] = {}


def prepared(cfg: Any, names: tuple[str, ...]) -> Prepared:
    """State for (config, stage list), built once per process."""
    key = (cfg.hash, names)
    if key not in _STATE:
        extract = stages.get("extract")
        chain = stages.Chain(cfg, names) if names else None
        fingerprint = None
        if names == stages.ARTICLE_STAGES:  # `zhnews run`: its articles go on to dedup
            from pipeline.stages.dedup.deduper import Fingerprinter

            fingerprint = Fingerprinter(cfg)
        _STATE[key] = Prepared(cfg, extract.prepare(cfg), chain, Limits.from_cfg(cfg),
                               fingerprint)
    return _STATE[key]


def expect_input(state: Prepared, parts: Iterable[tuple[str, int]], forks: bool = True) -> None:
    """Tell the stages what the run will read (``parts``: each unit's path and bytes), before
    workers fork: what every worker would otherwise build for itself (segment's compiled cut,
    repair's lexicon, the readers' modules) is then built once and shared. Only state the
    input will use, or that pays for itself on this much text, is built: the stages are told
    the bytes of text the input holds, about, not its bytes (a page is mostly markup).
    ``forks`` false: no worker forks from this process (a Ray worker prepares itself), so
    what is built only to be shared (repair's lexicon, which only a laundered article needs)
    is left to be built on first use."""
    extract = stages.get("extract")
    parts = list(parts)
    extract.expect(path for path, _size in parts)
    if state.chain is None:
        return
    text_bytes = sum(extract.expected_text(path, size) for path, size in parts)
    for name, _process, stage_state in state.chain.steps:
        expect = getattr(stages.get(name), "expect", None)
        if expect is not None:
            expect(stage_state, text_bytes, forks)


def input_kinds(parts: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """``parts`` (path, bytes) folded to one part per kind of name (the format the name
    suggests, gzipped or not) with the kind's bytes: :func:`expect_input` decides the same
    from it. For an engine whose workers do not fork from the driver (Ray): a few parts to
    send each worker instead of every input's."""
    from pipeline.sniff import strip_gz

    format_by_name = stages.get("extract").format_by_name
    kinds: dict[tuple[str, bool], list[Any]] = {}
    for path, size in parts:
        kinds.setdefault((format_by_name(path), strip_gz(path) != path), [path, 0])[1] += size
    return [(path, size) for path, size in kinds.values()]


@dataclass
class FileResult:
    entry: ManifestEntry
    articles: list[Article] = field(default_factory=list)
    # stage → [articles in, articles out, characters in, characters out]
    stats: dict[str, list[int]] = field(default_factory=dict)
    # Takes each article as it is done instead of ``articles`` (a worker encodes it at once:
    # a big input's articles are never all held).
    sink: Callable[[Article], None] | None = None
    count: int = 0  # articles done

    def add(self, article: Article) -> None:
        self.count += 1
        if self.sink is None:
            self.articles.append(article)
        else:
            self.sink(article)


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    msg = text[0] if text else ""
    if len(msg) > 200:
        msg = msg[:200] + "…"
    if isinstance(exc, ZhnewsError):
        return msg or type(exc).__name__
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


class ArticleTimeout(BaseException):
    """Raised by the alarm; a BaseException so library code's ``except Exception`` can't eat it."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise ArticleTimeout


class _Alarm:
    """Per-article time limit with SIGALRM; a no-op off the main thread or without setitimer."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.active = (seconds > 0 and hasattr(signal, "setitimer")
                       and threading.current_thread() is threading.main_thread())
        self._old: Any = None

    def __enter__(self) -> _Alarm:
        if self.active:
            self._old = signal.signal(signal.SIGALRM, _on_alarm)
        return self

    def arm(self) -> None:
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def disarm(self) -> None:
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def __exit__(self, *exc: object) -> None:
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old)


_HEAD = 1 << 16  # bytes read first: enough to tell an input read as a stream


def _read_input(inp: InputFile, limits: Limits,
                entry: ManifestEntry) -> tuple[bytes, bool] | tuple[str, bool] | None:
    """(bytes, is a multi-page container), or, for an input read as a stream (a WARC, a
    gzipped JSONL file: ``containers.streamed_kind``), (its kind, gzipped) unread; None with
    ``entry`` set to skipped/failed."""
    if inp.error:
        entry.status, entry.error = "failed", inp.error
        return None
    try:
        st = os.stat(inp.fs_path)
        if stat.S_ISDIR(st.st_mode):
            entry.status, entry.error = "failed", "is a folder that could not be walked"
            return None
        if not stat.S_ISREG(st.st_mode):
            entry.status, entry.error = "skipped", "not a regular file (device, fifo or socket)"
            return None
        with open(inp.fs_path, "rb") as fh:
            head = fh.read(_HEAD)
            streamed = containers.streamed_kind(inp.path, head)
            if streamed is not None:
                return streamed
            container = sniff.is_container(inp.path, head)
            cap, key = limits.cap(container)
            if st.st_size > cap:
                entry.status, entry.error = "failed", _too_large(st.st_size, cap, key)
                return None
            return head + fh.read(cap + 1 - len(head)), container
    except OSError as exc:
        entry.status, entry.error = "failed", f"cannot read: {exc.strerror or exc}"
        return None


def _too_large(size: int, cap: int, key: str) -> str:
    return f"too large: {size / (1 << 20):.1f} MB (over [run] {key} = {cap / (1 << 20):g})"


def _unwrap(data: bytes, container: bool, limits: Limits,
            entry: ManifestEntry) -> bytes | None:
    """Open gzip, refuse binaries, drop JSONL lines over the record limit."""
    if data.startswith(sniff.GZIP_MAGIC):
        cap, key = limits.cap(container)
        try:
            data = sniff.gunzip(data, cap)
        except sniff.TruncatedGzip as exc:
            entry.status, entry.error = "failed", str(exc)
            return None
        except ValueError:
            entry.status, entry.error = "failed", f"too large: gunzipped over [run] {key}"
            return None
        container = container or sniff.is_container("", data[:64])
    kind = sniff.binary_kind(data)
    if kind:
        entry.status, entry.error = "skipped", f"binary file: {kind}"
        return None
    if container:  # (a WARC is read as a stream: _read_input)
        data = _drop_long_lines(data, limits.max_record_bytes, entry)
    return data


def _drop_long_lines(data: bytes, limit: int, entry: ManifestEntry) -> bytes:
    """Blank JSONL lines longer than ``limit`` (one runaway page), keeping line numbers."""
    spans = []
    pos = 0
    while pos < len(data):
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end
        if end - pos > limit:
            spans.append((pos, end))
        pos = end + 1
    if not spans:
        return data
    parts, last = [], 0
    for start, end in spans:
        number = data.count(b"\n", 0, start) + 1
        entry.warnings.append(f"line {number}: {(end - start) / (1 << 20):.1f} MB record "
                              f"skipped (over [run] max_record_mb = {limit / (1 << 20):g})")
        parts.append(data[last:start])
        last = end
    parts.append(data[last:])
    return b"".join(parts)


def not_utf8_warning(data: bytes, encoding: str | None, offset: int = 0) -> str | None:
    """What the manifest says of a file that is not clean UTF-8 (``offset``: where ``data``
    starts in the file)."""
    if not encoding or not encoding.startswith("utf-8") or encoding == "utf-8-sig":
        return None
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        first = offset + exc.start
    if "+" in encoding:
        return f"mixed encodings ({encoding}), decoded line by line; first non-UTF-8 byte at {first}"
    bad = data.decode("utf-8", errors="replace").count("\ufffd")
    return f"invalid UTF-8: {bad} bad byte sequence(s) replaced with U+FFFD, first at byte {first}"


def _run_chain(article: Article, chain: stages.Chain,
               stats: dict[str, list[int]]) -> tuple[Article | None, str | None]:
    """The article through each stage, counting articles and characters in and out.

    Counts are added to ``stats`` only when the article got through (or was dropped), so a
    failed article does not look like a stage that removed its text.
    """
    rows: list[tuple[str, list[int]]] = []
    for name, process, state in chain.steps:
        row = [1, 0, len(article.text), 0]
        rows.append((name, row))
        result = process(article, state)
        if result is None:
            _add_rows(stats, rows)
            return None, name
        article = result
        row[1], row[3] = 1, len(article.text)
    _add_rows(stats, rows)
    return article, None


def _add_rows(stats: dict[str, list[int]], rows: list[tuple[str, list[int]]]) -> None:
    for name, row in rows:
        acc = stats.setdefault(name, [0, 0, 0, 0])
        for i in range(4):
            acc[i] += row[i]


def process_file(inp: InputFile, cfg: Any, names: tuple[str, ...],
                 tick: Callable[[], None] | None = None,
                 sink: Callable[[Article], None] | None = None) -> FileResult:
    """Extract one file and pass each article through ``names``; never raises for anything
    the input can cause.

    ``tick`` is called after each article (the supervisor's sign of life). With ``sink``,
    each article goes there as soon as it is done, not into the result's list.
    """
    state = prepared(cfg, names)
    limits = state.limits
    entry = ManifestEntry(path=inp.path, status="ok")
    result = FileResult(entry, sink=sink)
    read = _read_input(inp, limits, entry)
    if read is not None and isinstance(read[0], str):
        _stream_and_process(read[0], read[1], inp, cfg, state, result, tick)
    else:
        data = _unwrap(read[0], read[1], limits, entry) if read is not None else None
        if data is None:
            return result
        extract_and_process(data, inp, cfg, state, result, tick)
        warning = not_utf8_warning(data, entry.encoding)
        if warning:
            entry.warnings.insert(0, warning)
    if len(entry.warnings) > MAX_WARNINGS:
        more = len(entry.warnings) - MAX_WARNINGS
        entry.warnings = entry.warnings[:MAX_WARNINGS] + [f"(+{more} more)"]
    return result


def _stream_and_process(kind: str, gz: bool, inp: InputFile, cfg: Any, state: Prepared,
                        result: FileResult, tick: Callable[[], None] | None) -> None:
    """:func:`extract_and_process` for an input read as a stream, a record (WARC) or a block
    of lines (gzipped JSONL) at a time: memory holds one of them, never the file."""
    entry, limits = result.entry, state.limits
    try:
        fh = open(inp.fs_path, "rb")  # noqa: SIM115
    except OSError as exc:
        entry.status, entry.error = "failed", f"cannot read: {exc.strerror or exc}"
        return
    with fh:
        stream = containers.ByteStream(fh, gz, resync=True)
        ctx = PartContext(path=inp.path, relpath=inp.relpath)
        reader: containers.WarcRecords | containers.JsonlBlocks
        if kind == "warc":
            reader = containers.WarcRecords(stream, limits.max_record_bytes)
            articles = _warc_articles(reader, ctx, state)
        else:
            reader = containers.JsonlBlocks(stream, block_bytes(cfg), limits.max_record_bytes)
            articles = _jsonl_articles(reader, ctx, state)
        extract_and_process(None, inp, cfg, state, result, tick, articles, ctx)
    notes, error = stream_notes(reader, stream, limits.max_record_bytes)
    entry.warnings[:0] = notes
    if error is not None:
        entry.status, entry.articles, entry.error = "failed", 0, error
    if ctx.utf8_warning:
        entry.warnings.insert(0, ctx.utf8_warning)
    if kind == "jsonl" and stream.problem and not result.count and entry.status != "failed":
        entry.status, entry.error = "failed", stream.problem


def stream_notes(reader: containers.WarcRecords | containers.JsonlBlocks,
                 stream: containers.ByteStream, max_record: int) -> tuple[list[str], str | None]:
    """What reading a container as a stream found, for its manifest line: warnings (records
    skipped, damage after whole records), and the error when a WARC held no whole record."""
    mb = 1 << 20
    over = f"over [run] max_record_mb = {max_record / mb:g}"
    if isinstance(reader, containers.JsonlBlocks):
        notes = [*(f"{why} in the gzip member before line {n}; read on from the next member"
                   for n, why in reader.gaps),
                 *(f"line {n}: {size / mb:.1f} MB record skipped ({over})"
                   for n, size in reader.skipped)]
        if stream.problem:
            notes.insert(0, f"{stream.problem}; kept the lines before it")
        return notes, None
    notes = [*lost_notes(reader.lost),
             *(f"WARC record {n}: {size / mb:.1f} MB skipped ({over})"
               for n, size in reader.skipped)]
    problem = reader.problem
    if problem is None:
        return notes, None
    if reader.count == 0:
        return notes, problem if stream.problem else f"broken WARC: {problem}"
    kept = f"kept the {reader.count} whole record(s) before it"
    return [f"{problem}; {kept}" if stream.problem else f"WARC {problem}; {kept}", *notes], None


def lost_notes(lost: list[tuple[int, str]], first: int = 1) -> list[str]:
    """What the manifest says of WARC records lost to corrupt gzip members (numbered in the
    file: ``first`` is the number of the part's first record)."""
    return [f"WARC record {first - 1 + n} lost: {why}; read on from the next gzip member"
            for n, why in lost]


def block_bytes(cfg: Any) -> int:
    """Bytes of JSONL lines read at a time from a stream: ``[run] split_mb`` (the size of a
    plain JSONL file's units), 4 MB when splitting is off."""
    mb = float(cfg.section("run").get("split_mb", 4)) or 4
    return int(mb * (1 << 20))


@dataclass
class PartContext(InputContext):
    """An extract context over one input read in parts: record numbers run on from part to
    part (the reader numbers within what it is given), and each part says the line number
    it starts at."""

    first_line: int = 1
    base: int = 0  # record numbers the parts before used
    issued: int = 0  # record numbers the reader used in this part
    utf8_warning: str | None = None

    def article(self, index: int, url: str | None = None, fmt: str | None = None) -> Article:
        self.issued = max(self.issued, index + 1)
        return super().article(self.base + index, url=url, fmt=fmt)

    def next_part(self) -> None:
        self.base += self.issued
        self.issued = 0


def _warc_articles(records: containers.WarcRecords, ctx: PartContext,
                   state: Prepared) -> Iterator[Article]:
    from pipeline.stages.extract import warc

    ctx.fmt = "warc"
    try:
        yield from warc.read_records(records, ctx, state.extract_state)
    except SkipInput:
        if records.count or records.problem is None:
            raise  # with no whole record, the damage is what the manifest says


def _jsonl_articles(blocks: containers.JsonlBlocks, ctx: PartContext,
                    state: Prepared) -> Iterator[Article]:
    """Each block decoded on its own (as a plain JSONL file's byte ranges are); the file is
    an error only if no block held a usable line."""
    from pipeline.stages.extract import jsonl
    from pipeline.stages.extract.decode import decode

    ctx.fmt = "jsonl"
    first_encoding, last_error, good = None, None, 0
    for block, first_line, offset in blocks:
        text, encoding = decode(block)
        ctx.encoding, ctx.first_line = encoding, first_line
        first_encoding = first_encoding or encoding
        if ctx.utf8_warning is None:
            ctx.utf8_warning = not_utf8_warning(block, encoding, offset)
        del block
        try:
            for article in jsonl.read(text, ctx, state.extract_state):
                good += 1
                yield article
        except InputError as exc:
            last_error = exc
        ctx.next_part()
    ctx.encoding = first_encoding
    if not good and last_error is not None:
        raise last_error


def extract_and_process(data: bytes | None, inp: InputFile, cfg: Any, state: Prepared,
                         result: FileResult, tick: Callable[[], None] | None,
                         articles: Iterator[Article] | None = None, ctx: Any = None) -> None:
    """The articles of ``data`` (or the ``articles`` a stream's reader gives, with its
    ``ctx``) through the stages, into ``result``."""
    from pipeline.stages.extract import extract

    entry, limits = result.entry, state.limits
    errors: list[str] = []
    dropped: dict[str, int] = {}
    seen = current = 0
    timeout = f"timed out after {limits.article_timeout:g} s ([run] article_timeout)"
    if articles is None:
        assert data is not None
        ctx = InputContext(path=inp.path, relpath=inp.relpath)
        articles = extract(data, ctx, state.extract_state)
    with _Alarm(limits.article_timeout) as alarm:
        try:
            while True:
                alarm.arm()
                try:
                    try:
                        article = next(articles)
                    except StopIteration:
                        break
                    except SkipInput as exc:
                        if result.count or errors:  # the rest of a file, not all of it
                            entry.warnings.append(one_line(exc))
                        else:
                            entry.status, entry.error = "skipped", one_line(exc)
                        break
                    except ArticleTimeout:
                        errors.append(f"article {seen}: extraction {timeout}; rest of file unread")
                        break
                    except Exception as exc:
                        errors.append(_extract_error(exc, seen))
                        break
                    seen += 1
                    current = article.source.index
                    problem = _process_one(article, cfg, state, result, dropped)
                    if problem:
                        errors.append(f"article {current}: {problem}")
                except ArticleTimeout:
                    errors.append(f"article {current}: {timeout}")
                finally:
                    alarm.disarm()
                if tick is not None:
                    tick()
        except ArticleTimeout:  # the alarm fired between two articles
            errors.append(f"article {seen}: {timeout}")
    # Warnings the reader recorded (e.g. broken JSONL lines), when it records them.
    entry.warnings.extend(getattr(ctx, "warnings", None) or [])
    entry.format, entry.encoding = ctx.fmt, ctx.encoding
    entry.articles = result.count
    if errors:
        entry.status = "failed"
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        entry.error = "; ".join(errors[:3]) + more
    elif entry.status == "ok" and not result.count:
        entry.status = "skipped"
        by_stage = {name: n for name, n in dropped.items() if name}
        if by_stage:
            entry.error = "no article left after " + ", ".join(
                f"{name} ({n} dropped)" for name, n in by_stage.items())
        else:
            entry.error = "no article text found"
            hazard = (sniff.html_hazard(data) if data is not None
                      and ctx.fmt in ("html", "markdown") else None)
            if hazard:
                entry.status, entry.error = "failed", f"no article text: {hazard}"


def _extract_error(exc: Exception, seen: int) -> str:
    where = f"after article {seen - 1}: " if seen else ""
    if isinstance(exc, RecursionError):
        return f"{where}structure too deep to parse (RecursionError)"
    if isinstance(exc, MemoryError):
        return f"{where}out of memory while extracting (MemoryError)"
    return f"{where}cannot extract: {one_line(exc)}"


def _process_one(article: Article, cfg: Any, state: Prepared, result: FileResult,
                 dropped: dict[str, int]) -> str | None:
    """Run one article through the chain; a reason string when it failed."""
    limits = state.limits
    if len(article.text) > limits.max_article_chars:
        return (f"{len(article.text)} characters (over [run] max_article_chars = "
                f"{limits.max_article_chars})")
    article.pipeline.version = __version__
    article.pipeline.config_hash = cfg.hash
    if state.chain is None:
        result.add(article)
        return None
    try:
        out, dropped_by = _run_chain(article, state.chain, result.stats)
    except (RecursionError, MemoryError) as exc:
        return type(exc).__name__
    except Exception as exc:  # one bad article never costs the others
        return one_line(exc)
    if out is None:
        dropped[dropped_by or "?"] = dropped.get(dropped_by or "?", 0) + 1
    elif not out.text.strip():  # nothing to index: not an article
        dropped[""] = dropped.get("", 0) + 1
    else:
        result.add(out)
    return None


def crash_result(inp: InputFile, reason: str) -> FileResult:
    """The result recorded for an input whose worker died or hung."""
    return FileResult(ManifestEntry(path=inp.path, status="failed", error=reason))


def encode_result(result: FileResult) -> bytes:
    """Results cross process boundaries as msgpack: cheaper than pickling Structs."""
    return msgspec.msgpack.encode((result.entry, result.articles, result.stats))


_decoder = msgspec.msgpack.Decoder(tuple[ManifestEntry, list[Article], dict[str, list[int]]])


def decode_result(data: bytes) -> FileResult:
    entry, articles, stats = _decoder.decode(data)
    return FileResult(entry, articles, stats)
