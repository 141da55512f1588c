"""Audit and safety: drop-rate alarms in the summary, no network while processing."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

from pipeline import config as config_mod
from pipeline import runner
from pipeline.cli import main
from tests.badinputs import BODY, build
from tests.conftest import RAW, ROOT


def test_drop_alarm_names_the_stage_and_the_share(tmp_path: Path, capsys):
    conf = tmp_path / "conf"
    shutil.copytree(ROOT / "config", conf)
    chrome = [f"本站广告第{i}行，点击领取免费好礼，关注公众号获取更多资讯内容" for i in range(8)]
    with (conf / "boilerplate.txt").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(chrome) + "\n")
    dump = tmp_path / "dump"
    dump.mkdir()
    for i in range(4):
        (dump / f"{i}.txt").write_text("\n".join([f"标题{i}", *chrome, "正文一句。"]) + "\n",
                                       "utf-8")
    assert main(["run", str(dump), "-o", str(tmp_path / "out"), "-c", str(conf / "pipeline.toml"),
                 "-j", "1", "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "zhnews: warning: clean removed" in err and "alarm above 50%" in err, err


def test_no_alarm_on_the_sample_dump(tmp_path: Path, capsys):
    assert main(["run", str(RAW), "-o", str(tmp_path / "out"), "-j", "1", "--no-progress",
                 "-c", str(ROOT / "config")]) == 0
    err = capsys.readouterr().err
    assert "5 ok" in err and "warning" not in err, err


def test_drop_alarms_thresholds(cfg):
    stats = {"clean": [10, 2, 1000, 900], "convert": [2, 2, 900, 900],
             "segment": [2, 2, 900, 100]}
    alarms = runner.drop_alarms(stats, cfg)
    assert alarms == [
        "clean dropped 8 of 10 articles (80%, alarm above 50%)",
        "segment removed 89% of the characters it was given (800 of 900, alarm above 50%)",
    ]


class _NetworkUsed(AssertionError):
    pass


def test_processing_never_touches_the_network(tmp_path: Path, monkeypatch):
    """In-process run (no workers) with every way out to the network booby-trapped."""
    dump = tmp_path / "dump"
    build(dump, big=False)
    for p in RAW.iterdir():
        shutil.copy(p, dump / p.name)
    urls = [{"url": "https://news.example.cn/a.html", "html": "https://news.example.cn/a.html"},
            {"url": "http://127.0.0.1:9/x", "html": '<html><head><link rel="canonical" '
             'href="http://127.0.0.1:9/y"><meta http-equiv="refresh" content="0;url=http://'
             f'127.0.0.1:9/z"></head><body><img src="http://127.0.0.1:9/i.png"><p>{BODY}</p>'
             '<iframe src="http://127.0.0.1:9/f"></iframe></body></html>'}]
    (dump / "urls.jsonl").write_text("\n".join(json.dumps(u) for u in urls) + "\n", "utf-8")
    calls: list[str] = []

    def trap(name):
        def refuse(*args, **kwargs):
            calls.append(f"{name}{args[:2]}")
            raise _NetworkUsed(name)
        return refuse

    monkeypatch.setattr(socket.socket, "connect", trap("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", trap("socket.connect_ex"))
    monkeypatch.setattr(socket, "getaddrinfo", trap("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", trap("create_connection"))
    trafilatura = pytest.importorskip("trafilatura")
    monkeypatch.setattr(trafilatura, "fetch_url", trap("trafilatura.fetch_url"))
    monkeypatch.setattr(trafilatura.downloads, "fetch_url", trap("downloads.fetch_url"))
    base = config_mod.load(str(ROOT / "config" / "pipeline.toml"))
    base.data["run"]["isolate"] = False
    base._hash = None
    summary = runner.run([str(dump)], tmp_path / "out", base, workers=1, progress=False)
    assert summary.ok >= 10
    assert calls == []
