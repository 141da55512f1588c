"""Generator of the near-duplicate test set, built from ../shared/data (never shipped).

Originals: People's Daily articles (SIGHAN PKU test text, consecutive lines grouped into
articles) and the gold bodies of the CWCED pages. Each original gets one copy made the way
portals make them: re-chromed (site navigation and footer lines, paragraphs re-flowed),
converted to traditional and back (s2t or Taiwan-style s2twp, then our t2s), truncated
(last 5-15 % of the text cut at a paragraph or sentence end), ads inserted, or a combination.

Negatives: distinct articles on one topic (formal news sentences from the xxqg set, grouped by
the topic word they contain, all under the same site chrome), every pair of distinct
originals, follow-ups quoting 30 % of an original, and wire reposts that run 65 % of an
original's paragraphs with their own lead and ending (a cluster, not a duplicate).

``build(data_dir)`` returns the articles (after conversion, as dedup sees them) and the gold:
which article copies which original, and which pairs are wire reposts.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.article import Article, Source

KINDS = ("rechrome", "traditional", "truncate", "ads", "rechrome+truncate+ads",
         "traditional+ads")
TOPICS = ("发展", "合作", "经济", "人民", "建设", "创新", "国家", "世界")

HEADERS = [
    ["网易首页 > 网易号 > 正文 申请入驻", "0", "分享至"],
    ["首页 | 新闻 | 财经 | 科技", "来源：澎湃新闻", "2024-05-01 10:23"],
    ["新浪首页 新闻 体育 财经 娱乐 科技", "字号 大 中 小", "原标题：{title}"],
    ["当前位置：首页 > 国内新闻", "打印本页 关闭窗口"],
]
FOOTERS = [
    ["返回搜狐，查看更多", "责任编辑：李明"],
    ["特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台用户上传并发布，本平台仅提供"
     "信息存储服务。", "举报/反馈"],
    ["（责任编辑：王芳）", "关注我们", "相关阅读"],
    ["本文来源：人民网-人民日报", "编辑：张亮亮 校对：刘洋"],
]
ADS = [
    "扫码关注公众号，回复“资料”领取2024年行业研究报告合集。",
    "【广告】限时特惠！全场商品低至五折，点击链接立即抢购。",
    "下载新闻客户端，看更多深度报道，抽取千元大礼包。",
    "点击下方“阅读原文”，报名参加线上投资峰会，名额有限。",
    "本文首发于微信公众号，未经授权不得转载，商务合作请加微信号。",
    "想第一时间获取最新资讯？星标我们，每天早上八点准时推送。",
]


@dataclass
class DedupSet:
    articles: list[Article] = field(default_factory=list)
    copies: dict[str, str] = field(default_factory=dict)      # copy id -> original id
    kinds: dict[str, str] = field(default_factory=dict)       # copy id -> transformation
    wire: dict[str, str] = field(default_factory=dict)        # repost id -> original id
    originals: list[str] = field(default_factory=list)
    distinct: list[str] = field(default_factory=list)         # same-topic articles


def _id(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]


def _article(name: str, paragraphs: list[str], title: str | None = None) -> Article:
    art = Article(id=_id(name), source=Source(path=name, format="text"), title=title)
    art.set_paragraphs([p for p in paragraphs if p.strip()])
    return art


def _pku_articles(path: Path, min_chars: int = 600) -> list[list[str]]:
    out, cur, size = [], [], 0
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        cur.append(line)
        size += len(line)
        if size >= min_chars and len(cur) >= 3:
            out.append(cur)
            cur, size = [], 0
    return out


def _cwced_articles(folder: Path) -> list[list[str]]:
    out = []
    for path in sorted(folder.glob("*.txt")):
        paras = [p.strip() for p in path.read_text("utf-8", errors="replace").split("\n")
                 if p.strip()]
        if sum(map(len, paras)) >= 300:
            out.append(paras)
    return out


def _sentences(paragraphs: list[str]) -> list[str]:
    out = []
    for para in paragraphs:
        cur = ""
        for ch in para:
            cur += ch
            if ch in "。！？":
                out.append(cur)
                cur = ""
        if cur:
            out.append(cur)
    return out


def _truncate(paras: list[str], rng: random.Random) -> list[str]:
    """Cut the last 5-15 % of the text, at a sentence or clause end (。！？，；)."""
    total = sum(map(len, paras))
    goal = total * (1 - rng.uniform(0.05, 0.15))
    kept, size = [], 0
    for para in paras:
        if size + len(para) <= goal:
            kept.append(para)
            size += len(para)
            continue
        cut = 0
        for i, ch in enumerate(para):
            if size + i + 1 > goal:
                break
            if ch in "。！？，；":
                cut = i + 1
        if cut:
            kept.append(para[:cut])
        break
    return kept


class _Maker:
    def __init__(self, rng: random.Random) -> None:
        import opencc

        self.rng = rng
        self.s2t = opencc.OpenCC("s2t.json")
        self.s2twp = opencc.OpenCC("s2twp.json")
        self.t2s = opencc.OpenCC("t2s.json")

    def copy(self, paras: list[str], title: str, kind: str) -> list[str]:
        rng = self.rng
        out = list(paras)
        for step in kind.split("+"):
            if step == "traditional":
                conv = self.s2t if rng.random() < 0.5 else self.s2twp
                out = [self.t2s.convert(conv.convert(p)) for p in out]
            elif step == "truncate":
                out = _truncate(out, rng)
            elif step == "ads":
                for ad in rng.sample(ADS, rng.randint(1, 2)):
                    out.insert(rng.randint(1, max(1, len(out) - 1)), ad)
            elif step == "rechrome":
                head = [h.format(title=title) for h in rng.choice(HEADERS)]
                foot = rng.choice(FOOTERS)
                if len(out) > 3 and rng.random() < 0.5:  # re-flowed: two paragraphs joined
                    i = rng.randint(0, len(out) - 2)
                    out[i:i + 2] = [out[i] + out[i + 1]]
                out = head + out + foot
        return out


def build(data: Path, limit: int | None = None, seed: int = 7) -> DedupSet:
    """The test set; ``limit`` caps the originals (a quick variant for the test suite)."""
    rng = random.Random(seed)
    maker = _Maker(rng)
    ds = DedupSet()
    originals = _pku_articles(data / "segmentation" / "pku_test.utf8")
    originals += _cwced_articles(data / "extraction" / "cwced-dev" / "cleaned")
    if limit:
        originals = originals[:limit]
    for n, paras in enumerate(originals):
        title = paras[0][:30]
        orig = _article(f"orig/{n}", paras, title)
        ds.articles.append(orig)
        ds.originals.append(orig.id)
        kind = KINDS[n % len(KINDS)]
        copy = _article(f"copy/{n}", maker.copy(paras, title, kind), title)
        ds.articles.append(copy)
        ds.copies[copy.id] = orig.id
        ds.kinds[copy.id] = kind

    sentences = [x["correct_text"] for x in
                 json.loads((data / "repair" / "acc_xxqg.tet.json").read_text("utf-8"))]
    by_topic: dict[str, list[str]] = {t: [] for t in TOPICS}
    for sent in sentences:
        for topic in TOPICS:
            if topic in sent:
                by_topic[topic].append(sent)
                break
    chrome = HEADERS[0], FOOTERS[0]
    budget = (limit or 10_000)
    pool: list[list[str]] = []
    for topic in TOPICS:
        sents = by_topic[topic]
        for i in range(0, len(sents) - 11, 12):
            body = ["".join(sents[i + j:i + j + 3]) for j in range(0, 12, 3)]
            pool.append(body)
            if len(ds.distinct) < budget:
                art = _article(f"topic/{topic}/{i}", chrome[0] + body + chrome[1], topic)
                ds.articles.append(art)
                ds.distinct.append(art.id)

    # follow-ups and wire reposts: new lead and ending around part of an original
    spare = pool[len(ds.distinct):] or pool
    for n, paras in enumerate(originals[: max(20, len(originals) // 5)]):
        if len(paras) < 4:
            continue
        own = spare[n % len(spare)]
        share = round(len(paras) * 0.65)
        wire = _article(f"wire/{n}", own[:1] + paras[:share] + own[1:2], None)
        ds.articles.append(wire)
        ds.wire[wire.id] = _id(f"orig/{n}")
        quote = max(1, round(len(paras) * 0.3))
        follow = _article(f"follow/{n}", own[2:] + paras[-quote:], None)
        ds.articles.append(follow)
    rng.shuffle(ds.articles)
    return ds
