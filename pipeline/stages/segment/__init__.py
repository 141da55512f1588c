"""segment: jieba tokens per paragraph with character offsets, and TF-IDF keywords.

``tokens[p][i]`` is what gets indexed (full-width ASCII folded to ASCII); ``token_offsets[p][i]``
is its ``[start, end)`` in ``paragraphs[p]`` as written, for highlighting. ``pipeline.dict_hash``
names the dictionary state so query-side segmentation can check it cuts the same way.
Run-wide new-word discovery lives in ``runwords`` because it needs the whole run in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.article import Article
from pipeline.stages.segment.keywords import top_keywords
from pipeline.stages.segment.names import Names
from pipeline.stages.segment.tokenizer import Tokenizer


@dataclass
class SegmentState:
    tokenizer: Tokenizer
    top_k: int
    min_len: int
    stopwords: frozenset[str]
    candidates: dict[str, bool] = field(default_factory=dict)  # keyword-candidate memo

    @property
    def dict_hash(self) -> str:
        return self.tokenizer.hash


_PREPARED: dict[str, SegmentState] = {}


def prepare(cfg: Any, use_cache: bool = True) -> SegmentState:
    """Once per process and config: the runner's main process shares the workers' state."""
    key = f"{cfg.hash}:{use_cache}"
    if key not in _PREPARED:
        _PREPARED[key] = _prepare(cfg, use_cache)
    return _PREPARED[key]


def _prepare(cfg: Any, use_cache: bool) -> SegmentState:
    sec = cfg.section("segment")
    userdict = cfg.file("segment", "userdict_file").read_bytes()
    names = None
    if sec["person_names"]:
        names = Names(cfg.lines("segment", "surnames_file"),
                      cfg.lines("segment", "given_name_chars_file"))
    tokenizer = Tokenizer(userdict, bool(sec["hmm"]), use_cache=use_cache,
                          number_units=str(sec["number_units"]), backend=str(sec["backend"]),
                          names=names)
    stopwords = frozenset(cfg.lines("segment", "stopwords_file"))
    return SegmentState(tokenizer, int(sec["keywords"]), int(sec["keyword_min_chars"]),
                        stopwords)


def expect(state: SegmentState, text_bytes: int, forks: bool = True) -> None:
    """A run is about to cut ``text_bytes`` of text (see ``Tokenizer.expect``): the compiled
    cut serves every article, so it is built whether or not workers fork from here."""
    state.tokenizer.expect(text_bytes)


def keywords(article: Article, state: SegmentState, idf: dict[str, float] | None = None,
             default_idf: float | None = None) -> None:
    """Set ``article.keywords`` from its tokens (jieba's IDF unless one is given)."""
    tk = state.tokenizer
    article.keywords = top_keywords(
        article.tokens, tk.idf if idf is None else idf,
        tk.median_idf if default_idf is None else default_idf,
        state.stopwords, state.top_k, state.min_len, state.candidates,
        tk.max_idf if idf is None and default_idf is None else None)


def process(article: Article, state: SegmentState) -> Article:
    cut = state.tokenizer.cut
    article.tokens, article.token_offsets = [], []
    for para in article.paragraphs:
        toks, offs = cut(para)
        article.tokens.append(toks)
        article.token_offsets.append(offs)
    keywords(article, state)
    article.pipeline.dict_hash = state.dict_hash
    return article
