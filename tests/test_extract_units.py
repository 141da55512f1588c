"""extract's parts on small real-shaped inputs: decoding, formats, dates, bylines, pruning."""

from __future__ import annotations

import gzip
import io
import json

import pytest

from pipeline.errors import InputError, SkipInput
from pipeline.stages.extract import InputContext, detect_format, extract, prepare
from pipeline.stages.extract import metadata as md
from pipeline.stages.extract.decode import decode
from pipeline.stages.extract.similarity import char_f1, lcs_length

ARTICLE = ("<p>新华社北京1月29日电 国家统计局29日发布数据，2020年全国规模以上工业企业利润比上年增长4.1%。"
           "</p><p>其中，12月份利润同比增长20.1%，连续8个月保持增长，增速比11月份加快4.6个百分点。</p>"
           "<p>国家统计局工业司高级统计师朱虹表示，工业企业利润持续较快增长，效益状况不断改善。</p>")


@pytest.fixture(scope="module")
def state(cfg):
    return prepare(cfg)


def _run(data: bytes, name: str, state):
    ctx = InputContext(path=name, relpath=name)
    return list(extract(data, ctx, state)), ctx


# --- decoding ---------------------------------------------------------------------------------

def test_decode_declared_gbk_reads_as_gb18030():
    html = '<html><head><meta charset="gbk"></head><body>中文新闻 镕</body></html>'
    text, enc = decode(html.encode("gb18030"))
    assert enc == "gb18030" and "中文新闻 镕" in text


def test_decode_big5_declared_reads_as_big5hkscs():
    html = '<meta http-equiv="Content-Type" content="text/html; charset=big5">臺灣新聞報導'
    text, enc = decode(html.encode("big5"))
    assert enc == "big5hkscs" and "臺灣新聞報導" in text


def test_decode_undeclared_gbk_is_detected_not_mangled():
    data = ("国家统计局发布数据，全国规模以上工业企业利润增长。" * 20).encode("gbk")
    text, enc = decode(data)
    assert "国家统计局" in text and enc in ("gb18030", "gbk", "gb2312")


def test_decode_http_charset_wins_over_guessing():
    text, enc = decode("北京新闻".encode("gbk"), declared="gbk")
    assert (text, enc) == ("北京新闻", "gb18030")


def test_gbk_page_end_to_end_records_encoding(state):
    page = f'<html><head><meta charset="gb2312"><title>利润增长</title></head><body>{ARTICLE}</body></html>'
    (art,), ctx = _run(page.encode("gb18030"), "page.html", state)
    assert art.source.encoding == "gb18030"
    assert "连续8个月保持增长" in art.text


# --- formats and bad input --------------------------------------------------------------------

def test_detect_format_by_content():
    assert detect_format("x.txt", "<!DOCTYPE html><html>") == "html"
    assert detect_format("dump", "---\ntitle: a\n---\n<p>x</p>") == "markdown"
    assert detect_format("dump", '{"url": "u", "html": "x"}\n{"url": "v"}') == "jsonl"
    assert detect_format("page", "<div class='a'><p>正文</p></div>") == "html"
    assert detect_format("a.txt", "标题\n正文。") == "text"


def test_empty_and_binary_inputs_are_skipped(state):
    with pytest.raises(SkipInput, match="empty"):
        _run(b"  \n", "a.txt", state)
    with pytest.raises(SkipInput, match="binary"):
        _run(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "a.png", state)


def test_jsonl_skips_broken_lines_and_reports_them(state):
    lines = [
        json.dumps({"url": "https://news.example.cn/a.html", "title": "标题一",
                    "content": "第一段正文。\n责任编辑：王杰"}, ensure_ascii=False),
        "{broken json",
        json.dumps({"url": "https://news.example.cn/b.html",
                    "html": f"<html><body><h1>利润增长</h1>{ARTICLE}</body></html>"}),
        json.dumps(["not", "an", "object"]),
    ]
    arts, ctx = _run("\n".join(lines).encode(), "crawl.jsonl", state)
    assert [a.source.url for a in arts] == ["https://news.example.cn/a.html",
                                            "https://news.example.cn/b.html"]
    assert arts[0].title == "标题一" and arts[0].editors == ["王杰"]
    assert arts[0].paragraphs == ["第一段正文。"]
    assert arts[1].source.site == "news.example.cn"
    assert "连续8个月保持增长" in arts[1].text
    assert ctx.warnings == ["skipped 2 bad JSONL line(s): 2, 4"]


def test_jsonl_takes_the_crawler_s_author_outlet_and_date_fields(state):
    """What a crawler recorded beats what extraction guesses: author(s) as a string or a list
    (Chinese names split at spaces, Latin names kept whole), the outlet under source or
    publisher, dates under the names crawlers give them; a URL is no outlet."""
    records = [
        {"url": "https://news.qq.com/a/1", "title": "国产芯片企业加速布局", "author": "张三 李四",
         "source": "腾讯新闻", "pub_time": "2025-06-18 10:20:00",
         "content": "记者从多家企业了解到，国产芯片企业正在加速布局高端市场。"},
        {"url": "https://www.thepaper.cn/n/2", "title": "上海出台新政", "authors": ["作者：王五", "John Smith"],
         "editor": "赵六", "publisher": "https://www.thepaper.cn", "pub_date": "2025年6月17日",
         "text": "上海市今日发布若干措施，支持人工智能产业发展。\n记者 钱七"},
        {"url": "https://36kr.com/p/3",
         "html": "<html><head><title>某公司完成融资</title><meta name='author' content='孙八'>"
                 "</head><body><article><h1>某公司完成融资</h1><p>36氪获悉，某人工智能公司近日完成"
                 "亿元级A轮融资，本轮由知名机构领投，资金将用于产品研发。</p></article></body></html>"},
    ]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()
    arts, _ctx = _run(data, "crawl.jsonl", state)
    assert [a.authors for a in arts] == [["张三", "李四"], ["王五", "John Smith", "钱七"], ["孙八"]]
    assert [a.publisher for a in arts[:2]] == ["腾讯新闻", None]
    assert arts[1].editors == ["赵六"]
    assert arts[0].published_at == "2025-06-18T10:20:00+08:00"
    assert arts[1].published_at == "2025-06-17"


_BODY = ("深圳地铁14号线28日正式开通初期运营，线路全长50.3公里，设站18座，最高运行时速120公里。\n\n"
         "开通后，从福田中心区到坪山的时间将缩短至40分钟左右。\n")


