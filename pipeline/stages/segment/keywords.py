"""TF-IDF keywords from the article's own tokens.

Why not ``jieba.analyse.extract_tags``: it re-cuts the text (with HMM, whatever we configured)
and imports the POS tagger; scoring the tokens we already have is cheaper and keeps keywords
consistent with what gets indexed. IDF comes from jieba's table; words it does not know (most
of our domain names) get its median IDF, as jieba does. A run-level IDF replaces it when the
run is large enough (see ``runwords``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from pipeline.article import Keyword

# A keyword has at least one letter or Han character and no punctuation or spaces.
_WORDLIKE = re.compile(r"^[\w\u3400-\u9fff][\w\u3400-\u9fff.+#&\-]*$")
_DIGITS = re.compile(r"^[\d.%\-]+$")


def is_candidate(word: str, stopwords: frozenset[str], min_len: int) -> bool:
    return (len(word) >= min_len and word not in stopwords and _WORDLIKE.match(word) is not None
            and _DIGITS.match(word) is None)


def top_keywords(tokens: Iterable[list[str]], idf: dict[str, float], default_idf: float,
                 stopwords: frozenset[str], top_k: int, min_len: int) -> list[Keyword]:
    """The ``top_k`` tokens by tf·idf (tf normalised by candidate count); ties by word."""
    counts: Counter[str] = Counter()
    for para in tokens:
        counts.update(para)
    cand = {w: c for w, c in counts.items() if is_candidate(w, stopwords, min_len)}
    total = sum(cand.values())
    if not total or top_k <= 0:
        return []
    scored = sorted(((c * idf.get(w, default_idf) / total, w) for w, c in cand.items()),
                    key=lambda x: (-x[0], x[1]))
    return [Keyword(word=w, weight=round(s, 6)) for s, w in scored[:top_k]]
