"""Ray engine: the local engine's work units on Ray Data, for runs past one machine.

The same :func:`pipeline.engine.units.run_unit` runs inside ``map_batches`` (one unit per
batch; each Ray worker process prepares jieba/OpenCC once and keeps them). Results come back
in input order (``preserve_order``), and dedup and emit stay in the driver exactly as with the
local engine, so both engines write the same bytes. Units are planned a window at a time, each
window a dataset of its own, the next one planned while Ray runs this one: the driver never
holds the whole plan, and parts it reads (of a gzipped container) reach the object store a
window ahead of the workers, not all before the first one starts. Without ``RAY_ADDRESS`` a
local Ray instance with ``-j`` CPUs is started (and stopped); with it, the run joins that
cluster, which must see the input paths (a shared filesystem) and gets this package shipped
as a py_module.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import chain
from pathlib import Path
from typing import Any

import msgspec

from pipeline.engine import tune_gc
from pipeline.engine.units import (
    Result,
    StreamedFile,
    Unit,
    decode_unit,
    group,
    input_sizes,
    plan,
    run_unit,
    split_bytes,
    unit_bytes,
)
from pipeline.engine.work import Limits, expect_input, input_kinds, prepared
from pipeline.errors import ZhnewsError
from pipeline.heap import release_free_heap
from pipeline.io import InputFile

# A window of units is at most this many units (at least 16 per CPU of the cluster) and holds
# parts read by the driver of at most this share of the object store (at least two parts per
# CPU): two windows, the one running and the one planned, then fit in the store.
WINDOW_UNITS = 2000
WINDOW_STORE_SHARE = 0.25
# Units one block (one Ray task) holds at most, and the text they may be expected to hold
# (a big unit goes alone; their input is at most split_mb too): a task holds its block's
# results, which grow with its text, until it ends, and Ray's cost per task is the same for
# one tiny file or sixty-four.
BLOCK_UNITS = 64
BLOCK_TEXT = 256 << 10


def _import_ray() -> Any:
    # No implicit ray.init: when a run stops (Ctrl-C, an error) Ray is shut down while a
    # window's thread may still be inside Ray Data, whose next call would otherwise start a
    # new local instance just to fail. Read when Ray is first imported.
    os.environ.setdefault("RAY_ENABLE_AUTO_CONNECT", "0")
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise ZhnewsError("the Ray engine needs Ray: pip install 'zhnews[ray]'") from None
    return ray


def connect(workers: int) -> bool:
    """Join RAY_ADDRESS's cluster or start a local instance; True if we started Ray."""
    ray = _import_ray()
    if ray.is_initialized():
        return False
    quiet: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                             "logging_level": logging.ERROR, "configure_logging": True}
    address = os.environ.get("RAY_ADDRESS")
    if address:
        _check_address(address)
        import pipeline

        runtime = {"py_modules": [str(Path(pipeline.__file__).parent)]}
        try:
            ray.init(address=address, runtime_env=runtime, **{k: v for k, v in quiet.items()
                                                             if k != "include_dashboard"})
        except (ConnectionError, ray.exceptions.RayError) as exc:
            raise ZhnewsError(_join_failed(address, exc)) from None
    else:
        # "local": a new instance even where `ray start` runs one (ray.init() would join
        # that one, and refuse num_cpus)
        ray.init(address="local", num_cpus=max(1, workers), object_store_memory=256 << 20,
                 **quiet)
    return True


def check_usable() -> None:
    """Raise ZhnewsError when this process cannot run the Ray engine: Ray is missing, or
    RAY_ADDRESS names a cluster it cannot use (what can be told without connecting)."""
    _import_ray()
    address = os.environ.get("RAY_ADDRESS")
    if address:
        _check_address(address)


def _check_address(address: str) -> None:
    """Refuse a Ray Client address (``ray://``) before connecting: Ray Data does not run
    through Ray Client (ray-project/ray#42739), and a run would fail only once its first
    dataset starts, with a traceback from inside Ray."""
    if address.strip().lower().startswith("ray://"):
        raise ZhnewsError(
            f"RAY_ADDRESS={address} is a Ray Client address, and Ray Data does not run through "
            "Ray Client: run zhnews on a node of the cluster, with RAY_ADDRESS=auto or the "
            "head's GCS address (HEAD:6379)")


def _join_failed(address: str, exc: BaseException) -> str:
    """One line for a cluster that could not be joined, with what usually fixes it."""
    reason = " ".join(str(exc).split()) or type(exc).__name__
    if len(reason) > 300:
        reason = reason[:300] + "…"
    chain, seen = [], exc  # Ray names the refused token only in the errors it wraps
    while seen is not None and len(chain) < 8:
        chain.append(str(seen))
        seen = seen.__cause__ or seen.__context__
    hint = ""
    if (any("Unauthenticated" in text or "InvalidAuthToken" in text for text in chain)
            and os.environ.get("RAY_AUTH_MODE", "") != "token"):
        # `ray start` turns it on by default (Ray 2.60, seen here)
        hint = ("; a cluster with token authentication needs RAY_AUTH_MODE=token and its "
                "token (~/.ray/auth_token or RAY_AUTH_TOKEN)")
    return f"cannot join the Ray cluster at RAY_ADDRESS={address}: {reason}{hint}"


