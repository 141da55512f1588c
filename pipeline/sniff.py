"""Recognise binary inputs by their magic bytes before anything tries to decode them as text.

A crawl dump holds PDFs, images and archives saved under .html names; decoding those would give
an "article" of replacement characters. Gzip is the one wrapper we open ourselves
(``x.html.gz`` here; a gzipped WARC or JSONL file is inflated as a stream by
``engine/containers.py``): a truncated stream is reported, never half-read silently.
"""

from __future__ import annotations

import re
import zlib

# (offset, magic, what) — checked in order; the first match names the input.
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF-", "PDF document"),
    (0, b"\x89PNG\r\n\x1a\n", "PNG image"),
    (0, b"\xff\xd8\xff", "JPEG image"),
    (0, b"GIF87a", "GIF image"),
    (0, b"GIF89a", "GIF image"),
    (0, b"BM", "BMP image"),
    (0, b"II*\x00", "TIFF image"),
    (0, b"MM\x00*", "TIFF image"),
    (0, b"\x00\x00\x01\x00", "icon image"),
    (0, b"PK\x03\x04", "zip archive (or docx/xlsx/epub)"),
    (0, b"PK\x05\x06", "empty zip archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (0, b"Rar!\x1a\x07", "RAR archive"),
    (0, b"BZh", "bzip2 archive"),
    (0, b"\xfd7zXZ\x00", "xz archive"),
    (0, b"\x28\xb5\x2f\xfd", "zstd archive"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document (doc/xls)"),
    (0, b"SQLite format 3\x00", "SQLite database"),
    (0, b"\x7fELF", "executable (ELF)"),
    (0, b"MZ", "executable (Windows)"),
    (0, b"\x00asm", "WebAssembly binary"),
    (0, b"OggS", "Ogg media"),
    (0, b"ID3", "MP3 audio"),
    (0, b"fLaC", "FLAC audio"),
    (0, b"wOFF", "web font"),
    (0, b"wOF2", "web font"),
    (4, b"ftyp", "MP4/MOV media"),
    (0, b"\x1a\x45\xdf\xa3", "Matroska/WebM media"),
    (0, b"%!PS", "PostScript document"),
)
_RIFF = {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}

GZIP_MAGIC = b"\x1f\x8b"
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# Bytes that occur in text in any encoding we read: everything but C0 controls (except tab,
# newline, form feed, carriage return, escape) and DEL. ``translate`` deletes these, leaving
# the control bytes to count.
_TEXT_BYTES = bytes(b for b in range(256) if b >= 0x20 and b != 0x7F) + b"\t\n\x0c\r\x1b"


def binary_kind(data: bytes) -> str | None:
    """What binary format ``data`` is, or None when it may be text."""
    if data.startswith(_TEXT_BOMS):
        return None
    if data.startswith(b"RIFF") and len(data) >= 12:
        return _RIFF.get(data[8:12], "RIFF media")
    for offset, magic, what in _MAGIC:
        if data.startswith(magic, offset):
            if magic == b"BM" and not _plausible_bmp(data):
                continue
            if magic == b"MZ" and b"\x00" not in data[:512]:
                continue  # "MZ…" may start a text line
            return what
    head = data[:8192]
    controls = len(head.translate(None, _TEXT_BYTES))
    if head and controls > len(head) // 100:
        return f"binary data ({controls / len(head):.0%} control bytes in the first 8 KB)"
    return None


def _plausible_bmp(data: bytes) -> bool:
    return len(data) >= 26 and data[6:10] == b"\x00\x00\x00\x00"


class TruncatedGzip(Exception):
    """The gzip stream ends early or is corrupt; ``recovered`` bytes came out before that."""

    def __init__(self, reason: str, recovered: int) -> None:
        super().__init__(f"{reason} ({recovered} bytes decompressed before the damage)")
        self.recovered = recovered


def gunzip(data: bytes, limit: int) -> bytes:
    """All members of a gzip file; raise TruncatedGzip on damage, ValueError over ``limit``."""
    out: list[bytes] = []
    total = 0
    rest = data
    while rest:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            chunk = inflater.decompress(rest, limit - total + 1)
        except zlib.error as exc:
            raise TruncatedGzip(f"corrupt gzip: {exc}", total) from None
        total += len(chunk)
        out.append(chunk)
        if total > limit:
            raise ValueError(f"decompresses to more than {limit // (1 << 20)} MB")
        if not inflater.eof:
            if inflater.unconsumed_tail:
                raise ValueError(f"decompresses to more than {limit // (1 << 20)} MB")
            raise TruncatedGzip("truncated gzip: the stream ends early", total)
        rest = inflater.unused_data
        if rest and not rest.startswith(GZIP_MAGIC):
            break  # trailing padding after the last member
    return b"".join(out)


def strip_gz(name: str) -> str:
    return name[:-3] if name.lower().endswith(".gz") else name


_CONTAINER_NAMES = (".jsonl", ".ndjson", ".warc", ".arc")


def is_container(name: str, head: bytes) -> bool:
    """A file holding many pages (crawler JSONL, WARC): by name, or by its first bytes."""
    if strip_gz(name.lower()).endswith(_CONTAINER_NAMES):
        return True
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"{", b"WARC/"))


_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9]{0,15})[^>]{0,65536}?(/?)>")
_VOID = frozenset(b"area base br col embed hr img input link meta param source track wbr".split())
_LONG_ATTR = re.compile(rb"""=\s*(?:"[^"]{1000000}|'[^']{1000000})""")
MAX_HTML_DEPTH = 256  # libxml2's default limit: deeper content is dropped by the parser


def html_hazard(data: bytes) -> str | None:
    """Why an HTML parser would lose this page's text, if a known limit explains it.

    Called only when a page gave no text, so the scan's cost does not matter.
    """
    if _LONG_ATTR.search(data):
        return "an attribute value over 1 MB (the parser drops the rest of the page)"
    depth = deepest = 0
    for m in _TAG.finditer(data):
        name = m.group(2).lower()
        if name in _VOID or m.group(3):
            continue
        depth = max(0, depth - 1) if m.group(1) else depth + 1
        deepest = max(deepest, depth)
    if deepest > MAX_HTML_DEPTH:
        return (f"HTML nested {deepest} levels deep (parsers stop at {MAX_HTML_DEPTH}; "
                "the text below is lost)")
    return None
