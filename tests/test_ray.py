"""The Ray engine writes exactly what the local engine writes (skipped without Ray)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tests.conftest import RAW, zhnews
from tests.test_engine import write_jsonl, write_warc

pytest.importorskip("ray.data")


def _tree(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_ray_on_two_cpus_matches_local_on_samples_and_cut_containers(tmp_path: Path):
    """Big files cut into units: a JSONL file, a WARC, a WARC.gz cut at its gzip members, a
    WARC cut short (whose last part carries the note that says so), and the parts the driver
    reads and Ray keeps in its object store: a gzipped JSONL file, a WARC gzipped whole."""
    (tmp_path / "in").mkdir()
    jsonl = write_jsonl(tmp_path / "in" / "dump.jsonl", records=120)
    warc = write_warc(tmp_path / "in" / "pages.warc", records=60)
    write_warc(tmp_path / "in" / "pages.warc.gz", records=60, gz=True)
    cut = tmp_path / "in" / "short.warc"
    cut.write_bytes(warc.read_bytes()[:-300])
    (tmp_path / "in" / "crawl.jsonl.gz").write_bytes(gzip.compress(
        jsonl.read_bytes().replace(b"news.example.cn", b"crawl.example.cn"), mtime=0))
    (tmp_path / "in" / "whole.warc.gz").write_bytes(gzip.compress(warc.read_bytes(), mtime=0))
    cfg = tmp_path / "cfg" / "pipeline.toml"
    cfg.parent.mkdir()
    cfg.write_text("[run]\nsplit_mb = 0.01\n", "utf-8")  # the dump becomes several units
    inputs = [str(RAW), str(tmp_path / "in")]
    local, ray = tmp_path / "local", tmp_path / "ray"
    zhnews("run", *inputs, "-o", str(local), "-j", "1", "--no-progress", "-c", str(cfg))
    proc = zhnews("run", *inputs, "-o", str(ray), "-j", "2", "--no-progress", "-c", str(cfg),
                  "--engine", "ray")
    assert _tree(ray) == _tree(local)
    assert len(_tree(local)) > 100
    manifest = (local / "manifest.jsonl").read_text("utf-8")
    assert manifest.count('"format":"warc"') == 4 and "kept the 65 whole record" in manifest
    assert manifest.count('"format":"jsonl"') == 2
    assert b"Traceback" not in proc.stderr


def test_ray_plans_in_windows_and_writes_what_the_local_engine_writes(tmp_path: Path,
                                                                    monkeypatch):
    """Units go to Ray a window at a time, the next planned while the last runs: windows of
    sixteen units over the samples, small notes (two to a block) and a cut JSONL file, and
    windows closed by the bytes the driver read of a gzipped JSONL file (one part each),
    give the local engine's output, with the run's own max_record_mb where the driver
    reads."""
    from pipeline import config
    from pipeline.engine import ray as ray_engine
    from pipeline.engine import units as units_module
    from pipeline.io import InputFile
    from pipeline.runner import run

    (tmp_path / "in").mkdir()
    jsonl = write_jsonl(tmp_path / "in" / "dump.jsonl", records=120)
    (tmp_path / "in" / "crawl.jsonl.gz").write_bytes(gzip.compress(
        jsonl.read_bytes().replace(b"news.example.cn", b"crawl.example.cn"), mtime=0))
    # a record over max_record_mb in a part the driver reads is skipped there, as locally
    (tmp_path / "cfg.toml").write_text("[run]\nsplit_mb = 0.01\nmax_record_mb = 0.0025\n",
                                       "utf-8")
    cfg = config.load(str(tmp_path / "cfg.toml"))
    (tmp_path / "notes").mkdir()
    paragraph = (RAW / "004_481d3563a41b6d2e.txt").read_text("utf-8").splitlines()[0]
    for n in range(20):
        (tmp_path / "notes" / f"note-{n:02d}.txt").write_text(f"第{n}则\n{paragraph}\n", "utf-8")
    inputs = [str(RAW), str(tmp_path / "notes"), str(tmp_path / "in")]
    windows: list[list[bool]] = []  # per window, whether each unit carries bytes
    blocks: list[int] = []  # units per block
    cut, group = ray_engine._windows, ray_engine._blocks

    def counted(units, max_units, max_bytes):
        for window in cut(units, 16, 1):  # a part the driver read fills a window
            windows.append([unit.data is not None for unit in window])
            yield window

    def grouped(window, per_block, max_bytes, max_text):
        for block in group(window, per_block, max_bytes, max_text):
            blocks.append(len(block))
            yield block

    monkeypatch.setattr(ray_engine, "_windows", counted)
    monkeypatch.setattr(ray_engine, "_blocks", grouped)
    local, ray = tmp_path / "local", tmp_path / "ray"
    run(inputs, local, cfg, 1, progress=False)
    summary = run(inputs, ray, cfg, 2, progress=False, engine="ray")
    gz = tmp_path / "in" / "crawl.jsonl.gz"
    parts = list(units_module.plan([InputFile(str(gz), gz.name)], units_module.split_bytes(cfg)))
    assert len(parts) > 3 and all(p.data is not None for p in parts)
    assert max(map(len, windows)) == 16  # the count closed windows
    assert max(blocks) == 2 and sum(blocks) == sum(map(len, windows))
    carried = [window for window in windows if any(window)]
    assert len(carried) == len(parts)  # and each part the driver read closed one
    assert all(window.index(True) == len(window) - 1 for window in carried)
    assert summary.failed == 0 and _tree(ray) == _tree(local)
    manifest = (ray / "manifest.jsonl").read_text("utf-8")
    assert "crawl.jsonl.gz" in manifest and "max_record_mb" in manifest


def test_small_units_share_a_block_and_a_big_one_goes_alone():
    from pipeline.engine.ray import _blocks
    from pipeline.engine.units import Unit
    from pipeline.io import InputFile

    def unit(size: int) -> Unit:
        return Unit(InputFile("x.jsonl", "x.jsonl"), start=0, end=size)

    sizes = [1, 1, 1, 5, 1, 1, 9, 1]
    runs = [[u.end for u in block] for block in _blocks([unit(s) for s in sizes], 3, 6, 99)]
    assert runs == [[1, 1, 1], [5, 1], [1], [9], [1]]
    # the text a block may hold closes it too; a page counts for a thirtieth of its bytes
    runs = [[u.end for u in block] for block in _blocks([unit(s) for s in sizes], 8, 99, 4)]
    assert runs == [[1, 1, 1], [5], [1, 1], [9], [1]]
    pages = [Unit(InputFile(f"{n}.html", f"{n}.html"), start=0, end=60) for n in range(4)]
    assert [len(block) for block in _blocks(pages, 8, 999, 4)] == [2, 2]


def test_ray_joins_a_cluster_through_ray_address_and_reads_relative_paths(tmp_path: Path,
                                                                          monkeypatch):
    """A cluster already running (as `ray start --head` leaves one): with RAY_ADDRESS the run
    joins it, and its workers, which start in a folder of Ray's, read the inputs as the user
    named them (relative to the folder zhnews runs in); without RAY_ADDRESS the run starts
    an instance of its own beside it rather than joining it."""
    from ray.cluster_utils import Cluster

    local = tmp_path / "local"
    zhnews("run", "raw", "-o", str(local), "-j", "1", "--no-progress")
    cluster = Cluster(initialize_head=True, connect=False,
                      head_node_args={"num_cpus": 2, "include_dashboard": False})
    try:
        joined, own = tmp_path / "joined", tmp_path / "own"
        monkeypatch.setenv("RAY_ADDRESS", cluster.address)
        proc = zhnews("run", "raw", "-o", str(joined), "--engine", "ray", "--no-progress")
        monkeypatch.delenv("RAY_ADDRESS")
        zhnews("run", "raw", "-o", str(own), "--engine", "ray", "-j", "2", "--no-progress")
    finally:
        cluster.shutdown()
    assert '"path":"raw/000_' in (local / "manifest.jsonl").read_text("utf-8")
    assert _tree(joined) == _tree(local) == _tree(own)
    assert b"Traceback" not in proc.stderr


def test_a_ray_client_address_is_refused_in_one_line_before_the_output_is_touched(
        tmp_path: Path, monkeypatch):
    """Ray Data does not run through Ray Client: a ray:// address would fail inside Ray once
    the first dataset starts. The run stops at once instead, and says what to do."""
    monkeypatch.setenv("RAY_ADDRESS", "ray://head.example:10001")
    out = tmp_path / "out"
    proc = zhnews("run", "raw", "-o", str(out), "--engine", "ray", check=False)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 1 and err.count("\n") == 1, err
    assert err.startswith("zhnews run: error: RAY_ADDRESS=ray://head.example:10001 is a Ray "
                          "Client address") and "RAY_ADDRESS=auto" in err
    assert not out.exists()


def test_a_cluster_that_refuses_the_token_is_named_with_the_fix(monkeypatch):
    from pipeline.engine.ray import _join_failed

    monkeypatch.delenv("RAY_AUTH_MODE", raising=False)

    try:
        try:
            raise RuntimeError("Failed to connect to GCS: Unauthenticated: InvalidAuthToken")
        except RuntimeError as inner:
            raise ConnectionError("Failed to connect to Ray cluster at 10.0.0.1:6379") from inner
    except ConnectionError as exc:
        message = _join_failed("10.0.0.1:6379", exc)
    assert message.startswith("cannot join the Ray cluster at RAY_ADDRESS=10.0.0.1:6379: "
                              "Failed to connect to Ray cluster at 10.0.0.1:6379; ")
    assert "RAY_AUTH_MODE=token" in message and "\n" not in message


def _ctrl_c_as_in_a_terminal() -> None:
    """SIGINT handled as in a run started from a terminal: a test session started as a
    background job of a shell without job control ignores it, and a run it starts would
    inherit that (and rightly ignore the signal)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_a_ray_run_cleanly_and_the_next_run_resumes_it(tmp_path: Path):
    """Ctrl-C (SIGINT to the run's process group) mid-run: `zhnews: interrupted`, exit 130,
    nothing from Ray on stderr (a window's thread used to start a new Ray instance after the
    shutdown, which logged that it could not set a SIGTERM handler); the next run resumes
    and writes what the local engine writes."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    dump = tmp_path / "dump"
    dump.mkdir()
    for path in sorted(RAW.iterdir()):
        text = path.read_text("utf-8").rstrip("\n")
        for copy in range(120):  # long enough (15 s on 2 CPUs) for the signal to land mid-run
            (dump / f"{copy:03d}_{path.name}").write_text(f"{text}\n（第{copy}份）\n", "utf-8")
    local, ray = tmp_path / "local", tmp_path / "ray"
    zhnews("run", str(dump), "-o", str(local), "-j", "2", "--no-progress")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("RAY_ADDRESS", None)
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(dump), "-o", str(ray),
                             "-j", "2", "--no-progress", "--engine", "ray"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True, preexec_fn=_ctrl_c_as_in_a_terminal)
    journal = ray / ".zhnews-journal.jsonl"
    deadline = time.monotonic() + 240
    while proc.poll() is None and time.monotonic() < deadline:
        if journal.exists() and journal.read_bytes().count(b"\n") >= 3:  # header + 2 inputs
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    text = err.decode("utf-8", "replace")
    assert proc.returncode == 130, text
    assert text.strip().splitlines()[-1] == "zhnews: interrupted", text
    assert "SIGTERM" not in text and "Traceback" not in text, text
    resumed = zhnews("run", str(dump), "-o", str(ray), "-j", "2", "--no-progress",
                     "--engine", "ray")
    assert b"restored from an interrupted run" in resumed.stderr
    assert _tree(ray) == _tree(local)


def test_a_ray_node_without_the_driver_s_folder_says_so_for_each_relative_input(tmp_path):
    """On a cluster whose node lacks the folder zhnews runs in, a relative input cannot be
    read there: the manifest says why, not just "No such file"; absolute ones are read."""
    import os

    from pipeline import config, stages
    from pipeline.engine.ray import _process_batch, _unit_encoder
    from pipeline.engine.units import Unit, decode_unit
    from pipeline.io import InputFile
    from tests.conftest import ROOT

    sample = next(p for p in sorted(RAW.iterdir()) if p.name.startswith("002_"))
    cfg = config.load(str(ROOT / "config" / "pipeline.toml"))
    units = [Unit(InputFile(f"raw/{sample.name}", sample.name)),
             Unit(InputFile(str(sample), sample.name))]
    before = os.getcwd()
    try:
        out = _process_batch({"i": [0, 1], "unit": [_unit_encoder.encode(u) for u in units]},
                             cfg, stages.ARTICLE_STAGES, [], cwd=str(tmp_path / "gone"))
    finally:
        os.chdir(before)
    (relative, _), (absolute, articles) = (decode_unit(bytes(p)) for p in out["payload"])
    assert relative.entry.status == "failed" and relative.entry.error.startswith(
        "not on this Ray node: the folder zhnews runs in")
    assert absolute.entry.status == "ok" and len(list(articles)) == 1


def test_a_closed_window_ends_rays_iterator_before_ray_is_shut_down():
    """Ending Ray's row iterator needs Ray up. A window closed early (Ctrl-C) left it to the
    garbage collector, which could run after ray.shutdown() and print a traceback; close()
    now waits for the thread to end it."""
    import time

    from pipeline.engine.ray import _Window

    ray_up = [True]
    ended: list[bool] = []

    def rows():
        try:
            for i in range(1000):
                yield {"i": i, "payload": b""}
        finally:
            time.sleep(0.2)  # Ray's executor takes a moment to shut its operators down
            ended.append(ray_up[0])

    class Dataset:
        def iter_rows(self):
            return rows()

    window = _Window([], Dataset())
    time.sleep(0.3)  # the thread fills the queue and waits to put the next row
    window.close()
    ray_up[0] = False  # what the caller does next: ray.shutdown()
    window.thread.join(5)
    assert ended == [True]
