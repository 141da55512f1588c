"""HTML pages: one lxml parse, pruning, two body extractors, metadata from tags and bylines.

The page is parsed once; ``prune`` takes site chrome, hidden spam and per-site junk out of that
tree, then readability-lxml and trafilatura both read the pruned tree. Where they agree the
body is trusted; where they disagree the candidate that reads more like prose wins and the
agreement is recorded as ``scores["extract_agreement"]`` so a user can sort by confidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from pipeline.article import Article, Removal
from pipeline.errors import SkipInput
from pipeline.stages.extract import metadata
from pipeline.stages.extract.prune import host_matches, prune
from pipeline.stages.extract.similarity import char_f1
from pipeline.stages.extract.spacing import tighten

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_BLOCK = frozenset(
    "p div br li tr td th h1 h2 h3 h4 h5 h6 table section article blockquote dd dt ul ol pre "
    "header footer aside nav figure figcaption form center hr main address".split()
)
_STAMP = re.compile(r"\d{1,2}[-/]\d{1,2}\s+\d{1,2}:\d{2}")
# Paragraph-like elements, inside which the source's line breaks only wrap the markup.
_UNWRAP = frozenset("p h1 h2 h3 h4 h5 h6 li".split())
_SOURCE_BREAK = re.compile(r"[ \t\r]*\n\s*")
_HAN_EDGE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# Ideographic and no-break spaces; private-use code points are what GBK pages' odd spaces
# decode to (U+E5C2, U+E5E5) and never carry text.
_SPACES = re.compile(r"[\u3000\xa0\ue000-\uf8ff]")
_NOT_COUNTED = re.compile(r"[\s|]+")
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s|--)\s*")
# A site's name and section after a bare hyphen (…百分点-财经频道-腾讯网, …-搜狐财经): only names
# that end like a site or section does, or a portal and its section, so 2024-2025赛季 and
# COVID-19 keep their hyphens.
_TITLE_SITE_TAIL = re.compile(r"(?<=[^-])-(?:[\u4e00-\u9fffA-Za-z0-9]{2,12}?(?:网|網|频道|頻道|新闻|新聞|日报|"
                              r"日報|晚报|晚報|在线|在線|门户|門戶|客户端|客戶端|传媒|傳媒)"
                              r"|(?:搜狐|新浪|腾讯|騰訊|网易|網易|凤凰|鳳凰)[\u4e00-\u9fff]{2})$")
_DATE_META = (
    "article:published_time", "og:article:published_time", "og:release_date", "pubdate",
    "publishdate", "publish_date", "publishtime", "publish_time", "datepublished", "date",
    "dc.date", "dc.date.issued", "sailthru.date", "article.published", "weibo:article:create_at",
    "og:time", "created", "createdate", "releasedate", "article:modified_time",
)
_AUTHOR_META = ("author", "article:author", "og:article:author", "dc.creator", "byl")
_SITE_META = ("og:site_name", "application-name", "source", "mediaid", "publisher")
_NAME_ONLY = re.compile(r"^[\u4e00-\u9fff·]{2,4}$|^[A-Za-z][A-Za-z0-9_.-]{2,24}$")
_BYLINE_ONLY = re.compile(
    r"^(?:[\u4e00-\u9fff·]{2,3}(?:\s*[、,，]\s*[\u4e00-\u9fff·]{2,3}){0,3}"
    r"|[A-Za-z][A-Za-z0-9_.-]{2,24})$"
)
# "作者：郭励弘" in the page head, further up than the usual byline window.
_LABELLED_AUTHOR = re.compile(r"作\s*者\s*[:：]|撰文\s*[:：]|記者\s*[:：]|记者\s*[:：]")
_TRAIL_SEP = re.compile(r"[｜|>＞»›]")
# Extractor outputs agreeing at least this much (char F1) are trusted as they are.
AGREE = 0.8
# Body lines at the top searched for a repeated title, dateline and bylines.
EDGE_LINES = 5
# Lines above the body searched for the dateline and bylines.
HEADER_LINES = 40


# libxml2 drops everything after a </html>; browsers read on. Pages built from fragments close
# the document early (gov.cn's header include ends in </html>, before the whole article).
_CLOSE_HTML = re.compile(r"</html\s*>", re.IGNORECASE)


def parse(html: str) -> HtmlElement:
    """The page as an lxml tree (``SkipInput`` when there is no markup to speak of)."""
    html = _CLOSE_HTML.sub("", _XML_DECL.sub("", html, count=1))
    if not html.strip():
        raise SkipInput("empty HTML page")
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise SkipInput(f"HTML could not be parsed: {exc}") from None


def _unwrapped(text: str) -> str:
    """A paragraph's text with the line breaks of the page's source taken out, as a browser
    shows it: nothing between two Han characters, a space elsewhere (Legend Studio)."""
    return _SOURCE_BREAK.sub(lambda m: "" if _HAN_EDGE.match(m.string, m.start() - 1)
                             and _HAN_EDGE.match(m.string, m.end()) else " ", text)


def block_lines(el: HtmlElement) -> list[str]:
    """Visible text split at block boundaries, whitespace-collapsed, blank lines dropped.

    A line break in the page's source is no break inside a paragraph (<p>, a heading, a list
    item), where it only wraps the markup ("开发商Legend⏎Studio出品" is one line); elsewhere it
    still ends a line, since tag-less layouts (text in a <div> or <td>) break lines so."""
    parts: list[str] = []
    inline = 0  # depth of paragraph-like elements open around the text
    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in _BLOCK:
                parts.append("\n")
            inline += tag in _UNWRAP
            if node.text and tag:
                parts.append(_unwrapped(node.text) if inline else node.text)
        else:
            if tag in _BLOCK:
                parts.append("\n")
            inline -= tag in _UNWRAP
            if node.tail and node is not el:
                parts.append(_unwrapped(node.tail) if inline else node.tail)
    out = []
    for line in "".join(parts).split("\n"):
        line = " ".join(_SPACES.sub(" ", line).split())
        if line:
            out.append(line)
    return out


def meta_tags(root: HtmlElement) -> dict[str, str]:
    """name/property/itemprop → content of every <meta> (first wins), keys lower-cased."""
    out: dict[str, str] = {}
    for el in root.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
        value = el.get("content")
        if key and value and value.strip():
            out.setdefault(key.strip().lower(), value.strip())
    for el in root.xpath("//*[@itemprop='datePublished' or @itemprop='author']"):
        key = el.get("itemprop").lower()
        value = el.get("datetime") or el.get("content") or el.text_content()
        if value and value.strip():
            out.setdefault(key, value.strip())
    return out


def page_title(root: HtmlElement, meta: dict[str, str]) -> tuple[str | None, bool]:
    """The article's title: an h1 the head agrees with, og:title, else the head's <title>
    without the site's name; and whether it is that last, the head's <title> alone (old blogs
    and forums put only the site's name there)."""
    og = meta.get("og:title") or meta.get("twitter:title")
    titles = root.xpath("//title")
    raw = " ".join(titles[0].text_content().split()) if titles else ""
    for h in root.xpath("//h1"):
        text = " ".join(h.text_content().split())
        if len(text) >= 4 and (not raw or text in raw or (og and text in og)):
            return text, False
    if og:
        return og, False
    title = _head_title(raw, _home_names(root))
    # still the head's title: a headline that names the site gives way to the body's heading
    return _shown_headline(root, title) or title, True


# What may follow a headline in a head's <title> after a space: a section's or a site's name.
_NAME_TAIL = re.compile(r"[^。！？!?，,；;：:]{2,24}")


def _shown_headline(root: HtmlElement, title: str | None) -> str | None:
    """The headline the page prints set off (bold, a heading, a title-classed element) where
    the head's <title> adds a space and a section's or site's name to it (…开展调研工作 东区办事处;
    …技能大赛 湖南省中医药研究院附属医院): the longest such text, at least 6 characters."""
    if not title or " " not in title:
        return None
    best = None
    for el in _EMPHASIS(root):
        text = " ".join(el.text_content().split())
        if len(text) >= 6 and title.startswith(text + " ") \
                and _NAME_TAIL.fullmatch(title[len(text) + 1:]) \
                and (best is None or len(text) > len(best)):
            best = text
    return best


# A link to the site's front page: its text is the site's name (电子技术设计).
_HOME_HREF = re.compile(r"^(?:(?:https?:)?//[^/?#\s]+/?|/)(?:index\.(?:s?html?|php|aspx?))?$",
                        re.IGNORECASE)
_HYPHEN_TAIL = re.compile(r"(?<=[^-\s])-([^-]{2,24})$")


def _home_names(root: HtmlElement) -> list[str]:
    names = []
    for a in root.xpath("//a[@href]"):
        if _HOME_HREF.match(a.get("href", "").strip()):
            text = " ".join(a.text_content().split())
            if 2 <= len(text) <= 20 and text not in names:
                names.append(text)
    return names


def _head_title(raw: str, home: tuple[str, ...] | list[str] = ()) -> str | None:
    """The head's <title> text ``raw`` without the site's name: a tail after a bare hyphen
    that reads like a site's or section's name, or ends with the name the page's links to its
    front page carry (…GPU-EDN 电子技术设计)."""
    if not raw:
        return None
    while (stripped := _TITLE_SITE_TAIL.sub("", raw)) != raw and stripped:
        raw = stripped
    m = _HYPHEN_TAIL.search(raw)
    if m and m.start() >= 4 and any(m[1].strip().endswith(name) for name in home):
        raw = raw[:m.start()]
    parts = [p for p in _TITLE_SPLIT.split(raw) if p]
    return max(parts[:2], key=len) if parts else raw


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# A title ends in none of these (a sentence, a label, a list lead-in does).
_NOT_TITLE_END = re.compile(r"[。！？!?；;：:，,、…]$")
# A section's heading, not the article's: 一、… 1. … （二）… 第三章 …
_SECTION = re.compile(r"[一二三四五六七八九十百\d]+\s*[、.．]|[（(][一二三四五六七八九十\d]+[)）]"
                      r"|第[一二三四五六七八九十百\d]+[章节節部篇回]")
# A subtitle's line under a title: ——当代中国的精神危机 (上)
_SUBTITLE = re.compile(r"(?:——|--|─)\s*\S.{1,38}$")
_EMPHASIS = etree.XPath("//strong|//b|//big|//h1|//h2|//h3|//h4|//h5|//h6|//font[@size]"
                        "|//*[contains(@class, 'title')]")


def _bigrams(text: str) -> set[str]:
    return {run[i:i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)}


# A tag a portal prints before a repeated title (toutiao's <span>原创</span>最不愁吃肉的国家).
_TITLE_LABEL = re.compile(r"\s*(?:原创|原創|独家|獨家|置顶|置頂|转载|轉載|头条|頭條|热门|熱門|视频|視頻|图文|圖文)\s*")


def _labelled_title(para: str, title: str) -> bool:
    """``para`` is ``title`` after a portal's label."""
    head = para[:len(para) - len(title.strip())] if para.strip().endswith(title.strip()) else ""
    return bool(head) and _TITLE_LABEL.fullmatch(head) is not None


def _weak_title(title: str | None, head_only: bool, paras: list[str]) -> bool:
    """No title, or only the head's <title> and it names the site rather than this text
    (China-Pub blog, 显示, 谢谢您访问〖关注中国中心〗): one word, or its words mostly absent
    from the body. An h1 or og:title is never weak."""
    if not title:
        return True
    if not head_only:
        return False
    grams = _bigrams(title)
    if len(grams) <= 1:  # 显示, 1, blog.example.com
        return True
    body = _bigrams("\n".join(paras[:30]))
    return len(grams & body) < 0.25 * len(grams)


# Lines above a title found deeper in the body are the page's chrome when each is this short
# and none is a sentence (a breadcrumb, 上一篇 / 下一篇, a tag line).
ABOVE_TITLE_MAX = 30
_SENTENCE = re.compile(r"[。！？!?]")


def _from_title(paras: list[str], title: str | None, removed: list[Removal]) -> list[str]:
    """The body from its title on, where the extractor took in the page's chrome above it:
    the title is a line past the top few, in the first half, under only short lines that are
    not sentences. Those lines and the title leave the body, recorded."""
    if not title or len(title.strip()) < 6:
        return paras
    want = title.strip()
    for i in range(EDGE_LINES, len(paras) // 2 + 1):
        if paras[i].strip() != want:
            continue
        above = paras[:i]
        if all(len(p) <= ABOVE_TITLE_MAX and not _SENTENCE.search(p) for p in above):
            removed.extend(Removal(reason="above-title", text=p) for p in above)
            removed.append(Removal(reason="title", text=paras[i]))
            return paras[i + 1:]
        break
    return paras


def _title_from_body(root: HtmlElement, title: str | None, head_only: bool,
                     paras: list[str]) -> str | None:
    """A blog's or forum's post title, under a head naming the site: the body's first line,
    taken out of ``paras`` with a subtitle line under it or under the writer's name
    (犬儒病(上)——当代中国的精神危机 (上)); else ``title`` as it was."""
    if len(paras) < 2 or sum(map(len, paras[1:6])) < 60 \
            or not _weak_title(title, head_only, paras) or not _heading_line(root, paras[0]):
        return title
    title = paras.pop(0)
    for k in range(min(2, len(paras) - 1)):
        if _SUBTITLE.match(paras[k]) and not _NOT_TITLE_END.search(paras[k]):
            return title + paras.pop(k)
        if not _BYLINE_ONLY.match(paras[k]):
            break
    return title


# A head title that names a site, not an article: 新闻动态--中国地理学会官网 (section, site).
_SITE_NAME_END = re.compile(r"(?:官网|官網|官方网站|官方網站|网站|網站|首页|首頁|主页|主頁|门户|門戶)$")
_HEADINGS = etree.XPath("//h1|//h2|//h3|//h4|//h5|//h6|//*[contains(@class, 'title')]")


def _heading_texts(root: HtmlElement) -> set[str]:
    return {" ".join(el.text_content().split()) for el in _HEADINGS(root)}


def _reads_as_heading(line: str, headings: set[str]) -> bool:
    """``line`` is a heading's whole text and reads as a title. Unlike a body line read as a
    blog's title (_heading_line), a headline in a heading may end in ！ or ？ (成功举行！), not in
    a comma or a colon."""
    return line in headings and 4 <= len(line) <= 60 and _HAN_RUN.search(line) is not None \
        and not re.search(r"[。，,：:；;、]$", line) and not metadata.is_date_only(line)


def _heading_above(headings: set[str], header: list[str]) -> str | None:
    """The article's title where the head names only the site: the heading right above the
    body, past its dateline and byline lines (an institution's page puts it in an h5)."""
    for line in header[::-1][:6]:
        if metadata.dateline_date(line) or metadata.is_date_only(line) \
                or metadata.is_byline_line(line):
            continue
        return line if _reads_as_heading(line, headings) else None
    return None


def _heading_line(root: HtmlElement, line: str) -> bool:
    """``line`` reads as a title (4 to 40 characters, not a sentence, a label or a section's
    heading) and the page sets it off as one: bold, big, a heading, or an element classed as
    a title."""
    if not 4 <= len(line) <= 40 or _NOT_TITLE_END.search(line) or not _HAN_RUN.search(line) \
            or _SECTION.match(line) or metadata.is_date_only(line) \
            or metadata.is_byline_line(line):
        return False
    for el in _EMPHASIS(root):
        text = " ".join(el.text_content().split())
        if line in text and len(text) <= len(line) + 12:
            return True
    return False


def _listing_stamps(line: str) -> int:
    return len(_STAMP.findall(line))


def content_weight(paras: list[str], anchors: list[str]) -> int:
    """Characters of prose in a candidate body: link text and listing lines count against it.

    Link text is what navigation, related lists and reply threads are made of; a line with two
    or more "08-11 16:06" stamps is a listing. Both count double against the candidate, so a
    short clean body beats a long one padded with lists.
    """
    joined = "\n".join(paras)
    total = len(_NOT_COUNTED.sub("", joined))
    linked = sum(len(a) for a in anchors if a in joined)
    listing = sum(len(p) for p in paras if _listing_stamps(p) >= 2)
    return total - 2 * linked - 2 * listing


def preload() -> None:
    """Import the two extractors (imported on first use otherwise; see ``extract.expect``)."""
    import readability  # noqa: F401
    import trafilatura  # noqa: F401


def _readability(root: HtmlElement) -> list[str]:
    from readability import Document

    try:
        summary = Document(root).summary(html_partial=True)
    except Exception:  # readability raises bare Exceptions on odd pages; trafilatura remains
        return []
    if not summary or not summary.strip():
        return []
    try:
        frag = lxml.html.fragment_fromstring(summary, create_parent="div")
    except (etree.ParserError, ValueError, AssertionError):  # lxml asserts on bodiless html
        return []
    return block_lines(frag)


def _trafilatura(root: HtmlElement) -> list[str]:
    import trafilatura

    # trafilatura copies a tree it is handed, so ours stays intact for metadata.
    try:
        text = trafilatura.extract(root, include_comments=False, include_tables=True,
                                   fast=True, deduplicate=False, with_metadata=False)
    except Exception:  # a failure of one extractor leaves the other's body
        return []
    out = []
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if line.startswith("|") and line.endswith("|"):  # a table row: its cells, no pipes
            if _TABLE_RULE.match(line):
                continue
            line = " ".join(c.strip() for c in line.strip("|").split(" | ") if c.strip())
        if line:
            out.append(line)
    return out


def anchor_texts(root: HtmlElement) -> list[str]:
    """Distinct link texts of 4+ characters (for the link share of a candidate body)."""
    seen = {" ".join(a.text_content().split()) for a in root.iter("a")}
    return [t for t in seen if len(t) >= 4]


def choose_body(root: HtmlElement, scores: dict[str, float], two: bool = True) -> list[str]:
    """Readability and trafilatura on the same pruned tree; agreement decides trust.

    Measured on CWCED-dev: readability is the better body where the two agree (F1 >= 0.8);
    where they disagree, the one with more prose after discounting link text and listings.
    """
    tf = _trafilatura(root)
    if not two:
        return tf
    rd = _readability(root)
    if not rd or not tf:
        scores["extract_agreement"] = 0.0
        return rd or tf
    agree = char_f1("".join(rd), "".join(tf))
    scores["extract_agreement"] = round(agree, 4)
    if agree >= AGREE:
        return rd
    anchors = anchor_texts(root)
    return rd if content_weight(rd, anchors) >= content_weight(tf, anchors) else tf


_STAMP_LINE = re.compile(r"^(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?$")


def first_post(paras: list[str], removed: list[Removal]) -> list[str]:
    """Blog and forum pages that show several posts: keep the first.

    A post there is a title line, a line holding only its date-time, then the text; a second
    such date line means a second post begins at the line before it.
    """
    stamps = [i for i, p in enumerate(paras) if _STAMP_LINE.match(p)]
    if len(stamps) < 2 or stamps[0] > 3:
        return paras
    cut = stamps[1] - 1
    if cut <= stamps[0] + 1:
        return paras
    removed.extend(Removal(reason="later-post", text=p) for p in paras[cut:])
    return paras[:cut]


def _locate(lines: list[str], para: str, start: int = 0) -> int:
    """Where ``para`` stands in the page's lines. A short paragraph found inside a longer line
    (a post's title, held by the heading "[湖湘文化]陈天华《警世钟》" above it) stands on its own
    line when one follows closely: what lies between (the post's signature) is header."""
    probe = para[:16]
    for i in range(start, len(lines)):
        if probe in lines[i] or (len(lines[i]) >= 8 and lines[i] in para):
            if probe == para and lines[i] != para:
                return next((j for j in range(i + 1, min(i + 4, len(lines)))
                             if lines[j] == para), i)
            return i
    return -1


def _body_start(page: list[str], paras: list[str]) -> int:
    """Where the body starts in the page's lines. A line inside the first paragraph, not its
    start, is a heading over it when the paragraph starts on the next line. A short first line
    (a law's name, a heading) may stand higher up too, as the page's title over its dateline:
    the start is its first place that the body's second line follows closely."""
    start = _locate(page, paras[0]) if paras else -1
    if 0 <= start < len(page) - 1 and not paras[0].startswith(page[start][:16]) \
            and paras[0][:16] in page[start + 1]:
        return start + 1  # a line found inside the paragraph, its title (入住博客堂) over it
    if start < 0 or len(paras) < 2 or len(paras[0]) > 16:
        return start
    probe = paras[1][:16]

    def followed(i: int) -> bool:
        return any(probe in line for line in page[i + 1:i + 3])

    at = start
    while at >= 0 and not followed(at):
        at = _locate(page, paras[0], at + 1)
    return at if at >= 0 else start


def _find_date(meta: dict[str, str], header: list[str], body: list[str], footer: list[str],
               crawled_at: str | None) -> str | None:
    """Meta tags first; then the dateline nearest above the body, then below it.

    Pages put related lists with their own dates between the dateline and the body, so a line
    only counts as a dateline if it is mostly a date or is labelled (时间, 发布, 来源 ...).
    """
    for key in _DATE_META:
        if key in meta:
            iso = metadata.parse_date(meta[key], crawled_at)
            if iso:
                return iso
    for lines in (header[::-1], body[:3], footer, body[-3:]):
        for line in lines:
            iso = metadata.dateline_date(line)
            if iso:
                return iso
    for line in header[::-1][:12]:
        if metadata.about_something_else(line):
            continue
        for _pos, iso in metadata.iter_dates(line):
            return iso
    if crawled_at:  # "3小时前" under the title, against the crawl time
        for line in header[::-1][:6] + body[:3]:
            iso = metadata.relative_date(line, crawled_at) if len(line) <= 40 else None
            if iso:
                return iso
    return None


# Publish times that only scripts carry: WeChat's `var ct = "1581517074"` and JSON fields.
_SCRIPT_DATE = re.compile(
    r"""\bvar\s+(?:ct|publish_time|create_time)\s*=\s*["']([^"']{8,30})["']"""
    r"""|["'](?:publish_?[Tt]ime|pub_?[Tt]ime|pubDate|datePublished)["']\s*:\s*["']?([^"',}]{8,30})"""
)


_WECHAT_NICK = re.compile(r"""\bvar\s+nickname\s*=\s*(?:htmlDecode\()?["']([^"']{1,40})["']""")


def _wechat_account(html: str) -> str | None:
    """A WeChat article's publisher is its official account, named only in a script."""
    m = _WECHAT_NICK.search(html)
    return m[1].strip() or None if m else None


def _script_date(html: str) -> str | None:
    m = _SCRIPT_DATE.search(html)
    return metadata.parse_date(m[1] or m[2]) if m else None


def extract_html(html: str, article: Article, state: Any = None,
                 root: HtmlElement | None = None) -> Article:
    """Fill ``article`` from one HTML page (body, title, bylines, date, url, site)."""
    root = parse(html) if root is None else root
    meta = meta_tags(root)
    url = meta.get("og:url") or _canonical(root)
    if url and not article.source.url and url.startswith("http"):
        article.source.url = url
        from pipeline.stages.extract import site_of

        article.source.site = site_of(url)
    title, head_only = (article.title, False) if article.title else page_title(root, meta)
    rules = getattr(state, "prune_rules", None)
    body_node = None
    hosts = tuple(h for h in (article.source.site, _url_in_page(root), host_hint(root)) if h)
    if rules is not None:
        body_node = prune(root, rules, hosts, article.removed)
    paras = block_lines(body_node) if body_node is not None else choose_body(
        root, article.scores, getattr(state, "two_extractors", True))
    page = block_lines(root)

    paras = first_post(paras, article.removed)
    line_rules = getattr(state, "line_rules", None)
    if line_rules is not None:  # crumbs above the body must not push bylines off the edge
        while paras and line_rules.classify(paras[0]):
            article.removed.append(Removal(reason=line_rules.classify(paras[0]) or "chrome",
                                           text=paras.pop(0)))
    if title:  # the title repeated at the top of the body
        for i, para in enumerate(paras[:EDGE_LINES]):
            labelled = _labelled_title(para, title)
            if para.strip() == title.strip() or labelled:
                if i or labelled:  # the title field holds it all, but not the label
                    article.removed.append(Removal(reason="title", text=para))
                paras = paras[:i] + paras[i + 1:]
                break
    paras = _from_title(paras, title, article.removed)
    title = _title_from_body(root, title, head_only, paras)
    # no title, or the head's names only the site: the page's heading over the body is it
    weak_head = head_only and (title is None or _SITE_NAME_END.search(title) is not None)
    headings = _heading_texts(root) if weak_head else set()
    if weak_head and len(paras) > 1 and _reads_as_heading(paras[0], headings):
        title = paras.pop(0)  # the body's first line, a heading: the extractor took it in
        article.removed.append(Removal(reason="title", text=title))
        weak_head = False
    start = _body_start(page, paras)
    end = _locate(page, paras[-1], max(start, 0)) if paras else -1
    header = page[max(0, start - HEADER_LINES):start] if start > 0 else []
    footer = page[end + 1:end + 6] if end >= 0 else []
    if weak_head:
        title = _heading_above(headings, header) or title

    found = metadata.Byline()
    header = metadata.join_labels(header)
    footer = metadata.join_labels(footer)
    for line in header[-12:]:
        if line_rules is not None and _TRAIL_SEP.search(line) and line_rules.classify(line):
            continue  # 首页｜新华社记者看东北｜人物专访 is a trail, not a reporter
        if len(line) <= 80:
            metadata.scan_byline(line, found)
        elif not found.authors:
            metadata.scan_citation(line, found)
    if not found.authors:  # old portals put a side list between the byline and the body
        for line in header[:-12][::-1]:
            if len(line) <= 40 and _LABELLED_AUTHOR.search(line) \
                    and metadata.is_byline_line(line) and metadata.scan_byline(line, found):
                break
    end_edge = _chrome_tail(paras, line_rules)
    kept: list[str] = []
    top: list[str] = []  # byline lines taken out above / below the body (they may hold dates)
    bottom: list[str] = []
    for i, para in enumerate(paras):
        if i and i < EDGE_LINES and not found.authors and title and _BYLINE_ONLY.match(para) \
                and len(paras[i - 1]) >= 6 and paras[i - 1] in title \
                and found.add(found.authors, para):  # title, then the writers' names
            article.removed.append(Removal(reason="byline", text=para))
            continue
        if i < 3 and not found.authors and _BYLINE_ONLY.match(para) and len(para) <= 12 \
                and para not in (title or "") \
                and (i == 0 or len(paras[i - 1]) <= 40) and found.add(found.authors, para):
            article.removed.append(Removal(reason="byline", text=para))
            continue
        if i < EDGE_LINES and len(kept) < 2 and metadata.is_date_only(para):
            article.removed.append(Removal(reason="dateline", text=para))
            top.append(para)
            continue
        edge = i < EDGE_LINES or end_edge - 4 <= i < end_edge
        # read without inline chrome: 作者：余毅菁 向雪妮返回富达，查看更多 is a byline
        line = para if line_rules is None or not edge else line_rules.cut_inline(para)[0]
        # a byline naming people already found (the foot repeating the credit) goes too
        if edge and len(line) <= 80 and metadata.is_byline_line(line) \
                and (metadata.scan_byline(line, found) or _names_known(line, found)):
            article.removed.append(Removal(reason="byline", text=para))
            (top if not kept else bottom).append(para)
            continue
        kept.append(para)
    if kept:  # 新华社北京3月5日电（记者 …）opening the lede
        metadata.wire_credit(kept[0], found)
    if kept:
        metadata.scan_byline(kept[-1][-60:], found)
    for line in footer:
        if len(line) <= 80:
            metadata.scan_byline(line, found)
    if not found.authors:
        metadata.signoff_authors(kept, found)
    if not found.authors and title:
        _name_after_title(page, start, title, found)
    if not found.authors:
        _author_link(root, found)
    if not found.authors:
        _blog_owner(root, found)
    if not found.authors:
        for key in _AUTHOR_META:
            value = meta.get(key, "")
            if _NAME_ONLY.match(value) and not metadata.is_outlet(value) \
                    and value not in (article.publisher or "", _site_name(meta) or ""):
                found.authors.append(value)
                break

    article.title = title
    article.authors = article.authors or found.authors
    article.editors = article.editors or found.editors
    site_name = _site_name(meta)
    if site_name == "微信公众平台" or host_matches(hosts, "weixin.qq.com"):
        site_name = _wechat_account(html) or site_name
    article.publisher = article.publisher or found.publisher \
        or (metadata.dateline_outlet(kept[0]) if kept else None) or site_name
    article.published_at = article.published_at or _find_date(
        meta, header + top, kept + bottom, footer, article.source.crawled_at) \
        or _script_date(html)
    if not article.authors and article.published_at and len(article.published_at) > 10:
        signed = [r.text for r in article.removed if r.reason == "chrome-node"]
        if metadata.signed_post(kept + signed, article.published_at, found):
            article.authors = found.authors
    if kept and article.publisher and kept[0] == article.publisher:
        article.removed.append(Removal(reason="byline", text=kept.pop(0)))
    article.set_paragraphs([tighten(p) for p in kept])
    return article


_AUTHOR_LINKS = etree.XPath(
    "//a[@rel='author' or contains(@href, 'author=') or contains(@href, '/author/')]")
_AUTHOR_ID = re.compile(r"[?&]author=([\w-]+)|/author/([\w%.-]+)")
_AUTHOR_PAGE = re.compile(r"[./]\w+/?\?author=[\w-]+$|/author/[\w%.-]+/?$")


def _author_link(root: HtmlElement, found: metadata.Byline) -> None:
    """Blog engines link the writer's page (WordPress ``?author=102``, ``rel="author"``).

    The blog's own writer is the one nearly every such link points at (the category and archive
    links carry the id too); a directory of several writers says nothing about this post.
    """
    ids: dict[str, int] = {}
    named: dict[str, str] = {}
    for a in _AUTHOR_LINKS(root):
        m = _AUTHOR_ID.search(a.get("href") or "")
        key = (m[1] or m[2]) if m else "rel"
        ids[key] = ids.get(key, 0) + 1
        text = " ".join(a.text_content().split())
        # the writer's own page (nothing but the id), not a category or month filtered by writer
        if _NAME_ONLY.match(text) and key not in named and (key == "rel" or m[0] == m.string
                                                             or _AUTHOR_PAGE.search(m.string)):
            named[key] = text
    if not ids:
        return
    top = max(ids, key=ids.__getitem__)
    if ids[top] * 4 >= sum(ids.values()) * 3 and top in named:
        found.add(found.authors, named[top])


# A .Text / Community Server blog's header (博客堂, 博客园, BlogJava): the blog's name, linking
# its home, under which the posts' permalinks lie (…/lijianzhong/archive/2004/12/27/41810.aspx).
_BLOG_HEADER = etree.XPath("//a[@id='Header1_HeaderTitle' or contains(@class, 'headermaintitle')]")


def _blog_owner(root: HtmlElement, found: metadata.Byline) -> None:
    """The writer of a post on a one-person blog named after its owner (李建忠 over
    很高兴入住博客堂): the header's name when it is a person's name and the page's own posts
    sit under the header's link."""
    for a in _BLOG_HEADER(root):
        name, home = " ".join(a.text_content().split()), (a.get("href") or "").strip()
        if _NAME_ONLY.match(name) and not name.isascii() and not metadata.is_outlet(name) \
                and home.endswith("/") \
                and root.xpath("//a[starts-with(@href, $h)]", h=home + "archive/"):
            found.add(found.authors, name)
            return


def _names_known(line: str, found: metadata.Byline) -> bool:
    """Every person the byline ``line`` names is already among ``found``'s."""
    probe = metadata.Byline()
    metadata.scan_byline(line, probe)
    named = probe.authors + probe.editors
    return bool(named) and all(n in found.authors or n in found.editors for n in named)


def _chrome_tail(paras: list[str], line_rules: Any) -> int:
    """Where the article's own lines end: before trailing chrome and a tail marker in the last
    half ("扫描下方二维码…" then an account's menu), so the credits above it are still the
    foot's bylines. Clean removes the tail itself, with its reasons."""
    end = len(paras)
    if line_rules is None:
        return end
    for j in range(len(paras) // 2, len(paras)):
        if line_rules.starts_tail(paras[j]):
            end = j
            break
    while end > 0 and line_rules.classify(paras[end - 1]):
        end -= 1
    return end


def _name_after_title(page: list[str], start: int, title: str, found: metadata.Byline) -> None:
    """A bare name on its own line between the title and the body (essays, columns)."""
    if start <= 0:
        return
    for i in range(max(0, start - 6), start):
        if title in page[i] and i + 1 < len(page):
            for cand in page[i + 1:start]:
                if _BYLINE_ONLY.match(cand) and cand not in title:  # not the title again
                    found.add(found.authors, cand)
                    return


_HOST = re.compile(r"\s*(?:https?:)?//([^/:?#\s]+)", re.IGNORECASE)
_TABLE_RULE = re.compile(r"^[|\s:-]+$")
_SECOND_LEVEL = frozenset(("com", "net", "org", "gov", "edu", "ac"))


def _domain(host: str) -> str:
    labels = host.lower().split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def _url_in_page(root: HtmlElement) -> str | None:
    """The page's own host from tags that state its address (mobile-agent, base, alternate)."""
    from urllib.parse import urlsplit

    candidates = root.xpath("//meta[@name='mobile-agent']/@content|//base/@href"
                            "|//link[@rel='alternate'][starts-with(@href,'http')]/@href")
    for value in candidates:
        url = value.split("url=", 1)[-1].strip()
        host = urlsplit(url).hostname if url.startswith("http") else None
        if host:
            return host.lower()
    return None


def host_hint(root: HtmlElement) -> str | None:
    """The domain most links point to: a saved page without its URL still links home.

    Only used to pick per-site rules; ``source.site`` is set from real URLs alone.
    """
    from collections import Counter

    for xpath in ("//a/@href", "//img/@src|//script/@src|//link/@href"):
        hosts: Counter[str] = Counter()
        for href in root.xpath(xpath):
            m = _HOST.match(href)
            if m:
                hosts[m[1].lower()] += 1
        counts: Counter[str] = Counter()
        for host, n in hosts.items():
            if "." in host:
                counts[_domain(host)] += n
        if counts:
            domain, n = counts.most_common(1)[0]
            if n >= 5:
                return domain
    return None


def _site_name(meta: dict[str, str]) -> str | None:
    for key in _SITE_META:
        value = meta.get(key)
        if value and len(value) <= 30:
            return value
    return None


def _canonical(root: HtmlElement) -> str | None:
    for el in root.xpath("//link[@rel='canonical'][@href]"):
        return el.get("href").strip()
    return None


LIST_MIN_LINKS = 20  # a page with fewer links is never called a list page
LIST_MAX_PROSE = 40  # ... nor one whose body has a paragraph this long (characters)


LIST_LINKED_SHARE = 0.8  # ... nor one whose body is not mostly link text


def list_page_reason(paragraphs: list[str], anchors: set[str]) -> str | None:
    """Why a page is a list of links rather than an article (a section front, a tag page),
    or None. Such a page has many links, no paragraph of prose in what was extracted, and
    that body is mostly the links' own text."""
    if len(anchors) < LIST_MIN_LINKS:
        return None
    if max((len(p) for p in paragraphs), default=0) >= LIST_MAX_PROSE:
        return None
    total = sum(len(p) for p in paragraphs)
    linked = sum(len(p) for p in paragraphs if p in anchors)
    if total and linked < LIST_LINKED_SHARE * total:
        return None
    return f"not an article: a list page ({len(anchors)} links, no paragraph of prose)"


def read(text: str, ctx, state) -> Iterator[Article]:
    root = parse(text)
    anchors = {t for t in (" ".join((a.text_content() or "").split()) for a in root.iter("a"))
               if t}
    article = extract_html(text, ctx.article(0), state, root=root)
    reason = list_page_reason(article.paragraphs, anchors)
    if reason:
        raise SkipInput(reason)
    yield article
