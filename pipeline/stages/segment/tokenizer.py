"""One jieba tokenizer per process, with the domain dictionary, width folding and a warm cache.

Why a cache of our own: jieba caches only its main dictionary, so every process would re-add
the user dictionary word by word (``add_word``, plus ``suggest_freq`` for entries without a
frequency) and re-read the 6 MB IDF table. We store the prepared state (log probabilities after
the user dictionary, the IDF table, the word list rjieba is loaded from) in marshal files keyed
by the dictionary hash, one per part, so a warm start reads only the parts a process uses, each
with one ``marshal.loads`` (about 3x faster than jieba's own cache load, which reads its file
in small pieces).

Why width folding and not full NFKC: full-width letters and digits (ＧＰＵ, １２３, ％) are
common in mainland news and jieba treats them as unknown characters; folding them to ASCII is
one character for one, so offsets computed on the folded text point into the original
paragraph unchanged. Full NFKC can change lengths (①, ㎡, ligatures) and would break that.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.machinery
import importlib.util
import logging
import marshal
import math
import re
import sys
from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterator
from itertools import accumulate, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.cache import cache_dir, installed_version, prune
from pipeline.heap import release_free_heap
from pipeline.io import atomic_write

if TYPE_CHECKING:
    from pipeline.stages.segment.names import Names
    from pipeline.stages.segment.wordindex import WordIndex

# Full-width letters, digits and the symbols jieba keeps inside a word (ＧＰＵ, Ａ１００, ３．５％)
# → ASCII. Full-width Chinese punctuation (，：；！？（）) is left alone: it is the house style.
FOLD_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)
              if chr(cp - 0xFEE0).isalnum() or chr(cp - 0xFEE0) in "+#&._%-"}

CACHE_FORMAT = "zhnews-segment-4"  # bump when the cut changes: part of dict_hash
# Files per dictionary state: base2 (total, IDF), logp, freq (for HMM), words (for rjieba), up
# to six tag sets and the derived tables.
KEEP_CACHE_FILES = 40
WORD_CHUNK = 10_000

# How jieba (0.42) splits text before its dictionary search, mirrored so tokens are identical.
_HAN_BLOCK = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")
_ALNUM = re.compile("[a-zA-Z0-9]")
_MISSING = object()

# ``cut_short`` tries every span of its text against the word index: a few characters only.
SHORT_TEXT = 16
# A character no Han block holds (blocks are _HAN_BLOCK matches): the compiled dictionary's
# total is made equal to jieba's with it (see Tokenizer.compiled).
_FILLER = "\ue000"


def number_pattern(units: str) -> re.Pattern[str]:
    """Spans cut as one token: decimals and percentages (3.5, 30%, 1.2.3), optionally a number
    with one of ``units`` (年月日 → 2024年, 12月), and runs of one dash or ellipsis (——, ……)."""
    unit = f"|[{re.escape(units)}]" if units else ""
    return re.compile(rf"[0-9]+(?:(?:\.[0-9]+)+%?|%{unit})|([—…\-~])\1+")


def merge_spans(text: str, tokens: list[str], offsets: list[list[int]],
                spans: list[tuple[int, int]]) -> None:
    """Glue the tokens covering each ``[start, end)`` span into one, in place; a span whose ends
    fall inside a token is left alone. ``spans`` are sorted and do not overlap."""
    if not spans:
        return
    starts = [o[0] for o in offsets]
    n = len(offsets)
    new_t: list[str] = []
    new_o: list[list[int]] = []
    i = 0
    for s, e in spans:
        j = bisect_left(starts, s, i)
        if j >= n or starts[j] != s:
            continue
        k = j
        while k < n and offsets[k][1] < e:
            k += 1
        if k >= n or offsets[k][1] != e or k == j:
            continue
        new_t.extend(tokens[i:j])
        new_o.extend(offsets[i:j])
        new_t.append(text[s:e])
        new_o.append([s, e])
        i = k + 1
    if i:
        new_t.extend(tokens[i:])
        new_o.extend(offsets[i:])
        tokens[:] = new_t
        offsets[:] = new_o


def jieba_paths() -> tuple[Path, Path]:
    """jieba's main dictionary and IDF table, as shipped in its wheel (found without importing
    jieba: its import costs 0.09 s, and a warm start never needs it)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ImportError("segment needs jieba")
    base = Path(spec.origin).parent
    return base / "dict.txt", base / "analyse" / "idf.txt"


