"""convert: script detection, the zhnews OpenCC chain, normalisation, on real text."""

from __future__ import annotations

import json
import re

import pytest

from pipeline.article import Article, Source
from pipeline.stages import convert
from pipeline.stages.convert import detect
from pipeline.stages.convert.charsets import TRADITIONAL_ONLY
from pipeline.stages.convert.diffcount import changed_chars
from pipeline.stages.convert.normalise import normalise
from tests.conftest import RAW, shared_path, zhnews

TRAD = set(TRADITIONAL_ONLY)


@pytest.fixture(scope="module")
def state(cfg):
    return convert.prepare(cfg)


def _run(paragraphs: list[str], state, title: str | None = None) -> Article:
    art = Article(id="0" * 16, source=Source(path="-", format="text"), title=title)
    art.set_paragraphs(list(paragraphs))
    return convert.process(art, state)


def _raw(prefix: str) -> list[str]:
    path = next(RAW.glob(f"{prefix}_*"))
    return [ln.strip() for ln in path.read_text("utf-8").splitlines() if ln.strip()]


def test_simplified_text_is_untouched_even_names_opencc_breaks(state):
    paras = ["华为昇腾芯片发布，王丙乾出席。", "这些大厂纷纷介入AI芯片，推出了昇腾、昆仑和含光。"]
    art = _run(paras, state)
    assert art.paragraphs == paras
    assert art.script.detected == "simplified" and art.script.converted_chars == 0
    assert art.script.profile is None


def test_sample_000_taiwan_phrasing_becomes_mainland_simplified(state):
    art = _run(_raw("000"), state)
    text = art.text
    assert art.script.detected == "traditional" and art.script.profile == "tw2sp"
    for word in ("芯片", "英伟达", "摩尔线程", "信息", "编程"):
        assert word in text, word
    for word in ("晶片", "輝达", "辉达", "执行绪", "資訊", "程式设计"):
        assert word not in text, word
    assert not [c for c in text if c in TRAD]
    assert art.script.converted_chars > 1000
    assert art.original.paragraphs == _raw("000")


def test_sample_001_mixed_sentences_are_converted(state):
    art = _run(_raw("001"), state)
    assert "国产GPU集体冲线" in art.text and "摩尔线程" in art.text and "英伟达" in art.text
    assert not [c for c in art.text if c in TRAD and c != "崑"]  # 乾崑 is protected


def test_sample_002_keeps_ascend_and_converts_wei(state):
    art = _run(_raw("002"), state)
    assert "昇腾" in art.text and "升腾" not in art.text
    assert "偽" not in art.text and "华伪" in art.text  # repair fixes 伪→为 afterwards
    assert "资料图" in art.text  # 資料 is blocked: not 数据图


@pytest.mark.parametrize(("src", "want"), [
    ("他是核心成員，建立了程序與文件的指標。", "他是核心成员，建立了程序与文件的指标。"),
    ("軟體開發需要智慧與執行力。", "软件开发需要智慧与执行力。"),
    ("摩爾執行緒的晶片由輝達代工？", "摩尔线程的芯片由英伟达代工？"),
    ("華為昇騰與乾崑智駕，王丙乾說。", "华为昇腾与乾崑智驾，王丙乾说。"),
])
def test_blocks_and_protected_terms_with_taiwan_layer(state, src, want):
    art = _run(["晶片與軟體。", src], state)  # 晶片 switches on the Taiwan layer
    assert art.script.profile == "tw2sp"
    assert art.paragraphs[1] == want


@pytest.mark.parametrize(("src", "want"), [
    # s2twp wrote 运行 as 執行 and 进程 as 程序; their collocates tell the readings apart
    ("變電站投入執行，經濟執行質量提高。", "变电站投入运行，经济运行质量提高。"),
    ("中東和平程序與經濟一體化程序。", "中东和平进程与经济一体化进程。"),
    ("嚴格執行法律程序。", "严格执行法律程序。"),
])
def test_collocations_of_blocked_words(state, src, want):
    assert _run(["晶片與軟體。", src], state).paragraphs[1] == want


def test_taiwan_layer_needs_taiwan_vocabulary(state):
    plain = _run(["香港政府支援市民，資料顯示經濟增長。"], state)
    assert plain.script.profile == "tw2s"
    assert plain.paragraphs == ["香港政府支援市民，资料显示经济增长。"]


def test_mixed_paragraph_converts_only_sentences_with_traditional(state):
    art = _run(["这是简体句子，昇腾很好。這是繁體句子，華為很好。", "简体段落"], state,
               title="標題")
    assert art.paragraphs == ["这是简体句子，昇腾很好。这是繁体句子，华为很好。", "简体段落"]
    assert art.title == "标题"
    assert art.script.detected == "mixed"


def test_normalisation_keeps_chinese_punctuation(state):
    art = _run(["「他說『ＡＩ２０２５』很好」，對嗎？是的！比例：５０％；"], state)
    assert art.paragraphs == ["“他说‘AI2025’很好”，对吗？是的！比例：50％；"]
    assert normalise("ｇｐｕ，。")[0] == "gpu，。"


