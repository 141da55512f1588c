"""Multi-page inputs read as streams (engine/containers.py): WARC records and gzipped JSONL
blocks give what reading the whole file gave, a record or a block at a time."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from pipeline import config
from pipeline.engine import containers
from pipeline.engine.work import process_file
from pipeline.io import InputFile
from pipeline.stages.extract import InputContext, extract
from pipeline.stages.extract import prepare as prepare_extract

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "raw").iterdir())


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 7 bytes: every boundary case of the readers is met on small inputs."""
    monkeypatch.setattr(containers, "CHUNK", 7)


def _stream(data: bytes) -> containers.ByteStream:
    return containers.ByteStream(io.BytesIO(data), data.startswith(b"\x1f\x8b"))


def _page(sample: Path) -> bytes:
    """A news page around a sample's text (real Chinese text, one paragraph per line)."""
    lines = [s for s in sample.read_text("utf-8").splitlines() if s.strip()]
    body = "".join(f"<p>{s}</p>" for s in lines[1:])
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{lines[0][:40]}</title>"
            f"</head><body><article><h1>{lines[0][:40]}</h1>{body}</article></body></html>"
            ).encode()


def _warc(gz: bool, pages: list[bytes] | None = None) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for i, page in enumerate(pages if pages is not None else [_page(p) for p in SAMPLES]):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"https://news.example.cn/{i}.html", "response", payload=io.BytesIO(page),
            http_headers=http))
    return buf.getvalue()


def _jsonl() -> bytes:
    """The samples as crawler JSONL records, three rounds, with a broken line in each."""
    lines = []
    for n in range(3):
        for i, sample in enumerate(SAMPLES):
            lines.append(json.dumps({"url": f"https://news.example.cn/{n}/{i}.html",
                                     "content": sample.read_text("utf-8")}, ensure_ascii=False))
        lines.append('{"url": "https://news.example.cn/broken.html", "content": "断')
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- the byte streams -------------------------------------------------------------------------

def test_a_gzip_stream_of_several_members_reads_back_whole(small_chunks):
    data = _jsonl()
    members = gzip.compress(data[:1000], mtime=0) + gzip.compress(data[1000:], mtime=0)
    stream = _stream(members + b"\x00" * 20)  # padding after the last member is not a member
    out = b"".join(iter(lambda: stream.read(13), b""))
    assert out == data and stream.problem is None and stream.consumed == len(data)


def test_lines_read_back_across_chunks(small_chunks):
    data = _jsonl()
    stream = _stream(gzip.compress(data, mtime=0))
    lines = list(iter(lambda: stream.readline(1 << 20), b""))
    assert lines == data.splitlines(keepends=True)


@pytest.mark.parametrize("cut, problem", [(-30, "truncated gzip"), (40, "truncated gzip")])
def test_a_damaged_gzip_stream_ends_with_its_problem(small_chunks, cut, problem):
    data = _jsonl()
    packed = gzip.compress(data, mtime=0)
    stream = _stream(packed[:cut])
    out = b"".join(iter(lambda: stream.read(100), b""))
    assert data.startswith(out) and len(out) < len(data)
    assert stream.problem is not None and stream.problem.startswith(problem)


def test_corrupt_gzip_is_named():
    packed = bytearray(gzip.compress(_jsonl(), mtime=0))
    packed[200:260] = b"\xff" * 60
    stream = _stream(bytes(packed))
    while stream.read(1 << 16):
        pass
    assert stream.problem is not None and stream.problem.startswith("corrupt gzip")


# --- WARC records -----------------------------------------------------------------------------

@pytest.mark.parametrize("gz", [False, True])
def test_warc_records_are_the_archive_record_by_record(small_chunks, gz):
    plain = _warc(False)
    data = plain
    if gz:  # one gzip member per record, as WARC writers make them
        parts = plain.split(b"\r\n\r\nWARC/")
        data = b"".join(gzip.compress((b"" if i == 0 else b"WARC/") + part
                                      + (b"\r\n\r\n" if i < len(parts) - 1 else b""), mtime=0)
                        for i, part in enumerate(parts))
    records = containers.WarcRecords(_stream(data), 1 << 20)
    got = list(records)
    assert len(got) == len(SAMPLES) == records.count and records.problem is None
    # the records are the archive's bytes, less the blank lines between records
    assert b"\r\n\r\n".join(got) + b"\r\n\r\n" == plain


def test_a_record_over_the_limit_is_skipped_and_named():
    pages = [_page(p) for p in SAMPLES]
    pages[2] = pages[2] + b"<!--" + b"x" * 50_000 + b"-->"
    records = containers.WarcRecords(_stream(_warc(True, pages)), 40_000)
    got = list(records)
    assert len(got) == len(SAMPLES) - 1 and records.count == len(SAMPLES)
    assert [n for n, _size in records.skipped] == [3] and records.skipped[0][1] > 50_000


