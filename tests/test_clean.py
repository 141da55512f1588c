"""clean on its own: chrome lines, spam, trailing blocks, markup; every removal has a reason."""

from __future__ import annotations

import pytest

from pipeline.article import Article, Source


@pytest.fixture(scope="module")
def state(cfg):
    from pipeline.stages import clean

    return clean.prepare(cfg)


def _clean(paragraphs: list[str], state) -> Article:
    from pipeline.stages import clean

    art = Article(id="x", source=Source(path="x", format="text"))
    art.set_paragraphs(paragraphs)
    return clean.process(art, state)


BODY = ["国家统计局29日发布数据，2020年全国规模以上工业企业利润比上年增长4.1%。" * 3,
        "其中，12月份利润同比增长20.1%，连续8个月保持增长。" * 3]


@pytest.mark.parametrize("line, reason", [
    ("網易首頁 > 網易號 > 正文 申請入駐", "chrome"),
    ("184文章數 30關注度", "chrome"),
    ("往期回顧 全部", "chrome"),
    ("點讚(12)", "chrome"),
    ("圖源:視覺中國", "chrome"),
    ("【福利推薦】掃碼領取限時福利，名額有限先到先得", "chrome"),
    ("【社群推薦】加入讀者群，與作者面對面交流", "chrome"),
    ("無障礙瀏覽 進入關懷版", "boilerplate"),
    ("微信扫一扫加关注", "boilerplate"),
    ("返回顶部", "boilerplate"),
    ("展开全文", "boilerplate"),
    ("色婷婷久,激情色播,久久久无码专区,亚洲中文字幕av,国产成人A片", "spam"),
    ('<cite id="ffb66"></cite><track id="ffb66"></track>', "markup"),
    ("三校社会学论坛·中国网社会论坛 » 学术前沿 » 社会资本、人力资本与下岗职工的再就业", "chrome"),
    ("首页｜新华社记者看东北｜人物专访", "chrome"),
    ("2、回复【福利】查看各种政策福利", "chrome"),
    ("点击菜单栏【便民服务】解锁更多服务！", "chrome"),
    ("云南日报报业集团 版权所有，未经许可不得转载", "chrome"),
    ("视频-这个中国人习以为常的地方 为何老外却说“了不得”？", "chrome"),
    ("点击上方蓝字关注我们", "chrome"),
    ("友情链接：澳门赌场 | 六合彩开奖 | 成人视频在线观看", "chrome"),
    ("网站地图 | 联系我们 | 关于我们", "chrome"),
    ("海量资讯、精准解读，尽在新浪财经APP", "boilerplate"),
    ("澳门赌场 百家乐 真人娱乐 六合彩开奖 时时彩", "spam"),
    ("↑点击上方“科技观察”，关注并星标", "chrome"),
    ("- 今日头条：快科技 带来硬件软件、手机数码最快资讯！", "chrome"),
    ("- 抖音：快科技mydrivers 科技快讯、手机开箱、产品体验、应用推荐...", "chrome"),
    ("（责任编辑： HN666）", "chrome"),
    ("标签", "chrome"),
    ("https://www.gov.cn/", "chrome"),
    ("总篇数", "chrome"),
    ("点击量：", "chrome"),
    ("暂无简介", "chrome"),
    ("20190926|国贸|增长率|全球经济", "chrome"),
    ("收录于合集", "boilerplate"),
    ("#人工智能 12个", "chrome"),
    ("收录于合集 #人工智能 #大模型 12个", "chrome"),
    ("预览时标签不可点", "boilerplate"),
])
def test_chrome_lines_go_with_their_reason(state, line, reason):
    art = _clean([line, *BODY], state)
    assert art.paragraphs == BODY
    assert [(r.reason, r.text) for r in art.removed] == [(reason, line)]


def test_tail_marker_cuts_the_rest(state):
    tail = ["相關推薦", "熱點推薦", "大年初一都是好消息:烏軍獲兩年半來最大戰果", "鷹眼Defence",
            "2026-02-17 10:30:12"]
    art = _clean(BODY + tail, state)
    assert art.paragraphs == BODY
    assert [r.text for r in art.removed] == tail
    assert {r.reason for r in art.removed} == {"trailing-chrome"}


