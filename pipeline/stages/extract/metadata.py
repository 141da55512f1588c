"""Article metadata from text: Chinese dates, bylines (author / editor / outlet), front matter.

Shared by every reader so a date or byline means the same thing in HTML, Markdown and text.
Dates are ISO 8601; a local time without a zone gets +08:00 (Chinese news is published in
China time); a date without a day is never completed into one (htmldate turns 2021年1月 into
2021-01-01, which is wrong more often than right).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

CHINA = "+08:00"
_CHINA_TZ = timezone(timedelta(hours=8))
MIN_YEAR, MAX_YEAR = 1990, 2040

_TIME = r"(?:\s*(?:T|\s)?\s*(\d{1,2})\s*[:：时時点點]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?"
_ZONE = r"(?:\s*(Z|[+-]\d{2}:?\d{2})(?![\d:]))?"
DATE_RE = re.compile(
    r"(?<![\d.])((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)\s*日?"
    + _TIME + _ZONE
)
# US-style "9/17/2004 5:54:13 AM" (some overseas Chinese sites)
US_DATE_RE = re.compile(
    r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
)
_DATELINE_WORDS = re.compile(r"时间|時間|日期|发布|發布|发表|發表|更新|来源|來源|作者|稿源|编辑|編輯")
# Dates of something else than the article: a blog's creation, a member's registration.
_NOT_DATELINE = re.compile(r"建立|創建|创建|注册|註冊|加入|登录|登錄|生日|出生|截止|截至")
_RELATIVE = re.compile(r"(\d{1,3})\s*(分钟|分鐘|小时|小時|天)前|(昨天|前天|今天)")


def _valid(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> bool:
    try:
        datetime(y, mo, d, h, mi, s)
    except ValueError:
        return False
    return MIN_YEAR <= y <= MAX_YEAR


def _iso(y: int, mo: int, d: int, h: int | None, mi: int | None, s: int | None,
         zone: str | None) -> str:
    if h is None:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    if zone in (None, ""):
        zone = CHINA
    elif zone == "Z":
        zone = "+00:00"
    elif ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi or 0:02d}:{s or 0:02d}{zone}"


def iter_dates(text: str):
    """Every full date (year, month and day) in ``text`` as (start offset, ISO string)."""
    for m in DATE_RE.finditer(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        h = int(m[4]) if m[4] else None
        mi = int(m[5]) if m[5] else None
        s = int(m[6]) if m[6] else None
        if not _valid(y, mo, d, h or 0, mi or 0, s or 0):
            if _valid(y, mo, d):
                h = mi = s = None
            else:
                continue
        yield m.start(), _iso(y, mo, d, h, mi, s, m[7])
    for m in US_DATE_RE.finditer(text):
        mo, d, y = int(m[1]), int(m[2]), int(m[3])
        h = int(m[4]) if m[4] else None
        if h is not None and m[7]:
            h = h % 12 + (12 if m[7].lower() == "pm" else 0)
        mi = int(m[5]) if m[5] else None
        s = int(m[6]) if m[6] else None
        if _valid(y, mo, d, h or 0, mi or 0, s or 0):
            yield m.start(), _iso(y, mo, d, h, mi, s, None)


_DATE_LABEL = re.compile(r"发布时间|發布時間|发布于|發布於|发表于|發表於|更新时间|更新時間|时间|時間|日期|星期.|周.|[\s:：|｜\-—/]")


def is_date_only(line: str) -> bool:
    """A line that holds nothing but a date, a time or "3小时前" (and a label)."""
    if len(line) > 40:
        return False
    rest = _RELATIVE.sub("", US_DATE_RE.sub("", DATE_RE.sub("", line)))
    return rest != line and not _DATE_LABEL.sub("", rest)


def about_something_else(line: str) -> bool:
    """A dated line that is not about the article (blog created, member registered)."""
    return bool(_NOT_DATELINE.search(line))


def dateline_date(line: str) -> str | None:
    """The date of a line that is a dateline (mostly a date, or labelled 时间/发布/来源 ...)."""
    if _NOT_DATELINE.search(line):
        return None
    for _pos, iso in iter_dates(line):
        rest = DATE_RE.sub("", US_DATE_RE.sub("", line))
        if len(rest.strip()) <= 25 or _DATELINE_WORDS.search(line):
            return iso
        return None
    return None


def parse_date(value: str, crawled_at: str | None = None) -> str | None:
    """One date value (meta tag, front matter, byline) → ISO 8601, or None if not a full date."""
    value = value.strip()
    if not value:
        return None
    for _pos, iso in iter_dates(value):
        return iso
    try:  # RFC 2822, as Hexo and RSS write it: "Mon, 24 Jan 2022 08:00:16 GMT"
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        dt = None
    if dt is not None and MIN_YEAR <= dt.year <= MAX_YEAR:  # zoned: shown in China time
        return dt.astimezone(_CHINA_TZ).isoformat() if dt.tzinfo else dt.isoformat() + CHINA
    if value.isdigit() and len(value) in (10, 13):  # epoch seconds / milliseconds
        secs = int(value) / (1000 if len(value) == 13 else 1)
        dt = datetime.fromtimestamp(secs, timezone(timedelta(hours=8)))
        if MIN_YEAR <= dt.year <= MAX_YEAR:
            return dt.isoformat()
    return relative_date(value, crawled_at)


def relative_date(value: str, crawled_at: str | None) -> str | None:
    """"3小时前", "昨天" against the crawl time; None when the crawl time is unknown."""
    if not crawled_at:
        return None
    m = _RELATIVE.search(value)
    if not m:
        return None
    try:
        base = datetime.fromisoformat(crawled_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    if m[3]:
        delta = timedelta(days={"今天": 0, "昨天": 1, "前天": 2}[m[3]])
        return (base - delta).date().isoformat()
    n, unit = int(m[1]), m[2]
    delta = timedelta(minutes=n) if unit.startswith("分") else (
        timedelta(hours=n) if unit.startswith("小") else timedelta(days=n))
    return (base - delta).isoformat(timespec="minutes")


# --- bylines ---------------------------------------------------------------------------------

_HAN_NAME = r"[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,8})?"
_LATIN_NAME = r"[A-Za-z][A-Za-z0-9_.-]{2,24}"
# A name ends where the line, a bracket, punctuation or a "reported/photo" word does.
_END = r"(?=$|[\s)）】\]，,。;；/|｜:：_、]|报道|報道|摄|攝|发自|發自)"
_END_NEXT = r"(?=$|[\s)）】\]，,。;；/|｜:：_、])"
_NAME = rf"(?:{_HAN_NAME}|{_LATIN_NAME}){_END}"
# Further names must end cleanly: in "彭冲 山东冠县报道" the place is not a second author.
_NAMES = rf"{_NAME}(?:(?:\s*[、,，&]\s*|\s+)(?:{_HAN_NAME}|{_LATIN_NAME}){_END_NEXT})*"
_SEP = r"\s*[:：|｜丨/]\s*"

AUTHOR_WORDS = "作者|作\\s*者|撰文|撰稿|文|采写|採寫|口述|整理|编译|編譯|记者|記者|通讯员|通訊員|发文人|發文人|图文|圖文"
EDITOR_WORDS = "责任编辑|責任編輯|责编|責編|编辑|編輯|校对|校對|审校|審校|审核|審核|主编|主編|值班编辑|值班編輯|监制|監製|编审|編審"
OUTLET_WORDS = "来源|來源|出品|出处|出處|稿源|转载自|轉載自|本文来源|本文來源"

_EDITOR = re.compile(rf"(?:{EDITOR_WORDS}){_SEP}({_NAMES})")
_EDITOR_BRACKET = re.compile(rf"[（(【\[]\s*(?:{EDITOR_WORDS})\s*[:：]?\s*({_NAMES})\s*[)）】\]]")
# Not after 工/合/原/著 (工作者, 合作者 …); "证券时报网作者：李在山" still counts.
_AUTHOR = re.compile(rf"(?<![工合原著创創])(?:{AUTHOR_WORDS}){_SEP}({_NAMES})")
_REPORTER = re.compile(
    rf"(?:^|[\s（(【\[□■:：|｜])([\u4e00-\u9fffA-Za-z·]{{2,12}}?)?(?:特约|特約|实习|實習|见习|見習|本报|本報|首席)?"
    rf"(?:记者|記者|通讯员|通訊員|发文人|發文人)\s*[:：]?\s*({_NAMES})"
)
_NAME_SLASH_WEN = re.compile(
    rf"(?:^|(?<=\s)|(?<=记者)|(?<=記者))({_HAN_NAME})\s*/\s*文(?![\u4e00-\u9fff])")
_REPORTED = re.compile(rf"[（(]\s*({_HAN_NAME})\s+[\u4e00-\u9fff]{{2,6}}报道\s*[)）]")
# Blog and forum signatures: "ggjjzhzz 发表于 2005-09-15", "22:36:13 by duscha", "- 海姑娘写于3月18日"
_POSTED = re.compile(
    rf"(?:^|\s)({_HAN_NAME}|{_LATIN_NAME})\s*(?:发表于|發表於|发表在|写于|寫於)"
    rf"|\d{{1,2}}:\d{{2}}(?::\d{{2}})?\s+by\s+({_LATIN_NAME})"
)
# A post's own signature, "由海姑娘张贴 @ 2005-03-21 01:20:44" or "… 22:36:13 by duscha":
# it names the writer only when its time is the article's (a blog page signs every post).
_SIGNED = re.compile(
    rf"由\s*({_HAN_NAME}|{_LATIN_NAME})\s*(?:张贴|張貼|发表|發表|发布|發布)"
    rf"|\d{{1,2}}:\d{{2}}(?::\d{{2}})?\s+by\s+({_LATIN_NAME})"
)


def signed_post(lines: list[str], published_at: str, found: Byline) -> bool:
    """The writer from the signature line that carries the article's own time (to the minute)."""
    minute = published_at[:16]
    for line in lines:
        line = line[-100:]  # a forum post signs at the end of its text
        m = _SIGNED.search(line)
        if m and any(iso[:16] == minute for _pos, iso in iter_dates(line)):
            return found.add(found.authors, m[1] or m[2])
    return False