def _jieba_version() -> str:
    """jieba's version (see :func:`pipeline.cache.installed_version`), else the module's."""
    found = installed_version("jieba")
    if found != "unknown":
        return found
    import jieba

    return str(jieba.__version__)


@functools.lru_cache(maxsize=8)
def file_digest(path: Path, size: int, mtime_ns: int) -> bytes:
    """SHA-256 of a file, once per process while it is unchanged (a tokenizer keys its cache
    twice: with and without the HMM flag)."""
    return hashlib.sha256(path.read_bytes()).digest()


def dict_hash(userdict: bytes, hmm: bool, number_units: str = "", names: str = "") -> str:
    """Everything that decides tokens: jieba's version and main dictionary, ours, the HMM flag,
    the number merging rule and the name lists (``names``: their digest, empty when off)."""
    main, _ = jieba_paths()
    st = main.stat()
    h = hashlib.sha256(CACHE_FORMAT.encode())
    h.update(f"jieba {_jieba_version()} hmm={int(hmm)} units={number_units}\n".encode())
    if names:
        h.update(f"names={names}\n".encode())
    h.update(file_digest(main, st.st_size, st.st_mtime_ns))
    h.update(hashlib.sha256(userdict).digest())
    return h.hexdigest()[:16]


def parse_userdict(text: str) -> list[tuple[str, int | None, str | None]]:
    """jieba's format: ``word [freq] [pos]``; ``#`` starts a comment line."""
    entries = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word, freq, tag = parts[0], None, None
        for part in parts[1:]:
            if part.isdigit():
                freq = int(part)
            else:
                tag = part
        entries.append((word, freq, tag))
    return entries


