"""The tokenizer: identical to jieba's cut, offsets into the original text, hash, cache."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from pipeline.stages.segment.tokenizer import (
    FOLD_WIDTH,
    Tokenizer,
    _read_cache,
    dict_hash,
    merge_spans,
)
from tests.conftest import ROOT, SHARED_DATA, shared_path


@pytest.fixture(scope="module")
def userdict() -> bytes:
    return (ROOT / "pipeline" / "defaults" / "userdict.txt").read_bytes()


@pytest.fixture(scope="module")
def ours(userdict) -> Tokenizer:
    return Tokenizer(userdict, hmm=False)


def _jieba_tokens(text: str) -> list[str]:
    import jieba

    tk = jieba.Tokenizer()
    tk.initialize()
    tk.load_userdict(str(ROOT / "pipeline" / "defaults" / "userdict.txt"))
    return [t for t in tk.cut(text.translate(FOLD_WIDTH), HMM=False) if not t.isspace()]


def _raw_cut(tk: Tokenizer, text: str) -> list[str]:
    """Our dictionary pass before the number merging."""
    tokens: list[str] = []
    tk._cut_folded(text.translate(FOLD_WIDTH), tokens, [])
    return tokens


def _sample_lines(sample_run: Path) -> list[str]:
    lines = []
    for path in sorted(sample_run.glob("*.json")):
        art = json.loads(path.read_text("utf-8"))
        lines += art["paragraphs"]
    return lines


def test_same_tokens_as_jieba_on_the_samples(ours, sample_run):
    import jieba

    tk = jieba.Tokenizer()
    tk.initialize()
    tk.load_userdict(str(ROOT / "pipeline" / "defaults" / "userdict.txt"))
    lines = _sample_lines(sample_run) + ["ＧＰＵ芯片，Ａ１００与H20；  3.5%  ——  x86-64 C++ a.b_c#"]
    assert len(lines) > 100
    for line in lines:
        want = [t for t in tk.cut(line.translate(FOLD_WIDTH), HMM=False) if not t.isspace()]
        assert _raw_cut(ours, line) == want, line


def test_same_tokens_as_jieba_on_pku():
    import jieba

    gold = shared_path("segmentation", "pku_test_gold.utf8").read_text("utf-8").splitlines()
    bare = Tokenizer(b"", hmm=False)
    tk = jieba.Tokenizer()
    tk.initialize()
    for line in gold[:400]:
        text = "".join(line.split())
        want = [t for t in tk.cut(text.translate(FOLD_WIDTH), HMM=False) if not t.isspace()]
        assert _raw_cut(bare, text) == want


def _peoples_daily_lines(limit: int) -> list[str]:
    from pipeline.stages.repair.stats import corpus_path

    path = corpus_path()
    if path is None:
        return []
    lines = [ln for ln in path.read_text("utf-8").splitlines() if ln.strip()][:limit]
    return ["".join(w.rsplit("/", 1)[0] for w in line.split()) for line in lines]


def test_compiled_cut_gives_the_same_tokens_and_offsets(userdict, sample_run):
    """rjieba with our frequencies (and the filler that makes its total jieba's) against our
    pass, which the tests above hold to jieba: the samples, mixed-width text, 8,000 paragraphs
    of People's Daily and the PKU test text, with and without the domain dictionary."""
    pytest.importorskip("rjieba")
    lines = (_sample_lines(sample_run) + _peoples_daily_lines(8000)
             + ["ＧＰＵ芯片，Ａ１００与H20；  3.5%  ——  x86-64 C++ a.b_c#", "䶮与龘　𠀋字 abc"])
    pku = SHARED_DATA / "segmentation" / "pku_test_gold.utf8"
    if pku.exists():  # ../shared is absent on users' machines; the rest still runs
        lines += ["".join(ln.split()) for ln in pku.read_text("utf-8").splitlines()]
    for udict in (userdict, b""):
        python = Tokenizer(udict, hmm=False, backend="python")
        compiled = Tokenizer(udict, hmm=False)
        assert compiled.compiled() and not python.compiled()
        for line in lines:
            assert compiled.cut(line) == python.cut(line), line


def test_compiled_cut_keeps_jiebas_total(tmp_path, monkeypatch):
    """A user word that re-adds a dictionary word (的) leaves jieba's total with the old
    frequency still in it; without the filler rjieba's total would be 318,725 smaller. Here 是了
    gets the least frequency that keeps it whole against 是 + 了 under jieba's total: the
    compiled cut must keep it whole too (and would split it with the smaller total)."""
    rjieba = pytest.importorskip("rjieba")
    import jieba

    monkeypatch.setenv("ZHNEWS_CACHE_DIR", str(tmp_path))
    f_x, f_y = 796991, 883634  # 是, 了 in jieba's dict.txt
    base = Tokenizer("的 100\n".encode(), hmm=False)._total
    f = 1
    while f * (base + f) < f_x * f_y:  # whole iff f / T >= f_x / T * f_y / T, T = base + f
        f += 1
    f += 3  # clear of float rounding; the smaller total needs about 60 more
    udict = f"的 100\n是了 {f}\n".encode()
    compiled, python = Tokenizer(udict, hmm=False), Tokenizer(udict, hmm=False, backend="python")
    assert compiled.compiled()
    text = "好，是了。"
    jb = jieba.Tokenizer()
    jb.initialize()
    for word, freq in (("的", 100), ("是了", f)):
        jb.add_word(word, freq)
    assert list(jb.cut(text, HMM=False)) == ["好", "，", "是了", "。"]
    assert compiled.cut(text)[0] == python.cut(text)[0] == ["好", "，", "是了", "。"]
    plain = rjieba.Jieba.empty()  # the same words, no filler
    freq = _read_cache(next(tmp_path.glob(f"segment-{compiled._key}.freq.*")))[0]
    for word, n in freq.items():
        if n:
            plain.add_word(word, n, None)
    assert plain.cut("是了", False) == ["是", "了"]


def test_compiled_cut_is_built_when_it_pays(userdict, monkeypatch):
    """Built at a process's first cut (never loading the word table our pass reads), or up
    front for a run's workers whatever the amount of text (else each would load that
    table); never with HMM or backend="python" (then the run loads that table up front);
    without rjieba our pass goes on."""
    import sys

    from pipeline.stages.segment import SegmentState, expect

    pytest.importorskip("rjieba")
    text = "摩尔线程、沐曦股份已在科创板上市，壁仞科技登陆港交所。"
    first = [Tokenizer(userdict, hmm=False, backend="python").cut(text)]
    tk = Tokenizer(userdict, hmm=False)
    assert tk._compiled is None
    assert tk.cut(text) == first[0] and tk._compiled and tk._logp is None
    state = SegmentState(Tokenizer(userdict, hmm=False), 10, 2, frozenset())
    expect(state, 0)  # no text to cut: nothing to share
    assert state.tokenizer._compiled is None and state.tokenizer._logp is None
    expect(state, 3 * len(text))
    assert state.tokenizer._compiled and state.tokenizer._logp is None
    python = SegmentState(Tokenizer(userdict, hmm=False, backend="python"), 10, 2, frozenset())
    expect(python, 3 * len(text))
    assert python.tokenizer._logp is not None
    hmm = SegmentState(Tokenizer(userdict, hmm=True), 10, 2, frozenset())
    expect(hmm, 3 * len(text))
    assert hmm.tokenizer._logp is None  # jieba's own cut reads its own table
    assert not Tokenizer(userdict, hmm=True).compiled()
    assert not Tokenizer(userdict, hmm=False, backend="python").compiled()
    with pytest.raises(ValueError, match="backend"):
        Tokenizer(userdict, hmm=False, backend="rust")
    monkeypatch.setitem(sys.modules, "rjieba", None)  # not installed
    missing = Tokenizer(userdict, hmm=False)
    assert [missing.cut(text) for _ in range(5)] == [first[0]] * 5
    assert missing._compiled is False


def test_the_compiled_cut_loads_without_rjiebas_own_dictionary():
    """Importing rjieba builds a cutter with jieba-rs's dictionary (35 MB) that we never use:
    the compiled module is loaded alone, and a later ``import rjieba`` still works."""
    import subprocess
    import sys

    pytest.importorskip("rjieba")
    probe = (
        "import sys\n"
        "from pipeline.stages.segment.tokenizer import _rjieba_class\n"
        "cls = _rjieba_class()\n"
        "assert cls is not None and 'rjieba' not in sys.modules, sorted(sys.modules)\n"
        "j = cls.empty(); j.add_word('摩尔线程', 10, None)\n"
        "assert j.cut('摩尔线程', False) == ['摩尔线程']\n"
        "import rjieba\n"
        "assert rjieba.Jieba is cls and _rjieba_class() is cls\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_word_probabilities_without_prefixes_equal_the_full_table(userdict):
    """Run-wide discovery reads ``word_logp`` (words only, from the compiled cut's word list):
    the same float for every word as ``logp``, and no prefix that is not a word."""
    light = Tokenizer(userdict, hmm=False)
    words = light.word_logp
    assert light._logp is None  # built without reading the full table
    full = Tokenizer(userdict, hmm=False).logp
    assert words == {w: lp for w, lp in full.items() if lp is not None}
    assert "沐曦股份" in words and "沐曦股" in full and "沐曦股" not in words
    assert light.known("沐曦股份") and not light.known("沐曦股")


def test_word_index_answers_as_the_full_table(userdict):
    """Discovery asks ``word_index`` (sorted 64-bit keys, no dict): for every word of the
    full table the same float, and no answer for a prefix that is not a word or for text the
    dictionary lacks."""
    tk = Tokenizer(userdict, hmm=False)
    index = tk.word_index
    assert tk._logp is None and tk._word_logp is None  # neither table was built for it
    full = Tokenizer(userdict, hmm=False).logp
    words = {w: lp for w, lp in full.items() if lp is not None}
    assert len(index) == len(words)
    assert all(index.get(w) == lp for w, lp in words.items())
    prefixes = [w for w, lp in full.items() if lp is None]
    assert prefixes and not any(p in index for p in prefixes)
    assert index.get("沐曦股") is None and index.get("沐曦股", -1.0) == -1.0
    assert "沐曦股份" in index and "龘龘龘龘" not in index and 3 not in index
    assert Tokenizer(userdict, hmm=False).word_index.get("中国") == words["中国"]  # from cache


def test_short_cut_from_the_word_index_gives_cuts_tokens(userdict, ours, sample_run):
    """A run's end asks for the cut of each new word (its suggested frequency) where the word
    table may never have been loaded: ``cut_short`` finds the same tokens from the word index,
    on every window of two to eight characters of the samples' paragraphs and on mixed text
    (letters glued, numbers merged, prefixes that are no word: 沐曦股)."""
    windows = {"沐曦股份", "沐曦股", "GDP增长3个点", "５Ｇ手机", "龘龘", "一", "约合人民币",
               "两千万元", "A股B股"}
    for para in _sample_lines(sample_run)[:60]:
        for n in range(2, 9):
            windows.update(para[i:i + n] for i in range(0, max(len(para) - n, 0), 3))
    light = Tokenizer(userdict, hmm=False, backend="python")
    short = {w: light.cut_short(w) for w in sorted(windows)}
    assert light._logp is None  # answered without the word table
    assert len(short) > 5000
    assert short == {w: ours.cut(w)[0] for w in short}
    assert short["沐曦股份"] == ["沐曦股份"] and short["GDP增长3个点"][0] == "GDP"
    assert light.cut_short("长" * 40) == ours.cut("长" * 40)[0]  # too long: the table


def test_offsets_point_into_the_original_paragraph(ours):
    text = "英伟达ＧＰＵ在　科创板上市，涨幅３０％。摩尔线程 MUSA"
    tokens, offsets = ours.cut(text)
    assert "GPU" in tokens and "30%" in tokens and "摩尔线程" in tokens
    for tok, (s, e) in zip(tokens, offsets, strict=True):
        assert text[s:e].translate(FOLD_WIDTH) == tok
    assert text[slice(*offsets[tokens.index("GPU")])] == "ＧＰＵ"
    assert all(not t.isspace() for t in tokens)


def test_numbers_and_dash_runs_are_one_token(ours):
    tokens, _ = ours.cut("增长3.5%，达到47.2亿元——同比增长12%……")
    assert {"3.5%", "47.2", "——", "12%", "……"} <= set(tokens)
    units = Tokenizer(b"", hmm=False, number_units="年月日")
    assert units.cut("2025年12月5日")[0] == ["2025年", "12月", "5日"]
    assert ours.cut("2025年12月5日")[0] == ["2025", "年", "12", "月", "5", "日"]


def test_merge_spans_leaves_spans_that_split_a_token():
    tokens, offsets = ["ab", "c", "d"], [[0, 2], [2, 3], [3, 4]]
    merge_spans("abcd", tokens, offsets, [(1, 3)])
    assert tokens == ["ab", "c", "d"]
    merge_spans("abcd", tokens, offsets, [(2, 4)])
    assert tokens == ["ab", "cd"] and offsets == [[0, 2], [2, 4]]


def test_hmm_mode_goes_through_jieba(userdict):
    tk = Tokenizer(userdict, hmm=True)
    tokens, offsets = tk.cut("燧原科技创始人赵立东说")
    assert "燧原科技" in tokens and "赵立东" in tokens
    assert offsets[-1][1] == len("燧原科技创始人赵立东说")


def test_dict_hash_covers_userdict_hmm_and_units(userdict):
    base = dict_hash(userdict, False)
    assert dict_hash(userdict, False) == base
    assert dict_hash(userdict + b"\nnewword 5\n", False) != base
    assert dict_hash(userdict, True) != base
    assert dict_hash(userdict, False, "年") != base


def test_cache_round_trip_gives_the_same_tokens(tmp_path, monkeypatch, userdict):
    monkeypatch.setenv("ZHNEWS_CACHE_DIR", str(tmp_path))
    text = "摩尔线程、沐曦股份已在科创板上市，壁仞科技登陆港交所"
    built = Tokenizer(userdict, hmm=False)
    assert sorted(p.name.split(".")[1] for p in tmp_path.iterdir()) == ["base2", "freq", "logp",
                                                                       "words"]
    loaded = Tokenizer(userdict, hmm=False)
    uncached = Tokenizer(userdict, hmm=False, use_cache=False)
    assert built.cut(text) == loaded.cut(text) == uncached.cut(text)
    assert "沐曦股份" in loaded.cut(text)[0]
    # the IDF table loads one float object per value (270k words share 3,328), not one a word
    assert loaded.idf == uncached.idf
    assert len({id(v) for v in loaded.idf.values()}) == len(set(loaded.idf.values())) < 5000
    if importlib.util.find_spec("rjieba") is not None:  # a worker cutting with rjieba …
        fast = Tokenizer(userdict, hmm=False)
        assert fast.compiled() and fast.cut(text) == built.cut(text)
        assert fast._logp is None  # … never reads the log probabilities
        assert fast.known("沐曦股份") and not fast.known("沐曦股")  # read when asked
    # a corrupt cache file is rebuilt, never trusted
    for path in tmp_path.iterdir():
        path.write_bytes(b"garbage")
    assert Tokenizer(userdict, hmm=True).cut(text) == Tokenizer(userdict, hmm=True,
                                                                use_cache=False).cut(text)


def test_derived_tables_are_built_once_per_dictionary_state(tmp_path, monkeypatch, userdict):
    """What a run derives from the whole dictionary (likely surnames, …) is read back from the
    cache, keyed by its label; a corrupt file is rebuilt."""
    monkeypatch.setenv("ZHNEWS_CACHE_DIR", str(tmp_path))
    tk = Tokenizer(userdict, hmm=False)
    calls: list[str] = []

    def build() -> tuple[list[str], int]:
        calls.append("built")
        return sorted(w for w in ("沐曦股份", "科创板", "不存在的词") if tk.known(w)), 3

    assert tk.derived("known words v1", build) == (["沐曦股份", "科创板"], 3)
    assert Tokenizer(userdict, hmm=False).derived("known words v1", build) == (
        ["沐曦股份", "科创板"], 3)
    assert calls == ["built"]
    assert tk.derived("known words v2", build) == (["沐曦股份", "科创板"], 3)  # another label
    assert len(calls) == 2
    for path in tmp_path.glob("*.derived-*"):
        path.write_bytes(b"garbage")
    assert tk.derived("known words v1", build) == (["沐曦股份", "科创板"], 3)
    assert len(calls) == 3
    uncached = Tokenizer(userdict, hmm=False, use_cache=False)
    assert uncached.derived("known words v1", build)[0] == ["沐曦股份", "科创板"]
    assert len(calls) == 4


def test_pku_f1_at_least_84(ours):
    """SIGHAN word-level F1 on the PKU test set, with our dictionary and no PKU word lists."""
    import sys

    shared_path("segmentation", "pku_test_gold.utf8")
    sys.path.insert(0, str(ROOT / "tests" / "eval"))
    from eval_segmentation import PKU, pku_f1

    assert PKU.exists()
    _p, _r, f1 = pku_f1(ours)
    assert f1 >= 84.0
