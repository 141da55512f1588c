"""Markdown posts (Hexo, Jekyll, Hugo): front matter, then a Markdown or HTML body."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.article import Article, Removal
from pipeline.stages.extract import frontmatter, given, metadata, site_of
from pipeline.stages.extract.text import fill_article

HTML_BODY = re.compile(r"<(?:p|div|br|h[1-6]|section|article|span|img)\b", re.IGNORECASE)
_MD_MARK = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?=\S))")

# What a post's front matter names: it fills what the body's own bylines and datelines leave
# open (a mirror's front matter often names the blog, not the writer: author: 36kr).
_DATE_KEYS = ("date", "published", "publishDate", "publish_date", "pubDate", "pub_date",
              "published_at", "datePublished", "created")
_AUTHOR_KEYS = ("authors", "author", "writer")
_EDITOR_KEYS = ("editors", "editor")
_PUBLISHER_KEYS = ("publisher", "source", "media", "outlet")
_URL_KEYS = ("url", "link", "source", "source_url", "original", "canonical", "canonicalURL")
_TAG_KEYS = ("categories", "tags", "category", "tag", "keywords")


def read(text: str, ctx, state) -> Iterator[Article]:
    meta: frontmatter.Fields = {}
    body = text
    front = frontmatter.split(text)
    if front is not None:
        meta, body = front
    article = ctx.article(0)
    title = meta.get("title")
    if isinstance(title, str) and title.strip():
        article.title = " ".join(title.split())
    for key in _TAG_KEYS:
        value = meta.get(key)
        values = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        article.tags.extend(v for v in values if v and v not in article.tags)
    for key in _DATE_KEYS:
        if isinstance(meta.get(key), str) and meta[key]:
            article.published_at = metadata.parse_date(meta[key])
            if article.published_at:
                break
    url = given.web_url(meta, _URL_KEYS)
    if url and not article.source.url:
        article.source.url = url
        article.source.site = site_of(url)
    if HTML_BODY.search(body):
        lines = html_fragment_lines(body, state, article)
    else:
        lines = [_MD_MARK.sub("", ln).strip() for ln in body.splitlines()]
    lines = [ln for ln in lines if ln]
    if article.title and lines and " ".join(lines[0].split()) == article.title:
        article.removed.append(Removal(reason="title", text=lines.pop(0)))  # "# the title"
    fill_article(article, lines, getattr(state, "line_rules", None),
                 has_title=article.title is not None)
    article.authors = article.authors or given.names(meta, _AUTHOR_KEYS)
    article.editors = article.editors or given.names(meta, _EDITOR_KEYS)
    article.publisher = article.publisher or given.outlet(meta, _PUBLISHER_KEYS)
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
