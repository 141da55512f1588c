"""Markdown / Hexo posts: YAML front matter, then a Markdown or HTML body."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.article import Article
from pipeline.stages.extract import metadata, site_of
from pipeline.stages.extract.text import fill_article

HTML_BODY = re.compile(r"<(?:p|div|br|h[1-6]|section|article|span|img)\b", re.IGNORECASE)
_MD_MARK = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?=\S))")

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
    title = meta.get("title")
    if isinstance(title, str) and title.strip():
        article.title = title.strip()
    for key in ("categories", "tags", "category", "tag"):
        value = meta.get(key)
        values = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        article.tags.extend(v for v in values if v and v not in article.tags)
    for key in ("date", "published", "publish_date", "pubDate"):
        if isinstance(meta.get(key), str) and meta[key]:
            article.published_at = metadata.parse_date(meta[key])  # type: ignore[arg-type]
            if article.published_at:
                break
    url = meta.get("url") or meta.get("link") or meta.get("source")
    if isinstance(url, str) and url.startswith("http") and not article.source.url:
        article.source.url = url
        article.source.site = site_of(url)
    if HTML_BODY.search(body):
        lines = html_fragment_lines(body, state, article)
    else:
        lines = [_MD_MARK.sub("", ln).strip() for ln in body.splitlines()]
    fill_article(article, [ln for ln in lines if ln], getattr(state, "line_rules", None),
                 has_title=article.title is not None)
    author = meta.get("author")
    if not article.authors and isinstance(author, str) and author.strip():
        article.authors = [author.strip()]
    yield article


def html_fragment_lines(body: str, state, article: Article) -> list[str]:
    """A post body written in HTML: pruned like a page, taken whole (it is the article)."""
    import lxml.html

    from pipeline.stages.extract.html import block_lines
    from pipeline.stages.extract.prune import prune

    try:
        root = lxml.html.fragment_fromstring(body, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return [ln.strip() for ln in body.splitlines()]
    rules = getattr(state, "prune_rules", None)
    if rules is not None:
        prune(root, rules, None, article.removed)
    return block_lines(root)
