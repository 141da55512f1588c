"""Best-path segmentation of a short window with jieba's word frequencies.

Repair asks one question many times: "which reading of these ten characters is the likelier
Chinese?" (华伪 vs 华为, 再于 vs 在于). A unigram maximum-probability segmentation over a small
window answers it in microseconds and also says which word the changed character ends up in and
what its neighbours are, which the context statistics then use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_WORD = 5


@dataclass
class Lexicon:
    logp: dict[str, float]  # word -> log probability (only words with a frequency)
    unknown: float  # log probability of a character the dictionary lacks

    @classmethod
    def from_jieba(cls) -> Lexicon:
        import jieba

        jieba.dt.check_initialized()
        total = float(jieba.dt.total)
        logt = math.log(total)
        logp = {w: math.log(f) - logt for w, f in jieba.dt.FREQ.items() if f > 0}
        return cls(logp, -logt - 2.0)

    def parse(self, s: str, extra: dict[str, float] | None = None) -> tuple[float, list[int]]:
        """Best-path log probability of ``s`` and its word boundaries (0 = start, len(s) = end).

        ``extra`` adds two-character words for this document only (recurring names).
        """
        n = len(s)
        logp = self.logp
        unk = self.unknown
        best = [0.0] + [-1e18] * n
        back = [0] * (n + 1)
        for j in range(1, n + 1):
            top = -1e18
            arg = j - 1
            for i in range(j - MAX_WORD if j > MAX_WORD else 0, j):
                lp = logp.get(s[i:j])
                if lp is None:
                    if extra and i == j - 2:
                        lp = extra.get(s[i:j])
                    if lp is None:
                        if i != j - 1:
                            continue
                        lp = unk
                v = best[i] + lp
                if v > top:
                    top = v
                    arg = i
            best[j] = top
            back[j] = arg
        cuts = [n]
        j = n
        while j > 0:
            j = back[j]
            cuts.append(j)
        cuts.reverse()
        return best[n], cuts