@pytest.mark.parametrize("front", [
    # Hexo / Jekyll: flow and block lists, '' inside single quotes, a folded string
    "---\ntitle: '深圳地铁14号线今日开通 It''s on'\ndate: 2022-10-28 09:00:00\nauthors:\n"
    "  - 李明\n  - 王芳\ntags: [交通, 深圳]\ncategories: 城市\nsource: 深圳特区报\n"
    "description: >\n  一段\n  摘要\n---\n",
    # Hugo: TOML between +++ lines, a TOML date-time, an author table
    "+++\ntitle = \"深圳地铁14号线今日开通 It's on\"\ndate = 2022-10-28T09:00:00+08:00\n"
    "authors = [\"李明\", \"王芳\"]\ntags = [\"交通\", \"深圳\"]\ncategories = \"城市\"\n"
    "source = \"深圳特区报\"\n+++\n",
    # YAML no parser accepts (a tab indent): read line by line, not lost
    "---\ntitle: 深圳地铁14号线今日开通 It's on\ndate: 2022-10-28 09:00\nauthors:\n\t- 李明\n"
    "- 王芳\ntags:\n - 交通\n - 深圳\ncategories: 城市\nsource: 深圳特区报\n---\n",
], ids=["yaml", "toml", "broken-yaml"])
def test_front_matter_in_its_real_syntaxes(state, front):
    """A post's front matter as blogs write it: tags and authors as lists, quoting, TOML; the
    body's heading repeating the title is not a paragraph."""
    text = front + "\n# 深圳地铁14号线今日开通 It's on\n\n" + _BODY
    (art,), ctx = _run(text.encode(), "post.md", state)
    assert ctx.fmt == "markdown"
    assert art.title == "深圳地铁14号线今日开通 It's on"
    assert art.published_at == "2022-10-28T09:00:00+08:00"
    assert art.authors == ["李明", "王芳"]
    assert art.publisher == "深圳特区报"
    assert art.tags == ["城市", "交通", "深圳"]  # categories first
    assert art.paragraphs[0].startswith("深圳地铁14号线28日正式开通")
    assert [r.reason for r in art.removed] == ["title"]


def test_front_matter_author_fills_only_what_the_body_leaves_open(state):
    """A mirror's front matter names the blog (author: 36kr); the body's byline names the
    writer and wins; without one, the front matter's name is taken. Without a closing line
    there is no front matter, and +++ opening plain text is no TOML."""
    body = "作者｜范文靖\n\n" + _BODY
    (art,), _ = _run(("---\ntitle: 标题\nauthor: 36kr\n---\n" + body).encode(), "a.md", state)
    assert art.authors == ["范文靖"]
    (art,), _ = _run(("---\ntitle: 标题\nauthor: [36kr]\n---\n" + _BODY).encode(), "a.md",
                     state)
    assert art.authors == ["36kr"]
    assert detect_format("a.txt", "+++\n加号开头的一段话\n" + _BODY) != "markdown"
    assert detect_format("a.txt", "+++\ntitle = \"x\"\n+++\n" + _BODY) == "markdown"


def test_jsonl_with_no_usable_line_is_an_input_error(state):
    with pytest.raises(InputError, match="no usable JSONL line"):
        _run(b'{"a": 1}\n{"b": 2}\n', "bad.jsonl", state)


def _warc(gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    page = f'<html><head><title>利润增长</title></head><body>{ARTICLE}</body></html>'
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=gbk")],
                            protocol="HTTP/1.1")
    record = writer.create_warc_record("https://finance.example.cn/2021/0129/a.html", "response",
                                       payload=io.BytesIO(page.encode("gbk")), http_headers=http)
    writer.write_record(record)
    return buf.getvalue()


@pytest.mark.parametrize("gz", [False, True])
def test_warc_and_warc_gz(state, gz):
    arts, ctx = _run(_warc(gz), "crawl.warc.gz" if gz else "crawl.warc", state)
    assert ctx.fmt == "warc" and len(arts) == 1
    art = arts[0]
    assert art.source.url == "https://finance.example.cn/2021/0129/a.html"
    assert art.source.encoding == "gb18030" and art.source.crawled_at
    assert "连续8个月保持增长" in art.text


def test_warc_detected_by_content_without_extension(state):
    arts, ctx = _run(_warc(True), "download.bin", state)
    assert ctx.fmt == "warc" and arts


def test_corrupt_warc_is_an_input_error(state):
    with pytest.raises((InputError, SkipInput)):
        _run(b"WARC/1.0\r\nWARC-Type: response\r\n\r\n" + gzip.compress(b"x")[:5], "a.warc", state)


# --- dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, iso", [
    ("2021年1月29日 13:18", "2021-01-29T13:18:00+08:00"),
    ("发布时间：2021年1月29日", "2021-01-29"),
    ("2005-5-7 21:23:57", "2005-05-07T21:23:57+08:00"),
    ("2022/02/13 07:48", "2022-02-13T07:48:00+08:00"),
    ("2020-11-26T08:04:00Z", "2020-11-26T08:04:00+00:00"),
    ("9/17/2004 5:54:13 AM", "2004-09-17T05:54:13+08:00"),
    ("Mon, 24 Jan 2022 08:00:16 GMT", "2022-01-24T16:00:16+08:00"),
])
def test_chinese_and_meta_dates(text, iso):
    assert md.parse_date(text) == iso


@pytest.mark.parametrize("text", ["2021年1月", "2018", "1998-3", "第2021号", "2021年13月40日"])
def test_never_a_year_only_or_invalid_guess(text):
    assert md.parse_date(text) is None


def test_relative_dates_need_the_crawl_time():
    assert md.parse_date("3小时前") is None
    assert md.parse_date("3小时前", "2021-01-29T12:00:00+08:00") == "2021-01-29T09:00+08:00"
    assert md.parse_date("昨天", "2021-01-29T12:00:00+08:00") == "2021-01-28"


# --- bylines ----------------------------------------------------------------------------------

