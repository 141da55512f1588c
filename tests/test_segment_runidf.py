"""Keywords and document frequencies by token id (the runner's main process) against the
per-word definition in ``keywords.top_keywords``: the same keywords, weights and ties."""

from __future__ import annotations

import math
from collections import Counter
from itertools import chain

from pipeline.stages.segment import prepare
from pipeline.stages.segment.keywords import top_keywords
from pipeline.stages.segment.newwords import Vocabulary
from pipeline.stages.segment.runidf import TokenTable
from tests.conftest import RAW


def _documents(state) -> list[list[list[str]]]:
    """The sample dump's paragraphs, three to a document, as the tokenizer cuts them."""
    docs = []
    for path in sorted(RAW.iterdir()):
        paras = [p for p in path.read_text("utf-8", "replace").splitlines() if p.strip()]
        docs += [[state.tokenizer.cut(p)[0] for p in paras[i:i + 3]]
                 for i in range(0, len(paras), 3)]
    return docs


def test_keywords_by_id_equal_the_per_word_definition(cfg):
    state = prepare(cfg)
    tk = state.tokenizer
    docs = _documents(state)
    assert len(docs) > 60
    table = TokenTable(Vocabulary("", every=True), state.stopwords, state.min_len, tk.idf,
                       tk.median_idf)
    df: Counter[str] = Counter()
    tied = 0
    for learned, doc in enumerate(docs):
        ids, counts = table.counts(doc)
        assert sorted(table.names[i] for i in ids.tolist()) == sorted(set(chain(*doc)))
        run = {w: math.log(learned / c) for w, c in df.items()} if learned else None
        for idf, default in ((tk.idf, tk.median_idf), (run, math.log(max(learned, 1)))):
            if idf is None:
                continue
            by_id = None if idf is tk.idf else table.run_idf(learned)[0]
            for top_k in (10, 3, 1):
                want = top_keywords(doc, idf, default, state.stopwords, top_k, state.min_len)
                assert table.top(ids, counts, by_id, default, top_k) == want, (learned, top_k)
                every = top_keywords(doc, idf, default, state.stopwords, top_k + 1,
                                     state.min_len)
                tied += len(every) > top_k and every[top_k].weight == every[top_k - 1].weight
        table.learn(ids)
        df.update(set(chain(*doc)))
    assert tied  # equal scores across the cut occurred, and were broken by word alike
    assert {table.names[i]: int(c) for i, c in enumerate(table.df[:len(table.names)]) if c} \
        == dict(df)


def test_ids_met_after_the_run_idf_take_its_default(cfg):
    """A token first met after the last checkpoint is in no learned article: IDF log(docs)."""
    state = prepare(cfg)
    tk = state.tokenizer
    table = TokenTable(Vocabulary("", every=True), state.stopwords, state.min_len, tk.idf,
                       tk.median_idf)
    table.learn(table.counts([["燧原科技", "发布", "芯片"]])[0])
    table.learn(table.counts([["发布", "会"]])[0])
    idf, default = table.run_idf(2)
    by_word = {table.names[i]: v for i, v in enumerate(idf.tolist()) if i}  # 0: no token
    assert default == math.log(2) and by_word == {"燧原科技": math.log(2), "发布": 0.0,
                                                  "芯片": math.log(2), "会": math.log(2)}
    ids, counts = table.counts([["摩尔线程", "发布", "芯片"]])
    got = {k.word: k.weight for k in table.top(ids, counts, idf, default, 10)}
    assert got == {"摩尔线程": round(math.log(2) / 3, 6), "芯片": round(math.log(2) / 3, 6),
                   "发布": 0.0}


def test_glued_counts_equal_counting_the_merged_tokens(cfg):
    """A merge glues runs of tokens into words (a word may glue twice, may already be a
    token elsewhere, may leave none of a part behind): the counts moved by the glues are the
    counts of the merged tokens, for every document of the samples."""
    state = prepare(cfg)
    tk = state.tokenizer
    table = TokenTable(Vocabulary("", every=True), state.stopwords, state.min_len, tk.idf,
                       tk.median_idf)
    checked = 0
    for doc in _documents(state):
        ids, counts = table.counts(doc)
        glues, merged = [], []
        for tokens in doc:  # glue every second adjacent pair, and every "中国"+X
            out, i = [], 0
            while i < len(tokens):
                if i + 1 < len(tokens) and (i % 2 == 0 or tokens[i] == "中国"):
                    parts = (tokens[i], tokens[i + 1])
                    glues.append(("".join(parts), parts))
                    out.append("".join(parts))
                    i += 2
                else:
                    out.append(tokens[i])
                    i += 1
            merged.append(out)
        if not glues:
            continue
        got = table.glued(ids, counts, glues)
        want = table.counts(merged)
        assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()
        checked += 1
    assert checked > 60
