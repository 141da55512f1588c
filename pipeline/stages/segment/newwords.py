"""New-word discovery: frequent character n-grams that hold together and stand free.

A name the dictionary lacks (燧原科技) shows up as a string that is (1) frequent, (2) cohesive:
its parts co-occur far more than chance (minimum PMI over every split point), and (3) free:
the characters before and after it vary (high left and right boundary entropy). Fragments fail
(3): 燧原科 is always followed by 技, 原科技 always preceded by 燧. Phrases that are merely
frequent fail (2). Candidates already in the dictionary are dropped.

Counting is over runs of Han characters only (Latin, digits and punctuation are boundaries),
and a run edge counts as a distinct neighbour each time, since it is a real boundary.
Everything is plain counting in input order, so the result is deterministic.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@dataclass(frozen=True)
class Settings:
    min_count: int = 5
    min_chars: int = 2
    max_chars: int = 5
    min_pmi: float = 3.0
    min_entropy: float = 1.0
    # Characters a word rarely starts or ends with (的 了 是 …): candidates touching them are
    # phrases, not names.
    edge_chars: str = ""
    max_ngrams: int = 3_000_000


@dataclass(frozen=True)
class NewWord:
    word: str
    count: int
    pmi: float
    left: float
    right: float

    @property
    def score(self) -> float:
        """Cohesion times freedom, weighted by log frequency: one number to sort and review."""
        return round(self.pmi * min(self.left, self.right) * math.log(self.count), 4)


class NgramCounter:
    """Counts of Han n-grams up to ``max_chars + 1`` (the extra length gives the neighbours)."""

    def __init__(self, settings: Settings) -> None:
        self.s = settings
        self.counts: Counter[str] = Counter()
        self.chars = 0
        self._prune_below = 1

    def add(self, text: str) -> None:
        counts = self.counts
        top = self.s.max_chars + 1
        for run in _HAN_RUN.findall(text):
            n = len(run)
            self.chars += n
            for k in range(1, min(top, n) + 1):
                counts.update([run[i:i + k] for i in range(n - k + 1)])
        if len(counts) > self.s.max_ngrams:
            self._prune()

    def _prune(self) -> None:
        """Bound memory on huge runs: drop the rarest n-grams (longer than one character)
        until half the budget is left. Deterministic: it depends only on the input so far."""
        while len(self.counts) > self.s.max_ngrams // 2:
            cut = self._prune_below
            self.counts = Counter({g: c for g, c in self.counts.items()
                                   if c > cut or len(g) == 1})
            self._prune_below += 1

    def discover(self, known: Callable[[str], bool]) -> list[NewWord]:
        """Candidates passing every threshold, best first (ties by word)."""
        s, counts = self.s, self.counts
        if not self.chars:
            return []
        log_total = math.log(self.chars)
        edges = set(s.edge_chars)
        cands: dict[str, tuple[int, float]] = {}
        for g, c in counts.items():
            n = len(g)
            if c < s.min_count or not s.min_chars <= n <= s.max_chars:
                continue
            if g[0] in edges or g[-1] in edges or known(g):
                continue
            pmi = min(math.log(c) + log_total - math.log(counts[g[:i]]) - math.log(counts[g[i:]])
                      for i in range(1, n))
            if pmi >= s.min_pmi:
                cands[g] = (c, pmi)
        right: dict[str, Counter[str]] = {g: Counter() for g in cands}
        left: dict[str, Counter[str]] = {g: Counter() for g in cands}
        for g, c in counts.items():
            if len(g) - 1 < s.min_chars:
                continue
            head, tail = g[:-1], g[1:]
            if head in right:
                right[head][g[-1]] += c
            if tail in left:
                left[tail][g[0]] += c
        out = []
        for g, (c, pmi) in cands.items():
            le, re_ = _entropy(left[g], c), _entropy(right[g], c)
            if le >= s.min_entropy and re_ >= s.min_entropy:
                out.append(NewWord(g, c, round(pmi, 4), round(le, 4), round(re_, 4)))
        out.sort(key=lambda w: (-w.score, w.word))
        return out


def _entropy(neighbours: Counter[str], total: int) -> float:
    """Entropy of the neighbour distribution; each run edge is its own distinct neighbour."""
    h = 0.0
    seen = 0
    for c in neighbours.values():
        p = c / total
        h -= p * math.log(p)
        seen += c
    edge = total - seen
    if edge > 0:
        h += edge * (1 / total) * math.log(total)
    return h


def discover_texts(texts: Iterable[str], settings: Settings,
                   known: Callable[[str], bool]) -> list[NewWord]:
    counter = NgramCounter(settings)
    for text in texts:
        counter.add(text)
    return counter.discover(known)


def dictionary_lines(words: Iterable[NewWord], freq: Callable[[str, int], int]) -> list[str]:
    """jieba user-dictionary lines (``word freq``), each after a comment line with its scores.

    zhnews skips ``#`` lines when it loads a dictionary; strip them for plain jieba.
    """
    lines = ["# New words found by zhnews (count, PMI, left/right boundary entropy, score).",
             "# Review, delete what is not a word, and append the rest to userdict.txt."]
    for w in words:
        lines.append(f"# count={w.count} pmi={w.pmi} left={w.left} right={w.right} "
                     f"score={w.score}")
        lines.append(f"{w.word} {freq(w.word, w.count)}")
    return lines
