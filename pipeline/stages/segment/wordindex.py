"""The dictionary's words and log probabilities as two sorted arrays, for the few questions
run-wide discovery asks ("is it a word, how common?").

Why not a dict: discovery asks about a few thousand candidates and their tokens, and a dict of
the 350k words costs 0.17 s to build at every start and about 40 MB in the runner's main
process (measured), against 2 ms and 5.6 MB for this table read from the cache. A word is keyed
by a 64-bit BLAKE2b digest of its UTF-8 bytes: a word outside the dictionary passes for one
only when its key equals a dictionary word's, with odds of about 2 in 10^14 per question
(and two dictionary words share a key with odds of about 3 in 10^9; jieba's with ours share
none, tested).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from typing import Any

import numpy as np

FORMAT = "word-index-1"  # part of the cache label: bump when keys or values change


def word_key(word: str) -> int:
    """The 64-bit key of ``word`` (stable across processes, unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def build(word_freqs: Iterable[tuple[list[str], Any]], total: float) -> tuple[bytes, bytes]:
    """Sorted keys and their log probabilities, as bytes (what the cache stores), from chunks
    of (words, frequencies). Each value is ``log(f) - log(total)``, the float the tokenizer's
    word table holds."""
    log_total = math.log(total)
    keys: list[int] = []
    logps: list[float] = []
    for words, freqs in word_freqs:
        keys += map(word_key, words)
        logps += [math.log(f) - log_total for f in freqs]
    key_arr = np.array(keys, dtype=np.uint64)
    order = np.argsort(key_arr, kind="stable")
    return key_arr[order].tobytes(), np.array(logps, dtype=np.float64)[order].tobytes()


class WordIndex:
    """``word in index`` and ``index.get(word)`` over the dictionary's words."""

    def __init__(self, keys: bytes, logps: bytes) -> None:
        self._keys = np.frombuffer(keys, dtype=np.uint64)
        self._logps = np.frombuffer(logps, dtype=np.float64)

    def __len__(self) -> int:
        return len(self._keys)

    def _row(self, word: str) -> int:
        key = np.uint64(word_key(word))
        i = int(np.searchsorted(self._keys, key))
        return i if i < len(self._keys) and self._keys[i] == key else -1

    def get(self, word: str, default: float | None = None) -> float | None:
        """The word's log probability; ``default`` for a word the dictionary lacks."""
        i = self._row(word)
        return default if i < 0 else float(self._logps[i])

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._row(word) >= 0
