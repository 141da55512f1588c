"""The Article record: the one shape that flows between every stage and lands on disk.

Field names are a contract with downstream code (indexers, NLP jobs); add fields, never rename.
The same Struct is the JSONL line between stage commands and the per-article JSON file, and
``article.schema.json`` beside this module is generated from it (see ``schema()``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from importlib import resources
from typing import Any

import msgspec

ID_HEX_CHARS = 16


class Source(msgspec.Struct, kw_only=True, omit_defaults=False):
    """Where an article came from; ``path`` is as given on the command line."""

    path: str
    format: str
    index: int = 0
    url: str | None = None
    site: str | None = None
    encoding: str | None = None
    crawled_at: str | None = None


class Script(msgspec.Struct, kw_only=True):
    """Script detection and conversion result: simplified / traditional / mixed / none."""

    detected: str = "unknown"
    profile: str | None = None
    converted_chars: int = 0


class Repair(msgspec.Struct, kw_only=True):
    """One character-level edit: ``paragraph`` index (-1 = title) and ``offset`` in it."""

    paragraph: int
    offset: int
    from_: str = msgspec.field(name="from")
    to: str
    rule: str
    confidence: float = 1.0


class Removal(msgspec.Struct, kw_only=True):
    """Text that clean (or extract) took out, with the reason, for audit."""

    reason: str
    text: str


class Keyword(msgspec.Struct, kw_only=True):
    word: str
    weight: float


class Original(msgspec.Struct, kw_only=True):
    """Title and paragraphs before convert/repair touched them."""

    title: str | None = None
    paragraphs: list[str] = msgspec.field(default_factory=list)


class PipelineInfo(msgspec.Struct, kw_only=True):
    version: str = ""
    config_hash: str = ""
    dict_hash: str = ""


class Article(msgspec.Struct, kw_only=True):
    """One news article. ``paragraphs`` is the final text; ``text`` is them joined by newlines."""

    id: str
    source: Source
    title: str | None = None
    authors: list[str] = msgspec.field(default_factory=list)
    editors: list[str] = msgspec.field(default_factory=list)
    publisher: str | None = None
    published_at: str | None = None
    tags: list[str] = msgspec.field(default_factory=list)
    paragraphs: list[str] = msgspec.field(default_factory=list)
    text: str = ""
    tokens: list[list[str]] = msgspec.field(default_factory=list)
    token_offsets: list[list[list[int]]] = msgspec.field(default_factory=list)
    keywords: list[Keyword] = msgspec.field(default_factory=list)
    script: Script = msgspec.field(default_factory=Script)
    repairs: list[Repair] = msgspec.field(default_factory=list)
    removed: list[Removal] = msgspec.field(default_factory=list)
    original: Original = msgspec.field(default_factory=Original)
    duplicate_of: str | None = None
    cluster: str | None = None
    scores: dict[str, float] = msgspec.field(default_factory=dict)
    pipeline: PipelineInfo = msgspec.field(default_factory=PipelineInfo)

    def set_paragraphs(self, paragraphs: list[str]) -> None:
        """Replace the body, keeping ``text`` in step with it."""
        self.paragraphs = paragraphs
        self.text = "\n".join(paragraphs)


_tokens_encoder = msgspec.msgpack.Encoder()
_tokens_decoder = msgspec.msgpack.Decoder(list[list[str]])


class LightArticle(msgspec.Struct, kw_only=True, dict=True):
    """The fields of an article that ``zhnews run``'s one serial process reads or sets
    (numbering, dedup, run-wide words and keywords), sent beside the article's file as a
    worker rendered it: the driver then neither decodes nor re-encodes the rest, and
    re-renders only these fields in the file (:func:`set_file_fields`).

    The tokens travel as msgpack and are decoded on first use: the driver needs them only
    for an article it learns words from, merges words in or gives run-wide keywords, and a
    repost before the run's IDF is ready is none of these (their decoding was a tenth of the
    driver's work on a dump of reposts)."""

    id: str
    source: Source
    published_at: str | None = None
    wire_tokens: msgspec.Raw = msgspec.Raw(b"\x90")  # msgpack of list[list[str]]
    keywords: list[Keyword] = msgspec.field(default_factory=list)
    duplicate_of: str | None = None
    cluster: str | None = None
    scores: dict[str, float] = msgspec.field(default_factory=dict)

    @property
    def tokens(self) -> list[list[str]]:
        held = self.__dict__.get("_tokens")
        if held is None:
            held = self.__dict__["_tokens"] = _tokens_decoder.decode(self.wire_tokens)
        return held

    @tokens.setter
    def tokens(self, value: list[list[str]]) -> None:
        self.__dict__["_tokens"] = value

    def tokens_read(self) -> bool:
        """Whether ``tokens`` was read (or set): only then can it differ from the file's."""
        return "_tokens" in self.__dict__


# The article fields a LightArticle carries (its wire_tokens are the article's tokens).
LIGHT_FIELDS = tuple("tokens" if name == "wire_tokens" else name
                     for name in LightArticle.__struct_fields__)