# Journal pages: "文章引用：赵培. 淘宝网物流配送存在的问题及对策研究[J]. …"
_CITATION = re.compile(rf"(?:文章引用|引用本文|引文格式|引用格式)\s*[:：]\s*({_HAN_NAME}(?:\s*[,，、]\s*{_HAN_NAME})*)\s*[.．]")
# "[ 黄宇 ] 来源：[ 国际金融报 ]" (Sohu, 2004)
_BRACKET_NAME = re.compile(rf"^[\[【]\s*({_NAMES})\s*[\]】]\s*(?=来源|來源|稿源)")
_OUTLET = re.compile(
    rf"(?:{OUTLET_WORDS}){_SEP}[\[【]?\s*([^\s|｜，,。；;：:\[\]【】]{{2,30}}?)"
    rf"(?=$|[\s|｜，,。；;：:)）\]】]|(?:{AUTHOR_WORDS}|{EDITOR_WORDS})\s*[:：])"
)
_WECHAT = re.compile(
    r"本文来自微信公众号\s*[“\"「]?([^”\"」（(]{1,30})[”\"」]?(?:\s*[（(][^)）]*[)）])?"
    r"(?:[^，,。]*[，,]\s*作者\s*[:：]\s*(" + _NAMES + "))?"
)
# WeChat's header copied along with a repost: "原创： 路闻卓立编译 人民币交易与研究" (writer, account)
_WECHAT_ORIGINAL = re.compile(
    r"^原创\s*[:：]?\s+([\u4e00-\u9fffA-Za-z·]{2,10}?)(?:编译|編譯|整理)?\s+"
    r"([\u4e00-\u9fffA-Za-z0-9]{2,16})$")