@pytest.mark.parametrize("line, authors, editors, publisher", [
    ("作者 | 山竹", ["山竹"], [], None),
    ("作者/李四 编辑/王五", ["李四"], ["王五"], None),
    ("医技药剂党支部、药剂科供稿 摄影/张艳 编辑/苏芳", [], ["苏芳"], None),
    ("出品 | 鋅產業", [], [], "鋅產業"),
    ("澎湃新聞記者 陳宇曦", ["陳宇曦"], [], "澎湃新聞"),
    ("新京报记者 彭冲 山东冠县报道", ["彭冲"], [], "新京报"),
    ("文|李楠", ["李楠"], [], None),
    ("（记者 胡晓蓉） 责任编辑：孙重远", ["胡晓蓉"], ["孙重远"], None),
    ("来源：巴彦淖尔日报 编辑：苏亮", [], ["苏亮"], "巴彦淖尔日报"),
    ("责任编辑：杨倩_NF4425", [], ["杨倩"], None),
    ("（姚峰 上海报道）", ["姚峰"], [], None),
    ("顶端新闻·河南商报记者马俊峰/文", ["马俊峰"], [], "顶端新闻·河南商报"),
    ("本文来自微信公众号“甲子光年”（ID:jazzyear），作者：范文靖，36氪经授权发布。",
     ["范文靖"], [], "甲子光年"),
    ("原创： 路闻卓立编译 人民币交易与研究", ["路闻卓立"], [], "人民币交易与研究"),
    ("编辑|禤志杰", [], ["禤志杰"], None),
    ("采写：南都记者 余毅菁 向雪妮", ["余毅菁", "向雪妮"], [], None),  # 南都记者 is a role
])
def test_bylines_keep_author_editor_outlet_apart(line, authors, editors, publisher):
    found = md.Byline()
    assert md.scan_byline(line, found)
    assert (found.authors, found.editors, found.publisher) == (authors, editors, publisher)


@pytest.mark.parametrize("line, authors, publisher", [
    ("原创 张三 科技观察 2025-03-12 08:30 发表于北京", ["张三"], "科技观察"),
    ("原创 科技观察 2025-03-12 08:30 发表于北京", [], "科技观察"),
    ("原创 Tony 爱否科技 2020年2月12日", ["Tony"], "爱否科技"),
])
def test_a_wechat_header_names_its_writer_and_account(line, authors, publisher):
    """WeChat's header as reposts copy it: 原创, the writer when named, the account, the time."""
    found = md.Byline()
    assert md.scan_byline(line, found) and md.is_byline_line(line)
    assert (found.authors, found.publisher) == (authors, publisher)


@pytest.mark.parametrize("lede, authors, publisher", [
    ("新华社北京3月5日电（记者张三、李四）国务院总理5日在人民大会堂作政府工作报告。", ["张三", "李四"],
     "新华社"),
    ("新华社华盛顿3月4日电（记者 徐剑梅 华盛顿报道）美国总统4日签署行政令。", ["徐剑梅"], "新华社"),
    ("人民网北京3月5日电 （记者孙七）国家统计局今天发布数据。", ["孙七"], "人民网"),
    ("本报讯 （实习记者 樊亮 张明超 记者惠禾）13岁的李某昨日在长春生下一名女婴。",
     ["樊亮", "张明超", "惠禾"], None),
    ("本报讯（记者 周八 通讯员 吴九）近日，市里召开会议。", ["周八", "吴九"], None),
    ("（中央社記者陳宇曦台北5日電）經濟部今天公布資料顯示，台灣半導體產業去年產值創新高。", ["陳宇曦"],
     "中央社"),
    ("（中央社記者王明、李華台北5日電）經濟部今天公布資料。", ["王明", "李華"], "中央社"),
    ("（中央社台北5日電）經濟部今天公布資料。", [], "中央社"),
    ("新华社北京3月5日电（记者张三北京报道）国务院", [], None),  # name and place run together
    ("中新网3月5日电 据外媒报道，某公司今日宣布裁员。", [], None),
])
def test_wire_dateline_credits_its_reporters(lede, authors, publisher):
    """A wire story's lede opens with its dateline and credits: the reporters and the outlet
    come from there (role words such as 通讯员 are not names)."""
    found = md.Byline()
    md.wire_credit(lede, found)
    assert (found.authors, found.publisher) == (authors, publisher)


@pytest.mark.parametrize("lede, outlet", [
    ("新华社北京1月29日电 国家统计局29日发布数据。", "新华社"),
    ("中新网3月5日电 据外媒报道，某公司今日宣布裁员。", "中新网"),
    ("人民日报北京3月5日电 全国两会今天开幕。", "人民日报"),
    ("据新华社北京1月29日电 国家统计局29日发布数据。", None),  # citing it
    ("本报北京3月5日电 全国两会今天开幕。", None),
    ("新华社记者今天从国家统计局获悉，工业企业利润增长。", None),
])
def test_a_wire_dateline_without_credits_names_the_outlet(lede, outlet):
    assert md.dateline_outlet(lede) == outlet


def test_a_reposts_wire_dateline_without_brackets_credits_its_reporter():
    found = md.Byline()
    md.wire_credit("中央社記者陳宇曦台北5日電 行政院今天通過軟體產業發展條例草案。", found)
    assert (found.authors, found.publisher) == (["陳宇曦"], "中央社")


def test_wire_dateline_in_a_big5_page_and_a_text_article(state):
    page = ("<html><head><meta charset='big5'><title>台灣半導體產業再創新高 - 中央社</title></head>"
            "<body><h1>台灣半導體產業再創新高</h1><p>（中央社記者陳宇曦台北5日電）經濟部今天公布資料"
            "顯示，台灣半導體產業去年產值突破新台幣4兆元，其中晶圓代工佔比超過六成。</p><p>業者指出，"
            "人工智慧伺服器需求強勁，帶動先進製程與封裝產能滿載，預估今年整體產值可望再成長一成以上。"
            "</p></body></html>").encode("big5")
    (art,), _ = _run(page, "cna.html", state)
    assert (art.authors, art.publisher) == (["陳宇曦"], "中央社")
    text = ("国务院发布政府工作报告\n\n新华社北京3月5日电（记者张三、李四）国务院总理5日在人民大会堂"
            "作政府工作报告，回顾过去一年的工作并部署今年的重点任务。\n\n报告提出，今年经济增长"
            "预期目标为5%左右。\n")
    (art,), _ = _run(text.encode(), "xinhua.txt", state)
    assert (art.authors, art.publisher) == (["张三", "李四"], "新华社")
    assert art.paragraphs[0].startswith("新华社北京3月5日电（记者张三、李四）")  # the lede's own