_unit_encoder = msgspec.msgpack.Encoder()
_unit_decoder = msgspec.msgpack.Decoder(Unit)


def _block(units: list[Unit], first: int, ray: Any) -> Any:
    """Units (numbered from ``first``) as a block of the dataset, a row each, put in Ray's
    object store: the whole Unit as msgpack, so that every field (its kind, its notes, its
    input's error) reaches the worker as the local engine sends it. A part the driver read
    (of a gzipped JSONL file, or a WARC gzipped as one member) holds its bytes in its row,
    freed with the window's dataset; the driver keeps only the block's reference. (An
    ObjectRef of the bytes held in a row instead is pickled into its block, where Ray cannot
    track it: every such part stayed in the store, spilled, until the run's end.)"""
    import pyarrow as pa

    return ray.put(pa.table({"i": list(range(first, first + len(units))),
                             "unit": [_unit_encoder.encode(unit) for unit in units]}))


def _blocks(window: list[Unit], per_block: int, max_bytes: int,
            max_text: int) -> Iterator[list[Unit]]:
    """``window`` in runs of consecutive units for one block each: at most ``per_block``
    units and, past the first, at most ``max_bytes`` of input and ``max_text`` bytes of the
    text their names say they hold (``expected_text``: a page is mostly markup). A worker
    holds its block's results until the block is done, so a big unit goes alone."""
    from pipeline.stages.extract import expected_text

    block: list[Unit] = []
    size = text = 0
    for unit in window:
        size_of = unit_bytes(unit)
        text_of = expected_text(unit.inp.path, size_of)
        if block and (len(block) >= per_block or size + size_of > max_bytes
                      or text + text_of > max_text):
            yield block
            block, size, text = [], 0, 0
        block.append(unit)
        size += size_of
        text += text_of
    if block:
        yield block


_EXPECTED: set[tuple[str, tuple[str, ...]]] = set()  # (config, stages) this process prepared


def _enter(cwd: str) -> str:
    """Move to the driver's folder ``cwd``: input paths are as the user gave them, and a
    cluster's worker starts in a folder of Ray's (on a shared filesystem the folder has the
    same path on every node). Returns why relative inputs cannot be read when this node
    lacks it, else ""."""
    if not cwd or os.getcwd() == cwd:
        return ""
    if os.path.isdir(cwd):
        os.chdir(cwd)
        return ""
    return (f"not on this Ray node: the folder zhnews runs in ({cwd}) is missing here; "
            "inputs must be at the same path on every node")


def _process_batch(batch: dict[str, Any], cfg: Any, names: tuple[str, ...],
                   kinds: list[tuple[str, int]], cwd: str = "") -> dict[str, Any]:
    import numpy as np

    missing = _enter(cwd)
    tune_gc()  # a Ray worker process runs the stages like a local worker
    if (cfg.hash, names) not in _EXPECTED:  # what a local worker gets before its fork,
        # but for what is built only to be shared (see expect_input)
        expect_input(prepared(cfg, names), kinds, forks=False)
        _EXPECTED.add((cfg.hash, names))
    units = [_unit_decoder.decode(bytes(encoded)) for encoded in batch["unit"]]
    if missing:  # a relative path cannot be read here: say why, not "No such file"
        units = [replace(unit, inp=replace(unit.inp, error=missing))
                 if not os.path.isabs(unit.inp.path) and not unit.inp.error else unit
                 for unit in units]
    payloads = [run_unit(unit, cfg, names) for unit in units]
    return {"i": np.asarray(batch["i"]), "payload": np.array(payloads, dtype=object)}


def results(inputs: Iterable[InputFile], cfg: Any, names: tuple[str, ...],
            workers: int) -> Iterator[Any]:
    """FileResults in input order, like ``local.results``."""
    for streamed in stream(inputs, cfg, names, workers):
        yield streamed.collect()


def stream(inputs: Iterable[InputFile], cfg: Any, names: tuple[str, ...],
           workers: int, blanks: Any = None) -> Iterator[StreamedFile]:
    """One StreamedFile per input in input order, like ``local.stream``. ``blanks`` is not
    used: Ray's workers may run on machines that do not see the output folder."""
    inputs = list(inputs)
    split = split_bytes(cfg)
    planned = plan(inputs, split, Limits.from_cfg(cfg).max_record_bytes)
    first = next(planned, None)
    if first is None:
        return
    ray = _import_ray()
    started = connect(workers)  # before the rest is planned: parts go to the object store
    try:
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.ERROR)
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        resources = ray.cluster_resources()
        cpus = max(1, int(resources.get("CPU", workers)))
        store = int(resources.get("object_store_memory", 256 << 20))
        windows = _windows(chain([first], planned), max(WINDOW_UNITS, 16 * cpus),
                           max(int(store * WINDOW_STORE_SHARE), 2 * cpus * split))
        kinds = input_kinds(input_sizes(inputs))
        yield from group(_payloads(windows, cfg, names, kinds, ray, cpus, split))
    finally:
        if started:
            ray.shutdown()


