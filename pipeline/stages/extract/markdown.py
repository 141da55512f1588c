"""Markdown / Hexo posts: YAML front matter, then a Markdown or HTML body."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.article import Article
from pipeline.stages.extract.html import extract_html

_FRONT = re.compile(r"\A\s*---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def parse_front_matter(block: str) -> dict[str, object]:
    """A small YAML subset: ``key: value`` and ``key:`` followed by ``- item`` lines."""
    meta: dict[str, object] = {}
    key = None
    for raw in block.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        item = re.match(r"^\s*-\s+(.*)$", line)
        if item and key:
            value = meta.get(key)
            if not isinstance(value, list):
                value = [] if value in (None, "") else [value]
            value.append(_unquote(item.group(1)))
            meta[key] = value
            continue
        pair = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", line)
        if pair:
            key = pair.group(1)
            meta[key] = _unquote(pair.group(2))
    return meta


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value


def read(text: str, ctx, state) -> Iterator[Article]:
    meta: dict[str, object] = {}
    match = _FRONT.match(text)
    body = text
    if match:
        meta = parse_front_matter(match.group(1))
        body = text[match.end():]
    article = ctx.article(0)
    if isinstance(meta.get("title"), str):
        article.title = meta["title"]
    if "<p" in body or "<div" in body:
        extract_html(f"<html><body>{body}</body></html>", article)
        if isinstance(meta.get("title"), str):
            article.title = meta["title"]
    else:
        article.set_paragraphs([ln.strip() for ln in body.splitlines() if ln.strip()])
    for key in ("categories", "tags"):
        value = meta.get(key)
        if isinstance(value, list):
            article.tags.extend(v for v in value if v and v not in article.tags)
    if isinstance(meta.get("date"), str) and meta["date"]:
        article.published_at = meta["date"]
    yield article
