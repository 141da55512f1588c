"""Local engine: supervised worker processes over work units, results consumed in input order.

Order is fixed by the input walk, so ``-j 2`` writes the same bytes as ``-j 1``. State is
prepared in the parent before forking where the platform allows, so workers share it. The
supervisor (:mod:`pipeline.engine.supervised`) holds back only a bounded window of results, so
neither the workers nor the parent ever hold more than a bounded slice of a dump, however big
(see :mod:`pipeline.engine.units`); a worker that crashes or hangs costs only its unit.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import partial
from typing import Any

from pipeline.engine import supervised
from pipeline.engine.units import (
    Result,
    StreamedFile,
    Unit,
    crashed_unit,
    decode_unit,
    group,
    input_sizes,
    plan,
    run_unit,
    split_bytes,
    unit_articles,
    unit_bytes,
)
from pipeline.engine.work import FileResult, Limits, expect_input, prepared
from pipeline.io import Blanks, InputFile


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover
        return max(1, os.cpu_count() or 1)


def _task(unit: Unit, tick: Any, cfg: Any, names: tuple[str, ...],
          write_dir: str | None = None) -> bytes:
    return run_unit(unit, cfg, names, tick, write_dir)


def unit_results(units: Iterable[Unit], cfg: Any, names: tuple[str, ...],
                 workers: int, blanks: Blanks | None = None,
                 sizes: list[tuple[str, int]] | None = None) -> Iterator[Result]:
    """(unit, done, articles) in input order. In-process only with ``-j 1`` and
    ``[run] isolate = false`` (no serialisation, no crash isolation: for debugging).
    With ``blanks`` (the runner's, for its output folder), a worker here shares the runner's
    disk: it writes each article's file into that folder itself (units.run_unit), and the
    runner's one process only patches the fields it sets and renames the file."""
    run = cfg.section("run")
    if workers <= 1 and not run.get("isolate", True):
        for unit in units:
            done, articles = unit_articles(unit, cfg, names)
            yield unit, done, ((article, None, None) for article in articles)
        return
    state = prepared(cfg, names)  # build once in the parent; forked workers inherit it
    if sizes is None:
        units = list(units) if not isinstance(units, list) else units
        sizes = [(unit.inp.path, unit_bytes(unit)) for unit in units]
    expect_input(state, sizes)
    timeout = float(run.get("article_timeout", 0))
    stall = max(30.0, 3 * timeout) if timeout > 0 else None
    # Units are planned as the workers take them (the driver reads the parts of a big WARC
    # or gzipped JSONL file then); each result is paired with its unit without the bytes a
    # carried part holds, which only its worker needs.
    sent: deque[Unit] = deque()

    def feed() -> Iterator[Unit]:
        for unit in units:
            sent.append(replace(unit, data=None) if unit.data is not None else unit)
            yield unit

    write_dir = str(blanks.folder) if blanks is not None else None
    results = supervised.imap(partial(_task, cfg=cfg, names=names, write_dir=write_dir),
                              feed(), workers,
                              crashed=crashed_unit, stall=stall,
                              nice=int(run.get("worker_nice", 0)))
    try:
        for data in results:
            done, articles = decode_unit(data)
            yield sent.popleft(), done, articles
    finally:
        results.close()  # workers stop as soon as the consumer does


def stream(inputs: Iterable[InputFile], cfg: Any, names: tuple[str, ...],
           workers: int, blanks: Blanks | None = None) -> Iterator[StreamedFile]:
    """One StreamedFile per input, in input order: iterate its ``articles`` before reading
    its ``entry`` (complete once the articles are exhausted). Memory stays bounded.
    ``blanks``: the runner's pool of files for its output folder (see unit_results)."""
    inputs = list(inputs)
    limits = Limits.from_cfg(cfg)
    units = plan(inputs, split_bytes(cfg), limits.max_record_bytes)
    return group(unit_results(units, cfg, names, workers, blanks, input_sizes(inputs)))


def results(inputs: Iterable[InputFile], cfg: Any, names: tuple[str, ...],
            workers: int) -> Iterator[FileResult]:
    """FileResults in input order, each file's articles in a list (for callers that keep
    them; :func:`stream` is the bounded-memory form)."""
    for streamed in stream(inputs, cfg, names, workers):
        yield streamed.collect()
