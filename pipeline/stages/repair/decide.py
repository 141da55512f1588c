"""Decisions: which reading of a confusable character or pinyin syllable the text meant.

A noisy-channel choice per position. For each reading X of the observed character L (L itself
included) the score is

    best-path log probability of the window with X            (jieba word frequencies)
  + context evidence when X stands alone as a word              (People's Daily neighbour counts)
  + log P(L written | X meant) for X != L                       (estimated per document)

A 得 that could be either particle is decided in two steps (``_decide_particle``): is it a
laundered particle at all, from the scores of 的 and 地 together against 得; then which one,
from a logistic model of the particle (``particle.py``, which sees both neighbours and the
words beyond them together), with a band between 的 and 地 where it is left alone: one month
of People's Daily cannot settle every slot, and a 得 left alone is a smaller harm than a wrong
particle.

The last term is what keeps clean text clean: in a document with its normal share of 的, a
stray 得 is very unlikely to be a laundered 的, while in a document with forty 得 and no 的 it
almost surely is. A change is made only when the best reading beats L by ``margin`` nats.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from pipeline.article import Repair
from pipeline.cache import cached_marshal
from pipeline.stages.repair import lexicon as lexicon_mod
from pipeline.stages.repair import particle
from pipeline.stages.repair import stats as stats_mod
from pipeline.stages.repair.lexicon import Lexicon
from pipeline.stages.repair.tables import Confusion

CJK = "\u4e00-\u9fff"
_CJK_RE = re.compile(f"[{CJK}]")
_CJK_RUN = re.compile(f"[{CJK}]{{3,}}")
PINYIN_RE = re.compile(r"(?<![A-Za-z0-9])[a-z]{2,6}(?![A-Za-z0-9])")
_NOMINAL = {"的": 3.0, "得": -3.0}
# After a verb, 得 followed by a degree adverb is the complement marker (POS rule).
_DEGREE = frozenset("很太更挺蛮非十特相越极")
_NOT_DEGREE = frozenset({"好处", "好多", "十年", "十个", "更新", "更多", "相关", "相同", "特点",
                         "非法", "好的"})
_COMPLEMENT_BONUS = 4.0
# Coarse tags of words that are not modifiers: a word ending in 地 built on one is a noun.
_NOUN_TAGS = frozenset("nsfrmqtj")
# The structural particles: their decisions also read the two words after the next one, so
# their right-hand window is this much wider.
_PARTICLES = frozenset("的地得")
_RIGHT_MORE = 5
# ... and their left-hand window this much: the particle model reads the two words before
# the modifier (他 生气地, 能够 节约地, 进行了 深入的), and a four-character modifier would
# fill a window of five.
_LEFT_MORE = 5
# 得 → 的 is left alone when the particle model leans to 地 by more than this (log odds).
_DE_VETO = 0.0
# 得 → 地 needs the particle model to lean to 地 by at least this much: 地 is a twentieth of
# the particles, so a slot the model barely prefers as 地 is still often a 的.
_SURE_DI = 1.5
# 地 after a one-character word is 更好地 / 更多地 (a degree adverb before it); 痛得睡不着 and
# 气得发抖 are the complement 得.
_DEGREE_BEFORE = frozenset("更 最 很 太 较 越 极 更加 比较 十分 非常 尽".split())
# The modal 得 (must): a person opening the clause, then 得 and the verb phrase.
_PERSONS = frozenset("你 我 他 她 您 我们 你们 他们 她们 咱们 咱 大家 自己".split())
_CLAUSE_START = frozenset((stats_mod.START, "所以", "因此", "但", "但是", "那", "那么", "现在",
                           "今天", "明天", "我看", "看来", "反正", "也许"))
_DEGREE_WORDS = frozenset("很 太 更 最 挺 真 非常 十分 特别 比较 相当 极其".split())
# after which a one-character word is the head of a noun phrase: 他的笑很迷人, 他的爱也…
_PREDICATE_AFTER = frozenset("很 真 太 也 都 是 就 却 最 非常 十分 特别 让 使 令 的 和 与".split())
# The particle 地 after a noun the corpus never saw before 地 (fewer than _DI_SEEN times).
_DI = "地" + stats_mod.PARTICLE
_NOUN_DI = -6.0
_DI_SEEN = 2
# 在 opens a locative frame that a postposition closes (在艰难中, 在离开白宫之前); 再 does not.
_FRAME_WORDS = frozenset("中 上 下 里 前 后 时 方面 期间 之间 以来 当中 之中 以前 以后 之后 之前 "
                         "之际 之下 面前 看来 时候 过程 之内 以内 领域 手里 身上".split())
_FRAME_BONUS = {"再": {"在": 1.5, "再": -0.5}}
_NO_FRAME = {"再": {"在": -0.7}}
_CLAUSE = re.compile(r"[^，。、；：！？,.;:!?“”\"（）()\n]{1,14}")
FEMALE = re.compile("女|妈|母|姐|妹|妻|娘|婆|嫂|姑|姨|奶|夫人|小姐|太太|她的丈夫|闺")


@dataclass
class Settings:
    margin: float = 1.0
    context_weight: float = 1.0
    context_beta: float = 20.0
    window: int = 5
    pinyin: bool = True
    she_to_it: bool = False
    rate_floor: float = 0.01
    choice_margin: float = 1.0
    margin_unflagged: float = 4.5
    word_keep: float = 3.0


@dataclass
class Decider:
    confusion: dict[str, Confusion]
    settings: Settings
    summary: stats_mod.Summary
    share: dict[str, float]  # g: normal share of each source against its targets
    pattern: re.Pattern
    homophones: dict[str, list[str]]
    _confusable: frozenset[str]
    common_words: dict[str, tuple[str, ...]]
    _ctx: dict[tuple[str, str, str], float] = field(default_factory=dict)
    _ctx2: dict[tuple[str, str, str], float] = field(default_factory=dict)
    _logits: dict[tuple[str, str, str, str, str, str], float] = field(default_factory=dict)
    _slot: tuple[str, str, str, str, str, str] = ("", "", "", "", "", "")
    _after: tuple[str, int] = ("", 0)  # the paragraph and the end of the character decided
    _lexicon: Lexicon | None = None  # loaded for the first article that needs decisions
    _stats: stats_mod.ContextStats | None = None  # the same
    _doc_words: dict[int, float] = field(default_factory=dict)  # by lexicon code
    _unigram: dict[str, float] = field(default_factory=dict)
    _laundered: bool = False

    def __post_init__(self) -> None:
        n = float(self.summary.tokens or 1)
        self._unigram = {k: math.log((c + 1) / n) for k, c in self.summary.total.items()}

    @classmethod
    def build(cls, confusion: dict[str, Confusion], settings: Settings) -> Decider:
        tracked = set(confusion)
        for row in confusion.values():
            tracked.update(row.targets)
        tracked.update("她它")
        st = stats_mod.summary(frozenset(tracked))
        share = {}
        for src, row in confusion.items():
            own = st.char_count.get(src, 0) + 1
            share[src] = own / (own + sum(st.char_count.get(t, 0) + 1 for t in row.targets))
        chars = "".join(sorted(confusion))
        alternatives = [f"[{re.escape(chars)}]"] if chars else []
        if settings.pinyin:
            alternatives.append(PINYIN_RE.pattern)
        pattern = re.compile("|".join(alternatives) or r"(?!x)x")
        return cls(confusion, settings, st, share, pattern, st.homophones,
                   frozenset(tracked), _cached_common_words(confusion))

    @property
    def stats(self) -> stats_mod.ContextStats:
        """The context statistics: 19 MB, so only when an article needs decisions (the gate
        needs only the summary)."""
        if self._stats is None:
            self._stats = stats_mod.load(self._confusable)
        return self._stats

    @property
    def lexicon(self) -> Lexicon:
        """jieba's word frequencies: a fifth of a second to load, so only when an article
        needs decisions (the gate does not)."""
        if self._lexicon is None:
            self._lexicon = lexicon_mod.shared()
        return self._lexicon

    def loose_count(self, text: str, src: str) -> int:
        """Occurrences of ``src`` outside its common words (获得, 觉得, 再次, 视野), counting
        at most two per following character: only those can be laundered, and an article
        about prizes has many 获得 and no laundering."""
        n = text.count(src)
        if n < 3:
            return n
        for word in self.common_words.get(src, ()):
            n -= text.count(word)
        if n < 3:
            return max(n, 0)
        # A launderer swaps 在 wherever it stands, so the laundered 再 has varied right-hand
        # neighbours; fifty 再就业 in a paper on re-employment is one term said fifty times.
        nexts: dict[str, int] = {}
        i = text.find(src)
        while i >= 0:
            ch = text[i + 1:i + 2]
            nexts[ch] = nexts.get(ch, 0) + 1
            i = text.find(src, i + 1)
        return min(n, sum(c if c < 2 else 2 for c in nexts.values()))

    # -- document-level channel estimate ----------------------------------------------------

    def start_document(self, text: str, laundered: bool) -> dict[str, dict[str, float]]:
        """Per-document state: recurring names as words (燧原), and the channel rates.

        In a laundered article the plain-misuse rows (gate weight 0: 的↔地) are off: the
        launderer moved 的 to 得, so their counts no longer say anything about misuse.
        """
        self._doc_words = self._recurring(text)
        self._laundered = laundered
        rates = self.doc_rates(text, laundered)
        if laundered:
            for src, row in self.confusion.items():
                if row.gate_weight <= 0:
                    rates.pop(src, None)
        return rates

    def _recurring(self, text: str) -> dict[int, float]:
        """Two-character strings seen three or more times that the dictionary lacks: names
        like 燧原, so that 燧原得投资方 is not read as 燧 原地 投资方 (by lexicon code, as
        ``Lexicon.parse`` takes them)."""
        counts: dict[str, int] = {}
        for m in _CJK_RUN.finditer(text):
            run = m.group()
            for i in range(len(run) - 1):
                pair = run[i:i + 2]
                counts[pair] = counts.get(pair, 0) + 1
        lexicon = self.lexicon
        skip = self._confusable
        n = max(len(text), 1)
        return {lexicon_mod.code(p): math.log(c / n) for p, c in counts.items()
                if c >= 3 and p not in lexicon and p[0] not in skip and p[1] not in skip}

    def doc_rates(self, text: str, laundered: bool = True) -> dict[str, dict[str, float]]:
        """log P(source written | target meant) per source and target, from this document.

        Surplus of a source over its normal share is taken as laundered targets, split by the
        targets' corpus frequencies; the rate is that surplus against the targets still seen.
        """
        out: dict[str, dict[str, float]] = {}
        cc = self.summary.char_count
        for src, row in self.confusion.items():
            n_src = self.loose_count(text, src)
            n_t = {t: text.count(t) for t in row.targets}
            genuine = self.share[src] * (n_src + sum(n_t.values()))
            # Surplus beyond chance: a clean article may well hold a few more 再 than usual.
            surplus = max(0.0, n_src - genuine - 1.0 - 2.0 * math.sqrt(genuine))
            # In a laundered article every 的 met was swapped, so the surplus splits like the
            # targets' frequencies; plain misuse (取地 for 取得) is no likelier one way.
            weights = {t: (cc.get(t, 0) + 1 if laundered and row.gate_weight > 0 else 1.0)
                       for t in row.targets}
            wsum = sum(weights.values())
            rates = {}
            for t in row.targets:
                laundered = surplus * weights[t] / wsum + self.settings.rate_floor
                rates[t] = math.log(laundered / (laundered + n_t[t] + 1.0))
            out[src] = rates
        return out

    # -- context evidence -------------------------------------------------------------------

    def _context(self, ch: str, word: str, side: str) -> float:
        key = (ch, word, side)
        v = self._ctx.get(key)
        if v is None:
            w = stats_mod.norm_word(word) if word not in (stats_mod.START, stats_mod.END) \
                else word
            v = stats_mod.log_ratio_side(self.stats, ch, w, side, self.settings.context_beta)
            if len(self._ctx) < 500_000:
                self._ctx[key] = v
        return v

    def _tag(self, word: str) -> str:
        return self.stats.word_tag.get(word) or stats_mod.guess_tag(word)

    def _slot_words(self, win: str, cuts: list[int], idx: int, n_left: int,
                    n_right: int) -> tuple[str, str, str, str, str, str]:
        """The three words before the slot at cut ``idx`` and the three after it;
        ``particle.CUT`` for a word the window may have cut off."""
        w = self.settings.window
        norm = stats_mod.norm_word
        last = len(cuts) - 1

        def word(i: int) -> str:
            if i < 0:
                return stats_mod.START if n_left < w + _LEFT_MORE else particle.CUT
            if i >= last:
                return stats_mod.END if n_right < w + _RIGHT_MORE else particle.CUT
            if (cuts[i] == 0 and n_left >= w + _LEFT_MORE) or (cuts[i + 1] == len(win)
                                                  and n_right >= w + _RIGHT_MORE):
                return particle.CUT
            return norm(win[cuts[i]:cuts[i + 1]])

        nxt, after, after2 = word(idx + 1), word(idx + 2), word(idx + 3)
        if len(nxt) > 2 and nxt not in self.stats.word_count and stats_mod.coarse_tag(
                stats_mod.jieba_tag(nxt, "n")) not in _NOUN_TAGS:
            # jieba's dictionary holds phrases People's Daily splits (推进改革, 开展调查; not
            # nouns such as 解决方案): read them as their leading corpus word and the rest
            for cut in range(len(nxt) - 1, 1, -1):
                if nxt[:cut] in self.stats.word_count:
                    nxt, after, after2 = nxt[:cut], nxt[cut:], after
                    break
        if self._laundered:
            # particles are repaired left to right, so a lone 得 ahead of the slot is still
            # as laundered as this one: most likely a 的 (推动国家得脱贫工作)
            after = "的" if after == "得" else after
            after2 = "的" if after2 == "得" else after2
        return word(idx - 3), word(idx - 2), word(idx - 1), nxt, after, after2

    def _di_logit(self, slot: tuple[str, str, str, str, str, str]) -> float:
        """log P(地) / P(的) for the slot, from the trained particle model."""
        v = self._logits.get(slot)
        if v is None:
            v = particle.logit(self.stats.di_model, particle.features(*slot, self._tag,
                                                                  self.stats.profile))
            if len(self._logits) < 500_000:
                self._logits[slot] = v
        return v

    def _next2(self, key: str, nxt: str, after: str) -> float:
        ck = (key, nxt, after)
        v = self._ctx2.get(ck)
        if v is None:
            v = stats_mod.log_ratio_next2(self.stats, key, self._tag(stats_mod.norm_word(nxt)),
                                          stats_mod.word_class(self.stats, after),
                                          self.settings.context_beta)
            if len(self._ctx2) < 500_000:
                self._ctx2[ck] = v
        return v

    def _adverb_form(self, word: str) -> bool:
        """Is this dictionary word a modifier plus the particle 地 (悄悄地, 真诚地), rather
        than a noun ending in 地 (根据地, 殖民地, 世界各地)?"""
        stem = word[:-1]
        if len(stem) < 2 or stem not in self.lexicon:
            return False
        seen = self.stats.prev[_DI].get(stem, 0)
        if seen >= _DI_SEEN and seen > self.stats.word_count.get(word, 0):
            # People's Daily writes 系统 地 / 创造性 地 apart, more often than as one word:
            # the 地 is the particle, whatever jieba's tag for the whole (n, for these)
            return True
        whole = stats_mod.coarse_tag(stats_mod.jieba_tag(word) or "n")
        return self._tag(stem) not in _NOUN_TAGS and whole not in _NOUN_TAGS

    def _score(self, left: str, x: str, right: str, key: str | None) -> tuple[float, bool]:
        """Window score with ``x`` at the centre and whether ``x`` joined a longer word.

        ``key`` names the context statistics for ``x`` standing alone (``地/u`` when only the
        particle reading counts); their unigram replaces the dictionary's for that word.
        """
        win = left + x + right
        k = len(left)
        score, cuts = self.lexicon.parse(win, self._doc_words)
        idx = 0
        while cuts[idx + 1] <= k:
            idx += 1
        a, b = cuts[idx], cuts[idx + 1]
        in_word = b - a > 1
        if in_word and b == k + 1 and key is not None and key.endswith(stats_mod.PARTICLE) \
                and self._adverb_form(win[a:b]):
            # 轻轻地, 真诚地 are dictionary words, yet the 地 in them is the particle: read
            # the window with it standing alone so the context statistics see 轻轻 / 地.
            lscore, lcuts = self.lexicon.parse(left, self._doc_words)
            rscore, rcuts = self.lexicon.parse(right, self._doc_words)
            score = lscore + self.lexicon.logp(x, self.lexicon.unknown) + rscore
            cuts = lcuts + [k + 1 + c for c in rcuts]
            idx = len(lcuts) - 1
            a, b = k, k + 1
            in_word = False
        if not in_word and key is not None and self.stats.total.get(key):
            prev = win[cuts[idx - 1]:a] if idx > 0 else stats_mod.START
            nxt = win[b:cuts[idx + 2]] if idx + 2 < len(cuts) else stats_mod.END
            score += self._unigram[key] - self.lexicon.logp(x, self.lexicon.unknown)
            if key[0] == "的":
                self._slot = self._slot_words(win, cuts, idx, len(left), len(right))
            cw = self.settings.context_weight
            score += cw * (self._context(key, prev, "prev") + self._context(key, nxt, "next"))
            if key[0] in _PARTICLES and idx + 3 < len(cuts) and (
                    cuts[idx + 3] < len(win) or len(right) < self.settings.window + _RIGHT_MORE):
                # the word after the next: 认真地学习了 / 深刻的了解。 (a word cut off by the
                # window says nothing)
                score += cw * self._next2(key, nxt, win[cuts[idx + 2]:cuts[idx + 3]])
            if x == "得" and nxt[:1] in _DEGREE and nxt not in _NOT_DEGREE \
                    and self._tag(prev) == "v":
                score += _COMPLEMENT_BONUS  # 跑得很快, 做得非常好: the complement 得
            if key == _DI and self._tag(prev) in _NOUN_TAGS \
                    and self.stats.prev[key].get(stats_mod.norm_word(prev), 0) < _DI_SEEN:
                score += _NOUN_DI  # 原厂的结合度: a noun modifies with 的, unless seen (历史地)
            if nxt == "是" and x in _NOMINAL and len(prev) == 1:
                score += _NOMINAL[x]  # 想做的是 (V的是) is a nominal, never 想做得是
        return score, in_word

    # -- paragraph pass ---------------------------------------------------------------------

    def repair(self, text: str, index: int, rates: dict[str, dict[str, float]],
               log: list[Repair]) -> str:
        """Two passes: everything but the particles, then the particles, so that 的/地/得
        are judged with their neighbours already repaired (坚持不懈得伪此 → 为此 first)."""
        text = self._pass(text, index, rates, log, particles=False)
        return self._pass(text, index, rates, log, particles=True)

    def _pass(self, text: str, index: int, rates: dict[str, dict[str, float]],
              log: list[Repair], particles: bool) -> str:
        w = self.settings.window
        pos = 0
        while True:
            m = self.pattern.search(text, pos)
            if m is None:
                return text
            s, e = m.span()
            seen = m.group()
            if (seen in _PARTICLES) != particles:
                pos = e
                continue
            more = seen in _PARTICLES
            left = text[max(0, s - w - (_LEFT_MORE if more else 0)):s]
            right = text[e:e + w + (_RIGHT_MORE if more else 0)]
            if len(seen) == 1 and seen in self.confusion:
                if seen not in rates:
                    pos = e
                    continue
                frame = seen in _FRAME_BONUS and self._frame(text, e)
                self._after = (text, e)
                choice = self._decide_char(seen, left, right, rates[seen], frame)
            else:
                choice = self._decide_pinyin(seen, left, right)
            if choice is None:
                pos = e
                continue
            new, rule, conf = choice
            log.append(Repair(paragraph=index, offset=s, from_=seen, to=new, rule=rule,
                              confidence=round(conf, 3)))
            text = text[:s] + new + text[e:]
            pos = s + len(new)

    def _frame(self, text: str, end: int) -> bool:
        """Does a locative frame close after this point (在 … 中/之前/方面)? Read up to the
        next punctuation, segmented, so 中国 or 上海 do not count."""
        m = _CLAUSE.match(text, end)
        if m is None:
            return False
        span = m.group()
        _score, cuts = self.lexicon.parse(span)
        return any(span[a:b] in _FRAME_WORDS for a, b in zip(cuts, cuts[1:], strict=False))

    def _decide_char(self, seen: str, left: str, right: str, rates: dict[str, float],
                     frame: bool = False) -> tuple[str, str, float] | None:
        row = self.confusion[seen]
        bonus = _FRAME_BONUS.get(seen) if frame else _NO_FRAME.get(seen)
        base, base_word = self._score(left, seen, right, seen)
        if bonus:
            base += bonus.get(seen, 0.0)
        # 的 or 地 in one slot: a 地 reading must also convince the particle model (see
        # particle.py), asked with the words around the 的 reading of the slot.
        de = (base, self._slot) if seen == "的" and not base_word else None
        lean = 0.0  # the particle model's log odds of 地 against 的 (得 only)
        particle_slot: tuple[float, float, tuple[str, ...]] | None = None
        best, best_x, best_word = base, None, False
        scored = []
        word_alone = -1e18  # best reading where a lone-only target (地) makes a word
        for x in row.targets:
            sc, in_word = self._score(left, x, right,
                                      x + stats_mod.PARTICLE if x in row.alone else x)
            if x == "的" and not in_word:
                de = (sc, self._slot)
            elif x == "地" and not in_word and de is not None and seen == "得":
                slot = de[1]
                if slot[1] == "在" and not self._frame(*self._after):
                    # 还在不断地改变。: 在 with no 中/之下 closing the clause is the progressive
                    # (正在), not the frame of 在不断的改变中
                    slot = (slot[0], "正在", *slot[2:])
                lean = self._di_logit(slot)
                particle_slot = (de[0], sc, slot)
            if row.when == "word" and not in_word:
                continue
            if in_word and x in row.alone:
                if not self._laundered:
                    return None  # 地 would make a word (基地, 天地): another kind of error
                word_alone = max(word_alone, sc)
                continue
            if bonus:
                sc += bonus.get(x, 0.0)
            scored.append((sc + rates.get(x, -20.0), x, in_word))
        if particle_slot is not None and word_alone < -1e17:
            return self._decide_particle(base, base_word, particle_slot, lean, rates)
        if not scored:
            return None
        scored.sort(reverse=True)
        if word_alone > scored[0][0]:
            return None  # 根据得 reads best as 根据地: not laundering, leave it
        best, best_x, best_word = scored[0]
        if best_x == "的" and not best_word and lean > _DE_VETO:
            return None  # the model leans to 地 (坚定不移得推进): neither 的 nor 地 is sure
        gain = best - base
        need = self.settings.margin if self._laundered or best_word \
            else self.settings.margin_unflagged
        if base_word and not best_word:
            # 再生产 is a word; 在 生产 only wins on 在's sheer frequency: ask for more.
            need += self.settings.word_keep
        if gain < need:
            return None
        if len(scored) > 1:
            second, _x, second_word = scored[1]
            # A lone particle against a word (的 against 赢得) is scored on different footing:
            # ask for a wider lead.
            need = self.settings.choice_margin * (3.0 if second_word != best_word else 1.0)
            if best - second < need:
                return None  # 的 or 地? too close to call: leave it
        rule = f"confusion-{'word' if best_word else 'context'}"
        return best_x, rule, 1.0 / (1.0 + math.exp(-gain))

    def _decide_particle(self, base: float, base_word: bool,
                         slot_scores: tuple[float, float, tuple[str, ...]],
                         lean: float, rates: dict[str, float]) -> tuple[str, str, float] | None:
        """得 where both 的 and 地 would stand alone: first, is it a laundered particle at all
        (against the complement 得 of 跑得很快 or the modal 得), read from the window scores
        of both particles together; then 的 or 地, read from the particle model, which sees
        the modifier, the verb or noun after the slot and the words around them at once."""
        de_sc, di_sc, slot = slot_scores
        a, b = de_sc + rates.get("的", -20.0), di_sc + rates.get("地", -20.0)
        particle_score = max(a, b) + math.log1p(math.exp(-abs(a - b)))
        gain = particle_score - base
        need = self.settings.margin if self._laundered else self.settings.margin_unflagged
        if base_word and not (self._laundered and lean >= _SURE_DI + self.settings.word_keep
                              and len(slot[2]) > 1):
            # 坚定不移得以邓小平理论为指导: in a laundered article, a particle model sure of
            # 地 by the word's own margin outweighs the word 得以
            need += self.settings.word_keep
        if gain < need:
            return None
        if self._not_particle(slot):
            return None
        if lean >= _SURE_DI and (len(slot[2]) > 1 or slot[1] in _DEGREE_BEFORE):
            new = "地"
        elif lean < _DE_VETO:
            new = "的"
        else:
            return None  # a particle, but 的 or 地 is not sure: leave it
        return new, "confusion-context", 1.0 / (1.0 + math.exp(-gain))

    def _not_particle(self, slot: tuple[str, ...]) -> bool:
        """The modal 得 (must), which neither particle can replace: a person opening the
        clause, then an adverb or a one-character verb that is not a noun phrase's head
        (你得赶快走, 我们得想办法, 他得走了; not 他得笑很迷人). Wider rules (a verb with its
        object: 大家得抓紧时间; the complement after a one-character verb: 跑得满头大汗) fired
        five times on the laundered PKU set, each time on a true 的 (旅游的新特点, 您的防卫
        思想), so they are left out."""
        before, p, n, after = slot[1], slot[2], slot[3], slot[4]
        n_tag = particle.fine(n)
        if p in _PERSONS and (before in _CLAUSE_START or not _CJK_RE.match(before[:1])):
            if n_tag[:1] == "d" and n not in _DEGREE_WORDS:
                return True
            if len(n) == 1 and n_tag == "v" and after not in _PREDICATE_AFTER:
                return True
        return False

    def _decide_pinyin(self, seen: str, left: str, right: str) -> tuple[str, str, float] | None:
        options = self.homophones.get(seen)
        before = bool(left) and _CJK_RE.match(left[-1]) is not None
        after = bool(right) and _CJK_RE.match(right[0]) is not None
        if not options or not (before or after):
            return None
        best, best_x, best_word = -1e18, None, False
        for x in options[:12]:
            sc, in_word = self._score(left, x, right, None)
            if sc > best:
                best, best_x, best_word = sc, x, in_word
        if best_x is None:
            return None
        if best_word:
            return best_x, "pinyin-word", 0.9
        if best_x == options[0] and (self._laundered or (before and after)):
            return best_x, "pinyin", 0.6  # 干hao。: the commonest reading, standing alone
        return None

    # -- 她 → 它 ------------------------------------------------------------------------------

    def she_to_it(self, paragraphs: list[str], whole: str, log: list[Repair]) -> None:
        """她 → 它 in a laundered article that never marks a woman (experimental, off by default).

        A content farm swaps 它 for 她; an article that mentions no woman at all (女, 妈, 夫人,
        ...) and speaks of its people as 他 is taken to mean 它.
        """
        if "她" not in whole or mentions_women(whole) or "他" not in whole:
            return
        for i, para in enumerate(paragraphs):
            if "她" not in para:
                continue
            chars = list(para)
            for off, ch in enumerate(chars):
                if ch == "她":
                    log.append(Repair(paragraph=i, offset=off, from_="她", to="它",
                                      rule="she-it", confidence=0.6))
                    chars[off] = "它"
            paragraphs[i] = "".join(chars)


COMMON_WORDS = 40  # per source character
COMMON_MIN_LOGP = math.log(300 / 60_000_000)  # jieba frequency 300 and up


def _cached_common_words(confusion: dict[str, Confusion]) -> dict[str, tuple[str, ...]]:
    """``_common_words`` from the user cache, so the gate can start without the lexicon."""
    sources = "".join(sorted(confusion))
    key = f"{lexicon_mod.cache_key()}|{sources}|{COMMON_WORDS}|{COMMON_MIN_LOGP}"
    return cached_marshal("repair-common", key,
                          lambda: _common_words(lexicon_mod.shared(), confusion))


def _common_words(lexicon: Lexicon, confusion: dict[str, Confusion]) -> dict[str, tuple[str, ...]]:
    """The most frequent dictionary words holding each source once (获得, 再次, 视野), for
    ``loose_count``; words that would read as a target (在于 for 再) cannot appear here."""
    out: dict[str, list[tuple[float, str]]] = {src: [] for src in confusion}
    sources = frozenset(confusion)
    for word, lp in lexicon.words():
        if lp < COMMON_MIN_LOGP or len(word) < 2 or len(word) > 4:
            continue
        for src in sources.intersection(word):
            if word.count(src) == 1:
                out[src].append((lp, word))
    result = {}
    for src, words in out.items():
        words.sort(reverse=True)
        chosen: list[str] = []
        for _lp, w in words:
            # skip a word inside an already chosen one's count (获得 vs 获得者 double count)
            if any(c in w or w in c for c in chosen):
                continue
            chosen.append(w)
            if len(chosen) == COMMON_WORDS:
                break
        result[src] = tuple(chosen)
    return result


def mentions_women(text: str) -> bool:
    return FEMALE.search(text) is not None