def _load_idf(path: Path) -> tuple[dict[str, float], float]:
    """jieba's IDF table and its median. One float object per value: 270k words share 3,328
    values, so the cached table (marshal writes a shared object once) loads 6 MB smaller in
    every process ("base2" in the cache; "base" held a float per word)."""
    idf: dict[str, float] = {}
    by_value: dict[float, float] = {}
    for line in path.read_text("utf-8").splitlines():
        word, _, value = line.strip().partition(" ")
        if value:
            number = float(value)
            idf[word] = by_value.setdefault(number, number)
    median = sorted(idf.values())[len(idf) // 2] if idf else 0.0
    return idf, median


def _build(userdict: bytes) -> tuple:
    """(total, frequencies, logp, idf, median idf): jieba's dictionaries plus ours (slow path)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for word, freq, tag in parse_userdict(userdict.decode("utf-8-sig")):
        tk.add_word(word, freq, tag)
    logtotal = math.log(tk.total)
    # Word → log probability, exactly as jieba computes it; None marks a prefix-only entry.
    logp = {w: (math.log(f) - logtotal if f else None) for w, f in tk.FREQ.items()}
    _, idf_path = jieba_paths()
    idf, median = _load_idf(idf_path)
    return tk.total, tk.FREQ, logp, idf, median


def _word_chunks(freq: dict[str, int]) -> tuple[list[str], list[bytes]]:
    """The words with a frequency, for the compiled cut: chunks of newline-joined words and
    their frequencies as int64 bytes, which load as a few big objects (not 350k small ones)."""
    words = [w for w, f in freq.items() if f]
    chunks, counts = [], []
    for i in range(0, len(words), WORD_CHUNK):
        part = words[i:i + WORD_CHUNK]
        chunks.append("\n".join(part))
        counts.append(array("q", [freq[w] for w in part]).tobytes())
    return chunks, counts


def _tagged(userdict: bytes, specs: list[tuple[frozenset[str], bool]]) -> list[list[str]]:
    """For each (tags, untagged_user) spec, the dictionary words so tagged; one read of the
    dictionaries for all of them."""
    main, _ = jieba_paths()
    out: list[list[str]] = [[] for _ in specs]
    with open(main, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                for words, (tags, _u) in zip(out, specs):
                    if parts[2] in tags:
                        words.append(parts[0])
    user = parse_userdict(userdict.decode("utf-8-sig"))
    for words, (tags, untagged_user) in zip(out, specs):
        words += [w for w, _f, tag in user if tag in tags or tag is None and untagged_user]
    return out


def _read_cache(path: Path) -> Any:
    try:  # loads(bytes) is several times faster than load(file), which reads in small pieces
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if isinstance(data, tuple) and len(data) >= 2 and data[0] == CACHE_FORMAT:
        return data[1:]
    return None


def _write_cache(path: Path, data: tuple) -> None:
    try:
        atomic_write(path, marshal.dumps((CACHE_FORMAT, *data)))
        prune("segment-", KEEP_CACHE_FILES)  # a few dictionary states' files
    except OSError:  # a read-only home only costs speed
        pass


def _rjieba_class() -> Any:
    """rjieba's ``Jieba`` class, or None without rjieba.

    Importing the package builds a default cutter with jieba-rs's own dictionary, which we
    never use (0.1 s and 35 MB in every process, measured), so the compiled module is loaded
    by itself where it can be; it is registered under its own name, so a later ``import
    rjieba`` finds it instead of initialising it twice."""
    if "rjieba" in sys.modules:  # imported already (or marked missing: None)
        package = sys.modules["rjieba"]
        return getattr(package, "Jieba", None)
    module = sys.modules.get("rjieba.rjieba")
    if module is None:
        try:
            spec = importlib.util.find_spec("rjieba")
            if spec is None:
                return None
            where = spec.submodule_search_locations
            ext = (importlib.machinery.PathFinder.find_spec("rjieba.rjieba", where)
                   if where else None)
            if ext is None or ext.loader is None:
                raise ImportError("no compiled rjieba module")
            module = importlib.util.module_from_spec(ext)
            ext.loader.exec_module(module)
        except ImportError:
            try:
                import rjieba
            except ImportError:
                return None
            return rjieba.Jieba
        sys.modules["rjieba.rjieba"] = module
    return getattr(module, "Jieba", None)


class Tokenizer:
    """A prepared jieba tokenizer: ``cut`` gives tokens with offsets into the original text.

    Without HMM, ``cut`` runs our own pass over jieba's dictionary: the same best path (same
    log probabilities summed in the same order, same tie-break: the longer word) with one dict
    lookup per candidate and no generators, which is 1.4-1.9x faster than ``jieba.cut`` and
    gives identical tokens (tests/test_segment_tokenizer.py checks it on real text). Where
    rjieba is installed it cuts instead, from a process's first cut (or before a run's
    workers fork, see ``expect``): the same Han blocks with the same frequencies, another 3x
    faster, with the same tokens (tested the same way). Building it costs about 0.17 s and
    36 MB, no more than reading the 77 MB word table our pass needs (0.17-0.19 s warm, 0.4 s
    in a fresh process, measured). ``backend="python"`` keeps our pass. With HMM on, jieba
    itself cuts.
    """

    def __init__(self, userdict: bytes, hmm: bool, use_cache: bool = True,
                 number_units: str = "", backend: str = "auto",
                 names: Names | None = None) -> None:
        if backend not in ("auto", "python"):
            raise ValueError(f"segment backend must be auto or python, not {backend!r}")
        self.hmm = hmm
        # names whole where the cut broke them (with HMM on, jieba's cut does that itself)
        self.names = names if not hmm else None
        self.hash = dict_hash(userdict, hmm, number_units,
                              self.names.digest if self.names is not None else "")
        self._userdict, self._use_cache = userdict, use_cache
        self._tag_sets: dict[tuple[frozenset[str], bool], frozenset[str]] = {}
        self._key = dict_hash(userdict, False, "")
        self._parts: dict[str, tuple] | None = None  # everything, when built in this process
        self._logp: dict[str, float | None] | None = None
        self._word_logp: dict[str, float] | None = None
        self._word_index: WordIndex | None = None
        total, self.idf, self.median_idf = self._load("base2")
        if self.names is not None:
            self.names.weigh_words(self.idf)
        self.unknown_logp = -math.log(total)  # jieba's log(1) - log(total)
        self.merge_rx = number_pattern(number_units)
        self._total = total
        # the compiled cut: None until built, False when unavailable or not wanted
        self._compiled: Any = False if hmm or backend == "python" else None
        self._jieba: Any = None
        if hmm:  # jieba's own cut needs its integer frequencies
            import jieba

            jieba.setLogLevel(logging.WARNING)
            self._jieba = jieba.Tokenizer()
            self._jieba.FREQ, self._jieba.total = self._load("freq")[0], total
            self._jieba.initialized = True
        release_free_heap()  # what reading the tables left: 16 MB after the IDF (measured)

    def _load(self, part: str) -> tuple:
        """One part of the prepared dictionary (base2: total, IDF and its median; logp; freq;
        words), from the cache or built (all parts at once: the slow path, a few seconds)."""
        path = cache_dir() / f"segment-{self._key}.{part}.marshal"
        data = _read_cache(path) if self._use_cache and self._parts is None else None
        if data is not None:
            return data
        if self._parts is None:
            total, freq, logp, idf, median = _build(self._userdict)
            self._parts = {"base2": (total, idf, median), "logp": (logp,), "freq": (freq,),
                           "words": _word_chunks(freq)}
            if self._use_cache:
                for name, value in self._parts.items():
                    _write_cache(cache_dir() / f"segment-{self._key}.{name}.marshal", value)
        return self._parts[part]

    @functools.cached_property
    def max_idf(self) -> float:
        """The largest IDF a word gets from this tokenizer's table: the table's largest, or
        its median for words it lacks (what lets keywords skip words that cannot win)."""
        return max(max(self.idf.values(), default=self.median_idf), self.median_idf)

    @property
    def logp(self) -> dict[str, float | None]:
        """Word → jieba's log probability; None for a prefix of a word that is not a word.
        Read on first use: a worker that cuts with rjieba never needs it (81 MB)."""
        if self._logp is None:
            self._logp = self._load("logp")[0]
            release_free_heap()
        return self._logp

    @property
    def word_logp(self) -> dict[str, float] | dict[str, float | None]:
        """Word → log probability for the dictionary's words; a prefix that is no word is
        absent (or None). What walks every word (the likely name characters, built once per
        dictionary state) needs no more, and this is read from the compiled cut's word list in
        two thirds of the time of ``logp`` with its prefixes, in 40 MB against 71 (measured);
        ``logp`` itself when it is loaded already. A question about a few words is
        ``word_index``'s."""
        if self._logp is not None:
            return self._logp
        if self._word_logp is None:
            log_total = math.log(self._total)
            word_logp: dict[str, float] = {}
            for words, freqs in self._word_freqs():
                # as _build computes logp: log(f) - log(total)
                word_logp.update(zip(words, [math.log(f) - log_total for f in freqs]))
            self._word_logp = word_logp
        return self._word_logp

    def _word_freqs(self) -> Iterator[tuple[list[str], array]]:
        """The words with a frequency and their frequencies, a chunk at a time (the "words"
        part: what the compiled cut is loaded from)."""
        chunks, counts = self._load("words")
        for chunk, raw in zip(chunks, counts):
            freqs = array("q")
            freqs.frombytes(raw)
            yield chunk.split("\n"), freqs

    @property
    def word_index(self) -> WordIndex:
        """The dictionary's words and log probabilities as sorted arrays (see
        :mod:`~pipeline.stages.segment.wordindex`): what asks about a few words (run-wide
        discovery, ``known``) reads it in 2 ms, where ``word_logp`` costs 0.17 s and 40 MB."""
        if self._word_index is None:
            from pipeline.stages.segment import wordindex  # numpy: not for one article's cut

            keys, logps = self.derived(wordindex.FORMAT,
                                       lambda: wordindex.build(self._word_freqs(), self._total))
            self._word_index = wordindex.WordIndex(keys, logps)
        return self._word_index

    def known(self, word: str) -> bool:
        """A dictionary word (jieba's or ours), not just a prefix of one."""
        return word in self.word_index

    def tagged(self, specs: list[tuple[frozenset[str], bool]]) -> list[frozenset[str]]:
        """For each (tags, untagged_user) spec, the dictionary words tagged with one of
        ``tags``: jieba's, and user words with such an explicit tag, plus untagged user words
        with ``untagged_user`` (a user word is a name unless its tag says otherwise). Empty
        ``tags`` give an empty set. Read once per process, on demand (only run-wide discovery
        asks), from cache files beside the tokenizer's; the specs not cached yet share one
        read of the dictionaries."""
        paths = {}
        for spec in specs:
            if spec in self._tag_sets:
                continue
            if not spec[0]:
                self._tag_sets[spec] = frozenset()
                continue
            tags, untagged_user = spec
            key = hashlib.sha256((" ".join(sorted(tags)) + ("+user" if untagged_user else ""))
                                 .encode()).hexdigest()[:8]
            paths[spec] = path = cache_dir() / f"segment-{self._key}.tags-{key}.marshal"
            cached = _read_cache(path) if self._use_cache else None
            if cached is not None:
                self._tag_sets[spec] = frozenset(cached[0])
        missing = [spec for spec in paths if spec not in self._tag_sets]
        if missing:
            for spec, words in zip(missing, _tagged(self._userdict, missing)):
                self._tag_sets[spec] = frozenset(words)
                if self._use_cache:
                    _write_cache(paths[spec], (words,))
        return [self._tag_sets[spec] for spec in specs]

    def derived(self, label: str, build: Callable[[], tuple]) -> tuple:
        """``build()``, a marshal-able tuple computed from this dictionary state, cached beside
        the tokenizer's files under ``label`` (which must name every other input of
        ``build``): tables a run derives from the whole dictionary once, not at every start."""
        key = hashlib.sha256(label.encode()).hexdigest()[:8]
        path = cache_dir() / f"segment-{self._key}.derived-{key}.marshal"
        cached = _read_cache(path) if self._use_cache else None
        if cached is not None:
            return tuple(cached)
        data = build()
        if self._use_cache:
            _write_cache(path, data)
        return data

    def cut(self, text: str, names: bool = True) -> tuple[list[str], list[list[int]]]:
        """Tokens of the width-folded text and their ``[start, end)`` in ``text``; no spaces.
        ``names=False``: without gluing personal names (the dictionary's cut, which does not
        depend on a name's neighbours: what the search indexes and their queries use)."""
        return self._cut(text, names=names)

    def cut_short(self, text: str) -> list[str]:
        """``cut(text)``'s tokens for a few characters (a run's new words, whose suggested
        frequencies its end writes), without loading the word table when this process has not
        (0.2 s and 81 MB, where the run's own workers did the cutting): the same best path
        from ``word_index``, which discovery has loaded already."""
        if (self._logp is not None or self._compiled or self._jieba is not None
                or len(text) > SHORT_TEXT):
            return self._cut(text)[0]
        return self._cut(text, self._cut_index_block)[0]

    def _cut(self, text: str, cut_block: Callable[[str, int, list[str], list[list[int]]], None]
             | None = None, names: bool = True) -> tuple[list[str], list[list[int]]]:
        folded = text.translate(FOLD_WIDTH)
        tokens: list[str] = []
        offsets: list[list[int]] = []
        if cut_block is not None:
            self._cut_folded(folded, tokens, offsets, cut_block)
        elif self._jieba is not None:
            pos = 0
            for tok in self._jieba.cut(folded, HMM=True):
                end = pos + len(tok)
                if not tok.isspace():
                    tokens.append(tok)
                    offsets.append([pos, end])
                pos = end
        else:
            compiled = self._compiled
            if compiled is None:
                compiled = self.compiled()
            self._cut_folded(folded, tokens, offsets,
                             self._cut_compiled_block if compiled else self._cut_block)
        spans = [m.span() for m in self.merge_rx.finditer(folded)]
        if spans:
            merge_spans(folded, tokens, offsets, spans)
        if names and self.names is not None:
            spans = self.names.spans(folded, tokens, offsets)
            if spans:
                merge_spans(folded, tokens, offsets, spans)
        return tokens, offsets

    def _cut_folded(self, folded: str, tokens: list[str], offsets: list[list[int]],
                    cut_block: Callable[[str, int, list[str], list[list[int]]], None] | None
                    = None) -> None:
        """jieba's split into Han blocks and the rest: each block cut by ``cut_block`` (our
        pass unless given), every other character but spaces a token of its own."""
        cut_block = cut_block or self._cut_block
        pos = 0
        for block in _HAN_BLOCK.split(folded):
            if not block:
                continue
            if _HAN_BLOCK.match(block):
                cut_block(block, pos, tokens, offsets)
            else:
                for i, ch in enumerate(block, pos):
                    if not ch.isspace():
                        tokens.append(ch)
                        offsets.append([i, i + 1])
            pos += len(block)

    def compiled(self) -> bool:
        """Build the compiled cut now (the first cut does, and a run before its workers fork);
        False when rjieba is missing, HMM is on or ``backend="python"``.

        rjieba gets every word with a frequency, as jieba holds them after our dictionary. Its
        total would then lack the old frequencies of words our dictionary re-adds (jieba adds
        the new one to its total without taking the old one off), so one filler word no Han
        block can hold makes up the difference: every log probability is then jieba's, and so
        is every best path (tests compare both cuts on real text)."""
        if self._compiled is None:
            self._compiled = self._build_compiled() or False
            release_free_heap()  # rjieba's build leaves 21 MB free on the heap (measured)
            if self._compiled:
                self._logp = None  # only our pass needed it here (read again if asked)
        return bool(self._compiled)

    def expect(self, text_bytes: int) -> None:
        """Workers forked next will cut ``text_bytes`` of text: prepare what their cut needs
        now, so that they share one instead of each loading its own on its first article.
        That is the compiled cut (0.17 s and 36 MB here, and it cuts 3x faster), or, where
        there is none (HMM on, ``backend="python"``, no rjieba), the word table our pass
        reads (0.17-0.19 s and 77 MB in every worker, measured); jieba's own cut (HMM on) is
        ready already. Whatever the amount of text: each worker that cuts any would pay as
        much as this process does once."""
        if text_bytes > 0 and not self.compiled() and self._jieba is None:
            _ = self.logp
        if text_bytes > 0 and self.names is not None:
            self.names.warm()  # jieba's HMM tables, read without importing jieba: 10 ms

    def _build_compiled(self) -> Any:
        jieba_rs = _rjieba_class()
        if jieba_rs is None:
            return None
        cutter = jieba_rs.empty()
        held = 0
        for words, freqs in self._word_freqs():  # a chunk at a time: little garbage left behind
            deque(map(cutter.add_word, words, freqs, repeat(None)), 0)
            held += sum(freqs)
        if held > self._total:
            return None  # cannot happen with jieba's add_word; never cut differently
        if held < self._total:
            cutter.add_word(_FILLER, self._total - held, None)
        return cutter.cut

    def _cut_compiled_block(self, block: str, base: int, tokens: list[str],
                            offsets: list[list[int]]) -> None:
        """_cut_block by rjieba: the same tokens, offsets from their lengths."""
        words = self._compiled(block, False)
        tokens += words
        ends = list(accumulate(map(len, words), initial=base))
        offsets += map(list, zip(ends, ends[1:]))

    def _cut_block(self, s: str, base: int, tokens: list[str], offsets: list[list[int]]) -> None:
        """Best path through the dictionary words of ``s`` (right to left), then emit it."""
        n = len(s)
        score = [0.0] * (n + 1)
        nxt = [0] * (n + 1)
        get = self.logp.get
        unknown = self.unknown_logp
        for k in range(n - 1, -1, -1):
            best, end, found = unknown + score[k + 1], k + 1, False
            i = k + 1
            lp = get(s[k], _MISSING)
            while lp is not _MISSING:
                if lp is not None:
                    cand = lp + score[i]
                    if not found or cand >= best:
                        best, end, found = cand, i, True
                if i >= n:
                    break
                i += 1
                lp = get(s[k:i], _MISSING)
            score[k] = best
            nxt[k] = end
        _emit_path(s, nxt, base, tokens, offsets)

    def _cut_index_block(self, s: str, base: int, tokens: list[str],
                         offsets: list[list[int]]) -> None:
        """_cut_block's path from ``word_index``, which knows words but not their prefixes: every
        end is tried (a word's prefixes are what let ``_cut_block`` stop early, never what it
        finds), in the same order, with the same tie-break. For a few characters only."""
        n = len(s)
        score = [0.0] * (n + 1)
        nxt = [0] * (n + 1)
        get = self.word_index.get
        unknown = self.unknown_logp
        for k in range(n - 1, -1, -1):
            best, end, found = unknown + score[k + 1], k + 1, False
            for i in range(k + 1, n + 1):
                lp = get(s[k:i])
                if lp is not None:
                    cand = lp + score[i]
                    if not found or cand >= best:
                        best, end, found = cand, i, True
            score[k] = best
            nxt[k] = end
        _emit_path(s, nxt, base, tokens, offsets)


def _emit_path(s: str, nxt: list[int], base: int, tokens: list[str],
               offsets: list[list[int]]) -> None:
    """The tokens of a best path (``nxt[x]``: where the word at ``x`` ends) and their offsets.
    Single ASCII letters/digits on the path are glued into one token, as jieba does."""
    n = len(s)
    x, run = 0, -1
    while x < n:
        y = nxt[x]
        if y == x + 1 and _ALNUM.match(s[x]):
            if run < 0:
                run = x
        else:
            if run >= 0:
                tokens.append(s[run:x])
                offsets.append([base + run, base + x])
                run = -1
            tokens.append(s[x:y])
            offsets.append([base + x, base + y])
        x = y
    if run >= 0:
        tokens.append(s[run:n])
        offsets.append([base + run, base + n])