@pytest.mark.parametrize("line", ["作者：网络整理", "作者：标签", "作者：邮箱", "作者：手机站",
                                  "作者：责任编辑"])
def test_page_labels_are_not_people(line):
    """Words portal pages put where a byline sits (网络整理, 邮箱, 手机站, a lone 标签) name no one."""
    found = md.Byline()
    md.scan_byline(line, found)
    assert found.authors == []


def test_outlets_are_not_people():
    found = md.Byline()
    md.scan_byline("作者：新华网", found)
    assert found.authors == []


def test_trailing_outlet():
    assert md.trailing_outlet("真正夯實AI自主算力的底座。 (量子位)") == "量子位"
    assert md.trailing_outlet("公司于2019年成立(科创板)") is None


# --- HTML -------------------------------------------------------------------------------------

def _page(body: str, head: str = "") -> bytes:
    return f"<html><head><title>利润增长_财经频道</title>{head}</head><body>{body}</body></html>".encode()


def test_hidden_spam_and_chrome_nodes_are_pruned_with_reasons(state):
    spam = "色婷婷久,激情色播,久久久无码专区,亚洲中文字幕av,国产成人A片"
    body = (f'<div style="display:none">{spam}</div><cite id="ffb66"></cite>'
            f'<div class="article">{ARTICLE}</div>'
            '<div class="related-news"><a href="/1">相关新闻一则标题很长很长</a></div>'
            '<div class="share-bar">分享到微信 分享到微博</div>'
            '<div id="footer">Copyright © 2021 财经网 版权所有</div>')
    (art,), _ = _run(_page(body), "a.html", state)
    assert "连续8个月保持增长" in art.text
    for junk in ("色婷婷", "相关新闻", "分享到", "版权所有"):
        assert junk not in art.text
    reasons = {r.reason for r in art.removed}
    assert "hidden" in reasons and "chrome-node" in reasons


def test_hidden_node_holding_the_article_is_kept(state):
    """WeChat serves the body with visibility:hidden until its scripts run."""
    body = f'<div id="js_content" style="visibility: hidden;">{ARTICLE}</div><div>阅读原文</div>'
    (art,), _ = _run(_page(body), "wx.html", state)
    assert "连续8个月保持增长" in art.text


def test_site_rule_selects_the_body(state):
    head = '<meta property="og:url" content="https://www.thepaper.cn/newsDetail_forward_1">'
    body = (f'<div class="news_txt">{ARTICLE}</div>'
            '<div class="news_txtad">下载澎湃新闻APP 广告文字很长很长很长很长很长</div>')
    (art,), _ = _run(_page(body, head), "p.html", state)
    assert art.source.site == "www.thepaper.cn"
    assert art.paragraphs[0].startswith("新华社北京1月29日电")
    assert "下载澎湃新闻APP" not in art.text


def test_html_metadata_from_tags_and_dateline(state):
    head = '<meta name="author" content="网易">'
    body = ('<h1>利润增长</h1><div class="info">2021年1月29日 13:18 来源：新华网</div>'
            f'<div class="content">{ARTICLE}<p>（记者 胡晓蓉）</p><p>责任编辑：孙重远</p></div>')
    (art,), _ = _run(_page(body, head), "a.html", state)
    assert art.title == "利润增长"
    assert art.published_at == "2021-01-29T13:18:00+08:00"
    assert art.authors == ["胡晓蓉"] and art.editors == ["孙重远"]
    assert art.publisher == "新华网"
    assert "责任编辑" not in art.text


@pytest.mark.parametrize("title, expected", [
    ("央行宣布降准0.5个百分点-财经频道-腾讯网", "央行宣布降准0.5个百分点"),
    ("央行宣布降准0.5个百分点_新浪财经_新浪网", "央行宣布降准0.5个百分点"),
    ("央行宣布降准0.5个百分点 - 观察者网", "央行宣布降准0.5个百分点"),
    ("劳伦斯：一个无法定义的“洛克菲勒”-搜狐财经", "劳伦斯：一个无法定义的“洛克菲勒”"),
    ("冒充公检法电诈团伙被端-富达传媒", "冒充公检法电诈团伙被端"),
    ("2024-2025赛季CBA总决赛开打", "2024-2025赛季CBA总决赛开打"),
    ("华为发布新机-新浪", "华为发布新机-新浪"),
    ("中美-贸易谈判重启", "中美-贸易谈判重启"),
])
def test_title_without_an_h1_loses_the_site_and_section(state, title, expected):
    """Without an h1 or og:title the <title> is what there is: the site's name and section go,
    also after a bare hyphen, but only names that end like a site (…网, …频道)."""
    html = (f"<html><head><title>{title}</title></head><body><div class='article'>"
            f"{ARTICLE}</div></body></html>").encode()
    (art,), _ = _run(html, "a.html", state)
    assert art.title == expected


def test_a_page_closed_early_by_an_included_header_keeps_its_article(state):
    """libxml2 stops at the first </html>; browsers read on. gov.cn's header fragment ends in
    </html> before the article: the article must not be lost."""
    page = ("<html><head><title>决议_中国政府网</title></head><body><div class='header'>首页 | 邮箱"
            "</div></body></html><!--end header--><div class='content'><div id='UCAP-CONTENT'>"
            f"{ARTICLE}</div></div></body></html>").encode()
    (art,), _ = _run(page, "gov.html", state)
    assert art.paragraphs and art.paragraphs[0] in ARTICLE


def test_source_line_breaks_inside_a_paragraph_do_not_split_it():
    """A page's markup wraps long <p> lines; a browser shows one paragraph, so do we (Latin
    words keep their space, Han characters join). Text in a tag-less <div> still breaks at
    the source's lines, which is how such layouts separate them."""
    import lxml.html

    from pipeline.stages.extract.html import block_lines

    root = lxml.html.fromstring(
        "<div><p>FreeCell\n      Quest是一款休闲策略游戏。本作由英国开发商Legend\n      Studio出品，"
        "画风\n   精美。</p><h2>游戏\n  特色</h2><div>发布时间：2019-09-26\n来源：游民星空</div></div>")
    assert block_lines(root) == [
        "FreeCell Quest是一款休闲策略游戏。本作由英国开发商Legend Studio出品，画风精美。",
        "游戏特色", "发布时间：2019-09-26", "来源：游民星空"]


