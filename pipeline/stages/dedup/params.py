"""MinHash permutations and LSH band shape, computed by datasketch once and cached.

Importing datasketch pulls in scipy (for its band optimiser) and costs about 0.6 s of CPU,
more than dedup spends on a thousand articles; every run and every ``zhnews dedup`` paid it.
The numbers depend only on (num_perm, seed, scheme) and (threshold, num_perm), and on the
datasketch version, which is part of the cache key, so an upgrade recomputes them.
"""

from __future__ import annotations

import json

import numpy as np

from pipeline.cache import cache_dir, installed_version
from pipeline.io import atomic_write


def _cached(name: str, compute) -> dict:
    path = cache_dir() / f"{name}-datasketch{installed_version('datasketch')}.json"
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        pass
    value = compute()
    try:
        atomic_write(path, json.dumps(value).encode("utf-8"))
    except OSError:
        pass  # a read-only home still works, just slower to start
    return value


def permutations(num_perm: int, seed: int, scheme: str) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's MinHash permutation parameters ``(a, b)`` as uint32 arrays."""
    def compute() -> dict:
        from datasketch import MinHash

        a, b = MinHash(num_perm=num_perm, seed=seed, scheme=scheme).permutations
        return {"a": [int(x) for x in a], "b": [int(x) for x in b]}

    got = _cached(f"minhash-{num_perm}-{seed}-{scheme}", compute)
    return np.array(got["a"], dtype=np.uint32), np.array(got["b"], dtype=np.uint32)


def band_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) datasketch's MinHashLSH picks for ``threshold`` (its default weights)."""
    def compute() -> dict:
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        return {"bands": lsh.b, "rows": lsh.r}

    got = _cached(f"lsh-{threshold:.6f}-{num_perm}", compute)
    return int(got["bands"]), int(got["rows"])