@pytest.mark.parametrize("tail", [
    ["- 关注我们", "关注快科技 微信公众号，每日及时查", "看最新手机、电脑、汽车、智能硬件信息"],
    ["关注快科技微信公众号", "看最新手机、电脑、汽车、智能硬件信息"],
    ["- THE END -", "转载请注明出处：快科技", "1964年，中国哈军工成功研制全晶体管计算机441B-I。"],
])
def test_a_follow_us_promo_at_the_end_cuts_the_rest(state, tail):
    """mydrivers closes with "- 关注我们", then 关注快科技 微信公众号，每日及时查 …, or with
    - THE END - over a repost notice and another article's lines."""
    art = _clean(BODY + tail, state)
    assert art.paragraphs == BODY
    assert [r.text for r in art.removed] == tail


def test_an_empty_editor_label_at_the_foot_takes_the_box_after_it(state):
    """An editor's label the template left empty, then its related box: all of it goes. The
    link home glued to a line is cut out of it."""
    box = ["香港警方：8.31示威行动未发生致命事件，谴责造谣者", "港铁公司车务营运总监表示……", ",南方都市报"]
    art = _clean([*BODY, "作者：余毅菁 向雪妮返回富达，查看更多", "责任编辑：", *box], state)
    assert art.paragraphs == [*BODY, "作者：余毅菁 向雪妮"]
    assert [(r.reason, r.text) for r in art.removed] == [
        ("inline-chrome", "返回富达，查看更多"),
        *[("trailing-chrome", t) for t in ["责任编辑：", *box]]]
    # a line that is chrome and a tail marker (往期回顾) cuts the list after it at the foot
    art = _clean([*BODY, "往期回顾", "美企撤离中国？", "越南拒用中国5G"], state)
    assert art.paragraphs == BODY and len(art.removed) == 3
    # and goes alone above the body
    art = _clean(["责任编辑：", *BODY], state)
    assert art.paragraphs == BODY and [r.reason for r in art.removed] == ["chrome"]


def test_tail_marker_near_the_top_does_not_cut(state):
    art = _clean(["相关阅读", *BODY], state)
    assert art.paragraphs == BODY


def test_disclaimer_cuts(state):
    art = _clean([*BODY, "特別聲明:以上內容(如有圖片或視頻亦包括在內)為自媒體平臺“網易號”用戶上傳并發布",
                  "Notice: The content above is uploaded by a user of NetEase Hao"], state)
    assert art.paragraphs == BODY


def test_leftover_inline_tags_are_stripped_text_kept(state):
    art = _clean(["<p>国家统计局<b>29日</b>发布数据。</p>"], state)
    assert art.paragraphs == ["国家统计局29日发布数据。"]
    assert art.removed[0].reason == "markup"


def test_spam_word_in_news_is_not_spam(state):
    line = "警方通报：一男子在线观看直播时被骗，已立案调查。"
    assert _clean([line], state).paragraphs == [line]
    news = "福州市公开销毁了一批违禁游戏机，彻底扫除赌博机、老虎机，打击网上赌场和六合彩赌博。"
    # three gambling phrases in a sentence of news: kept (a spam line is 30 % phrases or more)
    assert _clean([news], state).paragraphs == [news]


def test_a_platform_named_in_a_sentence_is_not_a_follow_list(state):
    lines = ["微博：@人民日报 5日发文称，多地已开放预约。", "抖音上的这段视频引发热议。"]
    assert _clean(lines, state).paragraphs == lines


def test_punctuation_never_rewritten(state):
    line = "“人工智能芯片，我们的差距还非常大。”赵立东说：（但）整个AI发展……"
    assert _clean([line], state).paragraphs == [line]


def test_trailing_related_list_with_dates_goes(state):
    tail = ["【逸语道破】美企撤离中国？相反，他们对中国的迟疑正在消散大参考", "2019-09-08",
            "【深度】越南拒用中国5G，原因和后果是...大参考", "2019-09-08"]
    art = _clean(BODY + tail, state)
    assert art.paragraphs == BODY
    assert [r.reason for r in art.removed] == ["trailing-list"] * 4