# WeChat's header as it reads today: "原创 张三 科技观察 2025-03-12 08:30 发表于北京" (writer, when
# named, account, time, place)
_WECHAT_HEADER = re.compile(
    rf"^原创\s*[:：]?\s*(?:({_HAN_NAME}|{_LATIN_NAME})\s+)?([\u4e00-\u9fffA-Za-z0-9]{{2,16}})\s+"
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)(?:\s+\d{1,2}:\d{2})?"
    r"(?:\s*(?:发表于|發表於)\s*[\u4e00-\u9fff]{1,10})?$")
_TRAILING_OUTLET = re.compile(r"[（(]\s*([\u4e00-\u9fffA-Za-z0-9]{2,12})\s*[)）]\s*$")
_FALSE_NAMES = frozenset(
    "记者 記者 编辑 編輯 作者 来源 來源 报道 報道 本报 本報 新华社 新華社 中新网 中新網 图片 圖片 "
    "摄影 攝影 责任 責任 更多 点击 點擊 原标题 原標題 实习 實習 供图 供圖 发布 發布 阅读 閱讀 "
    "时间 時間 日期 发表 發表 评论 評論 字号 字號 打印 关闭 關閉 收藏 分享 浏览 瀏覽 次数 次數 "
    "整合 综合 綜合 编译 編譯 整理 报道 報道 摘编 摘編 搜索 搜尋 登录 登入 注册 註冊 本稿 打印本稿 网友 網友 本站 本网 本網 未知 佚名 匿名 admin 举报 舉報 投诉 投訴 昨天 今天 前天 刚刚 剛剛 "
    "楼主 樓主 版主 斑竹 目录 目錄 返目录 返目錄 返回 上页 下页 首页 首頁 全文 "
    "前言 引言 摘要 导语 導語 序言 正文 简介 簡介 按语 按語 编者按 編者按 附录 附錄 "
    "邮箱 郵箱 手机站 手機站 手机版 手機版 标签 標籤 網絡整理 网络整理 责任编辑 責任編輯 系统管理员 "
    "系統管理員 管理员 管理員 人气 人氣 "
    "见习 見習 特约 特約 首席 通讯员 通訊員 实习生 實習生 见习记者 見習記者 特约记者 特約記者 摄影记者 攝影記者".split()
)
# Names that are outlets, not people (网易, 参考消息 given as <meta name="author">).
_OUTLETISH = re.compile(
    r"(?:网|網|报|報|社|台|刊|新闻|新聞|消息|频道|頻道|中心|集团|集團|公司|官方|平台|编辑部|編輯部)$"
    r"|^(?:网易|網易|腾讯|騰訊|新浪|搜狐|凤凰|鳳凰|今日头条|今日頭條|百家号|百家號|澎湃|界面|财新|財新)"
)
_NAME_TAIL = re.compile(r"(报道|報道|摄|攝|供图|供圖|发自|發自|文|图|圖)$")
# A role, not a person: 南都记者 (an outlet's short name and 记者) before the names.
_ROLE = re.compile(r"(?:记者|記者|通讯员|通訊員|编辑|編輯|特派员|特派員)$")


