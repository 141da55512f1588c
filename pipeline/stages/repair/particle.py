"""的 or 地? A small logistic model of the adverbial particle, trained on People's Daily.

Neighbour counts taken one at a time (``stats.log_ratio_side``) cannot tell 原厂的结合度 from
紧密地结合: 结合 follows 地 often, but only after a modifier. This model sees the neighbours
together: the word before (认真, 轻轻, 坚定不移; its tag, its reduplication), the word before
that (有了更深的了解, 进行深入的研究), the word after (a verb or not) and the one after it (了, 着, ：
for a predicate; ，, 和, 中 for a nominalised verb), and the pairs among them. It is trained on
every particle 的 and 地 in the tagged corpus when the statistics are built (a few seconds,
then cached with them) and answers one number: log P(地) / P(的) for a slot that holds one.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Mapping

from pipeline.stages.repair import stats as stats_mod

EPOCHS = 6
RATE = 0.1
L2 = 1e-5
MIN_COUNT = 2  # a feature seen once in the corpus is left out
CUT = "<cut>"  # a word the window cut off: its features are never seen in training

# The context words kept as themselves: stats' function words, plus the light verbs and
# degree adverbs that tell a nominal slot (有 重要的, 进行 深入的, 更 大的) and the edges.
FUNCTION_WORDS = stats_mod.FUNCTION_WORDS | frozenset(
    "有 有了 进行 表示 作出 做出 受到 得到 给予 加以 更 最 很 <s> </s>".split())
# Modal verbs before the modifier announce a predicate (能够 节约地 生活, 要 坚定不移地); as a
# plain v they would look like 有 重要的 意义, so they are kept as themselves.
MODALS = frozenset("能 能够 要 将 会 可以 应 应该 应当 必须 需要 愿意 敢 可 得以 想".split())


def _shape(word: str) -> str:
    """Reduplication shape: 轻轻 (AA), 喜滋滋 (ABB), 扎扎实实 (AABB), 一天一天 (ABAB)."""
    n = len(word)
    if n == 2 and word[0] == word[1]:
        return "AA"
    if n == 3 and word[1] == word[2]:
        return "ABB"
    if n == 4 and word[0] == word[1] and word[2] == word[3]:
        return "AABB"
    if n == 4 and word[:2] == word[2:]:
        return "ABAB"
    return str(min(n, 4))


def _cls(word: str, tag: Callable[[str], str]) -> str:
    """A word away from the slot: itself when a function word, modal or cut, else its tag."""
    return word if word in FUNCTION_WORDS or word in MODALS or word == CUT else tag(word)


def features(ppp: str, pp: str, p: str, n: str, n2: str, n3: str, tag: Callable[[str], str],
             profile: Mapping[str, str]) -> list[str]:
    """Feature names for a particle slot between ``p`` and ``n`` (``pp`` and ``ppp`` before
    ``p``, ``n2`` and ``n3`` after ``n``; ``CUT`` where the window cut the word off).
    ``profile`` holds each word's usage bins over the whole corpus (``stats._profiles``)."""
    pt, nt = tag(p), tag(n)
    pm = profile.get(p, "uuuu")[0]  # does p modify predicates or nouns?
    nprof = profile.get(n, "uuuu")
    nv, npre, npost = nprof[1], nprof[2], nprof[3]  # is n a predicate or a noun?
    ppc = pp if pp in FUNCTION_WORDS or pp in MODALS or pp == CUT else tag(pp)
    n2c = n2 if n2 in FUNCTION_WORDS or n2 == CUT else tag(n2)
    pppc, n3c = _cls(ppp, tag), _cls(n3, tag)
    pj, nj = fine(p), fine(n)
    return ["b", "p=" + p, "pt=" + pt, "ps=" + _shape(p), "n=" + n, "nt=" + nt,
            "n2=" + n2c, "nt,n2=" + nt + n2c, "pt,nt=" + pt + nt, "pp=" + ppc,
            "pp,pt=" + ppc + pt, "p,nt=" + p + nt, "pt,n=" + pt + n, "ps,nt=" + _shape(p) + nt,
            "pj=" + pj, "nj=" + nj, "pj,nj=" + pj + "," + nj, "nj,n2=" + nj + "," + n2c,
            "pd=" + str(_jieba_tag(p + "地") is not None),
            # characters: 创造性/突然 end like adverbials, 不断/不懈 start like them
            "pl=" + p[-1:], "pf=" + p[:1], "nf=" + n[:1], "pl,nt=" + p[-1:] + nt,
            "n2w=" + n2, "ppw=" + pp, "p,n2=" + p + "," + n2c, "n,n2=" + n + "," + n2c,
            "pm=" + pm, "nv=" + nv, "npre=" + npre, "npost=" + npost, "pm,nv=" + pm + nv,
            "pm,npre=" + pm + npre, "nv,npost=" + nv + npost, "pm,nt=" + pm + nt,
            # a word further out: 能够 坚定不移地 / 进行了 深入的; 推动 国家 的 脱贫 (an object)
            "ppp=" + pppc, "ppp,pp=" + pppc + "," + ppc, "ppp,nt=" + pppc + nt,
            "n3=" + n3c, "n2,n3=" + n2c + "," + n3c, "nt,n2,n3=" + nt + n2c + "," + n3c]


def fine(word: str) -> str:
    """jieba's own tag, finer than the corpus's first letter: ad (积极), vn (发展), z (悄悄)."""
    return _jieba_tag(word, "-") or "-"


def _jieba_tag(word: str, default: str | None = None) -> str | None:
    from pipeline.stages.repair import stats

    return stats.jieba_tag(word, default)


def train(examples: list[tuple[str, str, str, str, str, str, bool]],
          tag: Callable[[str], str], profile: Mapping[str, str]) -> dict[str, float]:
    """Weights of a logistic model P(地 | slot) from (ppp, pp, p, n, n2, n3, is_di) examples."""
    rows = [(features(*slot[:6], tag, profile), slot[6]) for slot in examples]
    seen = Counter(f for feats, _y in rows for f in feats)
    rows = [([f for f in feats if seen[f] >= MIN_COUNT], y) for feats, y in rows]
    w: dict[str, float] = {}
    g2: dict[str, float] = {}  # AdaGrad: frequent features settle, rare ones still move
    rng = random.Random(1998)
    for _epoch in range(EPOCHS):
        rng.shuffle(rows)
        for feats, y in rows:
            z = sum(w.get(f, 0.0) for f in feats)
            z = max(-30.0, min(30.0, z))
            grad = 1.0 / (1.0 + math.exp(-z)) - (1.0 if y else 0.0)
            for f in feats:
                old = w.get(f, 0.0)
                g = grad + L2 * old
                acc = g2.get(f, 0.0) + g * g
                g2[f] = acc
                w[f] = old - RATE * g / math.sqrt(acc + 1e-8)
    return {f: round(v, 4) for f, v in w.items() if abs(v) >= 1e-3}


def logit(weights: dict[str, float], feats: list[str]) -> float:
    """log P(地) / P(的) for one slot."""
    return sum(weights.get(f, 0.0) for f in feats)
