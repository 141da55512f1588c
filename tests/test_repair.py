"""repair: laundered characters undone on real text, clean text left alone."""

from __future__ import annotations

import pytest

from pipeline.article import Article, Source
from pipeline.stages import repair
from tests.conftest import RAW, ROOT, zhnews

GOLD_002 = ROOT / "tests" / "fixtures" / "repair_002_gold.txt"


@pytest.fixture(scope="module")
def state(cfg):
    return repair.prepare(cfg)


def _article(paragraphs: list[str], title: str | None = None) -> Article:
    art = Article(id="0" * 16, source=Source(path="-", format="text"), title=title)
    art.set_paragraphs(paragraphs)
    return art


@pytest.fixture(scope="module")
def sample_002(cfg) -> Article:
    """raw/002 through extract, clean and convert, as repair receives it."""
    from pipeline.engine import local
    from pipeline.io import walk_inputs
    from pipeline.stages import Chain

    files = list(walk_inputs([str(RAW / "002_90f3a51d6f46763a.txt")]))
    [result] = list(local.results(files, cfg, (), 1))
    [art] = result.articles
    chain = Chain(cfg, ("clean", "convert"))
    return chain(art)


def _replay(original: list[str], title: str | None, art: Article) -> tuple[str | None, list[str]]:
    paras = list(original)
    for r in art.repairs:
        text = title if r.paragraph == -1 else paras[r.paragraph]
        assert text[r.offset:r.offset + len(r.from_)] == r.from_, r
        text = text[:r.offset] + r.to + text[r.offset + len(r.from_):]
        if r.paragraph == -1:
            title = text
        else:
            paras[r.paragraph] = text
    return title, paras


def test_sample_002_matches_gold(sample_002, state):
    title, paras = sample_002.title, list(sample_002.paragraphs)
    art = repair.process(sample_002, state)
    gold = GOLD_002.read_text("utf-8").splitlines()
    assert art.scores["laundering"] > state.gate.threshold
    # extract moved the byline, the photo caption and the editor lines out of the body
    assert art.title is None and art.paragraphs == gold
    assert _replay(paras, title, art) == (art.title, art.paragraphs)
    assert {r.rule for r in art.repairs} >= {"unconditional", "phrase", "confusion-context",
                                             "confusion-word", "pinyin-word"}
    assert all(0.5 <= r.confidence <= 1.0 for r in art.repairs)


def test_legitimate_uses_survive_in_a_laundered_article(state):
    laundered = "硪们得差距还很大,再世界人工智能大会上,华伪野纷纷介入。" * 3
    clean = ["他获得了冠军,我觉得他跑得很快,它也得往那个方向发展。",
             "我们不再犹豫,再次出发,反对虚伪和伪造,保护野生动物,开阔视野。"]
    art = repair.process(_article([laundered, *clean]), state)
    assert art.paragraphs[1:] == clean
    assert art.paragraphs[0].startswith("我们的差距还很大,在世界人工智能大会上,华为也纷纷介入。")


def test_clean_article_is_not_gated(state):
    text = ["摩尔线程今天在科创板上市,我们觉得这是一个好消息。",
            "他说得很清楚:再难也要坚持,在困难面前不能退缩。"]
    art = repair.process(_article(list(text)), state)
    assert art.paragraphs == text
    assert art.repairs == []
    assert art.scores["laundering"] < state.gate.threshold


def test_unconditional_always_runs(state):
    art = repair.process(_article(["硪觉得不错。"]), state)
    assert art.paragraphs == ["我觉得不错。"]
    assert art.repairs[0].rule == "unconditional"


def test_dry_run_logs_without_applying(cfg):
    st = repair.prepare(cfg)
    st.dry_run = True
    art = repair.process(_article(["硪觉得不错。"]), st)
    assert art.paragraphs == ["硪觉得不错。"]
    assert [(r.from_, r.to) for r in art.repairs] == [("硪", "我")]


def test_cli_text_pipe():
    conv = zhnews("convert", "--text", input="硪們\n".encode())
    out = zhnews("repair", "--text", input=conv.stdout)
    assert out.stdout.decode("utf-8") == "我们\n"


def test_cli_dry_run_lists_edits():
    out = zhnews("repair", "--text", "--dry-run", input="硪们\n".encode())
    text = out.stdout.decode("utf-8")
    assert "硪" in text and "我" in text and "unconditional" in text