@dataclass
class Byline:
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    publisher: str | None = None

    def add(self, target: list[str], names: str) -> bool:
        added = False
        for name in _people(names):
            name = _NAME_TAIL.sub("", name) if len(name) > 3 else name
            if len(name) < 2 or name in _FALSE_NAMES or name in target or is_outlet(name) \
                    or _ROLE.search(name):
                continue
            if name in self.authors or name in self.editors:
                continue
            target.append(name)
            added = True
        return added


_CAPITALISED = re.compile(r"[A-Z][a-z]+")


def _people(names: str) -> list[str]:
    """The names in a byline's value: apart at 、 , / & and spaces (记者 伊琳 李清芬), except
    that capitalised Latin words in a row are one person (责编：Demi Xia)."""
    out: list[str] = []
    for chunk in re.split(r"\s*[、,，/&]\s*", names.strip()):
        western = False  # the last name taken is capitalised Latin words
        for word in chunk.split():
            latin = _CAPITALISED.fullmatch(word) is not None
            if latin and western and out[-1].count(" ") < 2:
                out[-1] += " " + word
            else:
                out.append(word)
            western = latin
    return out


_DOMAIN_OR_CODE = re.compile(r"(?i:\.(?:com|net|org|cn|gov|edu)(?:\.cn)?$)|^[A-Z]{1,4}\d{2,6}$")


