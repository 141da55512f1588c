"""HTML pages: trafilatura on the decoded text (never raw bytes), metadata from its result."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.article import Article


def extract_html(html: str, article: Article) -> Article:
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, include_comments=False, with_metadata=True, favor_precision=False,
        deduplicate=False, as_dict=True,
    )
    if not doc:
        return article
    body = doc.get("text") or ""
    article.title = article.title or doc.get("title")
    if doc.get("author"):
        article.authors = [a.strip() for a in doc["author"].split(";") if a.strip()]
    article.publisher = article.publisher or doc.get("sitename")
    article.published_at = article.published_at or doc.get("date")
    if doc.get("url") and not article.source.url:
        article.source.url = doc["url"]
    article.set_paragraphs([p.strip() for p in body.splitlines() if p.strip()])
    return article


def read(text: str, ctx, state) -> Iterator[Article]:
    yield extract_html(text, ctx.article(0))
