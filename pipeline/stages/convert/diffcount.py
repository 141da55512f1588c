"""Count characters a conversion changed, at C speed (no Python loop per character).

Equal-length texts are compared as numpy arrays of UTF-32 code units (one vectorised
comparison; several times faster than XOR-ing them as big integers). Where a phrase changed
length (輝達→英伟达, 程式設計→编程) the texts are lined up on the full-width comma (OpenCC
never converts it; ``str.split`` is several times faster than a regex split); clauses whose
length changed count with their longer side.
"""

from __future__ import annotations

from itertools import compress
from operator import eq, ne

import numpy as np


def differing(a: str, b: str) -> int:
    """Positions where two equal-length strings differ."""
    if a == b:
        return 0
    return int(np.count_nonzero(np.frombuffer(a.encode("utf-32-le"), np.uint32)
                                != np.frombuffer(b.encode("utf-32-le"), np.uint32)))


def changed_chars(before: str, after: str) -> int:
    """Characters changed from ``before`` to ``after`` (exact when no phrase changed length)."""
    if before == after:
        return 0
    if len(before) == len(after):
        return differing(before, after)
    a, b = before.split("，"), after.split("，")
    if len(a) != len(b):
        return max(len(before), len(after))
    la, lb = list(map(len, a)), list(map(len, b))
    same = list(map(eq, la, lb))
    total = differing("".join(compress(a, same)), "".join(compress(b, same)))
    differ = list(map(ne, la, lb))
    return total + sum(map(max, compress(la, differ), compress(lb, differ)))