def is_outlet(name: str) -> bool:
    """A byline value that is not a person: an outlet (新京报, 网易, 参考消息), a domain
    (CSDN.NET) or a staff code (PK155, NF4425)."""
    if _DOMAIN_OR_CODE.search(name):
        return True
    return bool(_OUTLETISH.search(name)) and not re.fullmatch(r"[A-Za-z0-9_.-]+", name)


_SELF_SOURCE = re.compile(r"本文来自([\u4e00-\u9fff]{2,12})[，,]")


def scan_byline(line: str, found: Byline) -> bool:
    """Record author / editor / outlet named in one line; True if the line was a byline."""
    hit = False
    m = _WECHAT_ORIGINAL.match(line.strip())
    if m:
        found.add(found.authors, m[1])
        found.publisher = found.publisher or m[2]
        return True
    m = _WECHAT_HEADER.match(line.strip())
    if m:
        if m[1]:
            found.add(found.authors, m[1])
        found.publisher = found.publisher or m[2]
        return True
    for m in _WECHAT.finditer(line):
        found.publisher = found.publisher or m[1].strip()
        if m[2]:
            found.add(found.authors, m[2])
        hit = True
    for rx in (_EDITOR, _EDITOR_BRACKET):
        for m in rx.finditer(line):
            hit = found.add(found.editors, m[1]) or hit
    stripped = _EDITOR.sub("", line)
    for m in _AUTHOR.finditer(stripped):
        hit = found.add(found.authors, m[1]) or hit
    for m in _REPORTER.finditer(stripped):
        if found.add(found.authors, m[2]):
            hit = True
            outlet = (m[1] or "").strip()
            if len(outlet) >= 2 and not found.publisher and outlet not in _FALSE_NAMES:
                found.publisher = outlet
    for rx in (_NAME_SLASH_WEN, _REPORTED, _BRACKET_NAME):
        for m in rx.finditer(stripped):
            hit = found.add(found.authors, m[1]) or hit
    for m in _CITATION.finditer(stripped):
        hit = found.add(found.authors, m[1]) or hit
    for m in _POSTED.finditer(stripped):
        hit = found.add(found.authors, m[1] or m[2]) or hit
    m = _SELF_SOURCE.search(line)
    if m and "微信公众号" not in line and not found.publisher:
        found.publisher = m[1]
    for m in _OUTLET.finditer(line):
        if not found.publisher:
            found.publisher = m[1].strip()
        hit = True
    return hit


# A wire story's dateline opening its first paragraph, credits in brackets:
# 新华社北京3月5日电（记者张三、李四）…, 中新网3月5日电（记者 王五）…, 本报讯（记者 周八）…
_WIRE = re.compile(
    r"^\s*[据據]?(?P<outlet>[\u4e00-\u9fff]{1,6}?(?:社|网|網|报|報|台))?[\u4e00-\u9fff]{0,10}?"
    r"(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:电|電|讯|訊|专电|專電)\s*"
    r"(?P<credit>[（(][^（()）]{2,40}[)）])")