def test_ascii_punctuation_typed_into_chinese_becomes_the_chinese_form(state, cfg):
    """The sample dump writes 騰訊重倉的晶片公司要上市了!燧原科技IPO獲受理,擬募資60億: the marks
    beside Han characters become Chinese; numbers, URLs, English and the period stay."""
    art = _run(["騰訊重倉的晶片公司要上市了!燧原科技IPO獲受理,擬募資60億,All in研發",
                "真的嗎?!(圖)比分3:2,網址:http://a.b/?x=1 (2024) 1,000元. Python: a language"],
               state, title="連獲騰訊4輪投資,它要破“缺芯少魂卡脖”魔咒")
    assert art.paragraphs == [
        "腾讯重仓的芯片公司要上市了！燧原科技IPO获受理，拟募资60亿，All in研发",
        "真的吗？！（图）比分3:2，网址：http://a.b/?x=1 (2024) 1,000元. Python: a language"]
    assert art.title == "连获腾讯4轮投资，它要破“缺芯少魂卡脖”魔咒"
    assert all(len(a) == len(b) for a, b in zip(art.paragraphs, art.original.paragraphs))
    assert art.scores["convert.normalised_chars"] == 10.0
    assert normalise("上市了!燧原", punctuation=False)[0] == "上市了!燧原"
    # straight double quotes, paired in order, around Han text; an odd count is left alone
    for raw, wide in (('狂奔的龙湖集团"暗伤"曝露', "狂奔的龙湖集团“暗伤”曝露"),
                      ('他说"hello"和"你好"', '他说"hello"和“你好”'),
                      ('屏幕5" 大的"好"', '屏幕5" 大的"好"'), ('"A" and "B"', '"A" and "B"')):
        assert normalise(raw, punctuation=True)[0] == wide, raw
    off = convert.prepare(cfg)
    off.punctuation = False  # fullwidth_punctuation = false: as written
    assert _run(["上市了!燧原科技IPO获受理,拟募资"], off).paragraphs == [
        "上市了!燧原科技IPO获受理,拟募资"]


def test_detection_helpers():
    assert detect.article_script("我们的芯片")[0] == "simplified"
    assert detect.article_script("我們的晶片")[0] == "traditional"
    assert detect.article_script("步步高陞")[0] == "traditional"
    assert detect.article_script("hello")[0] == "none"
    assert "".join(detect.sentences("一。二！“三？”四")) == "一。二！“三？”四"
    astral = next(c for c in TRADITIONAL_ONLY if ord(c) > 0xFFFF)
    assert detect.sentence_script(astral + "這") == "traditional"
    assert detect.sentence_script("𫐷这") == "simplified"  # 𫐷 is the simplified 遱


def test_changed_chars_counts_by_position_and_clause():
    assert changed_chars("騰訊的晶片", "腾讯的芯片") == 3
    assert changed_chars("輝達，很好", "英伟达，很好") == 3
    assert changed_chars("同", "同") == 0


def test_text_mode_cli():
    assert zhnews("convert", "--text", input="硪們\n".encode()).stdout.decode() == "硪们\n"


def test_opencc_testcases_fail_only_on_deliberate_choices(cfg):
    """Every group's failures are our blocks/protections (see eval_conversion.py)."""
    path = shared_path("conversion", "opencc-testcases.json")
    cases = json.loads(re.sub(r",(\s*[}\]])", r"\1", path.read_text("utf-8")))["cases"]
    allowed = {
        "BYVoid_OpenCC_PR_464_jia_vs_jia",  # 袷衣 sits beside simplified 夹衣: left untouched
        "BYVoid_OpenCC_Issue_1246_core_reverse_phrase",  # block 核心 (not 内核)
        "medical_phrases_tw_cardio_tw2sp",  # block 心肌梗塞 (also mainland usage)
        "BYVoid_OpenCC_PR_1036_t2s",  # blocks 叮噹 / 叮叮噹噹 (叮当 is standard simplified)
        "BYVoid_OpenCC_Issue_1174_tw2sp",  # block 正規化 (正规化 is a mainland word)
    }
    groups = {"t2s": ("t2s", "never"), "tw2s": ("tw2s", "never"),
              "tw2sp": ("tw2s", "always"), "hk2s": ("hk2s", "never")}
    failed = set()
    for group, (profile, taiwan) in groups.items():
        cfg2 = type(cfg)(dict(cfg.data), cfg.origin)
        cfg2.data["convert"] = {**cfg.data["convert"], "profile": profile,
                                "taiwan_phrases": taiwan}
        st = convert.prepare(cfg2)
        for case in cases:
            if group in case["expected"]:
                if _run([case["input"]], st).paragraphs[0] != case["expected"][group]:
                    failed.add(case["id"])
    assert failed <= allowed, failed - allowed


