"""extract: bytes of one input file → Articles, with metadata.

The format is detected from content as well as the file name; each format has a reader module
with ``read(text, ctx, state) -> Iterator[Article]``. Decoding happens once, here.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pipeline.article import Article, Source, make_id
from pipeline.errors import SkipInput
from pipeline.stages.extract import frontmatter
from pipeline.stages.extract.decode import decode

FORMATS = ("html", "markdown", "text", "jsonl", "warc")


@dataclass
class InputContext:
    """What extract knows about the file besides its bytes."""

    path: str  # as given on the command line (for source.path)
    relpath: str  # relative to the input folder (for stable ids)
    encoding: str | None = None
    fmt: str | None = None
    # Problems that did not stop the file (e.g. skipped JSONL lines), for the manifest.
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
    prune_rules: Any = None
    two_extractors: bool = True
    line_rules: Any = None


def prepare(cfg: Any) -> ExtractState:
    from pipeline.config import ConfigError
    from pipeline.stages.extract.prune import compile_rules

    try:
        rules = compile_rules(cfg.lines("extract", "chrome_nodes_file"),
                              cfg.lines("extract", "spam_phrases_file"),
                              cfg.lines("extract", "site_rules_file"),
                              int(cfg.get("extract", "spam_min_hits")))
    except ValueError as exc:
        raise ConfigError(f"[extract] {exc}") from None
    from pipeline.stages.clean.lines import compile_line_rules

    return ExtractState(cfg, rules, bool(cfg.get("extract", "two_extractors")),
                        compile_line_rules(cfg))


_WARC_EXT = (".warc", ".warc.gz", ".arc", ".arc.gz")


def is_warc(name: str, data: bytes) -> bool:
    """WARC by name or by content (plain ``WARC/1.x`` header or a gzip member holding one)."""
    if name.lower().endswith(_WARC_EXT) or data[:8].startswith(b"WARC/"):
        return True
    if data[:2] == b"\x1f\x8b":
        import zlib

        try:
            head = zlib.decompressobj(31).decompress(data[:4096], 16)
        except zlib.error:
            return False
        return head.startswith(b"WARC/")
    return False


def detect_format(name: str, text: str) -> str:
    lower = name.lower()
    head = text[:2048].lstrip("\ufeff \t\r\n")
    if lower.endswith((".jsonl", ".ndjson")) or (head.startswith("{") and "\n{" in text[:200_000]):
        return "jsonl"
    if head.startswith("---") or lower.endswith((".md", ".markdown")) or (
            head.startswith("+++") and frontmatter.starts_with_front_matter(text)):
        return "markdown"
    low = head[:1024].lower()
    if lower.endswith((".html", ".htm", ".xhtml", ".shtml")) or low.startswith(
        ("<!doctype html", "<html", "<?xml", "<head", "<meta")
    ) or _looks_like_page(low):
        return "html"
    return "text"


def _looks_like_page(low: str) -> bool:
    """A page saved without a doctype: markup within the first KB and a body or paragraphs."""
    return low.startswith("<") and ("<body" in low or "<p" in low or "<div" in low)


def format_by_name(path: str) -> str:
    """The format ``path``'s name suggests (a gzipped file by the name inside)."""
    from pipeline.sniff import strip_gz

    return "warc" if is_warc(path, b"") else detect_format(strip_gz(path), "")


def expect(paths: Iterable[str]) -> None:
    """A run is about to read ``paths``: import now the readers their names suggest, before
    workers fork, so that the workers share them instead of each importing its own (the HTML
    reader's trafilatura and readability take about 0.3 s, the metadata patterns 0.05 s to
    compile; WARC records are pages). Crawler JSONL may hold text or pages, and importing
    trafilatura for text records would only add 15 MB to every worker. A name that misleads
    costs only that import in each worker, as before."""
    formats: set[str] = set()
    for path in paths:
        formats.add(format_by_name(path))
        if len(formats) == len(FORMATS):  # every reader asked for already
            break
    for fmt in sorted(formats):
        reader = importlib.import_module(f"pipeline.stages.extract.{fmt}")
        preload = getattr(reader, "preload", None)
        if preload is not None:
            preload()


# Text in a saved news page, as a share of its bytes: the portal pages of the evaluation set
# hold about 1/36 (0.72 MB of article text in 26 MB of HTML, measured); the rest is markup,
# scripts and site chrome.
PAGE_TEXT_SHARE = 1 / 30
# Bytes of input a gzipped byte stands for, at least (news text and pages compress 3-6x).
GZIP_RATIO = 3


def expected_text(path: str, size: int) -> int:
    """About how many bytes of article text ``size`` bytes of input at ``path`` hold, judged by
    its name: what the stages' ``expect`` weigh (a 26 MB folder of pages is less text to cut
    than a 2 MB text dump). Crawler JSONL may hold pages or text: counted as text."""
    from pipeline.sniff import strip_gz

    share = GZIP_RATIO if strip_gz(path) != path else 1
    if format_by_name(path) in ("warc", "html"):
        share *= PAGE_TEXT_SHARE
    return int(size * share)


def extract(data: bytes, ctx: InputContext, state: ExtractState) -> Iterator[Article]:
    """All articles in one input file, in file order."""
    if not data.strip():
        raise SkipInput("empty file")
    if is_warc(ctx.path, data):
        from pipeline.stages.extract import warc

        ctx.fmt = "warc"
        yield from _titled(warc.read(data, ctx, state))
        return
    if _binary(data):
        raise SkipInput("binary file (not text, HTML, JSONL or WARC)")
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
    yield from _titled(reader.read(text, ctx, state))


def _titled(articles: Iterator[Article]) -> Iterator[Article]:
    """Each article with its title made whole where a portal cut it short."""
    from pipeline.stages.extract.metadata import whole_title

    for article in articles:
        article.title = whole_title(article.title, article.paragraphs)
        yield article


def _binary(data: bytes) -> bool:
    """NUL bytes or mostly control bytes in the first 8 KB (UTF-16 with a BOM is text)."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in head:
        return True
    ctrl = len(head.translate(None, _NOT_CONTROL))  # C-level count of the control bytes
    return ctrl > 0.05 * len(head)


# Every byte but the control bytes that do not occur in text (below 9, 14..31).
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 9 or 13 < b < 32))
