"""Crawler JSONL: one page per line, ``{url, html}`` or ``{url, title, content}``.

A broken line (bad JSON, not an object, no html/content) is skipped and its line number kept
in ``ctx.warnings`` for the manifest; a file with no usable line at all is an ``InputError``.
What the crawler recorded about the page (its author, outlet, date under the names crawlers
commonly give them) is taken as given: it beats what extraction would guess from the page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from pipeline.article import Article
from pipeline.errors import InputError
from pipeline.stages.extract import given
from pipeline.stages.extract.html import extract_html
from pipeline.stages.extract.markdown import HTML_BODY, html_fragment_lines
from pipeline.stages.extract.metadata import parse_date
from pipeline.stages.extract.text import fill_article

_HTML_KEYS = ("html", "raw_html", "body_html", "page")
_TEXT_KEYS = ("content", "text", "body", "article")
_DATE_KEYS = ("published_at", "publish_time", "pubtime", "pub_time", "pub_date", "pubdate",
              "publish_date", "published", "date_published", "datePublished", "release_time",
              "date", "time")
_AUTHOR_KEYS = ("authors", "author", "writer")
_EDITOR_KEYS = ("editors", "editor")
_PUBLISHER_KEYS = ("publisher", "source", "media", "site_name", "outlet")
def _record_metadata(record: dict, article: Article) -> None:
    """The crawler's own fields, ahead of any the page gave (names kept once, theirs first)."""
    for keys, field in ((_AUTHOR_KEYS, "authors"), (_EDITOR_KEYS, "editors")):
        named = given.names(record, keys)
        if named:
            found = getattr(article, field)
            setattr(article, field, named + [n for n in found if n not in named])
    article.publisher = given.outlet(record, _PUBLISHER_KEYS) or article.publisher


def read(text: str, ctx, state) -> Iterator[Article]:
    bad: list[int] = []
    good = 0
    index = 0
    for lineno, line in enumerate(text.splitlines(), getattr(ctx, "first_line", 1)):
        line = line.strip()
        if not line:
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError):  # RecursionError: nested too deep
            bad.append(lineno)
            continue
        html = given.first_str(record, _HTML_KEYS) if isinstance(record, dict) else None
        content = given.first_str(record, _TEXT_KEYS) if isinstance(record, dict) else None
        if not isinstance(record, dict) or not (html or content):
            bad.append(lineno)
            continue
        url = record.get("url") if isinstance(record.get("url"), str) else None
        article = ctx.article(index, url=url, fmt="jsonl")
        index += 1
        crawled = record.get("crawled_at") or record.get("fetch_time")
        if isinstance(crawled, str):
            article.source.crawled_at = crawled
        title = record.get("title")
        if isinstance(title, str) and title.strip():
            article.title = " ".join(title.split())
        date = given.first_str(record, _DATE_KEYS)
        if date:
            article.published_at = parse_date(date, article.source.crawled_at)
        if html:
            extract_html(html, article, state)
        elif HTML_BODY.search(content or ""):
            fill_article(article, html_fragment_lines(content, state, article),
                         getattr(state, "line_rules", None), has_title=article.title is not None)
        else:
            lines = [s for s in (ln.strip() for ln in str(content).splitlines()) if s]
            fill_article(article, lines, getattr(state, "line_rules", None),
                         has_title=article.title is not None)
        _record_metadata(record, article)
        good += 1
        yield article
    if bad:
        shown = ", ".join(map(str, bad[:10])) + (f" (+{len(bad) - 10} more)" if len(bad) > 10 else "")
        message = f"skipped {len(bad)} bad JSONL line(s): {shown}"
        ctx.warnings.append(message)
        if not good:
            raise InputError(f"no usable JSONL line; {message}")
