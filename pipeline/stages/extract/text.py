"""Plain-text inputs: single articles, page renderings saved as text, multi-article dumps.

A dump of several articles (sample 000) is a hashtag line (the topic, kept as a tag) and then
pairs of a short title line and a one-line body; bodies often end with the outlet in
parentheses, "(量子位)". Anything else is one article: leading chrome lines are skipped
(clean removes them for good), the first remaining line is the title if it reads like one,
and bylines near the top and bottom give authors, editors, outlet and date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pipeline.article import Article, Removal
from pipeline.stages.extract import metadata
from pipeline.stages.extract.spacing import tighten

_END = "。！？!?…”」』"
_HASHTAG = re.compile(r"^#\s*([^\s#]{1,30})\s*$")
# Section markers inside a collapsed one-line body, "… 找上門。- 01 -國產GPU人才…".
_SECTION = re.compile(r"\s*(?=-\s?\d{1,2}\s?-)")
# A one-line body in a dump is at least this long; a title at most TITLE_MAX.
DUMP_BODY_MIN = 300
TITLE_MAX = 64
BYLINE_LINES = 6


def looks_like_title(line: str) -> bool:
    return 0 < len(line) <= TITLE_MAX and line[-1] not in _END and not metadata.is_byline_line(line)


def _lines(text: str) -> list[str]:
    return [s for s in (ln.strip() for ln in text.splitlines()) if s]


def dump_starts(lines: list[str]) -> list[int]:
    """Indices of title lines that start articles in a multi-article dump (empty if not one)."""
    starts = [i for i in range(len(lines) - 1)
              if looks_like_title(lines[i]) and len(lines[i + 1]) >= DUMP_BODY_MIN]
    long_lines = sum(1 for ln in lines if len(ln) >= DUMP_BODY_MIN)
    if len(starts) >= 2 and len(starts) >= long_lines - 1:
        return starts
    return []


def read(text: str, ctx, state) -> Iterator[Article]:
    lines = _lines(text)
    rules = getattr(state, "line_rules", None)
    starts = dump_starts(lines)
    if not starts:
        article = ctx.article(0)
        fill_article(article, lines, rules)
        yield article
        return
    tags = [m[1] for ln in lines[: starts[0]] if (m := _HASHTAG.match(ln))]
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        article = ctx.article(n)
        article.title = lines[start]
        article.tags = list(tags)
        body = lines[start + 1:end]
        if body:
            outlet = metadata.trailing_outlet(body[0])
            if outlet:
                article.publisher = outlet
                cut = body[0].rstrip()
                body[0] = cut[: cut.rfind("(") if cut.rfind("(") > cut.rfind("（")
                              else cut.rfind("（")].rstrip()
                article.removed.append(Removal(reason="outlet", text=f"({outlet})"))
        body = [part for line in body for part in _SECTION.split(line) if part.strip()]
        fill_article(article, body, rules, has_title=True)
        yield article


def fill_article(article: Article, lines: list[str], rules: Any = None,
                 has_title: bool = False) -> Article:
    """Title, bylines and date from one article's lines; the rest becomes the body."""
    lines = list(lines)
    if not has_title:
        for i, line in enumerate(lines[:12]):
            if rules is not None and rules.classify(line):
                continue
            if _HASHTAG.match(line):
                article.tags.append(_HASHTAG.match(line)[1])
                article.removed.append(Removal(reason="hashtag", text=line))
                lines[i] = ""
                continue
            if looks_like_title(line):
                article.title = line
                lines[i] = ""
            break
    lines = [ln for ln in lines if ln]
    found = metadata.Byline()
    kept: list[str] = []
    # Position among lines that are not chrome: leading chrome must not push bylines out.
    content = [rules is None or not rules.classify(ln) for ln in lines]
    rank, n = [], sum(content)
    for flag in content:
        rank.append((rank[-1] if rank else 0) + (1 if flag else 0))
    dated_at_top = bool(article.published_at)
    for i, line in enumerate(lines):
        edge = rank[i] <= BYLINE_LINES or rank[i] > n - BYLINE_LINES
        if not dated_at_top and article.published_at and rank[i] <= BYLINE_LINES:
            dated_at_top = True
        if edge and len(line) <= 80 and metadata.scan_byline(line, found) \
                and metadata.is_byline_line(line):
            article.removed.append(Removal(reason="byline", text=line))
            if not article.published_at:
                article.published_at = metadata.dateline_date(line)
            continue
        # at the foot, "鳳眼論" then "2026-02-16 22:50:18" is a related item's source and time
        listed = rank[i] > BYLINE_LINES and i and len(lines[i - 1]) <= 12 \
            and metadata.is_date_only(line)
        if edge and not article.published_at and len(line) <= 40 and not listed:
            iso = metadata.dateline_date(line)
            if iso:
                article.published_at = iso
                article.removed.append(Removal(reason="dateline", text=line))
                continue
        kept.append(line)
    if kept:  # 新华社北京3月5日电（记者 …）opening the lede
        metadata.wire_credit(kept[0], found)
    for line in kept[-2:]:  # editor notes: 本文来自微信公众号“…”，作者：…
        metadata.scan_byline(line, found)
    article.authors = article.authors or found.authors
    article.editors = article.editors or found.editors
    article.publisher = article.publisher or found.publisher \
        or (metadata.dateline_outlet(kept[0]) if kept else None)
    # The stamp over the writer's card beats a bare time near the foot (a related item's).
    signed = _signed_time(lines, article.authors + [article.publisher or ""])
    if signed and (not article.published_at or not dated_at_top):
        article.published_at = signed
    article.set_paragraphs([tighten(p) for p in kept])
    return article


def _signed_time(lines: list[str], names: list[str]) -> str | None:
    """A bare time stamp directly above the article's own author or outlet name.

    NetEase renders a post's info bar as "2026-02-17 16:23:01" over the writer's card
    ("鋅產業 …"); related items print their source first and their time after it, so a time
    followed by the name the byline gave is the article's own.
    """
    names = [n for n in names if len(n) >= 2]
    if not names:
        return None
    for line, nxt in zip(lines, lines[1:]):
        if nxt.startswith(tuple(names)) and metadata.is_date_only(line):
            iso = metadata.dateline_date(line)
            if iso:
                return iso
    return None
