"""Resume: a run killed at any moment, re-run with the same arguments, ends byte-identical.

The kill test runs a real ``python -m pipeline run`` subprocess over a generated dump of a few
hundred small files, SIGKILLs it at a random point (chosen by how many inputs the journal has
recorded, so the kill lands mid-run), re-runs it and compares the whole output tree, hidden
files included, with an uninterrupted run. ``ZHNEWS_KILL_ROUNDS=5`` repeats it five times
(the acceptance); the default suite does one round.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import config as config_mod
from pipeline import runner
from tests.conftest import RAW, ROOT, zhnews

N_FILES = 300


def make_dump(folder: Path, n: int = N_FILES, seed: int = 9) -> None:
    """Small articles built from the sample paragraphs; exact repeats to exercise dedup."""
    rng = random.Random(seed)
    paras = [ln.strip() for p in sorted(RAW.iterdir())
             for ln in p.read_text("utf-8").splitlines() if len(ln.strip()) >= 20]
    folder.mkdir(parents=True)
    made: list[bytes] = []
    for i in range(n):
        if i % 25 == 7 and made:
            data = rng.choice(made)  # an exact repost
        elif i % 50 == 13:
            records = [json.dumps({"url": f"https://news.example.cn/{i}/{k}.html",
                                   "title": f"第{i}组第{k}条", "content": rng.choice(paras)},
                                  ensure_ascii=False) for k in range(3)]
            (folder / f"{i:04d}.jsonl").write_text("\n".join(records) + "\nbroken{\n", "utf-8")
            continue
        elif i % 60 == 29:
            data = b""
        else:
            body = rng.sample(paras, rng.randint(2, 5))
            data = ("\n".join([f"新闻标题第{i}号", *body]) + "\n").encode()
            made.append(data)
        (folder / f"{i:04d}.txt").write_bytes(data)


def tree(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.fixture(scope="module")
def dump_and_baseline(tmp_path_factory):
    base = tmp_path_factory.mktemp("resume")
    dump = base / "dump"
    make_dump(dump)
    out = base / "baseline"  # in-process (same config, same bytes as the CLI): saves a start-up
    runner.run([str(dump)], out, _cfg(), workers=2, progress=False)
    return dump, tree(out)


def _journal_lines(out: Path) -> int:
    try:
        return (out / runner.JOURNAL).read_bytes().count(b"\n")
    except OSError:
        return 0


def _started_until(args: list[str], out: Path, after_inputs: int) -> subprocess.Popen:
    """``zhnews run`` in a session of its own, once its journal holds ``after_inputs`` inputs
    (or it ended, or five minutes passed)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if _journal_lines(out) >= after_inputs + 1:  # +1: the header line
            break
        time.sleep(0.005)
    return proc


def _kill_at(args: list[str], out: Path, after_inputs: int, delay: float) -> bool:
    """Start ``zhnews run``, SIGKILL it once the journal holds ``after_inputs`` inputs (+ a
    random ``delay``); True if it was killed before finishing."""
    proc = _started_until(args, out, after_inputs)
    try:
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            os.killpg(proc.pid, signal.SIGKILL)
        return not finished
    finally:
        proc.wait()


def test_kill_9_then_resume_gives_the_uninterrupted_output(dump_and_baseline, tmp_path):
    dump, expected = dump_and_baseline
    rounds = int(os.environ.get("ZHNEWS_KILL_ROUNDS", "1"))
    rng = random.Random()
    for r in range(rounds):
        out = tmp_path / f"out{r}"
        after = rng.randint(0, N_FILES - 10)
        delay = rng.random() * 0.05
        args = ["run", str(dump), "-o", str(out), "-j", "2", "--no-progress"]
        killed = _kill_at(args, out, after, delay)
        done_before = max(0, _journal_lines(out) - 1)
        proc = zhnews(*args)
        got = tree(out)
        where = f"round {r}: killed={killed} after {done_before} inputs (target {after})"
        print(where)
        assert got.keys() == expected.keys(), (where, got.keys() ^ expected.keys())
        for name, data in expected.items():
            assert got[name] == data, (where, name)
        if killed and done_before:
            assert b"restored from an interrupted run" in proc.stderr, where