def test_cli_force_repairs_a_sentence_the_gate_does_not_flag():
    """One sentence seldom holds the three events the gate needs: `repair --text` says so on
    stderr and leaves the confusable characters; --force repairs them (gate = false)."""
    line = "他再学校里学习得很好，我的朋友再家。\n".encode()
    out = zhnews("repair", "--text", input=line)
    assert out.stdout == line
    assert "not flagged as laundered" in out.stderr.decode() and "--force" in out.stderr.decode()
    out = zhnews("repair", "--text", "--force", input=line)
    assert out.stdout.decode() == "他在学校里学习得很好，我的朋友在家。\n" and not out.stderr
    listed = zhnews("repair", "--text", "--force", "--dry-run", input=line).stdout.decode()
    assert [row.split("\t")[3:5] for row in listed.splitlines()] == [["再", "在"], ["再", "在"]]
    # JSONL: the same switch
    art = zhnews("repair", "--force", input=_jsonl(line.decode()))
    assert "他在学校里" in art.stdout.decode()


def _jsonl(text: str) -> bytes:
    from pipeline.article import Article, Source, to_json_line

    art = Article(id="0" * 16, source=Source(path="-", format="text"))
    art.set_paragraphs(text.splitlines())
    return to_json_line(art) + b"\n"


def test_article_full_of_de_words_is_not_gated(state):
    text = ["他在比赛中获得了冠军,取得了很好的成绩,这使得全队都觉得值得。",
            "记者了解到,队员们懂得珍惜难得的机会,赢得了观众的掌声,显得格外高兴。",
            "教练说,我们记得上次获得亚军时的心得,这次取得突破是得益于大家的努力。",
            "他们获得的荣誉来之不易,取得的进步有目共睹,值得我们学习。"]
    art = repair.process(_article(list(text)), state)
    assert art.scores["laundering"] < state.gate.threshold
    assert art.paragraphs == text and art.repairs == []


def test_one_term_repeated_is_not_laundering(state):
    # A paper on re-employment says 再就业 dozens of times; jieba has no such word.
    para = "下岗职工的再就业问题,社会资本对其再就业机会的影响,在再就业过程中的作用。"
    text = [para] * 8
    art = repair.process(_article(list(text)), state)
    assert art.paragraphs == text and art.repairs == []


# -- the adverbial particle 地 in a laundered article ------------------------------------------

_LAUNDERED = "硪们得差距还很大,再世界人工智能大会上,华伪野纷纷介入,硪们得产品得质量得提高。" * 2


@pytest.mark.parametrize(("noisy", "clean"), [
    ("老人慢慢得走进了院子。", "老人慢慢地走进了院子。"),  # AA reduplication
    ("他轻轻得推开门,悄悄得走了进去。", "他轻轻地推开门,悄悄地走了进去。"),  # 悄悄地 is a jieba word
    ("各地积极得推进垃圾分类工作。", "各地积极地推进垃圾分类工作。"),
    ("算法和模型还在不断得改变。", "算法和模型还在不断地改变。"),  # progressive 在, no 中 after
    ("客户和原厂得结合度非常强。", "客户和原厂的结合度非常强。"),  # a noun modifies with 的
    ("他对法律知识有了更深得了解。", "他对法律知识有了更深的了解。"),  # 了解。 is nominal here
    ("老人坐在树墩上,轻轻得抚摸着这棵老树。", "老人坐在树墩上,轻轻地抚摸着这棵老树。"),  # the
    ("河水一年四季缓缓得流着。", "河水一年四季缓缓地流着。"),  # model is sure; 的 reads badly
    ("他悄悄得把书包一放,就跑了出去。", "他悄悄地把书包一放,就跑了出去。"),
    # read by the particle model alone once the slot is a particle (the window scores of 地
    # no longer have to agree): a modal or an adverb before the modifier, a verb with its
    # object or 了 after it
    ("我们要坚持不懈得推进改革。", "我们要坚持不懈地推进改革。"),
    ("代表们热烈得讨论了这个问题。", "代表们热烈地讨论了这个问题。"),
    ("这项政策将有力得推动经济发展。", "这项政策将有力地推动经济发展。"),
    # a person, 得 and a one-character word heading a noun phrase: 的, not the modal
    ("他得笑很迷人。", "他的笑很迷人。"),
    ("你得书包放在哪里?", "你的书包放在哪里?"),
])
def test_adverbial_di_in_laundered_article(state, noisy, clean):
    art = repair.process(_article([_LAUNDERED, noisy]), state)
    assert art.scores["laundering"] >= state.gate.threshold
    assert art.paragraphs[1] == clean


