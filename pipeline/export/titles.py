"""Titles segmented with the segment stage's dictionary (article.tokens cover the body only)."""

from __future__ import annotations

from typing import Any


class TitleSegmenter:
    """Loads jieba once, on first use, with the user's dictionary."""

    def __init__(self, cfg: Any) -> None:
        self.cfg = cfg
        self._state: Any = None

    def __call__(self, text: str | None) -> list[str]:
        if not text:
            return []
        from pipeline import stages

        segment = stages.get("segment")
        if self._state is None:
            self._state = segment.prepare(self.cfg)
        tokens, _ = segment.tokenize(text, self._state)
        return tokens