def test_meta_published_time_wins(state):
    head = '<meta property="article:published_time" content="2022-02-13T07:48:00+08:00">'
    (art,), _ = _run(_page(f"<div>2021年1月1日</div><article>{ARTICLE}</article>", head),
                     "a.html", state)
    assert art.published_at == "2022-02-13T07:48:00+08:00"


def test_author_from_a_byline_above_a_side_list(state):
    """Old portal layout: 作者：X in the info bar, then a long side list, then the body."""
    side = "".join(f"<tr><td><a href='/s/{i}'>财经热点标题第{i}条</a></td></tr>" for i in range(16))
    body = ('<table><tr><td>时间：2004年10月21日14:18</td><td>作者：郭励弘</td></tr></table>'
            f'<table>{side}</table><div class="content">{ARTICLE}</div>')
    (art,), _ = _run(_page(body), "a.html", state)
    assert art.authors == ["郭励弘"]


def test_writers_named_under_the_repeated_title(state):
    head = "<title>社会资本与再就业(页 1) - 学术前沿 - 社会学论坛</title>"
    body = ('<div>社会学论坛 » 学术前沿 » 社会资本与再就业</div><div><b>社会资本与再就业</b><br>'
            f'赵延东、风笑天<br>{ARTICLE}</div>')
    page = f"<html><head>{head}</head><body>{body}</body></html>".encode()
    (art,), _ = _run(page, "a.html", state)
    assert art.authors == ["赵延东", "风笑天"]
    assert "赵延东、风笑天" not in art.paragraphs
    assert not any("»" in p for p in art.paragraphs)  # the forum trail is chrome


def test_a_blog_posts_signature_between_its_heading_and_its_own_title(state):
    """A blog heading holds the post's title ("[湖湘文化]陈天华《警世钟》"), the signature
    follows, then the title again on its own line opens the body: the body starts at that
    line, so the signature is header and names the writer and the day."""
    side = "".join(f"<a href='more.asp?id={i}' title='ggjjzhzz发表于2006-11-1{i}'>旧文{i}</a><br>"
                   for i in range(5))
    body = (f"<table><tr><td>{side}</td></tr></table><table><tr><td><strong>"
            "<a href='blog.asp?s=516'>[湖湘文化]</a><a href='more.asp?id=22546'>陈天华《警世钟》</a>"
            "</strong><br><a href='blog.asp?name=ggjjzhzz'>ggjjzhzz</a> 发表于 2005-9-15 11:46:00"
            f"</td></tr><tr><td><p>陈天华《警世钟》</p>{ARTICLE}</td></tr></table>")
    (art,), _ = _run(_page(body), "b.html", state)
    assert art.authors == ["ggjjzhzz"]
    assert art.published_at == "2005-09-15T11:46:00+08:00"
    assert art.paragraphs[-1].startswith("国家统计局工业司")


def test_a_post_title_set_off_in_bold_under_a_head_naming_the_site(state):
    """Old blogs and forums name the site in <title> (China-Pub blog, 显示) and set the post's
    title off in bold above it: that line is the title and leaves the body. A <title> that is
    the article's keeps its place over a bold first line, and a section heading (一、…) or a
    short nav word is never a title."""
    def page(head: str, first: str) -> bytes:
        return (f"<html><head><title>{head}</title></head><body><table><tr><td>"
                f"<p><strong>{first}</strong></p>{ARTICLE}</td></tr></table></body></html>"
                ).encode()

    for head in ("China-Pub blog", "显示", "谢谢您访问〖关注中国中心〗"):
        (art,), _ = _run(page(head, "陈天华《警世钟》"), "b.html", state)
        assert art.title == "陈天华《警世钟》", head
        assert art.paragraphs[0].startswith("新华社北京1月29日电")
    (art,), _ = _run(page("全国规模以上工业企业利润比上年增长4.1%", "核心提示"), "n.html", state)
    assert art.title == "全国规模以上工业企业利润比上年增长4.1%"
    assert art.paragraphs[0] == "核心提示"
    for first in ("一、法官试验凡事谢恩", "登录"):
        (art,), _ = _run(page("显示", first), "s.html", state)
        assert art.title == "显示" and art.paragraphs[0] == first
    # a subtitle under it, also below the writer's name, joins the title
    essay = ("<html><head><title>显示</title></head><body><p><strong>犬儒病(上)</strong></p>"
             f"<p>胡平</p><p>——当代中国的精神危机 (上)</p>{ARTICLE}</body></html>").encode()
    (art,), _ = _run(essay, "s.html", state)
    assert art.title == "犬儒病(上)——当代中国的精神危机 (上)" and art.authors == ["胡平"]
    assert art.paragraphs[0].startswith("新华社北京1月29日电")


def test_a_title_repeated_after_a_portals_label_leaves_the_body(state):
    """toutiao prints <span>原创</span> before the title it repeats over the text."""
    page = ("<html><head><title>最不愁吃肉的国家-今日头条</title></head><body><h1>最不愁吃肉的国家</h1>"
            f"<div class='article'><p><span>原创</span>最不愁吃肉的国家</p>{ARTICLE}</div>"
            "</body></html>").encode()
    (art,), _ = _run(page, "t.html", state)
    assert art.title == "最不愁吃肉的国家"
    assert art.paragraphs[0].startswith("新华社北京1月29日电")
    assert any(r.reason == "title" and r.text == "原创最不愁吃肉的国家" for r in art.removed)


def test_a_toutiao_gallerys_picture_counter_is_not_its_caption(state):
    """A toutiao gallery shows its first caption after a counter <em>1</em>/10; the page is
    saved without its address, so its links name the site."""
    links = "".join(f'<a href="https://www.toutiao.com/c/{i}/">频道{i}</a>' for i in range(6))
    caption = ("当全世界绝大部分国家都在为能够吸引中国游客到来而绞尽脑汁的时候，只有这么一个国家"
               "一脸淡定，一副你们爱来不来的样子，这个国家便是蒙古国。")
    page = ("<html><head><title>最不愁吃肉的国家-今日头条</title></head><body>"
            f"<div class='nav'>{links}</div><div class='info-box'><h2 class='title'>"
            "最不愁吃肉的国家</h2><div class='abstract'><span class='abstract-index'>"
            f"<em>1</em>/10</span> {caption}</div></div></body></html>").encode()
    (art,), _ = _run(page, "t.html", state)
    assert art.paragraphs[-1] == caption and "1/10" not in art.text


