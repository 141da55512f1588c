"""The segment stage on articles: tokens, offsets, keywords, dict hash, CLI text mode."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.article import Article, Source
from tests.conftest import zhnews


def _article(paragraphs: list[str]) -> Article:
    art = Article(id="0" * 16, source=Source(path="-", format="text"))
    art.set_paragraphs(paragraphs)
    return art


def test_tokens_offsets_keywords_and_hash(cfg):
    from pipeline.stages import segment

    state = segment.prepare(cfg)
    assert segment.prepare(cfg) is state  # once per process
    art = segment.process(_article([
        "燧原科技创始人赵立东表示，燧原科技的ＡＩ芯片已量产。",
        "",
        "燧原科技 与 腾讯 合作，芯片 出货 增长 30%。"]), state)
    assert len(art.tokens) == len(art.token_offsets) == 3 and art.tokens[1] == []
    for para, toks, offs in zip(art.paragraphs, art.tokens, art.token_offsets, strict=True):
        assert len(toks) == len(offs)
        assert all(para[s:e] == t or para[s:e] == "ＡＩ" for t, (s, e) in zip(toks, offs,
                                                                            strict=True))
    words = [k.word for k in art.keywords]
    assert words[0] == "燧原科技"
    assert not {"的", "，", "30%", "。"} & set(words)
    assert art.pipeline.dict_hash == state.dict_hash and len(state.dict_hash) == 16


def test_stopwords_are_never_keywords(cfg):
    from pipeline.stages import segment

    state = segment.prepare(cfg)
    art = segment.process(_article(["我们认为，我们的芯片非常好，我们一直在做芯片。"]), state)
    assert "我们" not in [k.word for k in art.keywords]
    assert "芯片" in [k.word for k in art.keywords]


def test_text_mode_prints_tokens():
    out = zhnews("segment", "--text", input="摩尔线程在科创板上市\n".encode()).stdout
    assert out.decode("utf-8") == "摩尔线程 在 科创板 上市\n"


def test_sample_run_records_dict_hash_and_newwords(sample_run: Path):
    arts = [json.loads(p.read_text("utf-8")) for p in sample_run.glob("*.json")]
    assert len({a["pipeline"]["dict_hash"] for a in arts}) == 1
    assert (sample_run / "newwords.txt").exists()
    flat = {t for a in arts for para in a["tokens"] for t in para}
    assert {"燧原科技", "壁仞科技", "摩尔线程", "沐曦股份", "英伟达", "赵立东"} <= flat


def test_keywords_skipping_words_that_cannot_win_are_the_same(cfg):
    """Given the IDF table's largest value, keywords skip the words whose count cannot reach
    the k-th score; the keywords, weights and ties are those of scoring every word, on every
    paragraph and every article of the samples, for several k."""
    from pipeline.stages import segment
    from pipeline.stages.segment.keywords import top_keywords
    from tests.conftest import RAW

    state = segment.prepare(cfg)
    tk = state.tokenizer
    assert tk.max_idf >= max(tk.idf.values()) and tk.max_idf >= tk.median_idf
    docs = []
    for path in sorted(RAW.iterdir()):
        paras = [p for p in path.read_text("utf-8", "replace").splitlines() if p.strip()]
        tokens = [tk.cut(p)[0] for p in paras]
        docs += [[t] for t in tokens] + [tokens]
    assert len(docs) > 150
    contested = 0
    for doc in docs:
        for top_k in (1, 3, 10, 40):
            every = top_keywords(doc, tk.idf, tk.median_idf, state.stopwords, top_k + 1,
                                 state.min_len)
            assert top_keywords(doc, tk.idf, tk.median_idf, state.stopwords, top_k,
                                state.min_len, max_idf=tk.max_idf) == every[:top_k]
            contested += len(every) > top_k  # a candidate left out: skipping could apply
    assert contested > 300
