"""Local engine: a process pool over input files, results consumed in input order.

Order is fixed by the input walk, so ``-j 2`` writes the same bytes as ``-j 1``. State is
prepared in the parent before forking where the platform allows, so workers share it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

from pipeline.engine import supervised
from pipeline.engine.work import (
    FileResult,
    crash_result,
    decode_result,
    encode_result,
    prepared,
    process_file,
)
from pipeline.io import InputFile


def _task(inp: InputFile, tick: Any, cfg: Any, names: tuple[str, ...]) -> bytes:
    return encode_result(process_file(inp, cfg, names, tick))


def _crashed(inp: InputFile, reason: str) -> bytes:
    return encode_result(crash_result(inp, reason))


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover
        return max(1, os.cpu_count() or 1)


def results(inputs: Iterable[InputFile], cfg: Any, names: tuple[str, ...],
            workers: int) -> Iterator[FileResult]:
    """FileResults in input order; supervised workers unless [run] isolate = false and -j 1."""
    run = cfg.section("run")
    if workers <= 1 and not run.get("isolate", True):
        for inp in inputs:
            yield process_file(inp, cfg, names)
        return
    prepared(cfg, names)  # build once in the parent; forked workers inherit it
    timeout = float(run.get("article_timeout", 0))
    stall = max(30.0, 3 * timeout) if timeout > 0 else None
    for data in supervised.imap(partial(_task, cfg=cfg, names=names), inputs, workers,
                                crashed=_crashed, stall=stall):
        yield decode_result(data)
