"""A hostile crawl dump, generated at test time (never committed): one file per known breakage.

``build(folder)`` writes the corpus and returns what the manifest should say about each input:
its status and a phrase its reason (or warnings) must contain. Used by the reliability tests
and by ``tests/eval/eval_reliability.py``, which prints the README table.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

# A real-looking body: long enough to be an article for every extractor.
BODY = ("新华社北京3月5日电 十四届全国人大二次会议今天上午在人民大会堂开幕。"
        "国务院总理作政府工作报告，回顾过去一年的工作，提出今年经济社会发展的主要预期目标。"
        "报告指出，今年发展主要预期目标是：国内生产总值增长百分之五左右，城镇新增就业一千二百万人以上。")
TRAD = ("中央社台北3月5日電 行政院今天召開院會，通過多項法案，並宣布將擴大補助範圍。"
        "院長在會中表示，政府將持續推動產業轉型，協助中小企業因應國際經濟情勢的變化。")


@dataclass(frozen=True)
class Expect:
    status: str  # ok | skipped | failed
    reason: str  # a phrase the manifest's error or warnings contain ("" = none required)
    what: str  # the input, in words, for the README table
    text: str = ""  # a phrase that must appear in one of its articles (ok inputs)


def _html(body: str, title: str = "测试新闻标题", head: str = "") -> str:
    paras = "".join(f"<p>{s}。</p>" for s in body.split("。") if s)
    return (f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>"
            f"<article><h1>{title}</h1>{paras}</article></body></html>")


def _warc_record(url: str, payload: bytes) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + payload
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n"
            f"WARC-Record-ID: <urn:uuid:{zlib.crc32(url.encode()):012d}>\r\n"
            f"Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


def build(folder: Path, big: bool = True) -> dict[str, Expect]:
    """Write the corpus into ``folder``; keys are paths relative to it."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(9)
    exp: dict[str, Expect] = {}

    def put(name: str, data: bytes, expect: Expect) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        exp[name] = expect

    put("empty.txt", b"", Expect("skipped", "empty file", "empty file"))
    put("blank.html", b" \n\t\r\n  \n", Expect("skipped", "empty file", "whitespace only"))
    put("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        Expect("skipped", "PDF", "PDF document"))
    put("photo.html", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.randbytes(2000),
        Expect("skipped", "JPEG", "JPEG image saved as .html"))
    put("chart.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(500),
        Expect("skipped", "PNG", "PNG image"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("news.txt", BODY)
    put("bundle.zip", buf.getvalue(), Expect("skipped", "zip", "zip archive"))
    put("noise.bin", rng.randbytes(20000),
        Expect("skipped", "control bytes", "random bytes, no magic"))
    put("nul.txt", BODY.encode().replace("。".encode(), b"\x00\x00\x00\x00"),
        Expect("skipped", "control bytes", "text full of NUL bytes"))
    raw = ("\n".join(["测试新闻标题", BODY, BODY[10:]]) + "\n").encode()
    put("invalid-utf8.txt", raw[:40] + b"\xff\xfe" + raw[40:100] + b"\xc3" + raw[100:],
        Expect("ok", "invalid UTF-8", "UTF-8 with corrupt bytes", text="人民大会堂"))
    put("gbk-no-charset.html", _html(BODY).encode("gbk"),
        Expect("ok", "", "GBK page without a declared charset", text="政府工作报告"))
    put("big5-no-charset.txt", ("行政院院會\n" + TRAD + "\n").encode("big5"),
        Expect("ok", "", "Big5 text without a declared charset", text="行政院"))
    put("mixed-encodings.txt",
        ("混合编码\n" + BODY + "\n").encode() + (TRAD + "\n").encode("big5"),
        Expect("ok", "mixed encodings", "UTF-8 lines followed by Big5 lines",
               text="中小企业"))
    if big:
        put("huge-one-line.txt", ("新闻" * (100 * (1 << 20) // 6)).encode(),
            Expect("failed", "too large", "100 MB on a single line"))
    put("long-article.txt", ("超长\n" + BODY * 10000 + "\n").encode(),
        Expect("failed", "max_article_chars", "1.2 million characters in one paragraph"))
    deep = "<div>" * 10000 + f"<p>{BODY}</p>" + "</div>" * 10000
    put("deep-nesting.html", _html("", head="").replace("<article>", "<article>" + deep).encode(),
        Expect("failed", "nested 10004 levels deep", "HTML nested 10,000 deep"))
    huge_attr = f'<div data-x="{"x" * (20 << 20)}"><p>{BODY}</p></div>'
    put("huge-attribute.html",
        _html(BODY).replace("<article>", "<article>" + huge_attr).encode(),
        Expect("failed", "attribute value over 1 MB", "a 20 MB attribute value"))
    good_html = _html(BODY, "压缩网页").encode()
    put("page.html.gz", gzip.compress(good_html, mtime=0),
        Expect("ok", "", "gzip-compressed page (control)", text="政府工作报告"))
    put("cut.html.gz", gzip.compress(good_html * 20, mtime=0)[:300],
        Expect("failed", "truncated gzip", "truncated gzip"))
    put("junk.gz", b"\x1f\x8b\x08\x00" + rng.randbytes(300),
        Expect("failed", "gzip", "gzip header followed by garbage"))
    warc = (_warc_record("https://news.example.cn/a.html", _html(BODY, "第一篇").encode())
            + _warc_record("https://news.example.cn/b.html", _html(TRAD, "第二篇").encode()))
    put("cut.warc", warc[: len(warc) - 400],
        Expect("ok", "truncated", "WARC cut inside its second record", text="人民大会堂"))
    put("cut-head.warc", warc[:60],
        Expect("failed", "broken WARC", "WARC cut inside its first record's headers"))
    put("cut.warc.gz", gzip.compress(warc, mtime=0)[:-30],
        Expect("ok", "truncated gzip", "WARC.gz cut inside its second record",
               text="人民大会堂"))
    put("cut-early.warc.gz", gzip.compress(warc, mtime=0)[:200],
        Expect("failed", "truncated gzip", "WARC.gz cut inside its first record"))
    members = [gzip.compress(r, mtime=0) for r in (
        _warc_record("https://news.example.cn/a.html", _html(BODY, "第一篇").encode()),
        _warc_record("https://news.example.cn/b.html", _html(BODY, "第二篇").encode()),
        _warc_record("https://news.example.cn/c.html", _html(TRAD, "第三篇").encode()))]
    members[1] = members[1][:40] + bytes(40) + members[1][80:]
    put("corrupt-member.warc.gz", b"".join(members),
        Expect("ok", "lost: corrupt gzip", "WARC.gz, a gzip member per record, the second "
               "one corrupt", text="行政院"))
    lines = [
        json.dumps({"url": "https://news.example.cn/1.html", "title": "第一条",
                    "content": BODY}, ensure_ascii=False),
        '{"url": "https://news.example.cn/2.html", "title": "断行", "content": "半',
        json.dumps({"url": "https://news.example.cn/3.html", "title": "第三条",
                    "content": TRAD}, ensure_ascii=False),
        "[1, 2, 3]",
        json.dumps({"url": "https://news.example.cn/5.html", "title": "第五条",
                    "html": _html(BODY[20:])}, ensure_ascii=False),
        "{" * 100000,
        "[" * 100000 + "]" * 100000,  # valid JSON nested too deep for the parser
    ]
    put("crawl.jsonl", ("\n".join(lines) + "\n").encode(),
        Expect("ok", "bad JSONL line(s): 2, 4, 6, 7", "crawler JSONL with broken lines 2, 4, 6, 7",
               text="行政院"))
    put("cut.jsonl.gz", gzip.compress(("\n".join(lines[:3] * 40) + "\n").encode(),
                                      mtime=0)[:-40],
        Expect("ok", "truncated gzip", "gzipped crawler JSONL cut short", text="行政院"))
    batches = [gzip.compress((line + "\n").encode(), mtime=0) for line in (lines[0], lines[0],
                                                                          lines[2])]
    batches[1] = batches[1][:40] + bytes(40) + batches[1][80:]
    put("corrupt-member.jsonl.gz", b"".join(batches),
        Expect("ok", "read on from the next member", "gzipped crawler JSONL appended a gzip "
               "member at a time, the second one corrupt", text="行政院"))
    escape = [json.dumps({"url": "../../../../../tmp/zhnews-escape", "id": "../../escape",
                          "title": "../../../etc/passwd", "content": BODY},
                         ensure_ascii=False),
              json.dumps({"url": "/etc/passwd", "content": TRAD}, ensure_ascii=False)]
    put("escape.jsonl", ("\n".join(escape) + "\n").encode(),
        Expect("ok", "", "records whose url/id/title are ../ paths", text="人民大会堂"))
    put("x\\..\\..\\escape.txt", ("路径名\n" + BODY + "\n").encode(),
        Expect("ok", "", "a file name made of ../ escapes", text="人民大会堂"))
    put("带 空格 的 文件名.txt", ("空格与中文路径\n" + BODY + "\n").encode(),
        Expect("ok", "", "path with spaces and Chinese characters", text="人民大会堂"))
    put("子目录 一/新闻 二.md", ("---\ntitle: 深层目录\n---\n" + BODY + "\n").encode(),
        Expect("ok", "", "Chinese folder names, Markdown", text="人民大会堂"))
    gbk_name = "国内新闻 GBK.txt"  # unpacked from a Windows archive: the name's bytes are GBK
    try:
        with open(os.fsencode(folder) + b"/" + gbk_name.encode("gbk"), "wb") as fh:
            fh.write(("文件名不是UTF-8\n" + BODY + "\n").encode())
        exp[gbk_name] = Expect("ok", "", "a file name in GBK bytes, not UTF-8 (shown decoded)",
                               text="人民大会堂")
    except OSError:  # a filesystem that refuses names that are not UTF-8 (macOS)
        pass
    put("utf16.txt", ("UTF16标题\n" + BODY + "\n").encode("utf-16"),
        Expect("ok", "", "UTF-16 with BOM (control)", text="人民大会堂"))
    links = "".join(f'<li><a href="/n/{i}.html">新闻链接标题第{i}条</a></li>' for i in range(60))
    put("list-page.html", (f"<!DOCTYPE html><html><head><title>新闻列表</title></head><body>"
                           f"<ul>{links}</ul></body></html>").encode(),
        Expect("skipped", "list page", "a list page of 60 links, no article"))
    # Links: loops, dangling, a folder that points at its parent.
    for name, target in (("loop-a.txt", "loop-b.txt"), ("loop-b.txt", "loop-a.txt"),
                         ("dangling.txt", "no-such-file.txt")):
        os.symlink(target, folder / name)
    exp["loop-a.txt"] = Expect("failed", "symbolic links", "symlink loop")
    exp["loop-b.txt"] = Expect("failed", "symbolic links", "symlink loop (other end)")
    exp["dangling.txt"] = Expect("failed", "No such file", "dangling symlink")
    (folder / "子目录 一" / "up").symlink_to("..", target_is_directory=True)
    os.mkfifo(folder / "pipe.txt")
    exp["pipe.txt"] = Expect("skipped", "not a regular file", "a named pipe (FIFO)")
    if os.geteuid() != 0:  # root reads through chmod 000: the case cannot be made
        put("locked.txt", BODY.encode(), Expect("failed", "Permission denied",
                                                "unreadable file (chmod 000)"))
        os.chmod(folder / "locked.txt", 0)
        locked = folder / "locked-dir"
        locked.mkdir()
        (locked / "inside.txt").write_bytes(BODY.encode())
        os.chmod(locked, 0)
        exp["locked-dir"] = Expect("failed", "Permission denied", "unreadable folder")
    return exp