@pytest.mark.parametrize("text", [
    "他获得了冠军,我觉得他跑得很快。",
    "它也得往那个方向发展。",  # 得 = must
    "我们不得不承认,他说得很好。",
    "这个问题解决得比较彻底。",
    "大家都记得他,他得到了表扬。",
    "天气太冷,所以就得向老百姓去借。",  # 就得 = must: a one-character word before it
    # the complement 得 after a one-character word: 地 there is only 更好地 / 更多地
    "他疼得睡不着觉。",
    "他气得说不出话来。",
    "大家忙得不可开交。",
    "这件事办得很漂亮。",
    # the modal 得 after a person opening the clause: an adverb or a one-character verb next
    "你得赶快走,不然就来不及了。",
    "我们得想办法解决这个问题。",
    "时间不早了,他得走了。",
])
def test_legitimate_de_survives_beside_adverbial_repairs(state, text):
    art = repair.process(_article([_LAUNDERED, text]), state)
    assert art.paragraphs[1] == text


def test_adverb_forms_and_nouns_ending_in_di(state):
    decider = state.decider
    assert decider._adverb_form("悄悄地") and decider._adverb_form("真诚地")
    for noun in ("根据地", "殖民地", "世界各地", "目的地", "土地"):
        assert not decider._adverb_form(noun), noun


def test_particle_model_reads_both_sides(state):
    logit = state.decider._di_logit
    assert logit(("我们", "要", "认真", "学习", "了", "。")) > 1.0  # 认真地学习了
    assert logit(("<s>", "<s>", "轻轻", "推开", "门", "，")) > 1.0
    assert logit(("对", "他", "有了", "更深", "了解", "。")) < 0.0  # 有了更深的了解。
    assert logit(("<s>", "客户", "原厂", "结合", "度", "非常")) < -2.0  # a noun before the slot
    # the words further out: a modal two words back, an object after the verb
    assert logit(("都", "能够", "坚定不移", "推进", "改革", "。")) > 1.5
    assert logit(("进行", "了", "深入", "研究", "。", "</s>")) < 0.0


def test_usage_profiles_tell_modifiers_of_predicates(state):
    """stats._profiles: 认真 mostly modifies verbs, 重要 nouns; 推动 is mostly a predicate."""
    profile = state.decider.stats.profile
    assert profile["认真"][0] > "d" > profile["重要"][0]
    assert profile["推动"][1] > "d"


def test_the_lexicon_cache_key_follows_the_dictionary_s_content_not_its_install_time(
        tmp_path, monkeypatch):
    """A new install of jieba (a new virtualenv) writes dict.txt anew: same bytes, new
    modification time. The key of the lexicon built from it must not change then (each
    install wrote another 10 MB file to the user cache), and must when the words do."""
    import os

    from pipeline.stages.repair import lexicon
    from pipeline.stages.segment import tokenizer

    main, idf = tokenizer.jieba_paths()
    copy = tmp_path / "dict.txt"
    copy.write_bytes(main.read_bytes())
    monkeypatch.setattr(tokenizer, "jieba_paths", lambda: (copy, idf))
    key = lexicon.cache_key()
    os.utime(copy, ns=(0, 10**18))  # reinstalled: another mtime, the same content
    assert lexicon.cache_key() == key
    copy.write_bytes(main.read_bytes() + "新词语 3 n\n".encode())
    assert lexicon.cache_key() != key


