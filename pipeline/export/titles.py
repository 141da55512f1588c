"""Segmentation for the indexers with the segment stage's dictionary.

``article.tokens`` cover the body only, so titles are cut here. The run may also have glued
adjacent tokens into words it discovered (segment's run-wide new words), and only from a
checkpoint on, so one name can be one token in a late article and two in an early one;
``unmerge`` cuts such non-dictionary tokens back with the dictionary, which makes the search
index agree with itself and with a query cut the same way. Personal names the segment stage
glued (``person_names``) are cut back too, and titles and queries are cut without gluing them:
whether a name is glued depends on its neighbours (与黄仁勋会面 may not glue where 黄仁勋 alone
does), and a query must meet the index's tokens whatever the sentence around the name was.
"""

from __future__ import annotations

from typing import Any


class Segmenter:
    """Loads the segment stage's state once, on first use, with the user's dictionary."""

    def __init__(self, cfg: Any) -> None:
        self.cfg = cfg
        self._tokenizer: Any = None

    @property
    def tokenizer(self) -> Any:
        if self._tokenizer is None:
            from pipeline import stages

            self._tokenizer = stages.get("segment").prepare(self.cfg).tokenizer
        return self._tokenizer

    def __call__(self, text: str | None) -> list[str]:
        if not text:
            return []
        tokens, _ = self.tokenizer.cut(text, names=False)
        return tokens

    def unmerge(self, tokens: list[str]) -> list[str]:
        known = self.tokenizer.known
        out: list[str] = []
        for tok in tokens:
            if len(tok) > 1 and not known(tok):
                out.extend(self(tok))
            else:
                out.append(tok)
        return out

