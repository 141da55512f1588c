"""Isolation: a hung, crashing or exploding input costs only itself; the run goes on."""

from __future__ import annotations

import copy
import faulthandler
import json
import os
import signal
import time
from pathlib import Path

import pytest

from pipeline import config as config_mod
from pipeline.engine import supervised, work
from pipeline.io import InputFile
from tests.conftest import RAW, ROOT


def _cfg(**run):
    base = config_mod.load(str(ROOT / "config" / "pipeline.toml"))
    data = copy.deepcopy(base.data)
    data["run"].update(run)
    return config_mod.Config(data, base.origin)


def _segfault() -> None:
    faulthandler.disable()  # pytest's crash dump would fill the test log
    os.kill(os.getpid(), signal.SIGSEGV)


def _job(item: int, tick) -> str:
    """A worker function misbehaving on purpose, by item."""
    if item == 1:
        _segfault()  # a C extension crashing
    if item == 2:
        raise MemoryError
    if item == 3:
        os._exit(7)
    if item == 4:  # a hang the per-article alarm cannot break (signals blocked, C-level wait)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGINT})
        time.sleep(3600)
    tick()
    return f"done {item}"


def test_supervisor_survives_segfault_memoryerror_exit_and_hang():
    results = list(supervised.imap(_job, range(7), 2, stall=1.0,
                                   crashed=lambda item, why: f"failed {item}: {why}"))
    assert results[0] == "done 0" and results[5] == "done 5" and results[6] == "done 6"
    assert "SIGSEGV" in results[1]
    assert "MemoryError" in results[2]
    assert "exited (code 7)" in results[3]
    assert "no progress for 1 s" in results[4]


def test_one_worker_is_enough_to_survive_a_crash():
    results = list(supervised.imap(_job, [0, 1, 5], 1, stall=None,
                                   crashed=lambda item, why: f"failed {item}"))
    assert results == ["done 0", "failed 1", "done 5"]


