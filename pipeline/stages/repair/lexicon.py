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
from dataclasses import dataclass, field

from pipeline.cache import cache_dir
from pipeline.io import atomic_write
from pipeline.stages.repair.stats import jieba_dict, loaded_jieba

MAX_WORD = 5


def cache_key() -> str:
    """Names what is built from jieba's dictionary (this lexicon, lists derived from it)."""
    _dict_file, dict_key = jieba_dict()
    return hashlib.sha256(f"{dict_key}|{MAX_WORD}|partial+tags+interned+floats".encode()
                          ).hexdigest()[:16]


@dataclass
class Lexicon:
    logp: dict[str, float]  # word -> log probability (only words with a frequency)
    # prefixes of words that are not words themselves: with ``logp`` they let the search
    # stop early (half the parse time), and they are a third the size of all prefixes
    partial: frozenset[str]
    unknown: float  # log probability of a character the dictionary lacks
    tags: dict[str, str] = field(default_factory=dict)  # jieba's POS tag of every word

    @classmethod
    def from_jieba(cls) -> Lexicon:
        """Built from jieba's dictionary once, then read from the user cache in one piece:
        loading jieba's prefix dictionary costs about a second at every start, and the
        words are stored once for both tables (a third faster than two dictionaries)."""
        path = cache_dir() / f"repair-lexicon-{cache_key()}.marshal"
        try:
            joined, logps, n_untagged, tags, partial, unknown = marshal.loads(path.read_bytes())
            words = joined.split("\n")
            # words: untagged with a frequency, tagged with one, tagged without one; so
            # ``logps`` covers a prefix of the list and ``tags`` a suffix
            return cls(dict(zip(words, logps)), partial, unknown,
                       dict(zip(words[n_untagged:], tags)))
        except (OSError, EOFError, ValueError, TypeError):
            pass
        dict_file, _key = jieba_dict()
        tag_of: dict[str, str] = {}
        with dict_file.open(encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 3:  # one object per tag: marshal writes it once, and the
                    tag_of[parts[0]] = sys.intern(parts[2])  # table loads as 55 distinct
        jieba = loaded_jieba()
        jieba.dt.check_initialized()
        total = float(jieba.dt.total)
        logt = math.log(total)
        # one float object per frequency (as for the tags: the table loads 5,087 of them,
        # not a float a word)
        by_freq: dict[int, float] = {}
        logp = {w: by_freq.setdefault(f, math.log(f) - logt)
                for w, f in jieba.dt.FREQ.items() if f > 0}
        partial = frozenset(w for w in jieba.dt.FREQ if len(w) <= MAX_WORD and w not in logp)
        unknown = -logt - 2.0
        untagged = [w for w in logp if w not in tag_of]
        words = untagged + [w for w in logp if w in tag_of] + [w for w in tag_of
                                                              if w not in logp]
        data = ("\n".join(words), [logp[w] for w in words[:len(logp)]], len(untagged),
                [tag_of[w] for w in words[len(untagged):]], partial, unknown)
        try:
            atomic_write(path, marshal.dumps(data))
        except OSError:
            pass  # a read-only home still works, just slower to start
        return cls(logp, partial, unknown, tag_of)


    def parse(self, s: str, extra: dict[str, float] | None = None) -> tuple[float, list[int]]:
        """Best-path log probability of ``s`` and its word boundaries (0 = start, len(s) = end).

        ``extra`` adds two-character words for this document only (recurring names).
        """
        n = len(s)
        logp = self.logp
        partial = self.partial
        unk = self.unknown
        neg = -1e18
        best = [0.0] + [neg] * n
        back = [0] * (n + 1)
        for i in range(n):
            here = best[i]
            v = here + logp.get(s[i], unk)
            if v > best[i + 1]:
                best[i + 1] = v
                back[i + 1] = i
            if extra and i + 2 <= n:
                lp = extra.get(s[i:i + 2])
                if lp is not None and here + lp > best[i + 2]:
                    best[i + 2] = here + lp
                    back[i + 2] = i
            top = min(n, i + MAX_WORD)
            j = i + 2
            while j <= top:
                frag = s[i:j]
                lp = logp.get(frag)
                if lp is None:
                    if frag not in partial:
                        break  # no word starts with it
                else:
                    v = here + lp
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
    return _SHARED
