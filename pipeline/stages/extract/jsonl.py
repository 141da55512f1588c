"""Crawler JSONL: one page per line, ``{url, html}`` or ``{url, title, content}``.

A broken line (bad JSON, not an object, no html/content) is skipped and its line number kept
in ``ctx.warnings`` for the manifest; a file with no usable line at all is an ``InputError``.
What the crawler recorded about the page (its author, outlet, date under the names crawlers
commonly give them) is taken as given: it beats what extraction would guess from the page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from pipeline.article import Article
from pipeline.errors import InputError
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
# Between names in one field: 张三、李四 / 张三,李四, and spaces between Chinese names only
# (张三 李四, but John Smith); a label before them (作者：)
_NAME_SEP = re.compile(r"\s*[、，,;；/|｜]\s*")
_HAN_NAMES = re.compile(r"[\u3400-\u9fff·•]+(?:\s+[\u3400-\u9fff·•]+)+")
_NAME_LABEL = re.compile(r"^(?:作者|記者|记者|文|编辑|編輯|责任编辑|責任編輯|来源|來源)\s*[:：|｜]?\s*")
_NAME_MAX = 30  # longer is a sentence, not a name


def _first_str(record: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _names(record: dict, keys: tuple[str, ...]) -> list[str]:
    """The names under the first of ``keys`` the record has (a string or a list of them)."""
    for key in keys:
        value = record.get(key)
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        names: list[str] = []
        for item in items:
            if not isinstance(item, str):
                continue
            for part in _NAME_SEP.split(_NAME_LABEL.sub("", item.strip())):
                for name in part.split() if _HAN_NAMES.fullmatch(part) else [part.strip()]:
                    if name and len(name) <= _NAME_MAX and name not in names:
                        names.append(name)
        if names:
            return names
    return []


def _record_metadata(record: dict, article: Article) -> None:
    """The crawler's own fields, ahead of any the page gave (names kept once, theirs first)."""
    for keys, field in ((_AUTHOR_KEYS, "authors"), (_EDITOR_KEYS, "editors")):
        given = _names(record, keys)
        if given:
            found = getattr(article, field)
            setattr(article, field, given + [n for n in found if n not in given])
    publisher = _first_str(record, _PUBLISHER_KEYS)
    if publisher and len(publisher.strip()) <= _NAME_MAX and "://" not in publisher:
        article.publisher = publisher.strip()


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
        html = _first_str(record, _HTML_KEYS) if isinstance(record, dict) else None
        content = _first_str(record, _TEXT_KEYS) if isinstance(record, dict) else None
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
        date = _first_str(record, _DATE_KEYS)
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
