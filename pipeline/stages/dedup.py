"""dedup: flag articles whose normalised text was already seen (first in input order wins)."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

from pipeline.article import Article


def normalise(text: str) -> str:
    """NFKC, lower case, letters and digits only: what survives re-chroming."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


def fingerprint(article: Article) -> str:
    return hashlib.sha256(normalise(article.text).encode("utf-8")).hexdigest()


class Deduper:
    """Streaming: ``add`` each article in a deterministic order; duplicates get ``duplicate_of``."""

    def __init__(self, cfg: Any) -> None:
        self.seen: dict[str, str] = {}

    def add(self, article: Article) -> Article:
        key = fingerprint(article)
        if not normalise(article.text):
            return article
        first = self.seen.setdefault(key, article.id)
        article.duplicate_of = first if first != article.id else None
        return article

    def finish(self) -> list[Article]:
        """Articles whose record changed after they were handed out (none for exact dedup)."""
        return []


def prepare(cfg: Any) -> Deduper:
    return Deduper(cfg)