def light(article: Article) -> LightArticle:
    """``article``'s light part (sharing its values, not copies; the tokens encoded)."""
    return LightArticle(wire_tokens=msgspec.Raw(_tokens_encoder.encode(article.tokens)),
                        **{name: getattr(article, name)
                           for name in LIGHT_FIELDS if name != "tokens"})


def make_id(url: str | None, relpath: str, index: int) -> str:
    """Stable hex id: from the URL when known, else from the input-relative path and index."""
    key = f"url:{url.strip()}" if url else f"path:{relpath}#{index}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:ID_HEX_CHARS]


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Article)


def to_json_line(article: Article) -> bytes:
    """Compact one-line JSON (UTF-8, Chinese unescaped) for JSONL streams."""
    return _encoder.encode(article)


def from_json_line(line: bytes | str) -> Article:
    return _decoder.decode(line)


# Fields written on one line each in the per-article file: a value per token, so indenting
# them (four lines per token offset) made files ten times the size of their text.
_ONE_LINE = frozenset({"tokens", "token_offsets"})
_FILE_FIELDS = [(f.name, b"  " + _encoder.encode(f.encode_name) + b": ", f.name in _ONE_LINE)
                for f in msgspec.structs.fields(Article)]
_FIELD_ORDER = {name: i for i, (name, _key, _one) in enumerate(_FILE_FIELDS)}


def _file_field(key: bytes, one_line: bool, value: Any) -> bytes:
    data = _encoder.encode(value)
    if not one_line and len(data) > 2:  # [] {} "" and scalars need no indenting
        data = msgspec.json.format(data, indent=2).replace(b"\n", b"\n  ")
    return key + data


def to_json_file(article: Article) -> bytes:
    """Indented JSON for the per-article file, token arrays kept on one line each;
    deterministic byte for byte."""
    parts = [_file_field(key, one_line, getattr(article, name))
             for name, key, one_line in _FILE_FIELDS]
    return b"{\n" + b",\n".join(parts) + b"\n}\n"


# The fields of an article file that ``zhnews run``'s serial process may set after a worker
# rendered it: numbering, dedup, run-wide keywords.
DRIVER_FIELDS = ("id", "source", "keywords", "duplicate_of", "cluster", "scores")