# Taiwan's wire form, credits first: （中央社記者陳宇曦台北5日電）, （中央社台北5日電）; reposts
# drop the brackets: 中央社記者陳宇曦台北5日電 …
_WIRE_TW = re.compile(
    r"^\s*(?:[（(]|(?=\S+電\s))(?P<outlet>[\u4e00-\u9fff]{2,6}?社)(?:記者|记者)?"
    r"(?P<rest>[\u4e00-\u9fff、]{0,30}?)(?:\d{1,2}月)?\d{1,2}日(?:專電|专电|電|电)(?:[)）]|\s)")
# A wire dateline without credits: 新华社北京1月29日电 …, 中新网3月5日电 … (not 据新华社…, a
# citation, nor 本报讯)
_WIRE_BARE = re.compile(
    r"^\s*(?![据據])(?P<outlet>[\u4e00-\u9fff]{1,6}?(?:社|网|網|报|報|台))[\u4e00-\u9fff]{0,10}?"
    r"(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日(?:电|電|专电|專電)(?=[\s　，,：:（(]|$)")
_TW_PLACES = ("台北", "臺北", "新北", "桃園", "台中", "臺中", "台南", "臺南", "高雄", "基隆",
              "新竹", "嘉義", "苗栗", "彰化", "南投", "雲林", "屏東", "宜蘭", "花蓮", "台東",
              "臺東", "澎湖", "金門", "馬祖", "連江", "香港", "澳門", "北京", "上海", "東京",
              "華盛頓", "紐約", "洛杉磯", "舊金山", "倫敦", "巴黎", "柏林", "首爾", "新加坡")


_CREDIT_ROLE = re.compile(r"(?:实习|實習|见习|見習|特约|特約|首席|本报|本報|摄影|攝影)?"
                          r"(?:记者|記者|通讯员|通訊員|实习生|實習生)")
_CREDIT_PLACE = re.compile(r"\s+[\u4e00-\u9fff]{2,8}(?:报道|報道)\s*$")  # 张三 北京报道
_CREDIT_NAME = re.compile(rf"{_HAN_NAME}|{_LATIN_NAME}")


def _credit_names(credit: str) -> list[str]:
    """The people a wire credit names after its role words: "实习记者 樊亮 张明超 记者惠禾" →
    樊亮, 张明超, 惠禾; a chunk that is not a name (张三北京报道) is left out."""
    names = []
    for chunk in _CREDIT_ROLE.split(_CREDIT_PLACE.sub("", credit))[1:]:
        for part in re.split(r"[\s、,，/&]+", chunk.strip(" :：")):
            if part and _CREDIT_NAME.fullmatch(part):
                names.append(part)
    return names


def wire_credit(paragraph: str, found: Byline) -> bool:
    """Reporters and outlet from the wire dateline that opens a story's first paragraph (the
    dateline stays in the text: it is the lede's own start). True if it named anyone."""
    m = _WIRE.match(paragraph[:80])
    if m:
        names = _credit_names(m["credit"][1:-1])
        for name in names:
            found.add(found.authors, name)
        hit = bool(names)
        outlet = m["outlet"]
        if hit and outlet and outlet not in ("本报", "本報") and not found.publisher:
            found.publisher = outlet
        return hit
    m = _WIRE_TW.match(paragraph[:80])
    if not m:
        return False
    rest = m["rest"]
    place = next((p for p in _TW_PLACES if rest.endswith(p)), None)
    hit = False
    if place is not None and rest != place:
        hit = found.add(found.authors, rest[: -len(place)])
    if not found.publisher:
        found.publisher = m["outlet"]
    return hit


def dateline_outlet(paragraph: str) -> str | None:
    """The outlet of the wire dateline that opens a lede without credits (新华社北京1月29日电
    国家统计局…): the publisher when no byline, source line or credit named one."""
    m = _WIRE_BARE.match(paragraph[:60])
    return m["outlet"] if m and m["outlet"] not in ("本报", "本報") else None


