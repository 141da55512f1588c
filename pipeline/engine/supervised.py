"""An ordered process pool that survives its workers: crash isolation for any engine.

``multiprocessing.Pool`` loses the task of a worker that dies (segfault in a C extension, the
OOM killer, ``os._exit``) and then waits for it forever. Here each worker has its own pipe;
the parent watches the pipes and the process sentinels, records a dead or silent worker's task
as failed through ``crashed(item, reason)``, starts a fresh worker and goes on. Results come
back in input order, so output does not depend on the number of workers.

A worker shows it is alive by calling ``tick()`` (once per article); one that sends nothing for
``stall`` seconds is killed (a hang in C code the per-article alarm cannot interrupt).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from pipeline.engine import tune_gc

T = TypeVar("T")
R = TypeVar("R")

_TICK_EVERY = 1.0  # seconds between two signs of life from a busy worker
# The parent's ends of its workers' pipes. A forked worker inherits copies of them all, its
# own pipe's included, and closes them first: else, when the parent dies without stopping it
# (kill, the OOM killer), its pipe never reads as closed and it waits for work forever,
# holding memory and the output folder's lock, so the next run is refused.
_PARENT_ENDS: list[Connection] = []


def _worker(conn: Connection, func: Callable[[Any, Callable[[], None]], Any],
            nice: int = 0) -> None:
    for end in _PARENT_ENDS:  # empty under spawn: nothing was inherited
        end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    tune_gc()  # inherited under fork; set again for spawn
    if nice > 0:
        try:
            os.nice(nice)
        except OSError:  # pragma: no cover - a platform without priorities
            pass
    last = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        if now - last[0] >= _TICK_EVERY:
            last[0] = now
            conn.send(("tick", None))

    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        last[0] = time.monotonic()
        reply: list[Any]
        try:
            out = func(item, tick)
        except BaseException as exc:  # noqa: BLE001 - reported as this item's failure
            reply = [("error", f"{type(exc).__name__}: {exc}"[:300])]
        else:  # bytes are sent as they are: no pickled copy of a big payload
            reply = [("bytes", None), out] if isinstance(out, bytes) else [("done", out)]
        try:
            for part in reply:
                if isinstance(part, bytes):
                    conn.send_bytes(part)
                else:
                    conn.send(part)
        except OSError:  # the parent is gone (its end closed): stop quietly
            return


class _Slot:
    def __init__(self, ctx: Any, func: Callable, nice: int = 0) -> None:
        parent, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker, args=(child, func, nice), daemon=True)
        _PARENT_ENDS.append(parent)  # before the fork: the worker closes its own copy too
        self.proc.start()
        child.close()
        self.conn: Connection = parent
        self.task: tuple[int, Any] | None = None
        self.seen = time.monotonic()

    def send(self, seq: int, item: Any) -> None:
        self.task = (seq, item)
        self.seen = time.monotonic()
        self.conn.send(item)

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                self.proc.kill()
            else:
                self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.proc.join(timeout=0 if kill else 5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()
        if self.conn in _PARENT_ENDS:
            _PARENT_ENDS.remove(self.conn)


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"worker process died ({name})"
    return f"worker process exited (code {exitcode})"


def imap(func: Callable[[T, Callable[[], None]], R], items: Iterable[T], workers: int, *,
         crashed: Callable[[T, str], R], stall: float | None = None,
         nice: int = 0) -> Iterator[R]:
    """``func(item, tick)`` for every item in supervised worker processes, in input order.

    ``nice`` lowers the workers' scheduling priority: the caller consumes results in order on
    its own, so when it and the workers want more CPU than there is, it should win, or the
    workers only fill the bounded window and wait.
    """
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    ctx = mp.get_context(method)
    source = enumerate(items)
    slots = [_Slot(ctx, func, nice) for _ in range(max(1, workers))]
    done: dict[int, R] = {}
    next_out = 0
    exhausted = False
    window = max(1, workers) * 8  # bound on results held back for ordering
    try:
        while True:
            for i, slot in enumerate(slots):  # feed idle workers
                if slot.task is None and not exhausted and len(done) < window:
                    nxt = next(source, None)
                    if nxt is None:
                        exhausted = True
                        continue
                    try:
                        slot.send(*nxt)
                    except (OSError, ValueError):  # it died after its last result
                        slot.stop(kill=True)
                        slots[i] = slot = _Slot(ctx, func, nice)
                        slot.send(*nxt)
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
            busy = [s for s in slots if s.task is not None]
            if not busy:
                if exhausted and not done:
                    return
                continue
            timeout = None
            if stall:
                timeout = max(0.0, min(s.seen + stall for s in busy) - time.monotonic())
            ready = wait([s.conn for s in busy] + [s.proc.sentinel for s in busy], timeout)
            for i, slot in enumerate(slots):
                if slot.task is None:
                    continue
                seq, item = slot.task
                reason = None
                if slot.conn in ready or slot.conn.poll():
                    try:
                        while slot.conn.poll():
                            kind, payload = slot.conn.recv()
                            slot.seen = time.monotonic()
                            if kind == "bytes":  # the payload follows at once
                                kind, payload = "done", slot.conn.recv_bytes()
                            if kind == "done":
                                done[seq] = payload
                                slot.task = None
                                break
                            if kind == "error":
                                reason = f"worker error: {payload}"
                                break
                    except (EOFError, OSError):
                        reason = _death(slot.proc.exitcode)
                if slot.task is not None and reason is None:
                    if slot.proc.sentinel in ready or not slot.proc.is_alive():
                        slot.proc.join()
                        reason = _death(slot.proc.exitcode)
                    elif stall and time.monotonic() - slot.seen > stall:
                        reason = f"no progress for {stall:g} s: worker stopped"
                if reason is not None:
                    done[seq] = crashed(item, reason)
                    slot.task = None
                    if "worker error" not in reason:
                        slot.stop(kill=True)
                        slots[i] = _Slot(ctx, func, nice)
    finally:
        for slot in slots:
            slot.stop(kill=slot.task is not None)
