"""New-word discovery: frequent character strings that hold together and stand free.

A name the dictionary lacks (燧原科技) shows up as a string that is (1) frequent, (2) cohesive:
its parts co-occur far more than chance (minimum PMI over every split point), and (3) free:
what comes before and after it varies (high left and right boundary entropy). Fragments fail
(3): 燧原 is mostly followed by 科技 when it means the company. Phrases that are merely frequent
fail (2). Candidates already in the dictionary are dropped.

Why over tokens and not every character n-gram: a found word is fed back by merging the
tokens that spell it, so only strings made of whole tokens can be used at all; counting runs of
up to ``max_tokens`` Han tokens (split points and neighbours are token boundaries) costs about
a third of counting every 1..6-character n-gram, and this runs in the runner's one main
process. A paragraph edge or a non-Han token counts as a distinct neighbour each time, since
it is a real boundary. Everything is plain counting in input order: deterministic.
"""

from __future__ import annotations

import math
import re
from collections import (
    Counter,
    _count_elements,  # Counter.update's C loop, without its per-call checks
)
from collections.abc import Callable, Iterable
from dataclasses import dataclass

SEP = "\x1f"  # joins the tokens of a counted sequence, so split points survive
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A maximal run of whole Han tokens in a paragraph's tokens joined by SEP: every token all Han,
# the run bounded by SEP or the paragraph's edge (a token mixing Han and other characters, a
# punctuation mark or a space ends it). One regex pass instead of a test per token.
_RUN = re.compile(f"(?<![^{SEP}])[{_HAN}]+(?:{SEP}[{_HAN}]+)*(?![^{SEP}])")


@dataclass(frozen=True)
class Settings:
    min_count: int = 5
    min_chars: int = 2
    max_chars: int = 5
    max_tokens: int = 4
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
    # The token sequences that spelled it in the run (what gets merged when it is fed back).
    cuts: tuple[tuple[str, ...], ...] = ()

    @property
    def score(self) -> float:
        """Cohesion times freedom, weighted by log frequency: one number to sort and review."""
        return round(self.pmi * min(self.left, self.right) * math.log(self.count), 4)


class NgramCounter:
    """Counts of runs of 1..max_tokens+1 Han tokens (the extra token gives the neighbours)."""

    def __init__(self, settings: Settings) -> None:
        self.s = settings
        self.counts: Counter[str] = Counter()
        self.tokens = 0
        self._prune_below = 1

    def add(self, tokens: list[str]) -> None:
        """One paragraph's tokens."""
        self.add_paragraphs((tokens,))

    def add_paragraphs(self, paragraphs: Iterable[list[str]]) -> None:
        """Several paragraphs' tokens (an article): every sequence is gathered first and counted
        in one call, since per-call overhead outweighs the counting for short runs."""
        top = self.s.max_tokens + 1
        limit = self.s.max_chars + 4  # longer sequences only ever serve as neighbours
        keys: list[str] = []
        append = keys.append
        for tokens in paragraphs:
            for joined in _RUN.findall(SEP.join(tokens)):
                run = joined.split(SEP)
                n = len(run)
                self.tokens += n
                keys += run
                for i in range(n - 1):
                    key, chars = run[i], len(run[i])
                    for j in range(i + 1, min(n, i + top)):
                        key += SEP + run[j]
                        chars += len(run[j])
                        if chars > limit:
                            break
                        append(key)
        _count_elements(self.counts, keys)
        if len(self.counts) > self.s.max_ngrams:
            self._prune()

    def _prune(self) -> None:
        """Bound memory on huge runs: drop the rarest sequences (single tokens are kept)
        until half the budget is left. Deterministic: it depends only on the input so far."""
        while len(self.counts) > self.s.max_ngrams // 2:
            cut = self._prune_below
            self.counts = Counter({g: c for g, c in self.counts.items()
                                   if c > cut or SEP not in g})
            self._prune_below += 1

    def discover(self, known: Callable[[str], bool]) -> list[NewWord]:
        """Candidates passing every threshold, best first (ties by word)."""
        s, counts = self.s, self.counts
        if not self.tokens:
            return []
        log_total = math.log(self.tokens)
        edges = set(s.edge_chars)
        cands: dict[str, tuple[int, float]] = {}
        for key, c in [(k, c) for k, c in counts.items() if c >= s.min_count and SEP in k]:
            parts = key.split(SEP)
            word = "".join(parts)
            if (len(parts) > s.max_tokens or not s.min_chars <= len(word) <= s.max_chars
                    or word[0] in edges or word[-1] in edges or known(word)):
                continue
            pmi = min(math.log(c) + log_total - math.log(counts[SEP.join(parts[:i])])
                      - math.log(counts[SEP.join(parts[i:])]) for i in range(1, len(parts)))
            if pmi >= s.min_pmi:
                cands[key] = (c, pmi)
        # Neighbours seen once are read off the total (see _entropy), so only sequences seen
        # twice or more are split: a fifth of them, and the split is most of discover's time.
        right: dict[str, list[int]] = {k: [] for k in cands}
        left: dict[str, list[int]] = {k: [] for k in cands}
        for key, c in [(k, c) for k, c in counts.items() if c > 1]:
            head = key.rpartition(SEP)[0]
            if head in right:
                right[head].append(c)
            tail = key.partition(SEP)[2]
            if tail in left:
                left[tail].append(c)
        out = []
        for key, (c, pmi) in cands.items():
            le, re_ = _entropy(left[key], c), _entropy(right[key], c)
            if le >= s.min_entropy and re_ >= s.min_entropy:
                out.append(NewWord(key.replace(SEP, ""), c, round(pmi, 4), round(le, 4),
                                   round(re_, 4), (tuple(key.split(SEP)),)))
        # The same string cut two ways is one word: keep its best-scored figures, all its cuts.
        best: dict[str, NewWord] = {}
        cuts: dict[str, set[tuple[str, ...]]] = {}
        for w in out:
            cuts.setdefault(w.word, set()).update(w.cuts)
            if w.word not in best or (w.score, w.count) > (best[w.word].score, best[w.word].count):
                best[w.word] = w
        words = [NewWord(w.word, w.count, w.pmi, w.left, w.right, tuple(sorted(cuts[w.word])))
                 for w in best.values()]
        words.sort(key=lambda w: (-w.score, w.word))
        return words


def _entropy(repeated: list[int], total: int) -> float:
    """Entropy of the neighbour distribution, from the counts of the neighbours seen more than
    once: every other occurrence (a neighbour seen once, or a run edge, which is its own
    distinct neighbour each time) adds the same (1/total)·log(total)."""
    h = 0.0
    seen = 0
    for c in repeated:
        p = c / total
        h -= p * math.log(p)
        seen += c
    single = total - seen
    if single > 0:
        h += single * (1 / total) * math.log(total)
    return h


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
