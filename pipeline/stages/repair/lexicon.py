"""Best-path segmentation of a short window with jieba's word frequencies.

Repair asks one question many times: "which reading of these ten characters is the likelier
Chinese?" (华伪 vs 华为, 再于 vs 在于). A unigram maximum-probability segmentation over a small
window answers it in microseconds and also says which word the changed character ends up in and
what its neighbours are, which the context statistics then use.
"""

from __future__ import annotations

import hashlib
import marshal
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.cache import cache_dir, prune
from pipeline.heap import release_free_heap
from pipeline.io import atomic_write
from pipeline.stages.repair.stats import jieba_dict, loaded_jieba

MAX_WORD = 5
# A character as one 16-bit digit of a word's code; characters outside 1..0xFFFE (none in the
# dictionary) become this one, which no dictionary word holds.
_OTHER = 0xFFFF


def cache_key() -> str:
    """Names what is built from jieba's dictionary (this lexicon, lists derived from it)."""
    _dict_file, dict_key = jieba_dict()
    return hashlib.sha256(f"{dict_key}|{MAX_WORD}|codes+pairs".encode()).hexdigest()[:16]


def code(word: str) -> int:
    """A word as an int, a character a 16-bit digit (see ``_OTHER``): distinct words have
    distinct codes, and a code is a quarter the size of the string (32-36 bytes against 76-84
    for two to five characters), hashed for free."""
    k = 0
    for c in word:
        o = ord(c)
        k = (k << 16) | (o if 0 < o < _OTHER else _OTHER)
    return k


def word_of(k: int) -> str:
    """The word ``code`` made ``k`` from."""
    chars = []
    while k:
        chars.append(chr(k & 0xFFFF))
        k >>= 16
    return "".join(reversed(chars))


@dataclass
class Lexicon:
    """jieba's words keyed by ``code``: 349k words and 145k prefixes as ints, not strings,
    which took the RSS a process gains by loading it from 80 MB to 31.5 (measured)."""

    # word code -> (log probability, jieba's POS tag): one tuple per distinct pair (16,838),
    # so one table serves both questions
    entries: dict[int, tuple[float, str | None]]
    # codes of prefixes of words that are not words themselves: with ``entries`` they let the
    # search stop early (half the parse time), and they are a third the size of all prefixes
    partial: frozenset[int]
    unknown: float  # log probability of a character the dictionary lacks

    @classmethod
    def from_jieba(cls) -> Lexicon:
        """Built from jieba's dictionary once, then read from the user cache in one piece:
        loading jieba's prefix dictionary costs about a second at every start."""
        path = cache_dir() / f"repair-lexicon-{cache_key()}.marshal"
        try:
            entries, partial, unknown = marshal.loads(path.read_bytes())
            return cls(entries, partial, unknown)
        except (OSError, EOFError, ValueError, TypeError):
            pass
        dict_file, _key = jieba_dict()
        tag_of: dict[str, str] = {}
        with dict_file.open(encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 3:
                    tag_of[parts[0]] = parts[2]
        jieba = loaded_jieba()
        jieba.dt.check_initialized()
        total = float(jieba.dt.total)
        logt = math.log(total)
        # one object per distinct (log probability, tag): marshal writes a shared object once
        pairs: dict[tuple[float, str | None], tuple[float, str | None]] = {}
        entries = {}
        for w, f in jieba.dt.FREQ.items():
            if f > 0 and all(0 < ord(c) < _OTHER for c in w):
                tag = tag_of.get(w)
                pair = (math.log(f) - logt, None if tag is None else sys.intern(tag))
                entries[code(w)] = pairs.setdefault(pair, pair)
        partial = frozenset(code(w) for w, f in jieba.dt.FREQ.items()
                            if len(w) <= MAX_WORD and not f)
        unknown = -logt - 2.0
        try:
            atomic_write(path, marshal.dumps((entries, partial, unknown)))
            prune("repair-lexicon-")
        except OSError:
            pass  # a read-only home still works, just slower to start
        return cls(entries, partial, unknown)

    def logp(self, word: str, default: float | None = None) -> float | None:
        """The word's log probability; ``default`` for one the dictionary lacks."""
        entry = self.entries.get(code(word))
        return default if entry is None else entry[0]

    def tag(self, word: str, default: str | None = None) -> str | None:
        """jieba's POS tag of the word; ``default`` for one the dictionary lacks."""
        entry = self.entries.get(code(word))
        return default if entry is None or entry[1] is None else entry[1]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and code(word) in self.entries

    def words(self) -> Iterator[tuple[str, float]]:
        """Every word with its log probability (what tables derived from the whole
        dictionary walk)."""
        for k, (lp, _tag) in self.entries.items():
            yield word_of(k), lp

    def parse(self, s: str, extra: dict[int, float] | None = None) -> tuple[float, list[int]]:
        """Best-path log probability of ``s`` and its word boundaries (0 = start, len(s) = end).

        ``extra`` adds two-character words (by ``code``) for this document only (recurring
        names). A candidate's code grows a digit a character: no slice, no string hash.
        """
        n = len(s)
        entries = self.entries
        partial = self.partial
        unk = self.unknown
        digits = list(map(ord, s))
        if digits and (max(digits) >= _OTHER or not min(digits)):
            digits = [o if 0 < o < _OTHER else _OTHER for o in digits]
        neg = -1e18
        best = [0.0] + [neg] * n
        back = [0] * (n + 1)
        for i in range(n):
            here = best[i]
            k = digits[i]
            entry = entries.get(k)
            v = here + (unk if entry is None else entry[0])
            if v > best[i + 1]:
                best[i + 1] = v
                back[i + 1] = i
            if extra and i + 2 <= n:
                lp = extra.get((k << 16) | digits[i + 1])
                if lp is not None and here + lp > best[i + 2]:
                    best[i + 2] = here + lp
                    back[i + 2] = i
            top = min(n, i + MAX_WORD)
            j = i + 2
            while j <= top:
                k = (k << 16) | digits[j - 1]
                entry = entries.get(k)
                if entry is None:
                    if k not in partial:
                        break  # no word starts with it
                else:
                    v = here + entry[0]
                    if v > best[j]:
                        best[j] = v
                        back[j] = i
                j += 1
        cuts = [n]
        j = n
        while j > 0:
            j = back[j]
            cuts.append(j)
        cuts.reverse()
        return best[n], cuts


_SHARED: Lexicon | None = None


def shared() -> Lexicon:
    """The process's one lexicon (repair decisions and the tag look-ups share it)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = Lexicon.from_jieba()
        release_free_heap()  # the file's bytes and the split word list: 22 MB (measured)
    return _SHARED
