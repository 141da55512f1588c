"""Engines run stage functions over inputs; they know nothing about Chinese."""

from __future__ import annotations

import gc

# Collections of the youngest generation after this many new objects (Python's default: 700).
# A run allocates millions of short-lived, acyclic objects (token lists, decoded articles)
# beside a large long-lived heap (dictionaries), and at the default every few thousand of them
# trigger a collection, and every hundred collections a full scan of that heap: about 6 % of a
# run's CPU, measured on the benchmark's text dump. Cycles are rare, so collecting less often
# costs little memory.
GC_THRESHOLD = (20_000, 50, 50)


def tune_gc() -> None:
    """Collect less often in a process that runs the pipeline (driver and workers)."""
    gc.set_threshold(*GC_THRESHOLD)
