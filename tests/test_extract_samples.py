"""extract + clean on the five sample documents in raw/: articles, titles, bylines, chrome."""

from __future__ import annotations

import pytest

from tests.conftest import RAW


@pytest.fixture(scope="module")
def run(cfg):
    from pipeline.stages import clean
    from pipeline.stages.extract import InputContext, extract, prepare

    state, cstate = prepare(cfg), clean.prepare(cfg)

    def go(prefix: str):
        path = next(RAW.glob(f"{prefix}_*.txt"))
        ctx = InputContext(path=str(path), relpath=path.name)
        return [clean.process(a, cstate) for a in extract(path.read_bytes(), ctx, state)], ctx

    return go


def _all_text(article) -> str:
    return "\n".join(article.paragraphs)


def test_000_splits_into_five_articles_with_titles(run):
    arts, ctx = run("000")
    assert ctx.fmt == "text"
    assert [a.title for a in arts] == [
        "騰訊重倉的晶片公司要上市了!燧原科技IPO獲受理,擬募資60億,All in研發",
        "包圓壁仞、沐曦、燧原,上海靠GPU賺瘋了",
        "又一家GPU企業,完成IPO輔導",
        "騰訊造出160億超級獨角獸:要上市,和寒武紀競爭",
        "連獲騰訊4輪投資,它要破“缺芯少魂卡脖”魔咒",
    ]
    assert [a.publisher for a in arts[:4]] == ["量子位", "新質動能", "科創板日報", "鉛筆道"]
    assert all(a.tags == ["燧原科技"] for a in arts)
    assert arts[0].paragraphs[0].startswith("2026年A股首單IPO新受理,落在國產AI晶片上。")
    assert arts[0].paragraphs[-1].endswith("真正夯實AI自主算力的底座。")  # "(量子位)" moved out
    assert arts[4].paragraphs[0].startswith("2018年,中興事件爆前的一個月")
    assert len({a.id for a in arts}) == 5
    # 鉛筆道's article: inline promotions and the image credit leave, "- 01 -" sections split
    body = arts[3].text
    for chrome in ("【福利推薦】", "寫稿999元起", "【社群推薦】", "科技服務產業俱樂部", "圖源"):
        assert chrome not in body, chrome
    assert len(arts[3].paragraphs) == 4 and arts[3].paragraphs[1].startswith("-\xa001\xa0-國產GPU")
    assert "燧原科技搭載在算力中心的產品。作為算力中心,我是需要GPU沒錯" in body
    assert {r.reason for r in arts[3].removed} == {"outlet", "inline-chrome"}


CHROME_001 = ["網易首頁", "分享至", "相關推薦", "熱點推薦", "184文章數", "往期回顧", "要聞",
              "無障礙瀏覽", "進入關懷版", "特別聲明", "Notice: The content above", "色婷婷",
              "<cite", "<legend", "鷹眼Defence", "2026-02-17 10:30:12", "作者 | 山竹"]


def test_001_netease_rendering(run):
    (art,), _ = run("001")
    assert art.title == "巨變2025:國產GPU集體沖線"
    assert art.authors == ["山竹"]
    assert art.publisher == "鋅產業"
    # the time over the writer's card, not a related item's "source, then time"
    assert art.published_at == "2026-02-17T16:23:01+08:00"
    body = _all_text(art)
    assert art.paragraphs[0].startswith("由于國產大模型熱情依舊")
    assert art.paragraphs[-1].startswith("在這之中,如果有哪一個產業最能代表人工智能的起落")
    for chrome in CHROME_001:
        assert chrome not in body, chrome
    reasons = {r.reason for r in art.removed}
    assert {"markup", "spam", "chrome", "boilerplate", "trailing-chrome"} <= reasons
    assert "01 學習大廠,顛覆大廠" in art.paragraphs  # section headings stay paragraphs


def test_002_byline_editors_outlet(run):
    (art,), _ = run("002")
    assert art.authors == ["陳宇曦"]
    assert art.publisher == "澎湃新聞"
    assert art.editors == ["王杰", "張亮亮"]
    assert art.paragraphs[0].startswith("打破芯片卡脖子問題")
    assert art.paragraphs[-1].startswith("但創業公司這么多,誰能真正脫穎而出?")
    body = _all_text(art)
    for chrome in ("責任編輯", "校對", "發文人 陳宇曦", "資料圖"):
        assert chrome not in body


def test_003_front_matter_and_editor_note(run):
    (art,), ctx = run("003")
    assert ctx.fmt == "markdown"
    assert art.title == "第二次AI芯片浪潮下，中国版英伟达的故事谁来讲？"
    assert art.published_at == "2022-01-24T16:00:16+08:00"  # Mon, 24 Jan 2022 08:00:16 GMT
    assert art.tags == ["新媒体", "36kr", "资讯"]
    assert art.authors == ["范文靖"]
    assert art.publisher == "甲子光年"
    assert art.paragraphs[0].startswith("2018年的中兴事件和2019年的华为事件之后，")
    assert art.paragraphs[-1] == "GPGPU的创业者似乎从来不讳言想成为一家“伟大的公司”，但迈向伟大的路，也一样是在脚下。"
    assert "1.时代呼唤GPU" in art.paragraphs
    assert "<" not in _all_text(art)


def test_004_trailing_chrome(run):
    (art,), _ = run("004")
    assert art.paragraphs[0] == "AI大模型混战,年初至今,GPU芯片被炒高至50万元一颗。"
    assert art.paragraphs[-1] == "对于这位投资人来说,除了善于搞钱,更要打造产品。"
    tail = set(art.paragraphs[-3:])
    for chrome in ("点赞(0)", "投稿", "微信扫一扫加关注", "发表", "评论", "返回", "顶部", "立即",
                   "微信公众账号"):
        assert chrome not in tail
    assert all(r.text and r.reason for r in art.removed)


def test_chinese_punctuation_untouched(run):
    (art,), _ = run("003")
    assert "，" in art.text and "“" in art.text and "。" in art.text
