"""Multi-page inputs read as a stream: WARC records and blocks of crawler-JSONL lines.

Why: a WARC file or a gzipped JSONL file can be gigabytes (a Common Crawl WARC is about 1 GB
gzipped and 4-5 GB inflated), and a gzip stream only inflates from its start, so such a file
cannot be cut into byte ranges the way a plain JSONL file is. Its worker reads it a record (or
a block of lines) at a time instead, and holds that, never the file: memory stays bounded
whatever the input's size. Damage is handled as when the file was read whole: a WARC keeps the
whole records before the place it is cut or broken, with a warning; a gzip stream that ends
early or is corrupt keeps what inflated before the damage, with a warning.
"""

from __future__ import annotations

import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from pipeline.sniff import GZIP_MAGIC

CHUNK = 1 << 20  # bytes read (and at most inflated) at a time
MAX_HEADER_LINE = 1 << 16  # a WARC header line longer than this is not a WARC
MAX_HEADERS = 1 << 20  # nor is a header block longer than this
_WARC_MAGIC = b"WARC/"
_CONTENT_LENGTH = b"content-length:"


class _Damaged(Exception):
    """The gzip stream ends early or is corrupt (the message says which)."""


def _plain_chunks(fh: BinaryIO) -> Iterator[bytes]:
    while chunk := fh.read(CHUNK):
        yield chunk


@dataclass(frozen=True)
class _Gap:
    """A corrupt gzip member was passed over; inflating goes on at the next member."""

    reason: str
    start: int  # where the member started in the inflated stream


_MEMBER_HEAD = GZIP_MAGIC + b"\x08"  # the magic and deflate, the only method gzip defines
_PROBE = 1 << 16  # bytes a candidate member is tried on


def _next_member(fh: BinaryIO, pos: int) -> int | None:
    """Where the first gzip member at or after ``pos`` starts in the (seekable) file: a gzip
    header whose first bytes inflate; None when there is none."""
    while True:
        fh.seek(pos)
        block = fh.read(CHUNK + len(_MEMBER_HEAD) - 1)
        at = block.find(_MEMBER_HEAD)
        while at >= 0:
            fh.seek(pos + at)
            try:
                zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(fh.read(_PROBE), 1)
                return pos + at
            except zlib.error:
                at = block.find(_MEMBER_HEAD, at + 1)
        if len(block) < CHUNK + len(_MEMBER_HEAD) - 1:
            return None
        pos += CHUNK


