"""Mojibake repair, run at the start of clean (before convert could destroy the bytes).

Not implemented yet: ``process`` returns the article unchanged.
"""

from __future__ import annotations

from pipeline.article import Article


def process(article: Article) -> Article:
    return article