def test_a_foot_that_repeats_the_credit_leaves_the_body_as_a_byline(state):
    """A site's foot: the credit, then the writers again with the link home glued on
    (作者：余毅菁 向雪妮返回富达，查看更多), an empty editor label and a related box."""
    foot = ("<p>采写：南都记者 余毅菁 向雪妮</p><p>作者：余毅菁 向雪妮<a href='/'>返回富达，查看更多</a>"
            "</p><p>责任编辑：</p><blockquote><p>香港警方：示威行动未发生致命事件</p></blockquote>")
    (art,), _ = _run(_page(f"<div class='post'>{ARTICLE}{foot}</div>"), "n.html", state)
    assert art.authors == ["余毅菁", "向雪妮"]
    assert not any("余毅菁" in p for p in art.paragraphs)  # the box after is clean's to cut
    byline = [r.text for r in art.removed if r.reason == "byline"]
    assert byline == ["采写：南都记者 余毅菁 向雪妮", "作者：余毅菁 向雪妮返回富达，查看更多"]


def test_the_body_starts_at_its_title_under_the_pages_chrome():
    """An extractor that took in the breadcrumb and 上一篇 / 下一篇 above the title: the body
    starts after the title; lines above a title that are sentences keep it where it was."""
    from pipeline.stages.extract.html import _from_title

    title = "最新出炉联合国贸发报告：2019年全球经济增长率降至2.3%"
    above = ["20190926|国贸|增长率|全球经济", "上一篇 :", "今日股市行情分析--2019年8月19日",
             "下一篇 :", "没有了", "主页", ">", "股市消息实时播报", ">"]
    body = ["发布时间： 2019-09-26 10:09:11", "联合国贸发会议发布了《2019年贸易和发展报告》。",
            *[f"第{i}段。" for i in range(10)]]
    removed: list = []
    assert _from_title([*above, title, *body], title, removed) == body
    assert [r.reason for r in removed] == ["above-title"] * len(above) + ["title"]
    lede = ["新华社北京电 国家统计局今天发布数据。", *above[1:]]
    assert _from_title([*lede, title, *body], title, []) == [*lede, title, *body]


def test_a_head_title_loses_the_name_its_front_page_links_carry(state):
    """…GPU-EDN 电子技术设计, where the page links its front page as 电子技术设计."""
    page = ("<html><head><title>阿里发布最强AI芯片，一块顶十块GPU-EDN 电子技术设计</title></head><body>"
            '<div class="nav"><a href="http://www.ednchina.com/">电子技术设计</a></div>'
            f"<div class='article'>{ARTICLE}</div></body></html>").encode()
    (art,), _ = _run(page, "e.html", state)
    assert art.title == "阿里发布最强AI芯片，一块顶十块GPU"
    # a hyphen whose tail no front-page link names stays
    (art,), _ = _run(page.replace(b"http://www.ednchina.com/", b"/news/1.html"), "e.html", state)
    assert art.title.endswith("GPU-EDN 电子技术设计")


def test_a_head_title_gives_way_to_the_headline_the_page_sets_off(state):
    """zsnews / zyyfy: the <title> is the headline, a space and the section's or site's name;
    the page prints the headline alone in bold (or a title-classed div)."""
    def page(shown: str) -> bytes:
        return ("<html><head><title>潘卓辉一行到众创金融街开展调研工作 东区办事处_中山网</title>"
                f"</head><body><div class='nav'>东区办事处</div><p>{shown}</p>"
                f"<div class='article'>{ARTICLE}</div></body></html>").encode()

    (art,), _ = _run(page("<b>潘卓辉一行到众创金融街开展调研工作</b>"), "z.html", state)
    assert art.title == "潘卓辉一行到众创金融街开展调研工作"
    # printed but not set off, or set off with a different text: the head's title stands
    for shown in ("潘卓辉一行到众创金融街开展调研工作", "<b>潘卓辉一行到众创金融街</b>"):
        (art,), _ = _run(page(shown), "z.html", state)
        assert art.title == "潘卓辉一行到众创金融街开展调研工作 东区办事处"


def test_a_head_naming_only_the_site_gives_way_to_the_heading_above_the_body(state):
    """An institution's page: <title>新闻动态--中国地理学会官网</title> (section, site), the
    article's title in an h5 over its dateline."""
    def page(heading: str) -> bytes:
        return ("<html><head><title>新闻动态--中国地理学会官网</title></head><body>"
                "<div class='nav'><h3>首页 - 新闻动态</h3></div><div class='news'>"
                f"<h5>{heading}</h5><div class='ly'><b>发布时间：2019-05-18</b> "
                f"<i>来源：中国地理学会</i></div><div class='detailCon'>{ARTICLE}</div></div>"
                "</body></html>").encode()

    (art,), _ = _run(page("2019年中国人文地理学术年会在重庆•西南大学成功举行！"), "g.html", state)
    assert art.title == "2019年中国人文地理学术年会在重庆•西南大学成功举行！"
    assert art.published_at.startswith("2019-05-18")
    # a line above the body that is a sentence is no title: the head's stays
    (art,), _ = _run(page("本网讯，会议在重庆举行，"), "g.html", state)
    assert art.title == "中国地理学会官网"


def test_blog_writer_from_the_links_to_their_page(state):
    """WordPress links the writer's page and filters categories and months by the same id."""
    side = ('<a href="http://blog.example.com/?author=102">太小心</a>'
            + "".join(f'<a href="http://blog.example.com/?pc={i}&amp;author=102">类别{i}</a>'
                      for i in range(6))
            + '<a href="http://blog.example.com/?author=1470">century</a>')
    (art,), _ = _run(_page(f"<div class='post'>{ARTICLE}</div><div>{side}</div>"), "b.html", state)
    assert art.authors == ["太小心"]
    # a directory of several writers names nobody
    many = "".join(f'<a href="/?author={i}">作者{i}号</a>' for i in range(5))
    (art,), _ = _run(_page(f"<div class='post'>{ARTICLE}</div><div>{many}</div>"), "c.html", state)
    assert art.authors == []


