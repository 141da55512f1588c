"""Plain-text renderings: one article per file, first short line as the title."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.article import Article

_END = "。！？!?…”」"


def looks_like_title(line: str) -> bool:
    return 0 < len(line) <= 64 and line[-1] not in _END


def read(text: str, ctx, state) -> Iterator[Article]:
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    article = ctx.article(0)
    if lines and looks_like_title(lines[0]):
        article.title = lines.pop(0)
    article.set_paragraphs(lines)
    yield article