def _gunzip_chunks(fh: BinaryIO, members: deque[tuple[int, int]] | None = None,
                   resync: bool = False) -> Iterator[bytes | _Gap]:
    """Every member of a gzip stream inflated, CHUNK bytes at most at a time; bytes after the
    last member that start no new one are padding (as ``sniff.gunzip`` reads them). With
    ``members``, where each member starts is appended to it: (in the inflated stream, in the
    file). With ``resync`` (a seekable file), a corrupt member is passed over: a ``_Gap``
    says so, and inflating goes on at the next member (a WARC.gz has one per record), if
    there is one."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    pending = b""
    taken = made = 0  # bytes read from the file, bytes inflated
    member = member_made = 0  # where the current member starts in the file, inflated
    if members is not None:
        members.append((0, 0))
    while True:
        data = pending
        if not data:
            data = fh.read(CHUNK)
            taken += len(data)
        pending = b""
        if not data:
            if not inflater.eof:
                raise _Damaged("truncated gzip: the stream ends early")
            return
        if inflater.eof:  # one member done: another starts here, or padding
            while len(data) < len(GZIP_MAGIC) and (more := fh.read(CHUNK)):
                data += more
                taken += len(more)
            if not data.startswith(GZIP_MAGIC):
                return
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            member, member_made = taken - len(data), made
            if members is not None:
                members.append((made, member))
        try:
            out = inflater.decompress(data, CHUNK)
        except zlib.error as exc:
            reason = f"corrupt gzip: {exc}"
            after = _next_member(fh, member + 1) if resync and fh.seekable() else None
            if after is None:
                raise _Damaged(reason) from None
            yield _Gap(reason, member_made)
            fh.seek(after)
            inflater, pending, taken, member = zlib.decompressobj(16 + zlib.MAX_WBITS), b"", \
                after, after
            member_made = made
            if members is not None:
                members.append((made, member))
            continue
        pending = inflater.unused_data if inflater.eof else inflater.unconsumed_tail
        if out:
            made += len(out)
            yield out


class ByteStream:
    """``read`` and ``readline`` over a file, inflated when ``gz``. Damage to the gzip stream
    ends it early, as if the file ended there, and is kept in ``problem``. With ``members``
    (gzip only), it can tell where in the file a gzip member starts at a given place in the
    inflated stream: what lets a worker inflate a part of the file on its own."""

    def __init__(self, fh: BinaryIO, gz: bool, members: bool = False,
                 resync: bool = False) -> None:
        self._fh, self._gz = fh, gz
        self._members: deque[tuple[int, int]] | None = deque() if gz and members else None
        self._chunks: Iterator[bytes | _Gap] = (_gunzip_chunks(fh, self._members, resync)
                                                if gz else _plain_chunks(fh))
        self._buf = b""
        self._pos = 0
        self.problem: str | None = None
        self.gap: str | None = None  # why the stream stopped short of a later gzip member
        self.gap_start = 0  # where the member it passes over started (inflated)
        self.consumed = 0  # bytes handed out (or skipped) so far

    def _more(self) -> bytes:
        if self.problem is not None or self.gap is not None:
            return b""
        try:
            chunk = next(self._chunks, b"")
        except _Damaged as exc:
            self.problem = str(exc)
            return b""
        if isinstance(chunk, _Gap):  # reads end here, as at the end, until resume()
            self.gap, self.gap_start = chunk.reason, chunk.start
            return b""
        return chunk

    def resume(self) -> None:
        """Go on after a gap (``gap``: a corrupt gzip member ``resync`` passed over), at the
        next member; what is left of the damaged one is dropped."""
        self.consumed += len(self._buf) - self._pos
        self._buf, self._pos, self.gap = b"", 0, None

    def member_at(self, offset: int, exact: bool = True) -> int | None:
        """Where in the file the gzip member that starts at ``offset`` of the inflated stream
        starts (with ``exact`` false: the first member at or after it); None when none does
        (or none has been reached yet). Offsets must be asked in increasing order: members
        before ``offset`` are forgotten, so memory holds those of the current part only."""
        members = self._members
        assert members is not None, "ByteStream(members=True) over a gzip stream"
        while members and members[0][0] < offset:
            members.popleft()
        if members and (not exact or members[0][0] == offset):
            return members[0][1]
        return None

    def read(self, n: int) -> bytes:
        """Up to ``n`` bytes; fewer only at the end."""
        parts = [self._buf[self._pos:self._pos + n]]
        have = len(parts[0])
        self._pos += have
        while have < n:
            chunk = self._more()
            if not chunk:
                break
            take = chunk[:n - have]
            parts.append(take)
            have += len(take)
            self._buf, self._pos = chunk, len(take)
        self.consumed += have
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def readline(self, limit: int) -> bytes:
        """Up to and with the next newline, at most ``limit`` bytes; b"" at the end."""
        while True:
            end = self._buf.find(b"\n", self._pos, self._pos + limit)
            if end >= 0:
                return self.read(end + 1 - self._pos)
            if len(self._buf) - self._pos >= limit:
                return self.read(limit)
            chunk = self._more()
            if not chunk:
                return self.read(limit)
            self._buf = self._buf[self._pos:] + chunk
            self._pos = 0

    def skip(self, n: int) -> int:
        """Move past ``n`` bytes (fewer at the end); how many. A plain file is sought, not
        read: planning a big WARC's parts reads only its records' headers."""
        have = min(n, len(self._buf) - self._pos)
        self._pos += have
        left = n - have
        if left and not self._gz and self._fh.seekable():
            here = self._fh.tell()
            end = self._fh.seek(0, 2)
            moved = min(left, end - here)
            self._fh.seek(here + moved)
            have, left = have + moved, 0
        while left:
            part = self.read(min(CHUNK, left))
            if not part:
                break
            have += len(part)
            left -= len(part)
            self.consumed -= len(part)  # counted once, below
        self.consumed += have
        return have

    def skip_line(self, limit: int) -> tuple[int, bool]:
        """Read past the rest of a line, ``limit`` bytes at a time: how many bytes it held
        before its newline, and whether it had one (the last line of a file may not)."""
        skipped = 0
        while True:
            part = self.readline(limit)
            if part.endswith(b"\n"):
                return skipped + len(part) - 1, True
            if not part:
                return skipped, False
            skipped += len(part)


@dataclass
class WarcRecords:
    """The whole records of a WARC stream, each as its bytes, in order. A record bigger than
    ``max_record`` is read past, not kept (its number and size in ``skipped``). Where the stream
    stops being a WARC (cut inside a record, no Content-Length, not ``WARC/``), reading stops
    and ``problem`` says why; where it has a gap (a corrupt gzip member passed over: a stream
    made with ``resync``), the record it cuts is lost (in ``lost``) and reading goes on."""

    stream: ByteStream
    max_record: int
    count: int = 0  # whole records read or skipped, and records lost
    end: int = 0  # where the last whole one ends in the stream
    problem: str | None = None
    skipped: list[tuple[int, int]] = field(default_factory=list)
    lost: list[tuple[int, str]] = field(default_factory=list)  # (number, why)
    fresh: bool = False

    def __iter__(self) -> Iterator[bytes]:
        for _start, _end, record in self.located(keep=True):
            assert record is not None
            yield record

    def located(self, keep: bool) -> Iterator[tuple[int, int, bytes | None]]:
        """Where each whole record starts and ends in the stream, with its bytes (``keep``)
        or without: then every body is skipped (sought past in a plain file), and records
        over ``max_record`` are located too. A record cut short by a gap in the stream (a
        corrupt gzip member passed over) is lost, named in ``lost``, and reading goes on
        after the gap; ``fresh`` tells whether the record just given is the first after
        one."""
        stream = self.stream
        self.fresh = after_gap = False
        while True:
            start = stream.consumed
            line = stream.readline(MAX_HEADER_LINE)
            if line in (b"\r\n", b"\n"):
                continue  # the blank lines between records
            number = self.count + 1
            cut = None  # why the record is not whole
            if not line:
                if stream.gap is None:
                    break
                if stream.gap_start < start:  # the member's records were whole (its check
                    stream.resume()  # failed at its end): nothing is lost here
                    continue
            elif not line.startswith(_WARC_MAGIC):
                self.problem = f"record {number} does not start with WARC/"
                break
            head = [line]
            size, length = len(line), None
            while line and line != b"\r\n":
                line = stream.readline(MAX_HEADER_LINE)
                size += len(line)
                if not line.endswith(b"\n") or size > MAX_HEADERS:
                    break
                head.append(line)
                if line.lower().startswith(_CONTENT_LENGTH):
                    try:
                        length = int(line[len(_CONTENT_LENGTH):].strip())
                    except ValueError:
                        pass
            body: bytes | None = None
            if line != b"\r\n":
                cut = f"record {number} is cut off in its headers"
            elif length is None or length < 0:
                self.problem = f"record {number} has no valid Content-Length"
                break
            else:
                if keep and length <= self.max_record:
                    body = stream.read(length)
                    got = len(body)
                else:
                    got = stream.skip(length)
                if got < length:
                    cut = f"record {number} is truncated ({got} of {length} bytes)"
            if cut is not None:
                if stream.gap is None:
                    self.problem = cut
                    break
                self.count += 1  # lost to the gap; read on after it
                self.lost.append((number, stream.gap))
                stream.resume()
                after_gap = True
                continue
            self.count += 1
            self.end = stream.consumed
            self.fresh, after_gap = after_gap, False
            if not keep:
                yield start, stream.consumed, None
            elif body is None:
                self.skipped.append((number, length))
            else:
                yield start, stream.consumed, b"".join(head) + body
        if stream.problem:  # the damage, not the record it cut short
            self.problem = stream.problem


@dataclass
class JsonlBlocks:
    """Blocks of about ``size`` bytes of whole JSONL lines, each with the number of its first
    line. A line longer than ``max_record`` is left out (its newline kept, so line numbers
    hold), and named in ``skipped`` with its size. Where the stream has a gap (a corrupt gzip
    member passed over: a stream made with ``resync``, over a file written a gzip member at
    a time), the line it cuts ends there (a bad line to the reader), the lines of the lost
    member are gone, and ``gaps`` names the line reading went on at."""

    stream: ByteStream
    size: int
    max_record: int
    skipped: list[tuple[int, int]] = field(default_factory=list)
    gaps: list[tuple[int, str]] = field(default_factory=list)

    def __iter__(self) -> Iterator[tuple[bytes, int, int]]:
        """(block, number of its first line, where it starts in the inflated stream)."""
        stream, line = self.stream, 1
        while True:
            offset = stream.consumed
            block = stream.read(self.size)
            if not block:
                if stream.gap is None:
                    return
                self.gaps.append((line, stream.gap))
                stream.resume()
                continue
            cut = None  # the block's last line, when it is too long to keep
            if not block.endswith(b"\n"):  # up to the end of its last line
                rest = stream.readline(self.max_record + 1)
                if rest.endswith(b"\n") or len(rest) <= self.max_record:
                    block += rest  # the line ends there (or the file does)
                else:  # a line longer than max_record: skip the rest of it, keep its newline
                    start = block.rfind(b"\n") + 1
                    more, newline = stream.skip_line(CHUNK)
                    cut = (line + block.count(b"\n", 0, start), len(block) - start + len(rest)
                           + more)
                    block = block[:start] + (b"\n" if newline else b"")
            if stream.gap is not None and not block.endswith(b"\n"):
                block += b"\n"  # a line the gap cut: it ends there, and counts as a line
            block = self._without_long_lines(block, line)
            if cut is not None:
                self.skipped.append(cut)
            yield block, line, offset
            line += block.count(b"\n")

    def _without_long_lines(self, block: bytes, first_line: int) -> bytes:
        if len(block) <= self.max_record:
            return block
        parts, pos, line = [], 0, first_line
        while pos < len(block):
            end = block.find(b"\n", pos)
            end = len(block) if end < 0 else end
            if end - pos > self.max_record:
                self.skipped.append((line, end - pos))
            else:
                parts.append(block[pos:end])
            parts.append(b"\n" if end < len(block) else b"")
            pos, line = end + 1, line + 1
        return b"".join(parts)


PEEK = 1 << 18  # inflated bytes looked at to tell a gzipped input's kind


def streamed_kind(path: str, head: bytes) -> tuple[str, bool] | None:
    """("warc" or "jsonl", gzipped) for an input read as a stream, from its name and first
    bytes (``head``: 64 KB or all of a smaller file); None for one read whole. Streamed: a
    WARC (by its first bytes, inflated: an ARC file or a .warc name on something else is left
    to warcio as a whole) and a gzipped crawler JSONL file (a plain one is cut into byte
    ranges instead, ``engine/units.py``)."""
    from pipeline.sniff import strip_gz
    from pipeline.stages.extract import detect_format

    gz = head.startswith(GZIP_MAGIC)
    peek = head
    if gz:
        try:
            peek = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, PEEK)
        except zlib.error:
            return None
    if peek.startswith(_WARC_MAGIC):
        return "warc", gz
    if gz and detect_format(strip_gz(path), peek.decode("utf-8", "replace")) == "jsonl":
        return "jsonl", True
    return None