def test_text_rendering_time_over_the_writers_card(state):
    """A related item (title, source, time) must not date the article; the stamp right above
    the byline's own outlet does."""
    text = ("國產GPU集體沖線\n出品 | 鋅產業\n作者 | 山竹\n"
            + "摩爾線程GPU研發以一年一代的速度進入到了國內市場，構建起了自己的MUSA生態。\n" * 3
            + "相關推薦\n春晚飄過40載\n鳳眼論\n2026-02-16 22:50:18\n"
            "2026-02-17 16:23:01\n鋅產業 incentive-icons\n184文章數 30關注度\n")
    (art,), _ = _run(text.encode(), "n.txt", state)
    assert art.published_at == "2026-02-17T16:23:01+08:00"
    # without the info bar, the related item's time at the foot dates nothing
    unsigned = text.replace("2026-02-17 16:23:01\n鋅產業 incentive-icons\n", "")
    (art,), _ = _run(unsigned.encode(), "n.txt", state)
    assert art.published_at is None


def test_credits_above_an_account_menu_are_the_foot(state, cfg):
    """澎湃号 posts end with credits, then "扫描下方二维码…" and the account's reply menu:
    the credits are bylines (editors), the menu and the copyright foot are chrome."""
    from pipeline.stages import clean

    menu = "".join(f"<p>{i}、回复【{w}】查看最新消息</p>" for i, w in enumerate(("社保", "福利"), 1))
    body = (f'<div class="news_txt">{ARTICLE}<p>编辑|禤志杰</p><p>责编|陈梦莹</p><p>校对|黄慧敏</p>'
            f'<p>扫描下方二维码解锁更多技能</p>{menu}<p>点击菜单栏【便民服务】解锁更多服务！</p>'
            '<p>云南日报报业集团 版权所有，未经许可不得转载</p></div>')
    (art,), _ = _run(_page(body), "p.html", state)
    art = clean.process(art, clean.prepare(cfg))
    assert art.editors == ["禤志杰", "陈梦莹", "黄慧敏"]
    assert art.paragraphs[-1].startswith("国家统计局工业司高级统计师朱虹")
    assert any(r.text == "扫描下方二维码解锁更多技能" for r in art.removed)


def test_no_author_from_trails_roles_or_the_title(state):
    """A nav trail naming a column (新华社记者看东北), a forum role (楼主) and the title
    repeated under itself are not writers."""
    body = ('<div>首页｜新华社记者看东北｜人物专访</div><div>2005年08月16日 来源：新华网</div>'
            f'<div>新华网黑龙江频道 记者 伊琳 李清芬</div><div class="content">{ARTICLE}</div>')
    (art,), _ = _run(_page(body), "a.html", state)
    assert art.authors == ["伊琳", "李清芬"]
    (art,), _ = _run(_page(f"<div>楼主</div><div class='post'>{ARTICLE}</div>"), "f.html", state)
    assert art.authors == []
    page = ("<html><head><title>二十三、感赞</title></head><body><h1>二十三、感赞</h1>"
            f"<div>二十三、感赞</div><div class='post'>{ARTICLE}</div></body></html>")
    (art,), _ = _run(page.encode(), "t.html", state)
    assert art.authors == []


def test_a_western_name_is_one_person_and_a_counter_is_nobody():
    """责编：Demi Xia (ednchina) is one editor; 编辑：宪瑞 人气：… (mydrivers' view counter) is
    one; Chinese names apart by spaces and handles stay apart."""
    for value, names in (("Demi Xia", ["Demi Xia"]), ("宪瑞 人气", ["宪瑞"]),
                         ("伊琳 李清芬", ["伊琳", "李清芬"]), ("duscha zboygirl", ["duscha", "zboygirl"]),
                         ("John Smith、张三", ["John Smith", "张三"])):
        found = md.Byline()
        found.add(found.editors, value)
        assert found.editors == names, value


def test_post_signature_with_the_articles_own_time():
    found = md.Byline()
    lines = ["由海姑娘张贴 @ 2005-03-18 01:58:01 (1666)", "由海姑娘张贴 @ 2005-03-21 01:20:44 (359)"]
    assert md.signed_post(lines, "2005-03-21T01:20:44+08:00", found)
    assert found.authors == ["海姑娘"]
    post = "我以往是一个最反感的人。" * 20 + "〓 网易娱乐 明星话题 发布时间 2005/03/15 22:36:13 by duscha 〓"
    found = md.Byline()
    assert md.signed_post([post], "2005-03-15T22:36:13+08:00", found) and found.authors == ["duscha"]
    # a reply signed at another time names nobody
    found = md.Byline()
    assert not md.signed_post(["22:40:02 by alva4U"], "2005-03-15T22:36:13+08:00", found)
    assert found.authors == []


# --- similarity -------------------------------------------------------------------------------

def test_bit_parallel_lcs_matches_the_table():
    def table(a: str, b: str) -> int:
        row = [0] * (len(b) + 1)
        for ch in a:
            prev = 0
            for j, cb in enumerate(b, 1):
                prev, row[j] = row[j], (prev + 1 if ch == cb else max(row[j], row[j - 1]))
        return row[-1]

    pairs = [("国家统计局发布数据", "统计局今日发布的数据"), ("abcbdab", "bdcaba"), ("", "x"),
             ("新闻新闻新闻", "闻新闻新")]
    for a, b in pairs:
        assert lcs_length(a, b) == table(a, b)
    assert char_f1("国家，统计局。", "国家统计局") == 1.0


def test_site_rules_apply_to_saved_pages_without_url(state):
    """A page saved without its address still links home: the link domain picks the rules."""
    links = "".join(f'<a href="https://news.163.com/{i}.html">新闻{i}</a>' for i in range(8))
    body = (f'<div class="nav">{links}</div><div class="post_body">'
            '<div class="post_topshare_wrap">分享到： T</div>'
            f'<div class="post_text" id="endText">{ARTICLE}'
            '<div class="ep-source">责任编辑：杨倩_NF4425</div></div></div>')
    (art,), _ = _run(_page(body), "163.html", state)
    assert art.source.site is None  # never guessed into the record
    assert art.paragraphs[0].startswith("新华社北京1月29日电")
    assert art.editors == ["杨倩"]
    assert "分享到" not in art.text and "新闻1" not in art.text