def scan_citation(line: str, found: Byline) -> bool:
    """Authors from a journal's "how to cite" line (long, so not scanned as a byline)."""
    m = _CITATION.search(line)
    return bool(m) and found.add(found.authors, m[1])


# A title cut short with an ellipsis (…免..., …免……), and a line naming the original title
# (本文原标题：《…》, （原标题：…）)
_CUT_TITLE = re.compile(r"(?:\.{3,}|…+|。{3,})$")
_ORIGINAL_TITLE = re.compile(r"^[（(]?(?:本文)?原(?:标题|標題|题|題)\s*[:：]\s*《?(.+?)》?\s*[)）]?$")


def whole_title(title: str | None, paragraphs: list[str]) -> str | None:
    """A title a portal cut short (定了！广州南沙邮轮母港即将开通！地铁直达+无敌免...) made whole from
    the original-title line near the body's top, when that line starts with what is left of it."""
    if not title or not _CUT_TITLE.search(title):
        return title
    kept = _CUT_TITLE.sub("", title).rstrip()
    if len(kept) < 6:
        return title
    for para in paragraphs[:3]:
        m = _ORIGINAL_TITLE.match(para.strip())
        if m and m[1].startswith(kept) and len(m[1]) > len(kept):
            return m[1]
    return title


def trailing_outlet(paragraph: str) -> str | None:
    """The outlet a syndicated paragraph ends with, as in "…的底座。 (量子位)"."""
    m = _TRAILING_OUTLET.search(paragraph)
    if not m or paragraph[: m.start()].rstrip()[-1:] not in "。！？!?…”」":
        return None
    return m[1]


def is_byline_line(line: str) -> bool:
    """A short line that is only a byline (author/editor/outlet), safe to take out of the body."""
    if len(line) > 60:
        return False
    probe = Byline()
    if not scan_byline(line, probe):
        return False
    if _WECHAT_HEADER.match(line.strip()):
        return True
    rest = US_DATE_RE.sub("", DATE_RE.sub("", line))
    for rx in (_WECHAT_ORIGINAL, _WECHAT, _EDITOR, _EDITOR_BRACKET, _AUTHOR, _REPORTER, _OUTLET, _NAME_SLASH_WEN,
               _REPORTED, _BRACKET_NAME, _POSTED):
        rest = rx.sub("", rest)
    rest = re.sub(r"[\s\W_]+", "", rest)
    return len(rest) <= 8


_LABEL_ONLY = re.compile(rf"^(?:{AUTHOR_WORDS}|{EDITOR_WORDS}|{OUTLET_WORDS})\s*[:：]?$")


# An attribute's text left in a broken page's lines (作者： then size="20"): not a value.
_MARKUP_RESIDUE = re.compile(r"""[A-Za-z-]+\s*=\s*["']|[<>]""")


def join_labels(lines: list[str]) -> list[str]:
    """Rejoin a label the page put on its own line with its value: "作者：" + "安东尼", unless
    the next line is markup's residue."""
    out: list[str] = []
    skip = False
    for i, line in enumerate(lines):
        if skip:
            skip = False
            continue
        if _LABEL_ONLY.match(line) and i + 1 < len(lines) \
                and not _MARKUP_RESIDUE.search(lines[i + 1]):
            label = line if line.endswith((":", "：")) else line + "："
            out.append(label + lines[i + 1])
            skip = True
        else:
            out.append(line)
    return out


_SIGNOFF = re.compile(rf"[（(]\s*(?:{AUTHOR_WORDS})\s*({_NAMES})\s*[)）]\s*$")


def signoff_authors(paragraphs: list[str], found: Byline) -> None:
    """Reporters signed at a paragraph's end, "…高质量发展。（记者 胡晓蓉）", anywhere in the body
    (extractors sometimes keep page text after the article, so the last line is not enough)."""
    for para in paragraphs:
        if para.endswith((")", "）")):
            m = _SIGNOFF.search(para[-40:])
            if m:
                found.add(found.authors, m[1])