def test_the_lexicon_keyed_by_codes_parses_as_jieba_s_frequencies_say():
    """The lexicon holds words as int codes (a quarter of the strings' memory). Its best path
    must be the one jieba's own word table gives, read with string slices as before, on real
    text and on characters outside the codes' range (NUL, Extension B), with and without a
    document's recurring two-character words; its tags must be dict.txt's."""
    import math

    from pipeline.stages.repair import lexicon
    from pipeline.stages.repair.stats import jieba_dict, loaded_jieba

    jieba = loaded_jieba()
    jieba.dt.check_initialized()
    freq, logt = jieba.dt.FREQ, math.log(jieba.dt.total)
    lx = lexicon.shared()

    def reference(s: str, extra: dict[str, float]) -> tuple[float, list[int]]:
        n, best, back = len(s), [0.0] + [-1e18] * len(s), [0] * (len(s) + 1)
        for i in range(n):
            if s[i:i + 2] in extra and best[i] + extra[s[i:i + 2]] > best[i + 2]:
                best[i + 2], back[i + 2] = best[i] + extra[s[i:i + 2]], i
            for j in range(i + 1, min(n, i + lexicon.MAX_WORD) + 1):
                f = freq.get(s[i:j])
                if j == i + 1:
                    lp = math.log(f) - logt if f else lx.unknown
                elif f is None:
                    break
                elif not f:
                    continue
                else:
                    lp = math.log(f) - logt
                if best[i] + lp > best[j]:
                    best[j], back[j] = best[i] + lp, i
        cuts, j = [n], n
        while j:
            j = back[j]
            cuts.append(j)
        return best[n], cuts[::-1]

    text = "".join(p.read_text("utf-8") for p in sorted(RAW.glob("*.txt")))
    windows = [text[i:i + 12] for i in range(0, len(text) - 12, 7)]
    windows += ["\x00华为发布", "华\U0002000b为公司", "𠀀在于", "得", ""]
    extra = {"燧原": -9.0}
    checked = 0
    for win in windows:
        for words in ({}, extra):
            got = lx.parse(win, {lexicon.code(w): v for w, v in words.items()})
            want = reference(win, words)
            assert got[1] == want[1], win
            assert math.isclose(got[0], want[0], rel_tol=1e-12, abs_tol=1e-9), win
            checked += 1
    assert checked > 2000
    assert lexicon.word_of(lexicon.code("燧原科技")) == "燧原科技"
    assert "华为" in lx and "华伪" not in lx and lx.logp("华伪", -1.0) == -1.0
    tags = {}
    with jieba_dict()[0].open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if parts[0] in ("华为", "认真", "的", "悄悄", "发展"):
                tags[parts[0]] = parts[2]
    assert {w: lx.tag(w) for w in tags} == tags and len(tags) == 5
    assert sum(1 for _ in lx.words()) == sum(1 for f in freq.values() if f)


def test_the_statistics_cache_round_trips_with_each_word_held_once(state):
    """The context statistics are cached as marshal data in which equal strings and floats
    are one object: read back, they equal what was written, and a word that keys several
    tables (word_count, word_tag, profile) is one string in memory, not one per table."""
    from dataclasses import fields

    from pipeline.stages.repair import stats as stats_mod

    st = state.decider.stats
    back = stats_mod._from_bytes(stats_mod._to_bytes(st))
    for f in fields(st):
        assert getattr(back, f.name) == getattr(st, f.name), f.name
    assert type(back.prev["的"]) is type(st.prev["的"])
    keys = {k: k for k in back.word_count}
    shared = [w for w in back.profile if keys[w] is w]
    assert len(shared) == len(back.profile) > 10_000
    assert len({id(t) for t in back.word_tag.values()}) == len(set(back.word_tag.values()))
    with pytest.raises(ValueError):
        stats_mod._from_bytes(b"\x00garbage")


def test_the_context_statistics_wait_for_the_first_flagged_article(cfg):
    """The gate needs only the statistics' summary (the characters' counts, homophones): a
    worker whose articles are all clean never loads the rest (19 MB), and the first flagged
    article loads them."""
    fresh = repair.prepare(cfg)
    assert fresh.decider._stats is None
    clean = repair.process(_article([(RAW / "000_88f783a42ba9fb60.txt").read_text("utf-8")]),
                           fresh)
    assert clean.scores["laundering"] < fresh.gate.threshold and fresh.decider._stats is None
    laundered = repair.process(_article(
        [(RAW / "002_90f3a51d6f46763a.txt").read_text("utf-8")]), fresh)
    assert laundered.repairs and fresh.decider._stats is not None
    assert fresh.decider.summary.char_count == fresh.decider.stats.char_count


def test_mojibake_is_undone_by_repair_when_convert_has_not_run(state):
    """``zhnews repair --text`` on wrong-codec text restores it, as its help says; after
    convert (whose t2s changes the garbled characters) repair leaves that to clean."""
    text = "你好，我们的公司今年的业绩很好。这是一篇关于经济发展的新闻报道。"
    garbled = text.encode("gbk").decode("latin-1")
    art = repair.process(_article([garbled]), state)
    assert art.paragraphs == [text]
    assert [r.rule for r in art.repairs] == ["mojibake-gbk-as-latin1"]
    converted = _article([garbled])
    converted.script.detected = "simplified"
    assert repair.process(converted, state).paragraphs == [garbled]
    garbled = text.encode("utf-8").decode("gb18030", "replace")
    out = zhnews("repair", "--text", input=garbled.encode("utf-8")).stdout.decode("utf-8")
    assert out.startswith("你好，我们的公司今年的业绩很好")
