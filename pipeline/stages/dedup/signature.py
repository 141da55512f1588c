"""What dedup remembers of an article: text hashes, a MinHash signature, paragraph hashes.

Everything here is a pure function of the article's final (converted, cleaned) text, computed
with fixed seeds and explicit byte orders, so a signature written to the persistent index today
compares equal to one computed tomorrow on another machine.

The MinHash uses datasketch's permutation scheme (``affine32``: MurmurHash3 finaliser, then
``a*h + b`` in uint32) over 32-bit hashes of character shingles. Shingle hashing and the
permutations run as whole-array numpy operations, which is what makes ≥ 2,000 articles/s per
core possible; datasketch's own ``update_batch`` hashes shingle by shingle in Python.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import numpy as np

from pipeline.stages.dedup.params import permutations

# Bump when normalisation, shingle hashing or the paragraph hash change: stored signatures
# from an older version then no longer compare, and the index says so instead of mismatching.
SIGNATURE_VERSION = 1
SEED = 1
SCHEME = "affine32"

_NOT_ALNUM = re.compile(r"[\W_]+")
_MIX = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime: spreads code points over 64 bits
_U32 = np.uint64(32)


def normalise(text: str) -> str:
    """NFKC, lower case, letters and digits only: what survives re-chroming and re-spacing.

    Punctuation goes first so NFKC (slow on full-width punctuation) sees less text; a second
    pass catches the rare compatibility character NFKC expands into punctuation (⑴ → (1)).
    """
    out = unicodedata.normalize("NFKC", _NOT_ALNUM.sub("", text)).lower()
    return out if not out or out.isalnum() else _NOT_ALNUM.sub("", out)


_NOT_ALNUM_OR_NL = re.compile(r"[^\w\n]+|_+")


def normalise_paragraphs(paragraphs: list[str]) -> list[str]:
    """``normalise`` of each paragraph, in one pass over the joined text (one regex call)."""
    out = unicodedata.normalize("NFKC", _NOT_ALNUM_OR_NL.sub("", "\n".join(paragraphs)))
    parts = out.lower().split("\n")
    if len(parts) != len(paragraphs) or not "".join(parts).isalnum():
        return [normalise(p) for p in paragraphs]  # NFKC made punctuation or line breaks
    return parts


def exact_key(normalised: str) -> bytes:
    """16-byte hash of the normalised text: equal keys are exact duplicates."""
    return hashlib.blake2b(normalised.encode("utf-8"), digest_size=16).digest()


def paragraph_hashes(normalised: list[str], min_chars: int) -> dict[int, int]:
    """Normalised paragraph hash → its length, for paragraphs of at least ``min_chars``."""
    out: dict[int, int] = {}
    for norm in normalised:
        if len(norm) >= min_chars:
            digest = hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest()
            out[int.from_bytes(digest, "little", signed=True)] = len(norm)
    return out


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (a bijection that spreads every input bit), element-wise
    on uint32 with wrap-around multiplication: the pre-mix of the ``affine32`` scheme."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


class Signer:
    """MinHash signatures over ``shingle``-character shingles with ``num_perm`` permutations."""

    def __init__(self, shingle: int, num_perm: int) -> None:
        self.shingle = shingle
        self.num_perm = num_perm
        a, b = permutations(num_perm, SEED, SCHEME)
        self._a = np.ascontiguousarray(a.reshape(-1, 1), dtype=np.uint32)
        self._b = np.ascontiguousarray(b.reshape(-1, 1), dtype=np.uint32)
        self._powers = [_MIX ** np.uint64(shingle - 1 - j) for j in range(shingle)]
        self._buf = np.empty((num_perm, 4096), dtype=np.uint32)

    def shingle_hashes(self, normalised: str) -> np.ndarray:
        """32-bit hash of every ``shingle``-character window (polynomial over code points)."""
        points = np.frombuffer(normalised.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        count = len(points) - self.shingle + 1
        if count <= 0:
            return np.empty(0, dtype=np.uint32)
        acc = points[:count] * self._powers[0]
        for j in range(1, self.shingle):
            acc += points[j:j + count] * self._powers[j]
        return (acc ^ (acc >> _U32)).astype(np.uint32)

    def signature(self, normalised: str) -> np.ndarray | None:
        """The MinHash hash values (uint32, ``num_perm`` long), or None below one shingle."""
        hashes = self.shingle_hashes(normalised)
        if not len(hashes):
            return None
        hashes = fmix32(hashes)
        width = self._buf.shape[1]
        best = None
        for start in range(0, len(hashes), width):  # bounded memory for very long texts
            part = hashes[start:start + width]
            out = self._buf[:, :len(part)]
            np.multiply(self._a, part, out=out)
            np.add(out, self._b, out=out)
            low = out.min(axis=1)
            best = low if best is None else np.minimum(best, low)
        return best


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal hash values)."""
    return float(np.count_nonzero(a == b)) / len(a)


def published_key(value: str | None, naive_offset_hours: float) -> float:
    """Seconds since the epoch for sorting (ISO 8601, else RFC 2822); unknown sorts last."""
    if not value:
        return float("inf")
    text = value.strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return float("inf")
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone(timedelta(hours=naive_offset_hours)))
    try:
        return when.timestamp()
    except (OverflowError, OSError, ValueError):
        return float("inf")