def test_metadata_is_converted_with_the_body(cfg):
    from pipeline.article import Article, Source
    from pipeline.stages import convert

    art = Article(id="0" * 16, source=Source(path="-", format="text"),
                  authors=["陳宇曦"], editors=["張亮亮"], publisher="澎湃新聞", tags=["燧原科技"])
    art.set_paragraphs(["趙立東說，國產晶片還有很長的路要走。"])
    out = convert.process(art, convert.prepare(cfg))
    assert (out.authors, out.editors, out.publisher, out.tags) == (
        ["陈宇曦"], ["张亮亮"], "澎湃新闻", ["燧原科技"])


def test_taiwan_vocabulary_trie():
    from pipeline.stages.convert.vocab import TaiwanVocabulary

    vocab = TaiwanVocabulary(["網路", "網際網路", "晶片"], ["支援", "設定"])
    assert vocab.shows("透過網際網路連線") and vocab.shows("新晶片")
    assert not vocab.shows("政府支援市民，支援企業")  # one weak term, twice
    assert vocab.shows("政府支援市民，設定目標")  # two different weak terms
    assert vocab.strong.first("透過網際網路") == "網際網路"  # longest at a position


def test_taiwan_vocabulary_matches_a_longest_first_regex(cfg):
    """The pair filter finds exactly what a regex alternation (longest first) finds."""
    from pipeline.stages.convert.vocab import TermFinder

    strong, weak = convert._taiwan_terms(cfg.lines("convert", "taiwan_terms_file"))
    terms = set(strong) | set(weak) | {"網"}  # plus a one-character term
    finder = TermFinder(terms)
    ref = re.compile("|".join(map(re.escape, sorted(terms, key=len, reverse=True))))
    words = sorted(terms)
    texts = [*_raw("000"), *_raw("001"), *_raw("002"), "".join(words),
             *(a + b for a in words[:60] for b in words[:60])]
    for text in texts:
        m = ref.search(text)
        assert finder.first(text) == (m.group() if m else None)
        assert finder.findall(text) == ref.findall(text)


ZHU_SENTENCES = [  # 著 = "write / a work / notable" must stay 著; 着 stays where it is a particle
    "报考者须提交在公开刊物上发表的论文或专著。",
    "澳大利亚土著部落将祖先的头颅集中于一个大瓮内。",
    "这部小说由他编著，论著丰富，成效卓著。",
    "电影改编自同名原著，译著与遗著也将出版。",
    "大家七嘴八舌地讨论着，村民也议论着这件事。",
    "他一边翻译着文件，一边还原着当年的情景。",
    "这部翻译著作引发了对著作权的讨论。",
]


@pytest.mark.parametrize("taiwan", [False, True])
@pytest.mark.parametrize("want", ZHU_SENTENCES)
def test_zhu_as_write_is_not_turned_into_zhe(state, want, taiwan):
    import opencc

    src = opencc.OpenCC("s2tw").convert(want)  # Taiwan spelling: 着 is written 著 too
    assert "着" not in src
    paragraphs = ["晶片與軟體。", src] if taiwan else ["這是臺灣的報導。", src]
    art = _run(paragraphs, state)
    assert art.script.profile == ("tw2sp" if taiwan else "tw2s")
    assert art.paragraphs[1] == want


def test_zhu_words_in_shared_texts_round_trip(state):
    """Every line of the shared corpora with a protected 著 word survives s2tw → convert."""
    import opencc

    words = ("专著", "论著", "编著", "土著", "原著", "译著", "卓著", "遗著", "撰著", "拙著")
    s2tw = opencc.OpenCC("s2tw")
    lines = []
    for path in (shared_path("segmentation", "pku_test.utf8"),
                 *sorted(shared_path("extraction", "cwced-dev").rglob("*.txt"))):
        for line in path.read_text("utf-8", errors="replace").splitlines():
            line = line.replace(" ", "").strip()
            if any(w in line for w in words) and not re.search("[A-Za-z<>]", line):
                lines.append(line)
    assert len(lines) >= 5
    for line in lines:
        out = _run([s2tw.convert(line)], state).paragraphs[0]
        for w in words:
            assert out.count(w) == line.count(w), (line, out)


def test_protected_forms_are_read_from_the_cache_once_derived(tmp_path, monkeypatch):
    """Deriving the protected spellings builds three OpenCC converters; a second start with
    the same terms reads them back, and other terms are derived anew."""
    from pipeline.stages.convert import opencc_config

    monkeypatch.setenv("ZHNEWS_CACHE_DIR", str(tmp_path))
    terms = [["乾崑"], ["昇腾", "昇騰"], ["王丙乾"]]
    derived = opencc_config.protected_forms(terms)
    assert derived["昇騰"] == "昇腾" and derived["乾崑"] == "乾崑"
    assert opencc_config.cached_protected_forms(terms) == derived
    assert len(list(tmp_path.glob("convert-protected-*"))) == 1

    def fail(_terms):
        raise AssertionError("derived again")

    monkeypatch.setattr(opencc_config, "protected_forms", fail)
    assert opencc_config.cached_protected_forms(terms) == derived
    with pytest.raises(AssertionError, match="derived again"):
        opencc_config.cached_protected_forms([*terms, ["麒麟"]])