@pytest.mark.parametrize("tail", [
    ["精华文章", "明日股市预测--2019年8月20日", "今日股市行情分析--2019年8月19日",
     "今日股市行情分析--20190403"],
    ["国家统计局发布四季度数据 (2020-01-17)", "一季度工业企业利润公布 (2020-04-27)"],
])
def test_a_trailing_list_of_titles_each_with_its_date_goes(state, tail):
    """mingridapan-1's related list: each title carries its date on the same line."""
    art = _clean(BODY + tail, state)
    assert art.paragraphs == BODY
    assert [r.reason for r in art.removed] == ["trailing-list"] * len(tail)


def test_a_closing_line_with_a_date_is_not_a_list(state):
    """A statement signed and dated, or one dated entry, stays."""
    for tail in (["国家统计局 2020年1月17日"], ["特此公告。", "某某股份有限公司董事会 2020年1月17日"]):
        art = _clean(BODY + tail, state)
        assert art.paragraphs == BODY + tail


def test_a_byline_label_left_without_its_name_is_chrome(cfg):
    from pipeline.article import Article, Source
    from pipeline.stages import clean

    art = Article(id="0" * 16, source=Source(path="-", format="text"))
    body = ["他觉得自己这4年多，命运就跟这件T恤正反面一样，经历了一次折叠。",
            "编辑部的故事很精彩，记者来源广泛。"]
    art.set_paragraphs([body[0], "责任编辑：", body[1], "校對"])
    out = clean.process(art, clean.prepare(cfg))
    assert out.paragraphs == body
    assert [r.text for r in out.removed] == ["责任编辑：", "校對"]


def test_a_wechat_repost_keeps_its_title_and_body_and_loses_the_account_chrome(tmp_path, cfg):
    """A WeChat article saved as text: the account's head line is not the title, and END
    with the 往期推荐 list after it goes, as do the QR-code and 在看 sign-offs."""
    import json

    from pipeline.runner import run

    body = ["近日，国内某人工智能公司发布了新一代大语言模型，在多项基准测试中取得了领先成绩。",
            "业内专家认为，这标志着国产大模型在核心技术上迈出了重要一步。",
            "据了解，该模型已向部分企业客户开放测试，正式版本预计将于今年下半年发布。"]
    tail = ["- END -", "往期推荐", "▶ 重磅发布：2025年人工智能发展报告", "▶ 独家解读：大模型落地的十个场景",
            "长按二维码关注我们", "点个在看你最好看", "阅读原文"]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "wechat.txt").write_text("\n".join(
        ["点击上方蓝字关注我们", "重磅！国产大模型再获突破", "原创 科技观察 2025-03-12 08:30 发表于北京",
         *body, *tail]) + "\n", "utf-8")
    run([str(tmp_path / "in")], tmp_path / "out", cfg, 1, progress=False)
    (path,) = (tmp_path / "out").glob("*.json")
    art = json.loads(path.read_text("utf-8"))
    assert art["title"] == "重磅！国产大模型再获突破"
    assert art["paragraphs"] == body
    assert art["published_at"] == "2025-03-12T08:30:00+08:00"
    removed = [(r["reason"], r["text"]) for r in art["removed"]]
    assert ("chrome", "点击上方蓝字关注我们") in removed
    assert [text for reason, text in removed if reason == "trailing-chrome"] == tail


def test_end_near_the_top_does_not_cut(state):
    art = _clean(["END", *BODY], state)  # a marker only in the body's last half
    assert art.paragraphs == ["END", *BODY] and not art.removed


def test_a_line_of_nothing_but_decoding_residue_goes_and_is_still_counted(state):
    """thepaper-2: ������ lines where the crawl lost emoji; a line with text around a lost
    character stays (the residue is counted, never edited)."""
    lines = ["\ufffd" * 6, "锟斤拷锟斤拷！", "邮轮母港\ufffd即将开通"]
    art = _clean([BODY[0], *lines, BODY[1]], state)
    assert art.paragraphs == [BODY[0], "邮轮母港\ufffd即将开通", BODY[1]]
    assert [(r.reason, r.text) for r in art.removed] == [("residue", lines[0]),
                                                         ("residue", lines[1])]
    assert art.scores["mojibake_residue"] == 9
