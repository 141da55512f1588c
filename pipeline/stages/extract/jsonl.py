"""Crawler JSONL: one page per line, ``{url, html}`` or ``{url, title, content}``."""

from __future__ import annotations

import json
from collections.abc import Iterator

from pipeline.article import Article
from pipeline.stages.extract.html import extract_html


def read(text: str, ctx, state) -> Iterator[Article]:
    index = 0
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            ctx.warnings.append(f"line {number}: invalid JSON ({_reason(exc)}), skipped")
            index += 1
            continue
        if not isinstance(record, dict):
            ctx.warnings.append(f"line {number}: not a JSON object, skipped")
            index += 1
            continue
        url = record.get("url") if isinstance(record.get("url"), str) else None
        article = ctx.article(index, url=url, fmt="jsonl")
        index += 1
        html = record.get("html")
        if isinstance(html, str) and html.strip():
            extract_html(html, article)
        else:
            content = record.get("content") or record.get("text") or ""
            article.set_paragraphs([p.strip() for p in str(content).splitlines() if p.strip()])
        if isinstance(record.get("title"), str) and record["title"].strip():
            article.title = record["title"].strip()
        yield article


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg}, column {exc.colno}"
    return "nested too deep"
