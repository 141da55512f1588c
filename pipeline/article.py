"""The Article record: the one shape that flows between every stage and lands on disk.

Field names are a contract with downstream code (indexers, NLP jobs); add fields, never rename.
The same Struct is the JSONL line between stage commands and the per-article JSON file, and
``article.schema.json`` beside this module is generated from it (see ``schema()``).
"""

from __future__ import annotations

import hashlib
import json
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


def to_json_file(article: Article) -> bytes:
    """Indented JSON for the per-article file, token arrays kept on one line each;
    deterministic byte for byte."""
    parts = []
    for name, key, one_line in _FILE_FIELDS:
        value = _encoder.encode(getattr(article, name))
        if not one_line and len(value) > 2:  # [] {} "" and scalars need no indenting
            value = msgspec.json.format(value, indent=2).replace(b"\n", b"\n  ")
        parts.append(key + value)
    return b"{\n" + b",\n".join(parts) + b"\n}\n"


def to_dict(article: Article) -> dict[str, Any]:
    return msgspec.to_builtins(article)


def schema() -> dict[str, Any]:
    """JSON Schema generated from the Struct definitions."""
    return msgspec.json.schema(Article)


def shipped_schema() -> dict[str, Any]:
    """The schema file shipped in the package (tests check it matches ``schema()``)."""
    text = resources.files("pipeline").joinpath("article.schema.json").read_text("utf-8")
    return json.loads(text)
