"""Local engine: a process pool over work units, results consumed in input order.

Order is fixed by the input walk, so ``-j 2`` writes the same bytes as ``-j 1``. State is
prepared in the parent before forking where the platform allows, so workers share it. At most
a few units per worker are in flight, so neither the workers nor the parent ever hold more than
a bounded slice of a dump, however big (see :mod:`pipeline.engine.units`).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from pipeline.engine.units import (
    Result,
    StreamedFile,
    Unit,
    decode_unit,
    group,
    plan,
    run_unit,
    split_bytes,
    unit_articles,
)
from pipeline.engine.work import FileResult, prepared
from pipeline.io import InputFile

IN_FLIGHT_PER_WORKER = 3


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover
        return max(1, os.cpu_count() or 1)


_JOB: tuple[Any, tuple[str, ...]] | None = None


def _init(cfg: Any, names: tuple[str, ...]) -> None:
    global _JOB
    _JOB = (cfg, names)


def _task(unit: Unit) -> bytes:
    assert _JOB is not None
    return run_unit(unit, *_JOB)


def unit_results(units: Iterable[Unit], cfg: Any, names: tuple[str, ...],
                 workers: int) -> Iterator[Result]:
    """(unit, entry, articles) in input order. With one worker everything stays in this
    process (no serialisation); with more, at most ``IN_FLIGHT_PER_WORKER`` units a worker
    run ahead of the consumer (back-pressure: a slow writer never piles results up)."""
    if workers <= 1:
        for unit in units:
            yield (unit, *unit_articles(unit, cfg, names))
        return
    prepared(cfg, names)  # build once in the parent; forked workers inherit it
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    ctx = mp.get_context(method)
    limit = workers * IN_FLIGHT_PER_WORKER
    with ctx.Pool(workers, initializer=_init, initargs=(cfg, names)) as pool:
        queue: deque = deque()
        it = iter(units)
        for unit in it:
            queue.append((unit, pool.apply_async(_task, (unit,))))
            if len(queue) >= limit:
                break
        while queue:
            unit, pending = queue.popleft()
            data = pending.get()
            nxt = next(it, None)
            if nxt is not None:
                queue.append((nxt, pool.apply_async(_task, (nxt,))))
            yield (unit, *decode_unit(data))


def stream(inputs: Iterable[InputFile], cfg: Any, names: tuple[str, ...],
           workers: int) -> Iterator[StreamedFile]:
    """One StreamedFile per input, in input order: iterate its ``articles`` before reading
    its ``entry`` (complete once the articles are exhausted). Memory stays bounded."""
    units = plan(inputs, split_bytes(cfg))
    return group(unit_results(units, cfg, names, workers))


def results(inputs: Iterable[InputFile], cfg: Any, names: tuple[str, ...],
            workers: int) -> Iterator[FileResult]:
    """FileResults in input order, each file's articles in a list (for callers that keep
    them; :func:`stream` is the bounded-memory form)."""
    for streamed in stream(inputs, cfg, names, workers):
        yield streamed.collect()