def test_a_cut_warc_keeps_its_whole_records(small_chunks):
    plain = _warc(False)
    records = containers.WarcRecords(_stream(plain[:-500]), 1 << 20)
    assert len(list(records)) == len(SAMPLES) - 1
    assert records.problem is not None and "is truncated" in records.problem


# --- JSONL blocks -----------------------------------------------------------------------------

def test_jsonl_blocks_are_the_file_in_whole_lines(small_chunks):
    data = _jsonl()
    blocks = list(containers.JsonlBlocks(_stream(gzip.compress(data, mtime=0)), 3000, 1 << 20))
    assert len(blocks) > 3
    assert b"".join(b for b, _line, _at in blocks) == data
    for block, line, at in blocks:
        assert block.endswith(b"\n")
        assert data[at:at + len(block)] == block
        assert line == data[:at].count(b"\n") + 1


def test_long_jsonl_lines_are_skipped_with_their_numbers(small_chunks):
    lines = _jsonl().splitlines(keepends=True)
    limit = max(map(len, lines)) + 100
    long = b'{"content": "' + "长".encode() * (limit // 3 + 1000) + b'"}\n'
    lines[1:1] = [long]  # line 2, inside the first block
    lines[9:9] = [long]  # line 10, across the first block's end
    data = b"".join(lines)
    reader = containers.JsonlBlocks(_stream(gzip.compress(data, mtime=0)),
                                    len(b"".join(lines[:9])) + 100, limit)
    out = b"".join(b for b, _line, _at in reader)
    assert [n for n, _size in reader.skipped] == [2, 10]
    assert all(size > limit for _n, size in reader.skipped)
    assert out.splitlines() == [b"" if ln == long else ln.rstrip(b"\n") for ln in lines]


def test_the_kind_of_an_input_is_told_by_its_first_bytes():
    warc, jsonl = _warc(True), gzip.compress(_jsonl(), mtime=0)
    assert containers.streamed_kind("a.bin", warc[:1 << 16]) == ("warc", True)
    assert containers.streamed_kind("a.warc", _warc(False)[:1 << 16]) == ("warc", False)
    assert containers.streamed_kind("crawl.jsonl.gz", jsonl[:1 << 16]) == ("jsonl", True)
    assert containers.streamed_kind("crawl.jsonl", _jsonl()[:1 << 16]) is None  # cut in ranges
    assert containers.streamed_kind("page.html.gz", gzip.compress(_page(SAMPLES[0]))) is None
    assert containers.streamed_kind("x.gz", b"\x1f\x8b\x08\x00garbage") is None


# --- whole inputs through process_file ----------------------------------------------------------

def _articles(path: Path, cfg) -> tuple[list, object]:
    result = process_file(InputFile(str(path), path.name), cfg, ())
    return result.articles, result.entry


def _same(a, b) -> None:
    assert [(x.id, x.source.index, x.source.url, x.title, x.text) for x in a] == \
        [(x.id, x.source.index, x.source.url, x.title, x.text) for x in b]


@pytest.mark.parametrize("gz", [False, True])
def test_a_streamed_warc_gives_what_the_whole_archive_gives(tmp_path, cfg, gz):
    data = _warc(gz)
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(data)
    streamed, entry = _articles(path, cfg)
    ctx = InputContext(path=str(path), relpath=path.name)
    whole = list(extract(data, ctx, prepare_extract(cfg)))
    assert entry.status == "ok" and entry.format == "warc" and not entry.warnings
    assert len(streamed) == len(SAMPLES) and entry.articles == len(SAMPLES)
    _same(streamed, whole)


def test_a_gzipped_jsonl_file_read_in_blocks_gives_what_the_whole_file_gives(tmp_path, cfg):
    data = _jsonl()
    plain, packed = tmp_path / "crawl.jsonl", tmp_path / "crawl.jsonl.gz"
    plain.write_bytes(data)
    packed.write_bytes(gzip.compress(data, mtime=0))
    small = config.Config(dict(cfg.data, run=dict(cfg.data["run"], split_mb=0.004)),
                          cfg.origin)  # blocks of about 4 KB: several per file
    whole, whole_entry = _articles(plain, cfg)
    blocks, entry = _articles(packed, small)
    assert len(whole) == 3 * len(SAMPLES)  # the samples are one article per record
    assert entry.status == whole_entry.status == "ok" and entry.format == "jsonl"
    assert entry.encoding == whole_entry.encoding == "utf-8"
    # ids come from the urls here; the records without a url keep the whole file's numbers
    _same(blocks, whole)
    bad = [w for w in entry.warnings if "bad JSONL line" in w]
    assert bad and all(w.startswith("skipped 1 bad JSONL line(s)") for w in bad)
    numbers = sorted(int(w.rsplit(" ", 1)[1]) for w in bad)
    assert numbers == [6, 12, 18]


def test_records_without_urls_keep_their_numbers_across_blocks(tmp_path, cfg):
    lines = [json.dumps({"content": s.read_text("utf-8")}, ensure_ascii=False)
             for s in SAMPLES * 3]
    data = ("\n".join(lines) + "\n").encode()
    plain, packed = tmp_path / "a.jsonl", tmp_path / "b.jsonl.gz"
    plain.write_bytes(data)
    packed.write_bytes(gzip.compress(data, mtime=0))
    small = config.Config(dict(cfg.data, run=dict(cfg.data["run"], split_mb=0.004)),
                          cfg.origin)
    whole, _ = _articles(plain, cfg)
    blocks, _ = _articles(packed, small)
    assert [a.source.index for a in blocks] == [a.source.index for a in whole]
    assert [a.text for a in blocks] == [a.text for a in whole]
    # the ids are made from the path and the record's number in the whole file
    assert len({a.id for a in blocks}) == len(blocks)


def test_a_streamed_input_is_never_read_whole(tmp_path, cfg, monkeypatch):
    """The reader asks the file for a chunk at a time, never more."""
    path = tmp_path / "crawl.jsonl.gz"
    path.write_bytes(gzip.compress(_jsonl() * 20, mtime=0))
    asked: list[int] = []
    real_open = open

    class Spy(io.BufferedReader):
        def read(self, n=-1):
            asked.append(n)
            return super().read(n)

    def spy_open(file, mode="r", *args, **kwargs):
        if str(file) == str(path) and "b" in mode:
            return Spy(real_open(file, "rb", buffering=0))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy_open)
    result = process_file(InputFile(str(path), path.name), cfg, ())
    assert result.count == 20 * 3 * len(SAMPLES)
    assert asked and max(asked) <= max(containers.CHUNK, 1 << 16) and -1 not in asked


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_a_stream_says_where_each_gzip_member_starts_in_the_file(monkeypatch, chunk: int):
    """What cuts a WARC.gz into ranges a worker inflates alone: the file offset of the member
    that starts at a given place in the inflated stream, at any chunk size; a place inside a
    member has none, and the first member at or after it can be asked for instead."""
    monkeypatch.setattr(containers, "CHUNK", chunk)
    texts = [s.read_bytes() for s in SAMPLES]
    members = [gzip.compress(t, mtime=0) for t in texts]
    stream = containers.ByteStream(io.BytesIO(b"".join(members)), gz=True, members=True)
    inflated = file_at = 0
    for text, member in zip(texts, members, strict=True):
        assert stream.read(len(text)) == text
        assert stream.member_at(inflated) == file_at
        assert stream.member_at(inflated + 1) is None
        assert stream.member_at(inflated + 1, exact=False) in (file_at + len(member), None)
        inflated, file_at = inflated + len(text), file_at + len(member)
    assert stream.read(1) == b"" and stream.problem is None


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_a_corrupt_gzip_member_costs_its_record_alone(monkeypatch, chunk: int):
    """A WARC.gz with a member per record and the third corrupt: with ``resync`` the records
    are those of the intact file but the third, which is named in ``lost``; without it,
    reading stops there (a stream that cannot be resynced: one member, JSONL)."""
    monkeypatch.setattr(containers, "CHUNK", chunk)
    intact = list(containers.WarcRecords(_stream(_warc(gz=True)), 1 << 20))
    members = [gzip.compress(r + b"\r\n\r\n", mtime=0) for r in intact]
    members[2] = members[2][:60] + bytes(80) + members[2][140:]
    data = b"".join(members)
    stream = containers.ByteStream(io.BytesIO(data), gz=True, resync=True)
    records = containers.WarcRecords(stream, 1 << 20)
    assert list(records) == intact[:2] + intact[3:]
    assert records.count == len(intact) and records.problem is None
    ((number, why),) = records.lost
    assert number == 3 and why.startswith("corrupt gzip: ")
    plain = containers.WarcRecords(_stream(data), 1 << 20)
    assert list(plain) == intact[:2] and plain.problem.startswith("corrupt gzip: ")


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_a_gzip_member_that_fails_its_check_at_its_end_costs_at_most_its_record(
        monkeypatch, chunk: int):
    """The CRC at a member's end is wrong. Where the record was handed out before the check
    failed (reads smaller than the member), it is kept and nothing is counted lost; where
    zlib dropped the output of the read that failed, the record is lost and named. Either
    way the records after it are read on, numbered as in the intact file."""
    monkeypatch.setattr(containers, "CHUNK", chunk)
    intact = list(containers.WarcRecords(_stream(_warc(gz=True)), 1 << 20))
    members = [gzip.compress(r + b"\r\n\r\n", mtime=0) for r in intact]
    members[2] = members[2][:-8] + bytes(4) + members[2][-4:]  # CRC32 zeroed
    stream = containers.ByteStream(io.BytesIO(b"".join(members)), gz=True, resync=True)
    records = containers.WarcRecords(stream, 1 << 20)
    got = list(records)
    assert records.problem is None and records.count == len(intact)
    if chunk == 7:
        assert got == intact and records.lost == []
    else:
        assert got == intact[:2] + intact[3:] and [n for n, _ in records.lost] == [3]
        assert "incorrect data check" in records.lost[0][1]
