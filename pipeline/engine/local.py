"""Local engine: a process pool over input files, results consumed in input order.

Order is fixed by the input walk, so ``-j 2`` writes the same bytes as ``-j 1``. State is
prepared in the parent before forking where the platform allows, so workers share it.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

from pipeline.engine.work import FileResult, decode_result, encode_result, prepared, process_file
from pipeline.io import InputFile


def _task(inp: InputFile, cfg: Any, names: tuple[str, ...]) -> bytes:
    return encode_result(process_file(inp, cfg, names))


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover
        return max(1, os.cpu_count() or 1)


def results(inputs: Iterable[InputFile], cfg: Any, names: tuple[str, ...],
            workers: int) -> Iterator[FileResult]:
    """FileResults in input order."""
    if workers <= 1:
        for inp in inputs:
            yield process_file(inp, cfg, names)
        return
    prepared(cfg, names)  # build once in the parent; forked workers inherit it
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    ctx = mp.get_context(method)
    with ctx.Pool(workers) as pool:
        for data in pool.imap(partial(_task, cfg=cfg, names=names), inputs, chunksize=1):
            yield decode_result(data)
