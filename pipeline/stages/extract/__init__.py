"""extract: bytes of one input file → Articles, with metadata.

The format is detected from content as well as the file name; each format has a reader module
with ``read(text, ctx, state) -> Iterator[Article]``. Decoding happens once, here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pipeline.article import Article, Source, make_id
from pipeline.errors import SkipInput
from pipeline.stages.extract.decode import decode

FORMATS = ("html", "markdown", "text", "jsonl")


@dataclass
class InputContext:
    """What extract knows about the file besides its bytes."""

    path: str  # as given on the command line (for source.path)
    relpath: str  # relative to the input folder (for stable ids)
    encoding: str | None = None
    fmt: str | None = None
    # Parts of the input a reader passed over ("line 7: invalid JSON"); the manifest lists them.
    warnings: list[str] = field(default_factory=list)

    def article(self, index: int, url: str | None = None, fmt: str | None = None) -> Article:
        source = Source(path=self.path, format=fmt or self.fmt or "text", index=index,
                        url=url, site=site_of(url), encoding=self.encoding)
        return Article(id=make_id(url, self.relpath, index), source=source)


def site_of(url: str | None) -> str | None:
    if not url:
        return None
    from urllib.parse import urlsplit

    host = urlsplit(url.strip()).hostname
    return host.lower() if host else None


@dataclass
class ExtractState:
    cfg: Any


def prepare(cfg: Any) -> ExtractState:
    return ExtractState(cfg)


def detect_format(name: str, text: str) -> str:
    lower = name.lower()
    head = text[:2048].lstrip("\ufeff \t\r\n")
    if lower.endswith((".jsonl", ".ndjson")) or (head.startswith("{") and "\n{" in text[:200_000]):
        return "jsonl"
    if head.startswith("---") or lower.endswith((".md", ".markdown")):
        return "markdown"
    low = head[:1024].lower()
    if lower.endswith((".html", ".htm", ".xhtml", ".shtml")) or low.startswith(
        ("<!doctype html", "<html", "<?xml")
    ):
        return "html"
    return "text"


def extract(data: bytes, ctx: InputContext, state: ExtractState) -> Iterator[Article]:
    """All articles in one input file, in file order."""
    if not data.strip():
        raise SkipInput("empty file")
    text, encoding = decode(data)
    ctx.encoding = encoding
    ctx.fmt = detect_format(ctx.path, text)
    if ctx.fmt == "jsonl":
        from pipeline.stages.extract import jsonl as reader
    elif ctx.fmt == "markdown":
        from pipeline.stages.extract import markdown as reader
    elif ctx.fmt == "html":
        from pipeline.stages.extract import html as reader
    else:
        from pipeline.stages.extract import text as reader
    yield from reader.read(text, ctx, state)
