"""TF-IDF keywords from the article's own tokens.

Why not ``jieba.analyse.extract_tags``: it re-cuts the text (with HMM, whatever we configured)
and imports the POS tagger; scoring the tokens we already have is cheaper and keeps keywords
consistent with what gets indexed. IDF comes from jieba's table; words it does not know (most
of our domain names) get its median IDF, as jieba does. A run-level IDF replaces it when the
run is large enough (see ``runwords``).
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, _count_elements
from collections.abc import Iterable
from itertools import groupby
from operator import itemgetter

from pipeline.article import Keyword

# A keyword has at least one letter or Han character and no punctuation or spaces.
_WORDLIKE = re.compile(r"^[\w\u3400-\u9fff][\w\u3400-\u9fff.+#&\-]*$")
_DIGITS = re.compile(r"^[\d.%\-]+$")
MEMO_LIMIT = 1_000_000  # words remembered before the memo starts over


def is_candidate(word: str, stopwords: frozenset[str], min_len: int) -> bool:
    return (len(word) >= min_len and word not in stopwords and _WORDLIKE.match(word) is not None
            and _DIGITS.match(word) is None)


def top_keywords(tokens: Iterable[list[str]], idf: dict[str, float], default_idf: float,
                 stopwords: frozenset[str], top_k: int, min_len: int,
                 memo: dict[str, bool] | None = None,
                 max_idf: float | None = None) -> list[Keyword]:
    """The ``top_k`` tokens by tf·idf (tf normalised by candidate count); ties by word.

    ``memo`` remembers which words are candidates (a run meets the same words again and
    again); it must belong to one ``stopwords``/``min_len`` pair. ``max_idf``, when given,
    is at least every IDF ``idf`` holds and ``default_idf``: words are then scored by falling
    count, and once no word left can reach the ``top_k``-th score (a word's score is at most
    its count times that bound) the rest are not scored at all. The same keywords: most of
    an article's words occur once, and a word that cannot enter the top is all they skip
    (scoring was two fifths of the keywords' time on news text, measured).
    """
    counts: Counter[str] = Counter()
    for para in tokens:
        _count_elements(counts, para)
    if memo is None:
        memo = {}
    elif len(memo) > MEMO_LIMIT:
        memo.clear()
    cand = {}
    for w, c in counts.items():
        ok = memo.get(w)
        if ok is None:
            ok = memo[w] = is_candidate(w, stopwords, min_len)
        if ok:
            cand[w] = c
    total = sum(cand.values())
    if not total or top_k <= 0:
        return []
    get = idf.get
    if max_idf is None:
        best = heapq.nsmallest(top_k, ((-c * get(w, default_idf) / total, w)
                                       for w, c in cand.items()))
    else:
        scored: list[tuple[float, str]] = []
        by_count = sorted(cand.items(), key=itemgetter(1), reverse=True)
        for c, group in groupby(by_count, itemgetter(1)):
            # every word left scores at least -c * max_idf / total (rounding is monotonic):
            # strictly above the k-th smallest score so far, it can neither enter nor tie
            if len(scored) >= top_k and heapq.nsmallest(top_k, scored)[-1][0] < (
                    -c * max_idf / total):
                break
            scored += [(-c * get(w, default_idf) / total, w) for w, _c in group]
        best = heapq.nsmallest(top_k, scored)
    return [Keyword(word=w, weight=round(-s, 6)) for s, w in best]
