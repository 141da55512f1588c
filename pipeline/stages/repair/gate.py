"""The laundering gate: a per-article score cheap enough for every article (≥ 2M chars/s).

Events counted (only ``str.count`` and one regex pass):

* each unconditional character (硪) counts 3;
* a surplus of a laundering character over its normal share against its targets counts 1 per
  character (forty 得 and no 的; allowance: three times the normal share plus two), counting
  only occurrences outside its most common words (获得, 觉得, 再次);
* a pinyin syllable wedged against Chinese (友hao) counts 2, a phrase substitution hit 2.

The score is events per 1,000 characters; full repair runs when it reaches ``threshold`` and
there are at least ``min_events`` events.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.stages.repair.decide import CJK, PINYIN_RE, Decider
from pipeline.stages.repair.tables import Confusion

_PINYIN_IN_ZH = re.compile(
    f"(?<=[{CJK}])[a-z]{{2,6}}(?![A-Za-z0-9])|(?<![A-Za-z0-9])[a-z]{{2,6}}(?=[{CJK}])")


@dataclass
class Gate:
    unconditional: tuple[str, ...]
    indicators: list[tuple[str, tuple[str, ...], float, float]]  # src, targets, weight, share
    phrases: tuple[str, ...]
    syllables: frozenset[str]
    threshold: float
    min_events: int
    loose_count: Callable[[str, str], int]  # count outside common words (获得, 再次)

    @classmethod
    def build(cls, unconditional: dict[str, str], confusion: dict[str, Confusion],
              phrases: list[tuple[str, str]], decider: Decider, threshold: float,
              min_events: int) -> Gate:
        indicators = [(src, row.targets, row.gate_weight, decider.share[src])
                      for src, row in confusion.items() if row.gate_weight > 0]
        count = decider.loose_count
        syllables = frozenset(decider.homophones) if decider.settings.pinyin else frozenset()
        return cls(tuple(unconditional), indicators, tuple(p for p, _ in phrases), syllables,
                   threshold, min_events, count)

    def events(self, text: str) -> float:
        ev = 0.0
        for ch in self.unconditional:
            ev += 3 * text.count(ch)
        for src, targets, weight, share in self.indicators:
            if text.count(src) < 3:
                continue
            n_src = self.loose_count(text, src)
            n_all = n_src + sum(text.count(t) for t in targets)
            surplus = n_src - 3 * share * n_all - 2
            if surplus > 0:
                ev += weight * surplus
        for phrase in self.phrases:
            ev += 2 * text.count(phrase)
        if self.syllables:
            for m in _PINYIN_IN_ZH.finditer(text):
                if m.group() in self.syllables:
                    ev += 2
        return ev

    def check(self, text: str) -> tuple[float, bool]:
        """(score, flagged) for an article's whole text."""
        if not text:
            return 0.0, False
        ev = self.events(text)
        score = ev * 1000.0 / len(text)
        return score, ev >= self.min_events and score >= self.threshold


__all__ = ["Gate", "PINYIN_RE"]
