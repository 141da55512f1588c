"""The LSH band tables in sorted arrays: the same holders as a set per key, in less memory."""

from __future__ import annotations

import random

import numpy as np
import pytest

from pipeline.stages.dedup import bands as bands_mod
from pipeline.stages.dedup.bands import BandTable


class _Sets:
    """What the table stands for: a set of live holders per key, at most ``cap`` of them."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.held: dict[int, set[int]] = {}

    def hold(self, number: int, keys: list[int]) -> None:
        for key in keys:
            now = self.held.setdefault(key, set())
            if len(now) < self.cap:
                now.add(number)

    def remove(self, number: int) -> None:
        for now in self.held.values():
            now.discard(number)

    def holders(self, keys: list[int]) -> list[set[int]]:
        return [set(self.held.get(k, ())) for k in keys]


def _sets(table: BandTable, keys: list[int]) -> list[set[int]]:
    held = table.holders(np.array(keys, dtype=np.uint64))
    return [set(held.get(i, ())) for i in range(len(keys))]


@pytest.mark.parametrize("recent", [7, 64, 1 << 18])
def test_holders_equal_a_set_per_key_through_runs_merges_and_removals(monkeypatch, recent):
    """Random records over a small key space (so keys are shared, buckets fill up to the cap
    and records are removed and come back under new numbers); with few recent keys, the
    table seals and merges runs many times."""
    monkeypatch.setattr(bands_mod, "RECENT_KEYS", recent)
    rng = random.Random(recent)
    table, sets = BandTable(cap=5), _Sets(cap=5)
    numbers: list[int] = []
    for number in range(3000):
        keys = [rng.randrange(400) * 0x9E3779B97F4A7C15 % (1 << 64) for _ in range(6)]
        keys.append(rng.getrandbits(64))  # a key of its own
        assert _sets(table, keys) == sets.holders(keys)
        table.hold(number, np.array(keys, dtype=np.uint64))
        sets.hold(number, keys)
        numbers.append(number)
        if rng.random() < 0.15:  # a record replaced: its number is gone for good
            gone = numbers.pop(rng.randrange(len(numbers)))
            table.remove(gone)
            sets.remove(gone)
    probe = [k * 0x9E3779B97F4A7C15 % (1 << 64) for k in range(400)]
    assert _sets(table, probe) == sets.holders(probe)
    assert all(len(h) <= 5 for h in _sets(table, probe))
    if recent < 100:
        assert len(table._runs) > 1  # merged into several runs, not one


def test_a_key_costs_about_twelve_bytes():
    """25 band keys of 20,000 unique records: under 400 bytes a record once sealed, where 25
    dicts of Python ints took about 2.1 KB (measured)."""
    import gc
    import tracemalloc

    rng = random.Random(1)
    keys = [[rng.getrandbits(64) for _ in range(25)] for _ in range(20_000)]
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        table = BandTable(cap=64)
        for number, ks in enumerate(keys):
            table.hold(number, np.array(ks, dtype=np.uint64))
        table._seal()
        gc.collect()
        per_record = (tracemalloc.get_traced_memory()[0] - before) / len(keys)
    finally:
        tracemalloc.stop()
    assert len(table) == 25 * len(keys)
    assert per_record < 400, per_record
    assert table.holders(np.array(keys[123][:1], dtype=np.uint64)) == {0: [123]}