def test_jsonl_content_holding_html_and_relative_time(state):
    record = {"url": "https://m.example.cn/a", "title": "利润增长", "content": ARTICLE,
              "crawled_at": "2021-01-29T12:00:00+08:00"}
    (art,), _ = _run(json.dumps(record, ensure_ascii=False).encode(), "c.jsonl", state)
    assert art.paragraphs[1].startswith("其中，12月份利润同比增长20.1%")
    assert "<p>" not in art.text
    page = (f"<html><body><h1>利润增长</h1><div>3小时前</div><article>{ARTICLE}</article>"
            "</body></html>")
    record = {"url": "https://m.example.cn/b", "html": page,
              "crawled_at": "2021-01-29T12:00:00+08:00"}
    (art,), _ = _run(json.dumps(record, ensure_ascii=False).encode(), "d.jsonl", state)
    assert art.published_at == "2021-01-29T09:00+08:00"


@pytest.mark.parametrize("data, name", [
    (b"<html><head><script>var a=1;</script></head><body></body></html>", "empty.html"),
    (b"<?xml version='1.0' encoding='gbk'?><html><body><p>\xd6\xd0\xce\xc4</p></body></html>",
     "decl.xhtml"),
    (b"\x1f\x8b\x08\x00garbage", "crawl.warc.gz"),
    (b"\n\n{}\n[]\n\"x\"\n", "rows.jsonl"),
    (b"---\ntitle: x\n---\n", "post.md"),
    (b"<div><p>" + "新闻".encode() * 5 + b"</div></p></span>" * 50, "broken.html"),
    ("标题\n".encode("utf-16"), "utf16.txt"),
])
def test_bad_inputs_fail_with_a_reason_never_a_crash(state, data, name):
    from pipeline.errors import ZhnewsError

    try:
        arts, _ = _run(data, name, state)
    except ZhnewsError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert all(a.source.format for a in arts)


def test_a_short_first_line_printed_twice_starts_the_body_where_the_body_follows():
    """sxmu-1: the law's name stands as the page's title over its dateline and again as the
    body's first line; the body starts at the second, so the dateline is above the body."""
    from pipeline.stages.extract.html import _body_start

    law = "中华人民共和国监察法"
    lede = "《中华人民共和国监察法》是为了推进全面依法治国，实现国家监察全面覆盖而制定的法律。"
    page = ["首页", "纪检", law, "来源: | 发布时间: 2018-05-17 | 浏览次数: 2168", law, lede, "第一条"]
    assert _body_start(page, [law, lede, "第一条"]) == 4
    assert _body_start(page[:4] + [lede], [law, lede]) == 2  # printed once: where it stands


def test_a_label_is_not_joined_with_markup_residue():
    """A broken page's lines: 来源： then size="20" (an attribute's text) is no outlet."""
    assert md.join_labels(["来源：", 'size="20"', "作者：", "茉莉"]) == [
        "来源：", 'size="20"', "作者：茉莉"]


def test_a_qq_page_is_dated_by_its_scripts_pubtime(state):
    """qq.com prints no date in the page; its window.DATA carries "pubtime"."""
    page = ("<html><head><title>儿歌一分钱被改成一元钱</title><script>window.DATA = {"
            '"article_id": "20190907A081B0", "pubtime": "2019-09-07 19:02:26", "tags": "儿歌"};'
            f"</script></head><body><div class='article'>{ARTICLE.replace('新华社北京1月29日电 ', '')}"
            "</div></body></html>").encode()
    (art,), _ = _run(page, "q.html", state)
    assert art.published_at == "2019-09-07T19:02:26+08:00"


@pytest.mark.parametrize("title, first, whole", [
    ("定了！广州南沙邮轮母港即将开通！地铁直达+无敌免...",
     "本文原标题：《定了！广州南沙邮轮母港即将开通！地铁直达+无敌免税城......》",
     "定了！广州南沙邮轮母港即将开通！地铁直达+无敌免税城......"),
    ("龙湖集团多地项目连环爆雷…", "（原标题：龙湖集团多地项目连环爆雷 狂奔的龙湖“暗伤”曝露？）",
     "龙湖集团多地项目连环爆雷 狂奔的龙湖“暗伤”曝露？"),
    # not cut short, or the original title is another one: the title stands
    ("龙湖集团多地项目连环爆雷", "（原标题：龙湖集团多地项目连环爆雷 狂奔的龙湖）", "龙湖集团多地项目连环爆雷"),
    ("定了！广州南沙邮轮母港...", "（原标题：南沙邮轮母港开港）", "定了！广州南沙邮轮母港..."),
])
def test_a_title_cut_short_is_made_whole_from_the_original_title_line(title, first, whole):
    assert md.whole_title(title, [first, "正文。"]) == whole


def _text_blog(owner: str, home: str = "http://blog.joycode.com/lijianzhong/") -> bytes:
    """A .Text blog's post page (博客堂, 2004): no <title>, the blog's name in the header, the
    post's title in an h2 over its text, which repeats the title in its first sentence."""
    return ("<html><head></head><body><div id='top'><h1><a id='Header1_HeaderTitle' "
            f"class='headermaintitle' href='{home}'>{owner} </a></h1></div>"
            f"<div id='leftmenu'><h3>随笔档案</h3><ul><li><a href='{home}archive/2004/12.aspx'>"
            "2004年12月 (1)</a></li></ul></div><div id='main'><div class='post'><h2><a "
            f"href='{home}archive/2004/12/27/41810.aspx'>很高兴入住博客堂</a></h2>"
            "<p>承蒙开心就好的邀请，很高兴入住博客堂。作为微软技术的知名社区，博客堂是一个做技术blog的好地方。</p>"
            "<p>简单介绍一下我的情况：在.NET刚刚推出之时，我曾为MSDN（中国）写过一个专栏，从此进入技术写译界。</p>"
            "<p>希望以后和各位多多交流。</p><p class='postfoot'>posted on 2004-12-27 12:40</p></div>"
            "</div></body></html>").encode()


def test_a_text_blogs_post_takes_its_title_and_its_owner(state):
    """cwced 54e89e4e: the title is the heading over the body (the first sentence holding it is
    not where the body starts); the writer is the blog's owner, named in its header."""
    (art,), _ = _run(_text_blog("李建忠"), "b.html", state)
    assert art.title == "很高兴入住博客堂"
    assert art.authors == ["李建忠"]
    # a blog named otherwise, or a header linking elsewhere, names no one
    for page in (_text_blog("开心技术博客"), _text_blog("李建忠").replace(b"archive/", b"posts/")):
        (art,), _ = _run(page, "b.html", state)
        assert art.authors == []