def _jsonl(path: Path, bodies: list[str]) -> InputFile:
    lines = [json.dumps({"url": f"https://example.cn/{i}", "title": f"第{i}条", "content": b},
                        ensure_ascii=False) for i, b in enumerate(bodies)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return InputFile(str(path), path.name)


@pytest.fixture
def patched_stage():
    """A prepared chain whose clean step hangs on 卡住, raises on 崩溃, eats memory on 内存."""
    cfg = _cfg(article_timeout=0.5, isolate=False)
    state = work.prepared(cfg, ("clean", "convert"))
    name, real, st = state.chain.steps[0]

    def evil(article, s):
        if "卡住" in article.text:
            while True:
                pass
        if "崩溃" in article.text:
            raise ValueError("boom")
        if "内存" in article.text:
            raise MemoryError
        return real(article, s)

    state.chain.steps[0] = (name, evil, st)
    yield cfg
    state.chain.steps[0] = (name, real, st)


def test_a_hung_article_times_out_and_the_file_goes_on(tmp_path: Path, patched_stage):
    inp = _jsonl(tmp_path / "crawl.jsonl", ["第一篇正常的新闻。", "这篇会卡住。", "第三篇正常。"])
    started = time.monotonic()
    result = work.process_file(inp, patched_stage, ("clean", "convert"))
    assert time.monotonic() - started < 30
    assert [a.title for a in result.articles] == ["第0条", "第2条"]
    assert result.entry.status == "failed"
    assert result.entry.error == "article 1: timed out after 0.5 s ([run] article_timeout)"
    assert result.entry.articles == 2


def test_a_part_of_a_cut_file_keeps_the_same_limits(tmp_path: Path, patched_stage):
    """A byte range of a big JSONL file goes through the same per-article time limit and
    error handling as a whole file (before this version a range had neither)."""
    from pipeline.engine.units import Unit, process_part

    inp = _jsonl(tmp_path / "crawl.jsonl", ["第一篇正常的新闻。", "这篇会卡住。", "崩溃了。",
                                            "第四篇正常。"])
    size = os.path.getsize(inp.path)
    started = time.monotonic()
    result, records = process_part(Unit(inp, 0, size, last=False), patched_stage,
                                   ("clean", "convert"))
    assert time.monotonic() - started < 30
    assert [a.title for a in result.articles] == ["第0条", "第3条"] and records == 4
    assert result.entry.status == "failed" and result.entry.articles == 2
    assert result.entry.error == ("article 1: timed out after 0.5 s ([run] article_timeout); "
                                  "article 2: ValueError: boom")


def test_exceptions_and_memoryerror_cost_one_article(tmp_path: Path, patched_stage):
    inp = _jsonl(tmp_path / "crawl.jsonl", ["崩溃了。", "正常。", "内存不够。", "也正常。"])
    result = work.process_file(inp, patched_stage, ("clean", "convert"))
    assert [a.title for a in result.articles] == ["第1条", "第3条"]
    assert result.entry.error == "article 0: ValueError: boom; article 2: MemoryError"


def test_a_segfaulting_input_is_failed_and_the_run_goes_on(tmp_path: Path, monkeypatch):
    """End to end through runner.run: the worker dies on one input, the others are emitted."""
    from pipeline import runner
    from pipeline.engine import units

    dump = tmp_path / "dump"
    dump.mkdir()
    for p in sorted(RAW.iterdir())[:3]:
        (dump / p.name).write_bytes(p.read_bytes())
    (dump / "001_crash.txt").write_text("会让工作进程崩溃的输入\n", "utf-8")
    real = units.process_file

    def crashing(inp, cfg, names, tick=None, sink=None):
        if "crash" in inp.path:
            _segfault()
        return real(inp, cfg, names, tick, sink)

    monkeypatch.setattr(units, "process_file", crashing)  # forked workers inherit it
    out = tmp_path / "out"
    summary = runner.run([str(dump)], out, _cfg(), workers=2, progress=False)
    assert (summary.ok, summary.failed) == (3, 1)
    manifest = [json.loads(x) for x in (out / "manifest.jsonl").read_text().splitlines()]
    crashed = [m for m in manifest if "crash" in m["path"]][0]
    assert crashed["status"] == "failed" and "SIGSEGV" in crashed["error"]
    emitted = sum(m["articles"] for m in manifest if m["status"] == "ok")
    assert emitted >= 3 and len(list(out.glob("*.json"))) == emitted


def test_files_a_crashed_worker_was_writing_are_removed(tmp_path: Path, monkeypatch):
    """A worker writes its articles' files into the output folder before it reports them
    (units.run_unit): one that dies midway leaves temp files nobody will place. The run
    removes them; the unit fails, the other inputs are emitted."""
    from pipeline import runner
    from pipeline.engine import units

    dump = tmp_path / "dump"
    dump.mkdir()
    for p in sorted(RAW.iterdir())[:2]:
        (dump / p.name).write_bytes(p.read_bytes())
    _jsonl(dump / "crash.jsonl", ["第一篇新闻的正文。", "第二篇新闻的正文。", "第三篇新闻的正文。"])
    real = units.write_file_to

    def crashing(folder, article):
        disk = real(folder, article)
        if article.title == "第1条":  # the first one's file is written by now
            _segfault()
        return disk

    monkeypatch.setattr(units, "write_file_to", crashing)  # forked workers inherit it
    out = tmp_path / "out"
    summary = runner.run([str(dump)], out, _cfg(), workers=2, progress=False)
    assert (summary.ok, summary.failed) == (2, 1)
    names = [p.name for p in out.rglob("*")]
    assert not [n for n in names if n.startswith(".tmp-")], names
    manifest = [json.loads(x) for x in (out / "manifest.jsonl").read_text().splitlines()]
    assert sum(m["articles"] for m in manifest) == len(list(out.glob("*.json"))) >= 2


def _die_after(item: int, tick) -> str:
    if item == 1:  # answer, then die before the next task arrives
        import threading

        threading.Timer(0.05, lambda: os._exit(0)).start()
    return f"done {item}"


def test_a_worker_that_dies_between_tasks_is_replaced():
    results = list(supervised.imap(_die_after, [0, 1, 2, 3], 1, stall=None,
                                   crashed=lambda item, why: f"failed {item}: {why}"))
    assert results[:2] == ["done 0", "done 1"]
    assert all(r.startswith(("done", "failed")) for r in results[2:])
