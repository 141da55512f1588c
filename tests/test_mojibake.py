"""mojibake: wrong-codec text restored where the bytes survived; clean text never touched."""

from __future__ import annotations

import json

from pipeline.article import Article, Source
from pipeline.stages import mojibake
from tests.conftest import RAW, shared_path

CLEAN = "中国人民银行今天宣布降低存款准备金率，澎湃新闻记者陈宇曦报道。"


def _run(paragraphs: list[str]) -> Article:
    art = Article(id="0" * 16, source=Source(path="-", format="text"))
    art.set_paragraphs(list(paragraphs))
    return mojibake.process(art)


def test_utf8_read_as_gbk_is_restored():
    art = _run(["鍙樻硶鏂伴椈", "记者 " + "变法新闻".encode().decode("gbk") + " 报道"])
    assert art.paragraphs == ["变法新闻", "记者 变法新闻 报道"]
    assert {r.rule for r in art.repairs} == {"mojibake-utf8-as-gbk"}


def test_gbk_read_as_latin1_is_restored():
    art = _run([CLEAN.encode("gbk").decode("latin-1")])
    assert art.paragraphs == [CLEAN]
    assert art.repairs[0].rule == "mojibake-gbk-as-latin1"


def test_residue_is_flagged_not_edited():
    art = _run(["锟斤拷锟斤拷烫烫烫"])
    assert art.paragraphs == ["锟斤拷锟斤拷烫烫烫"]
    assert art.scores["mojibake_residue"] == 3.0


def test_raw_samples_untouched():
    for path in sorted(RAW.iterdir()):
        lines = path.read_text("utf-8", errors="replace").splitlines()
        art = _run(lines)
        assert art.repairs == [], path.name


def test_pku_text_untouched():
    lines = shared_path("segmentation", "pku_test.utf8").read_text("utf-8").splitlines()
    assert _run(lines).repairs == []


def test_clean_sentences_untouched():
    rows = json.loads(shared_path("repair", "acc_xxqg.tet.json").read_text("utf-8"))
    assert _run([r["original_text"] for r in rows]).repairs == []


def test_utf8_as_gbk_with_lost_bytes_restores_what_survived():
    # Decoding with errors="replace" loses some bytes; everything else comes back exactly.
    garbled = CLEAN.encode("utf-8").decode("gbk", "replace")
    art = _run([garbled])
    fixed = art.paragraphs[0]
    assert art.repairs and art.repairs[0].rule == "mojibake-utf8-as-gbk"
    assert len(fixed) == len(CLEAN)
    same = sum(a == b for a, b in zip(fixed, CLEAN, strict=True))
    lost = fixed.count("\ufffd")
    assert same + lost == len(CLEAN) and same >= len(CLEAN) * 0.8


def test_utf8_read_as_gb18030_is_restored():
    """A "GBK" decoder that is really GB18030 turns some UTF-8 byte pairs into private-use
    characters, which GBK cannot encode back; the GB18030 route can, all but the bytes the
    first decoding lost."""
    text = "你好，我们的公司今年的业绩很好。这是一篇关于经济发展的新闻报道。"
    garbled = text.encode("utf-8").decode("gb18030", "replace")
    assert any("\ue000" <= ch <= "\uf8ff" for ch in garbled)
    art = _run([garbled])
    assert art.repairs[0].rule == "mojibake-utf8-as-gb18030"
    fixed = art.paragraphs[0]
    assert len(fixed) == len(text)
    assert sum(a == b for a, b in zip(fixed, text, strict=True)) + fixed.count("\ufffd") == len(text)


def test_big5_read_as_gbk_is_restored():
    text = "正體中文新聞報導"
    art = _run([text.encode("big5").decode("gbk", "replace")])
    assert art.paragraphs[0].startswith(text)
    assert art.repairs[0].rule == "mojibake-big5-as-gbk"


def test_box_drawing_and_symbols_untouched():
    lines = ["┌───┬───────────────┐", "导┌────────────────┼─", "│ 项目 │ 金额 │", "★☆※→←"]
    assert _run(lines).repairs == []


def test_real_portal_pages_untouched(cfg):
    """Extracted web pages (GBK and UTF-8, tables drawn with box characters): no edits."""
    from pipeline.engine import local
    from pipeline.io import walk_inputs

    folders = [shared_path("extraction", "portal-pages"),
               shared_path("extraction", "cwced-dev", "original")]
    files = list(walk_inputs([str(f) for f in folders]))
    paragraphs = [p for result in local.results(files, cfg, (), 1)
                  for art in result.articles for p in art.paragraphs]
    assert paragraphs
    assert _run(paragraphs).repairs == []


def test_mojibake_edits_point_at_the_final_paragraphs(cfg):
    """The fixer runs before clean drops chrome lines; its edits must index what is left."""
    from pipeline.stages import clean

    garbled = CLEAN.encode("gbk").decode("latin-1")
    art = Article(id="0" * 16, source=Source(path="-", format="text"))
    art.set_paragraphs(["分享至", "返回顶部", "记者 " + "变法新闻".encode().decode("gbk") + " 报道",
                        garbled])
    out = clean.process(art, clean.prepare(cfg))
    assert out.paragraphs == ["记者 变法新闻 报道", CLEAN]
    assert sorted({r.paragraph for r in out.repairs}) == [0, 1]
    for r in out.repairs:
        assert out.paragraphs[r.paragraph][r.offset:r.offset + len(r.to)] == r.to