def _windows(units: Iterator[Unit], max_units: int, max_bytes: int) -> Iterator[list[Unit]]:
    """``units`` in windows of at most ``max_units``, whose carried bytes stop growing at
    ``max_bytes`` (a window holds at least one unit)."""
    window: list[Unit] = []
    carried = 0
    for unit in units:
        window.append(unit)
        carried += len(unit.data) if unit.data is not None else 0
        if len(window) >= max_units or carried >= max_bytes:
            yield window
            window, carried = [], 0
    if window:
        yield window


def _dataset(window: list[Unit] | None, cfg: Any, names: tuple[str, ...],
             kinds: list[tuple[str, int]], ray: Any, cpus: int,
             split: int) -> tuple[list[Unit], Any] | None:
    """A window as a dataset through the stages, and its units without their bytes (what
    the driver keeps). Small units share a block, so that Ray's cost per task (scheduling,
    the result's object) is paid once for up to BLOCK_UNITS of them (BLOCK_TEXT of text
    and split_mb of input at most), while the window still has four blocks or more per
    CPU."""
    if window is None:
        return None
    per_block = max(1, min(BLOCK_UNITS, len(window) // (4 * cpus)))
    blocks = []
    first = 0
    for units in _blocks(window, per_block, max(split, 1), BLOCK_TEXT):
        blocks.append(_block(units, first, ray))
        for i in range(first, first + len(units)):
            if window[i].data is not None:
                window[i] = replace(window[i], data=None)  # its bytes are in the store now
        first += len(units)
    ds = ray.data.from_arrow_refs(blocks)
    return window, ds.map_batches(_process_batch, batch_size=None, batch_format="numpy",
                                 fn_kwargs={"cfg": cfg, "names": names, "kinds": kinds,
                                            "cwd": os.getcwd()})


class _Window:
    """A window's dataset, run by a thread that queues its rows as they come: the next
    window then runs while the driver still takes this one's results (a dataset started
    only when the last one ends would leave the workers idle while Ray sets it up). The
    queue is short: rows the driver has not taken wait in Ray's object store, not in it."""

    _END = object()
    QUEUED = 16
    CLOSE_WAIT = 10.0  # seconds close() waits for the thread (a put polls every 0.5 s)

    def __init__(self, units: list[Unit], ds: Any) -> None:
        self.units = units
        self.rows: queue.Queue[Any] = queue.Queue(self.QUEUED)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._drain, args=(ds,), daemon=True)
        self.thread.start()

    def _put(self, item: Any) -> bool:
        while not self.stop.is_set():
            try:
                self.rows.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def _drain(self, ds: Any) -> None:
        rows = iter(ds.iter_rows())
        try:
            for row in rows:
                if not self._put(row):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the driver's thread
            self._put(exc)
        finally:
            # Ray's iterator ends its execution when closed, and that needs Ray up: left to
            # the garbage collector after ray.shutdown(), it printed a traceback (Ctrl-C).
            close = getattr(rows, "close", None)
            if close is not None:
                with contextlib.suppress(Exception):  # Ray already gone: nothing to end
                    close()
        self._put(self._END)

    def results(self) -> Iterator[Result]:
        """The window's results in input order; re-raises what its dataset raised."""
        expected = 0
        while (row := self.rows.get()) is not self._END:
            if isinstance(row, BaseException):
                raise row
            if int(row["i"]) != expected:  # pragma: no cover - preserve_order guards it
                raise ZhnewsError("Ray returned units out of order")
            yield (self.units[expected], *decode_unit(bytes(row["payload"])))
            expected += 1
        self.thread.join()  # it ends once it queued the end: its dataset can be freed
        if expected != len(self.units):  # pragma: no cover - every unit gives a row
            raise ZhnewsError(f"Ray returned {expected} results for {len(self.units)} units")

    def close(self) -> None:
        """Stop taking rows, and give the thread a moment to close Ray's iterator before the
        caller shuts Ray down: it ends at its next row (or when Ray is shut down)."""
        self.stop.set()
        self.thread.join(timeout=self.CLOSE_WAIT)


def _payloads(windows: Iterator[list[Unit]], cfg: Any, names: tuple[str, ...],
              kinds: list[tuple[str, int]], ray: Any, cpus: int,
              split: int) -> Iterator[Result]:
    """The results of every window's units in input order. The next window is planned (its
    parts read) and started as the driver begins to take this one's results: at most two
    windows are in the object store at once."""

    def start(window: list[Unit] | None) -> _Window | None:
        planned = _dataset(window, cfg, names, kinds, ray, cpus, split)
        return None if planned is None else _Window(*planned)

    current = ahead = start(next(windows, None))
    try:
        while current is not None:
            ahead = start(next(windows, None))
            yield from current.results()
            current = ahead
            gc.collect()  # a dataset's objects form cycles: free its parts in the store now
            release_free_heap()
    finally:  # the consumer stopped early, or a window failed
        for window in (current, ahead):
            if window is not None:
                window.close()
