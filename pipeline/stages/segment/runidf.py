"""Run-wide document frequencies and keyword scores by token id, in the runner's main process.

Why ids: the runner's one main process counts every article's words into the run's document
frequencies and re-weighs its keywords, in input order, and that serial work is what bounds
``-j N``. By the word it was a hash-table insert per token (Counter, set) and two look-ups per
distinct word (candidate memo, IDF) in tables of hundreds of thousands of freshly decoded
strings. Here a token is looked up once; term counts, document frequencies, the IDF and the
scores are numpy arrays indexed by id. The keywords are exactly :func:`keywords.top_keywords`'s
for the same IDF: the same floating-point operations, the same order among equal scores.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from itertools import chain

import numpy as np

from pipeline.article import Keyword
from pipeline.stages.segment.keywords import is_candidate
from pipeline.stages.segment.newwords import Vocabulary


class TokenTable:
    """Per id of ``vocab`` (shared with the run's new-word counter, so a token is looked up
    once for both): whether it can be a keyword, its IDF in the tokenizer's table (``base``:
    jieba's, its median for words it lacks) and its document frequency among the articles
    learned from (``learn``). Filled for new ids as they are first asked about."""

    def __init__(self, vocab: Vocabulary, stopwords: frozenset[str], min_len: int,
                 base: Mapping[str, float], base_default: float) -> None:
        self.vocab = vocab
        self.stopwords, self.min_len = stopwords, min_len
        self.base_idf, self.base_default = base, base_default
        self._candidate = np.zeros(1024, bool)
        self._base = np.zeros(1024)
        self.df = np.zeros(1024, np.int64)
        self._filled = 1  # id 0 (the boundary) is no token

    @property
    def names(self) -> list[str]:
        return self.vocab.names

    def _fill(self) -> None:
        """Flags and base IDF for the ids the vocabulary gave out since the last call."""
        names = self.vocab.names
        n = len(names)
        if n <= self._filled:
            return
        if n > len(self.df):  # grow by doubling: amortised O(1) per new token
            size = max(n, 2 * len(self.df))
            grow = size - len(self.df)
            self._candidate = np.concatenate([self._candidate, np.zeros(grow, bool)])
            self._base = np.concatenate([self._base, np.zeros(grow)])
            self.df = np.concatenate([self.df, np.zeros(grow, np.int64)])
        new = names[self._filled:]
        stop, min_len, get, default = (self.stopwords, self.min_len, self.base_idf.get,
                                       self.base_default)
        self._candidate[self._filled:n] = [is_candidate(w, stop, min_len) for w in new]
        self._base[self._filled:n] = [get(w, default) for w in new]
        self._filled = n

    def counts_of(self, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The distinct token ids among ``ids`` (ascending; 0, a paragraph's end, left out)
        and how often each occurs."""
        self._fill()
        arr = np.array(ids, dtype=np.int64)
        uniq, counts = np.unique(arr[arr > 0], return_counts=True)
        return uniq, counts

    def counts(self, paragraphs: Iterable[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`counts_of` for an article's tokens, looked up here."""
        return self.counts_of(list(map(self.vocab.__getitem__, chain.from_iterable(paragraphs))))

    def glued(self, ids: np.ndarray, counts: np.ndarray,
              glues: list[tuple[str, tuple[str, ...]]]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`counts_of` after ``glues``: each (word, parts) merged one run of ``parts``
        into ``word``, so the word counts once more and each part once less. The same arrays
        as counting the merged tokens again, with a look-up per glue instead of per token."""
        get = self.vocab.__getitem__
        plus = [get(word) for word, _parts in glues]
        minus = [get(part) for _word, parts in glues for part in parts]
        self._fill()  # a glued word may be new
        uniq, where = np.unique(np.concatenate([ids, np.array(plus + minus, np.int64)]),
                                return_inverse=True)
        total = np.zeros(len(uniq), np.int64)
        np.add.at(total, where, np.concatenate([counts, np.ones(len(plus), np.int64),
                                                np.full(len(minus), -1, np.int64)]))
        keep = total > 0
        return uniq[keep], total[keep]

    def learn(self, ids: np.ndarray) -> None:
        """Count an article's distinct tokens (``ids`` from :meth:`counts`) into the run's
        document frequencies."""
        self.df[ids] += 1

    def run_idf(self, docs: int) -> tuple[np.ndarray, float]:
        """IDF by id over ``docs`` articles learned from, ``log(docs / df)``, and the IDF of a
        token in none of them (``log(docs)``). Computed with ``math.log`` per distinct
        frequency, so every value is the float a per-word table holds."""
        self._fill()
        used = self.df[:len(self.names)]
        default = math.log(docs)
        idf = np.full(len(used), default)
        seen = used > 0
        if seen.any():
            values, where = np.unique(used[seen], return_inverse=True)
            idf[seen] = np.array([math.log(docs / c) for c in values.tolist()])[where]
        return idf, default

    def top(self, ids: np.ndarray, counts: np.ndarray, idf: np.ndarray | None,
            default: float, top_k: int) -> list[Keyword]:
        """The ``top_k`` candidates by tf·idf (tf normalised by the candidates' count), ties by
        word, as :func:`keywords.top_keywords` gives them. ``idf`` by id (ids past its end get
        ``default``: tokens first met after it was computed); None for the tokenizer's IDF."""
        keep = self._candidate[ids]
        ids, counts = ids[keep], counts[keep]
        total = int(counts.sum())
        if not total or top_k <= 0:
            return []
        if idf is None:
            weights = self._base[ids]
        else:
            weights = np.full(len(ids), default)
            inside = ids < len(idf)
            weights[inside] = idf[ids[inside]]
        scores = -counts * weights / total  # the operations of top_keywords, in that order
        pick: Iterable[int] = range(len(ids))
        if len(ids) > top_k:  # every score up to the k-th smallest, ties included
            kth = np.partition(scores, top_k - 1)[top_k - 1]
            pick = np.flatnonzero(scores <= kth).tolist()
        names, score_list, id_list = self.names, scores.tolist(), ids.tolist()
        best = sorted((score_list[i], names[id_list[i]]) for i in pick)[:top_k]
        return [Keyword(word=w, weight=round(-s, 6)) for s, w in best]