def _ended(pid: int) -> bool:
    """The process is gone, or a zombie waiting to be reaped."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" in status


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_of_the_run_alone_ends_its_workers_and_the_next_run_resumes(dump_and_baseline,
                                                                        tmp_path):
    """`kill PID` of the run's own process (a scheduler's time limit, the OOM killer), not of
    its whole group: its workers must not wait for work forever. They did, holding the output
    folder's lock, so the next run was refused ("another zhnews run is writing …")."""
    dump, expected = dump_and_baseline
    out = tmp_path / "out"
    args = ["run", str(dump), "-o", str(out), "-j", "2", "--no-progress"]
    proc = _started_until(args, out, 2)
    try:
        workers = [int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
                   .read_text().split()]
        assert proc.poll() is None and workers, "the run ended before it could be killed"
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait()
        deadline = time.monotonic() + 30
        while not all(map(_ended, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(map(_ended, workers)), "a worker outlived its run"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    resumed = zhnews(*args)
    assert b"restored from an interrupted run" in resumed.stderr
    assert tree(out) == expected


def _cfg():
    return config_mod.load(str(ROOT / "config" / "pipeline.toml"))


class _Interrupt(BaseException):
    pass


def _interrupted_run(dump: Path, out: Path, after_writes: int, monkeypatch) -> None:
    """A run stopped as it places its article number ``after_writes`` + 1 (the worker wrote
    that article's file already: it stays behind as a temp file)."""
    real = runner._place_file
    count = [0]

    def failing(*args, **kwargs):
        count[0] += 1
        if count[0] > after_writes:
            raise _Interrupt
        return real(*args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(runner, "_place_file", failing)
        with pytest.raises(_Interrupt):
            runner.run([str(dump)], out, _cfg(), workers=1, progress=False)


def test_resume_in_process_restores_inputs_and_cleans_temp_files(tmp_path, monkeypatch):
    """Past segment's first new-word checkpoint (200 articles), so the replay through run
    words matters: without re-segmenting restored articles, newwords.txt would differ."""
    dump = tmp_path / "dump"
    make_dump(dump, n=260, seed=3)
    clean = tmp_path / "clean"
    runner.run([str(dump)], clean, _cfg(), workers=1, progress=False)
    out = tmp_path / "out"
    _interrupted_run(dump, out, 230, monkeypatch)
    assert (out / runner.JOURNAL).exists()
    (out / ".tmp-abandoned").write_bytes(b"half an article")
    summary = runner.run([str(dump)], out, _cfg(), workers=1, progress=False)
    assert summary.resumed >= 200
    assert tree(out) == tree(clean)


def test_a_changed_input_or_config_is_processed_again(tmp_path, monkeypatch):
    dump = tmp_path / "dump"
    make_dump(dump, n=12, seed=4)
    out = tmp_path / "out"
    _interrupted_run(dump, out, 8, monkeypatch)
    first = sorted(dump.iterdir())[1]
    first.write_bytes(first.read_bytes() + "新增的一段。\n".encode())
    summary = runner.run([str(dump)], out, _cfg(), workers=1, progress=False)
    assert 0 < summary.resumed < 8  # the changed file was not restored
    _interrupted_run(dump, out, 8, monkeypatch)
    other = _cfg()
    other.data["run"]["max_article_chars"] = 999_999  # another config hash
    other._hash = None
    summary = runner.run([str(dump)], out, other, workers=1, progress=False)
    assert summary.resumed == 0


def test_a_second_run_into_the_same_folder_is_refused(tmp_path, capsys):
    from pipeline.cli import main
    from pipeline.io import OutdirLock

    out = tmp_path / "out"
    out.mkdir()
    held = OutdirLock(out)  # a run in progress
    try:
        code = main(["run", str(RAW), "-o", str(out), "-j", "1", "--no-progress",
                     "-c", str(ROOT / "config")])
    finally:
        held.release(remove=True)
    err = capsys.readouterr().err
    assert code == 1 and f"another zhnews run is writing {out}" in err, err
    assert list(out.iterdir()) == []  # nothing touched


def test_the_drivers_light_path_writes_what_the_whole_article_path_writes(tmp_path, monkeypatch):
    """Workers send a full run's articles as rendered files plus the fields the driver sets;
    the driver re-renders only those (numbering, dedup, keywords), and to merge run words into
    an article's tokens it decodes their offsets from the file and re-renders tokens and
    offsets there too. In process (``isolate = false``) every article goes the whole way.
    Early checkpoints make run words merge and re-weigh keywords, and a tiny split size
    numbers JSONL records across units."""
    dump = tmp_path / "dump"
    make_dump(dump, n=260, seed=5)
    cfg = _cfg()
    cfg.data["segment"].update(newwords_first_refresh=20, run_idf_min_docs=40)
    cfg.data["run"]["split_mb"] = 0.0003
    cfg._hash = None
    seen = {"light": 0, "merged": 0}
    real_place_file, real_offsets = runner._place_file, runner._file_offsets

    def place_file(*args, **kwargs):
        seen["light"] += 1
        return real_place_file(*args, **kwargs)

    def file_offsets(*args, **kwargs):
        seen["merged"] += 1
        return real_offsets(*args, **kwargs)

    monkeypatch.setattr(runner, "_place_file", place_file)
    monkeypatch.setattr(runner, "_file_offsets", file_offsets)
    runner.run([str(dump)], tmp_path / "light", cfg, workers=2, progress=False)
    assert seen["light"] > 20 and seen["merged"] > 20, seen  # merges taken the light way
    cfg.data["run"]["isolate"] = False
    cfg._hash = None
    runner.run([str(dump)], tmp_path / "whole", cfg, workers=1, progress=False)
    light, full = tree(tmp_path / "light"), tree(tmp_path / "whole")
    assert light == full
    assert b"\t" in light["newwords.txt"] or light["newwords.txt"].strip()