class FileOnDisk(msgspec.Struct, array_like=True):
    """An article's file as a worker wrote it to a temp file in the output folder, for the
    driver to patch and rename into place: the file's bytes then never cross a pipe, and the
    driver writes only from the first field it changes to the end (on a dump of reposts, the
    dedup fields: 270 of 48k bytes). ``starts``: where each top-level field's piece starts,
    in file order; ``pieces``: the pieces of :data:`DRIVER_FIELDS` as the worker rendered
    them (what the driver compares its values with)."""

    path: str
    size: int
    starts: list[int]
    pieces: list[bytes]

    def _end(self, i: int) -> int:
        return self.starts[i + 1] - 2 if i + 1 < len(self.starts) else self.size - 3

    def read(self) -> bytes:
        with open(self.path, "rb") as fh:
            data = fh.read()
        if len(data) != self.size:
            raise OSError(f"{self.path}: changed since a worker wrote it")
        return data

    def fields(self, names: tuple[str, ...]) -> dict[str, Any] | None:
        """Top-level fields ``names`` (neighbours in file order), read and decoded alone."""
        first, last = _FIELD_ORDER[names[0]], _FIELD_ORDER[names[-1]]
        start, end = self.starts[first], self._end(last)
        with open(self.path, "rb") as fh:
            fh.seek(start)
            span = fh.read(end - start)
        fields = _FILE_FIELDS[first:last + 1]
        return _decode_span(span, names, (0, len(span), fields))

    def patch(self, source: Any, names: tuple[str, ...]) -> None:
        """Set fields ``names`` to ``source``'s values in place: byte for byte the file
        :func:`to_json_file` writes for the article with those values (see
        :func:`set_file_fields`). Nothing is written when no piece changes."""
        changed: dict[int, bytes] = {}
        for name in names:
            i = _FIELD_ORDER[name]
            _name, key, one_line = _FILE_FIELDS[i]
            piece = _file_field(key, one_line, getattr(source, name))
            k = _DRIVER_INDEX.get(name)
            if k is None or self.pieces[k] != piece:
                changed[i] = piece
        if not changed:
            return
        first = min(changed)
        at = self.starts[first]
        fd = os.open(self.path, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
        try:
            tail = os.pread(fd, self.size - at, at)
            if len(tail) != self.size - at:
                raise OSError(f"{self.path}: changed since a worker wrote it")
            out = [changed.get(i) or tail[self.starts[i] - at:self._end(i) - at]
                   for i in range(first, len(self.starts))]
            data = b",\n".join(out) + b"\n}\n"
            done = 0
            while done < len(data):
                done += os.pwrite(fd, memoryview(data)[done:], at + done)
            os.ftruncate(fd, at + len(data))
        finally:
            os.close(fd)
        self.size = at + len(data)


_DRIVER_INDEX = {name: k for k, name in enumerate(DRIVER_FIELDS)}


def render_file(article: Article) -> tuple[bytes, list[int]]:
    """:func:`to_json_file` and where each top-level field's piece starts in it."""
    parts = [_file_field(key, one_line, getattr(article, name))
             for name, key, one_line in _FILE_FIELDS]
    starts, at = [], 2  # after "{\n"
    for part in parts:
        starts.append(at)
        at += len(part) + 2  # and ",\n"
    return b"{\n" + b",\n".join(parts) + b"\n}\n", starts


def write_file_to(folder: str, article: Article) -> FileOnDisk:
    """Render ``article``'s file into a new temp file in ``folder`` (a worker's part)."""
    from pipeline.io import write_temp

    data, starts = render_file(article)
    pieces = [data[starts[i]:(starts[i + 1] - 2)] for i in map(_FIELD_ORDER.__getitem__,
                                                                 DRIVER_FIELDS)]
    return FileOnDisk(write_temp(folder, data), len(data), starts, pieces)


def _file_span(data: bytes, names: tuple[str, ...], at: int = 0) -> tuple[int, int, list] | None:
    """Where top-level fields ``names`` (neighbours, in file order) sit in ``data``, a file
    :func:`to_json_file` wrote: (start, end, their _FILE_FIELDS rows), None if not found.
    ``at``: where to start looking (the end of an earlier field's span).

    Top-level keys start a line after two spaces of indent; a string value cannot hold a
    raw line break and nested keys are indented further, so the span is found by search.
    """
    first = _FIELD_ORDER[names[0]]
    fields = _FILE_FIELDS[first:first + len(names)]
    if tuple(f[0] for f in fields) != names:
        raise ValueError(f"not neighbouring fields of the article file: {names}")
    lead = b"{\n" if first == 0 else b",\n"
    start = data.find(lead + fields[0][1], at)
    if start < 0 or (first == 0 and start != 0):
        return None
    start += len(lead)
    after = first + len(names)
    if after < len(_FILE_FIELDS):
        end = data.find(b",\n" + _FILE_FIELDS[after][1], start)
    else:
        end = len(data) - 3 if data.endswith(b"\n}\n") else -1
    return None if end < 0 else (start, end, fields)


def _decode_span(data: bytes, names: tuple[str, ...],
                 span: tuple[int, int, list] | None) -> dict[str, Any] | None:
    if span is None:
        return None
    start, end, _fields = span
    try:
        values = msgspec.json.decode(b"{" + data[start:end] + b"}")
    except msgspec.DecodeError:
        return None
    if not isinstance(values, dict) or list(values) != list(names):
        return None
    return values


def file_fields(data: bytes, names: tuple[str, ...]) -> dict[str, Any] | None:
    """Top-level fields ``names`` (neighbours in file order) of a file :func:`to_json_file`
    wrote, decoded without the rest; None when ``data`` is not laid out that way."""
    return _decode_span(data, names, _file_span(data, names))


def edit_file_fields(data: bytes, names: tuple[str, ...],
                     edit: Callable[[dict[str, Any]], None]) -> bytes | None:
    """``data``, a file :func:`to_json_file` wrote, with top-level fields ``names`` (next to
    each other in the file) changed by ``edit`` (given them as a dict), the rest untouched
    and not decoded: what the same edit on the decoded article would write, at a fraction of
    the cost. None when ``data`` is not laid out that way."""
    span = _file_span(data, names)
    values = _decode_span(data, names, span)
    if span is None or values is None:
        return None
    start, end, fields = span
    edit(values)
    body = b",\n".join(_file_field(key, one_line, values[name])
                       for name, key, one_line in fields)
    return data[:start] + body + data[end:]


def set_file_fields(data: bytes, source: Any, names: tuple[str, ...]) -> bytes | None:
    """``data``, a file :func:`to_json_file` wrote, with top-level fields ``names`` set to
    ``source``'s values of them (any fields, in any order), the rest untouched: byte for
    byte what :func:`to_json_file` writes for an article with those values. None when
    ``data`` is not laid out that way."""
    order = sorted(names, key=_FIELD_ORDER.__getitem__)
    runs: list[list[str]] = []
    for name in order:
        if runs and _FIELD_ORDER[name] == _FIELD_ORDER[runs[-1][-1]] + 1:
            runs[-1].append(name)
        else:
            runs.append([name])
    pieces: list[bytes] = []
    at = 0
    for run in runs:  # in file order: each span is looked for after the one before
        span = _file_span(data, tuple(run), at)
        if span is None:
            return None
        start, end, fields = span
        pieces.append(data[at:start])
        pieces.append(b",\n".join(_file_field(key, one_line, getattr(source, name))
                                  for name, key, one_line in fields))
        at = end
    pieces.append(data[at:])
    return b"".join(pieces)


def to_dict(article: Article) -> dict[str, Any]:
    return msgspec.to_builtins(article)


def schema() -> dict[str, Any]:
    """JSON Schema generated from the Struct definitions."""
    return msgspec.json.schema(Article)


def shipped_schema() -> dict[str, Any]:
    """The schema file shipped in the package (tests check it matches ``schema()``)."""
    text = resources.files("pipeline").joinpath("article.schema.json").read_text("utf-8")
    return json.loads(text)
