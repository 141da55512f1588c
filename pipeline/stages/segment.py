"""segment: jieba tokens per paragraph with character offsets, and TF-IDF keywords."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from pipeline.article import Article, Keyword


@dataclass
class SegmentState:
    tokenizer: Any
    hmm: bool
    top_k: int
    tfidf: Any
    dict_hash: str


def prepare(cfg: Any) -> SegmentState:
    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    sec = cfg.section("segment")
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    userdict = cfg.file("segment", "userdict_file")
    tokenizer.load_userdict(str(userdict))
    digest = hashlib.sha256(userdict.read_bytes()).hexdigest()[:16]
    tfidf = jieba.analyse.TFIDF()
    tfidf.tokenizer = tokenizer
    tfidf.postokenizer = None
    tfidf.set_stop_words(str(cfg.file("segment", "stopwords_file")))
    return SegmentState(tokenizer, bool(sec["hmm"]), int(sec["keywords"]), tfidf, digest)


def tokenize(text: str, state: SegmentState) -> tuple[list[str], list[list[int]]]:
    tokens: list[str] = []
    offsets: list[list[int]] = []
    pos = 0
    for tok in state.tokenizer.cut(text, HMM=state.hmm):
        end = pos + len(tok)
        if tok.strip():
            tokens.append(tok)
            offsets.append([pos, end])
        pos = end
    return tokens, offsets


def process(article: Article, state: SegmentState) -> Article:
    article.tokens, article.token_offsets = [], []
    for para in article.paragraphs:
        toks, offs = tokenize(para, state)
        article.tokens.append(toks)
        article.token_offsets.append(offs)
    if state.top_k and article.text:
        pairs = state.tfidf.extract_tags(article.text, topK=state.top_k, withWeight=True)
        article.keywords = [Keyword(word=w, weight=round(float(s), 6)) for w, s in pairs]
    article.pipeline.dict_hash = state.dict_hash
    return article
