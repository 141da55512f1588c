"""Count characters a conversion changed, at C speed (no Python loop per character).

Equal-length texts are compared as big integers of UTF-32 code units: XOR, fold each 32-bit
lane onto its lowest bit, count bits. Where a phrase changed length (輝達→英伟达, 程式設計→编程)
the texts are lined up on the full-width comma (OpenCC never converts it; ``str.split`` is
several times faster than a regex split); clauses whose length changed count with their
longer side.
"""

from __future__ import annotations

from itertools import compress
from operator import eq, ne


def _differing(a: str, b: str) -> int:
    """Positions where two equal-length strings differ."""
    if a == b:
        return 0
    x = int.from_bytes(a.encode("utf-32-le"), "little") ^ int.from_bytes(
        b.encode("utf-32-le"), "little")
    x |= x >> 16
    x |= x >> 8
    x |= x >> 4
    x |= x >> 2
    x |= x >> 1
    return (x & int.from_bytes(b"\x01\x00\x00\x00" * len(a), "little")).bit_count()


def changed_chars(before: str, after: str) -> int:
    """Characters changed from ``before`` to ``after`` (exact when no phrase changed length)."""
    if before == after:
        return 0
    if len(before) == len(after):
        return _differing(before, after)
    a, b = before.split("，"), after.split("，")
    if len(a) != len(b):
        return max(len(before), len(after))
    la, lb = list(map(len, a)), list(map(len, b))
    same = list(map(eq, la, lb))
    total = _differing("".join(compress(a, same)), "".join(compress(b, same)))
    differ = list(map(ne, la, lb))
    return total + sum(map(max, compress(la, differ), compress(lb, differ)))
