"""New-word discovery: frequent character strings that hold together and stand free.

A name the dictionary lacks (燧原科技) shows up as a string that is (1) frequent, (2) cohesive:
its parts co-occur far more than chance (minimum PMI over every split point), and (3) free:
what comes before and after it varies (high left and right boundary entropy). Fragments fail
(3): 燧原 is mostly followed by 科技 when it means the company. Phrases that are merely frequent
fail (2). Candidates already in the dictionary are dropped.

Why over tokens and not every character n-gram: a found word is fed back by merging the
tokens that spell it, so only strings made of whole tokens can be used at all; counting runs of
up to ``max_tokens`` Han tokens (split points and neighbours are token boundaries) costs about
a third of counting every 1..6-character n-gram, and this runs in the runner's one main
process. A paragraph edge or a non-Han token counts as a distinct neighbour each time, since
it is a real boundary. Everything is plain counting in input order: deterministic.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

SEP = "\x1f"  # joins the tokens of a counted sequence, so split points survive
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A token all Han: runs of these are counted (a token mixing Han and other characters, a
# punctuation mark or a space ends a run).
_HAN_TOKEN = re.compile(f"[{_HAN}]+")


@dataclass(frozen=True)
class Settings:
    min_count: int = 5
    min_chars: int = 2
    max_chars: int = 5
    max_tokens: int = 4
    min_pmi: float = 3.0
    min_entropy: float = 1.0
    # Characters a word rarely starts or ends with (的 了 是 …): candidates touching them are
    # phrases, not names.
    edge_chars: str = ""
    # A candidate needs a part that is not a plain word: one of one character, one the
    # dictionary lacks or has fewer than common_freq times, or one tagged with a name tag
    # (empty: collocations of plain words are kept too).
    name_tags: frozenset[str] = frozenset()
    common_freq: int = 200
    # A candidate is a phrase when its first token carries one of start_tags (据…), its last
    # one of end_tags (…地), a token anywhere one of inner_tags (…的…), or it ends in one of
    # title_words (…主席).
    start_tags: frozenset[str] = frozenset()
    end_tags: frozenset[str] = frozenset()
    inner_tags: frozenset[str] = frozenset()
    title_words: frozenset[str] = frozenset()
    # A person's name followed only by words with these tags is a phrase (赵立东介绍).
    after_person_tags: frozenset[str] = frozenset()
    max_ngrams: int = 3_000_000


@dataclass(frozen=True)
class NewWord:
    word: str
    count: int
    pmi: float
    left: float
    right: float
    # The token sequences that spelled it in the run (what gets merged when it is fed back).
    cuts: tuple[tuple[str, ...], ...] = ()

    @property
    def score(self) -> float:
        """Cohesion times freedom, weighted by log frequency: one number to sort and review."""
        return round(self.pmi * min(self.left, self.right) * math.log(self.count), 4)


_U64 = np.uint64
_K1, _K2, _K3 = _U64(0x9E3779B97F4A7C15), _U64(0xBF58476D1CE4E5B9), _U64(0x94D049BB133111EB)
_S27, _S30, _S31, _S32 = _U64(27), _U64(30), _U64(31), _U64(32)
_LOW32 = _U64(0xFFFFFFFF)
FLUSH_TOKENS = 1 << 20  # token ids buffered before they are counted as arrays
_VOCAB_NON_HAN = 4_000_000  # beyond this many entries, non-Han tokens are no longer
# remembered (unless the vocabulary gives every token an id)


def _extend(prev: np.ndarray, nxt: np.ndarray) -> np.ndarray:
    """The key of a sequence from its prefix's key and its last token's id (splitmix64)."""
    z = prev * _K1 + nxt
    z = (z ^ (z >> _S30)) * _K2
    z = (z ^ (z >> _S27)) * _K3
    return z ^ (z >> _S31)


def _find(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Position of each of ``keys`` in ``sorted_keys``, -1 where absent."""
    if not len(sorted_keys):
        return np.full(len(keys), -1)
    pos = np.searchsorted(sorted_keys, keys)
    pos[pos >= len(sorted_keys)] = 0
    return np.where(sorted_keys[pos] == keys, pos, -1)


class Vocabulary(dict):
    """Token → id in first-seen order, with what discovery asks of a token per id: its length
    and whether it starts or ends with an edge char. A token that is not all Han is a run
    boundary to the counter: it maps to 0, so a paragraph becomes its ids with one C-level
    ``map``, unless ``every`` is set (the runner's main process, which also weighs keywords by
    id: "GDP" needs an id of its own there); then it gets its own id, marked not Han, and the
    counter maps it to 0 when it counts. The cap on remembered non-Han tokens does not apply
    then: that process kept every token of the run (its document frequencies) before too."""

    def __init__(self, edge_chars: str, every: bool = False) -> None:
        super().__init__()
        self.edges = frozenset(edge_chars)
        self.every = every
        self.names: list[str] = [""]
        self.lengths: list[int] = [0]
        self.starts_edge: list[bool] = [False]
        self.ends_edge: list[bool] = [False]
        self.han: list[bool] = [False]

    def __missing__(self, token: str) -> int:
        han = _HAN_TOKEN.fullmatch(token) is not None
        if han or self.every:
            i = len(self.names)
            self.names.append(token)
            self.lengths.append(len(token) if han else 0)
            self.starts_edge.append(han and token[0] in self.edges)
            self.ends_edge.append(han and token[-1] in self.edges)
            self.han.append(han)
        elif len(self) < _VOCAB_NON_HAN:
            i = 0
        else:
            return 0
        self[token] = i
        return i


def _distinct(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(key, return_index=True, return_counts=True)``, except that the index is of
    any one occurrence, not the first: every occurrence of a key is the same sequence. Why:
    the first occurrence needs a stable sort, three to four times slower on 64-bit keys than
    the plain one (measured on a million keys), and counting was a third of run words' time
    on the unique dump."""
    order = np.argsort(key)
    ordered = key[order]
    starts = np.empty(len(ordered), bool)
    starts[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    at = np.flatnonzero(starts)
    return ordered[at], order[at], np.diff(at, append=len(ordered))


def _scatter(size: int, to_old: np.ndarray, to_new: np.ndarray, old: np.ndarray,
             added: np.ndarray) -> np.ndarray:
    """``old`` and ``added`` merged into one array of ``size``: ``added`` at positions
    ``to_new``, ``old`` in order at the others (``to_old``)."""
    out = np.empty(size, old.dtype)
    out[to_old] = old
    out[to_new] = added
    return out


class _Table:
    """The distinct sequences of one length, sorted by key, with their counts and the keys of
    their prefix and suffix one token shorter (token ids at length 2). Everything else about a
    sequence (its tokens, its length in characters) is read through those keys when needed."""

    def __init__(self) -> None:
        self.key = np.zeros(0, _U64)
        self.count = np.zeros(0, np.int64)
        self.prefix = np.zeros(0, _U64)
        self.suffix = np.zeros(0, _U64)

    def __len__(self) -> int:
        return len(self.key)

    def add(self, key: np.ndarray, prefix: np.ndarray, suffix: np.ndarray) -> None:
        """Count every occurrence in ``key``."""
        uk, at, cnt = _distinct(key)
        pos = np.searchsorted(self.key, uk)
        found = pos < len(self.key)
        found[found] = self.key[pos[found]] == uk[found]
        self.count[pos[found]] += cnt[found]  # keys are distinct: no repeated index
        new = ~found
        if new.any():
            where, at = pos[new], at[new]
            # Where every row goes in the merged table: a new key at its insertion point
            # plus the new keys before it, an old row shifted by the new keys before it.
            # One scatter per array (np.insert sorts the insertion points, stably, per call).
            size = len(self.key) + len(where)
            to_new = where + np.arange(len(where))
            to_old = np.ones(size, bool)
            to_old[to_new] = False
            self.key, self.count, self.prefix, self.suffix = (
                _scatter(size, to_old, to_new, old, added) for old, added in (
                    (self.key, uk[new]), (self.count, cnt[new]), (self.prefix, prefix[at]),
                    (self.suffix, suffix[at])))

    def keep(self, mask: np.ndarray) -> None:
        self.key, self.count = self.key[mask], self.count[mask]
        self.prefix, self.suffix = self.prefix[mask], self.suffix[mask]

    def rows(self, keys: np.ndarray) -> np.ndarray:
        """Row of each of ``keys``, -1 where absent."""
        return _find(self.key, keys)


class NgramCounter:
    """Counts of runs of 1..max_tokens+1 Han tokens (the extra token gives the neighbours).

    Why arrays: this runs in the runner's one serial process, and building and hashing a string
    per sequence (3.5 M of them for 1.9 M characters of news) cost more than segmenting the text.
    Tokens become ids as they come; every ~1 M tokens the sequences are formed and counted as
    numpy arrays, one table per length. A sequence of 1 or 2 tokens is keyed exactly by its ids;
    a longer one by a 64-bit hash of its prefix's key and last id (two distinct sequences of one
    length share a key with odds of about n²/2⁶⁵, below 10⁻⁶ for millions of sequences).
    """

    def __init__(self, settings: Settings, every_token: bool = False) -> None:
        self.s = settings
        self.vocab = Vocabulary(settings.edge_chars, every_token)
        self._pending: list[np.ndarray] = []  # articles' ids, counted at the next flush
        self._pending_size = 0
        self._unigrams = np.zeros(1, np.int64)  # by token id; 0 is the boundary
        self._tables = {n: _Table() for n in range(2, settings.max_tokens + 2)}
        self._tokens = 0
        self._prune_below = 1

    @property
    def tokens(self) -> int:
        """Han tokens counted."""
        self._flush()
        return self._tokens

    def add(self, tokens: list[str]) -> None:
        """One paragraph's tokens."""
        self.add_paragraphs((tokens,))

    def add_paragraphs(self, paragraphs: Iterable[list[str]]) -> np.ndarray:
        """Several paragraphs' tokens (an article); returns their ids, a 0 after each
        paragraph (ids of the vocabulary: with ``every_token``, what the caller may reuse)."""
        get, ids = self.vocab.__getitem__, array("q")
        for tokens in paragraphs:
            ids.extend(map(get, tokens))
            ids.append(0)  # a paragraph's edge ends every run
        out = np.frombuffer(ids, np.int64)
        self._pending.append(out)
        self._pending_size += len(out)
        if self._pending_size >= FLUSH_TOKENS:
            self._flush()
        return out

    def _flush(self) -> None:
        """Count the buffered ids: each length's sequences from the previous length's."""
        if not self._pending:
            return
        ids = np.concatenate(self._pending)
        self._pending.clear()
        self._pending_size = 0
        if self.vocab.every:  # tokens that are not all Han end runs, as with their id 0
            ids[~np.array(self.vocab.han)[ids]] = 0
        vocab = len(self.vocab.names)
        if len(self._unigrams) < vocab:
            self._unigrams = np.concatenate([self._unigrams,
                                             np.zeros(vocab - len(self._unigrams), np.int64)])
        self._unigrams += np.bincount(ids, minlength=vocab)
        self._unigrams[0] = 0
        self._tokens = int(self._unigrams.sum())
        lengths = np.array(self.vocab.lengths, dtype=np.int64)[ids]
        limit = self.s.max_chars + 4  # longer sequences only ever serve as neighbours
        uids = ids.astype(_U64)
        key, ok, chars = uids, ids > 0, lengths
        for n in range(2, self.s.max_tokens + 2):
            m = len(ids) - n + 1
            if m <= 0:
                break
            nxt = uids[n - 1:]
            chars = chars[:m] + lengths[n - 1:]
            ok = ok[:m] & (ids[n - 1:] > 0) & (chars <= limit)
            short = key  # keys of the sequences one token shorter, at every start
            key = (short[:m] << _S32) | nxt if n == 2 else _extend(short[:m], nxt)
            at = np.flatnonzero(ok)
            if not len(at):
                break
            self._tables[n].add(key[at], short[at], short[at + 1])
        if self._size() > self.s.max_ngrams:
            self._prune()

    def _size(self) -> int:
        return int(np.count_nonzero(self._unigrams)) + sum(map(len, self._tables.values()))

    def _prune(self) -> None:
        """Bound memory on huge runs: drop the rarest sequences (single tokens are kept)
        until half the budget is left. Deterministic: it depends only on the input so far."""
        while self._size() > self.s.max_ngrams // 2:
            cut = self._prune_below
            for table in self._tables.values():
                table.keep(table.count > cut)
            self._prune_below += 1

    def _counts_of(self, n: int, keys: np.ndarray) -> np.ndarray:
        """Counts of sequences of ``n`` tokens by key (ids when ``n`` is 1); 0 when absent."""
        if n == 1:
            return self._unigrams[keys.astype(np.int64)]
        table = self._tables[n]
        if not len(table):
            return np.zeros(len(keys), np.int64)
        rows = table.rows(keys)
        return np.where(rows >= 0, table.count[rows], 0)

    def _token_ids(self, n: int, rows: np.ndarray) -> np.ndarray:
        """The token ids of rows of the ``n``-token table, one row of ids each: a sequence's
        last id is that of its suffix, down to the exact key of its last two tokens."""
        out = np.zeros((len(rows), n), np.int64)
        for m in range(n, 2, -1):
            table = self._tables[m]
            tail = table.suffix[rows]
            for k in range(m - 1, 2, -1):
                tail = self._tables[k].suffix[self._tables[k].rows(tail)]
            out[:, m - 1] = (tail & _LOW32).astype(np.int64)
            rows = self._tables[m - 1].rows(table.prefix[rows])
        pair = self._tables[2].key[rows]
        out[:, 0], out[:, 1] = (pair >> _S32).astype(np.int64), (pair & _LOW32).astype(np.int64)
        return out

    @property
    def counts(self) -> Counter[str]:
        """Every counted sequence as its tokens joined by SEP (for tests and inspection)."""
        self._flush()
        names = self.vocab.names
        out: Counter[str] = Counter({names[i]: int(c) for i, c in enumerate(self._unigrams)
                                     if c})
        for n, table in self._tables.items():
            ids = self._token_ids(n, np.arange(len(table)))
            for row, c in zip(ids.tolist(), table.count.tolist()):
                out[SEP.join(names[i] for i in row)] = c
        return out

    def discover(self, known: Callable[[str], bool],
                 phrase: Callable[[tuple[str, ...]], bool] | None = None) -> list[NewWord]:
        """Candidates passing every threshold, best first (ties by word). ``phrase`` (are these
        tokens a phrase of words already whole?) drops collocations (经济发展, 更好地,
        江泽民主席): gluing them would hide 经济 or 江泽民 from a search for it."""
        self._flush()
        s = self.s
        if not self._tokens:
            return []
        log_total = math.log(self._tokens)
        edge = (np.array(self.vocab.starts_edge), np.array(self.vocab.ends_edge))
        lengths = np.array(self.vocab.lengths, dtype=np.int64)
        out: list[NewWord] = []
        with np.errstate(divide="ignore"):
            out += self._discover_tokens(edge, lengths, known)
            for n in range(2, s.max_tokens + 1):
                out += self._discover_length(n, log_total, edge, lengths, known, phrase)
        # The same string cut two ways is one word: keep its best-scored figures, all its cuts.
        best: dict[str, NewWord] = {}
        cuts: dict[str, set[tuple[str, ...]]] = {}
        for w in out:
            cuts.setdefault(w.word, set()).update(w.cuts)
            if w.word not in best or (w.score, w.count) > (best[w.word].score, best[w.word].count):
                best[w.word] = w
        words = [NewWord(w.word, w.count, w.pmi, w.left, w.right, tuple(sorted(cuts[w.word])))
                 for w in best.values()]
        words.sort(key=lambda w: (-w.score, w.word))
        return words

    def _discover_tokens(self, edge: tuple[np.ndarray, np.ndarray], lengths: np.ndarray,
                         known: Callable[[str], bool]) -> list[NewWord]:
        """Single tokens of several Han characters the dictionary lacks: what the cut glued
        on its own (personal names, segment's ``person_names``; jieba's HMM words when it is
        on). They are whole already, so nothing measures their cohesion: ``pmi`` is given as
        ``min_pmi``, what a sequence needs to pass, and they are held to the same count,
        length, edge and freedom tests as sequences."""
        s = self.s
        ids = np.flatnonzero(self._unigrams >= s.min_count)
        ids = ids[(lengths[ids] >= s.min_chars) & (lengths[ids] <= s.max_chars)
                  & ~edge[0][ids] & ~edge[1][ids]]
        names = self.vocab.names
        ids = np.array([i for i in ids.tolist() if len(names[i]) > 1 and not known(names[i])],
                       dtype=np.int64)
        if not len(ids):
            return []
        keys, count = ids.astype(_U64), self._unigrams[ids]
        pairs = self._tables[2]
        repeated = pairs.count > 1
        left, right = (_entropies(keys, count, column[repeated], pairs.count[repeated])
                       for column in (pairs.suffix, pairs.prefix))
        return [NewWord(names[i], int(c), s.min_pmi, round(float(lf), 4), round(float(rt), 4),
                        ((names[i],),))
                for i, c, lf, rt in zip(ids.tolist(), count.tolist(), left.tolist(),
                                        right.tolist())
                if lf >= s.min_entropy and rt >= s.min_entropy]

    def _discover_length(self, n: int, log_total: float, edge: tuple[np.ndarray, np.ndarray],
                         lengths: np.ndarray, known: Callable[[str], bool],
                         phrase: Callable[[tuple[str, ...]], bool] | None) -> list[NewWord]:
        s, table = self.s, self._tables[n]
        rows = np.flatnonzero(table.count >= s.min_count)
        ids = self._token_ids(n, rows)
        chars = lengths[ids].sum(axis=1)
        fit = ((chars >= s.min_chars) & (chars <= s.max_chars) & ~edge[0][ids[:, 0]]
               & ~edge[1][ids[:, -1]])
        rows, ids = rows[fit], ids[fit]
        if not len(rows):
            return []
        count = table.count[rows]
        # Cohesion: the weakest split. The i-token prefix is reached through prefix keys, the
        # (n - i)-token suffix through suffix keys.
        heads = {n - 1: table.prefix[rows]}
        tails = {n - 1: table.suffix[rows]}
        whole = np.ones(len(rows), bool)  # every part still counted (see _prune)
        for m in range(n - 1, 1, -1):
            at_head, at_tail = self._tables[m].rows(heads[m]), self._tables[m].rows(tails[m])
            whole &= (at_head >= 0) & (at_tail >= 0)
            heads[m - 1] = self._tables[m].prefix[at_head]
            tails[m - 1] = self._tables[m].suffix[at_tail]
        pmi = np.where(whole, np.inf, -np.inf)
        base = np.log(count) + log_total
        for i in range(1, n):
            pmi = np.minimum(pmi, base - np.log(self._counts_of(i, heads[i]))
                             - np.log(self._counts_of(n - i, tails[n - i])))
        good = pmi >= s.min_pmi
        rows, count, pmi, ids = rows[good], count[good], pmi[good], ids[good]
        keys = table.key[rows]  # sorted: rows are
        # Freedom: entropy of the neighbours one token out on each side.
        longer = self._tables[n + 1]
        repeated = longer.count > 1
        left, right = (_entropies(keys, count, column[repeated], longer.count[repeated])
                       for column in (longer.suffix, longer.prefix))
        free = np.flatnonzero((left >= s.min_entropy) & (right >= s.min_entropy))
        names = self.vocab.names
        words = []
        for j, row in zip(free.tolist(), ids[free].tolist()):
            parts = tuple(names[i] for i in row)
            word = "".join(parts)
            if known(word) or phrase is not None and phrase(parts):
                continue
            words.append(NewWord(word, int(count[j]), round(float(pmi[j]), 4),
                                 round(float(left[j]), 4), round(float(right[j]), 4), (parts,)))
        return words


def _entropies(keys: np.ndarray, count: np.ndarray, outer: np.ndarray,
               outer_count: np.ndarray) -> np.ndarray:
    """Entropy of each sequence's neighbour distribution on one side. ``keys`` (sorted) and
    ``count`` are the sequences; ``outer`` holds, for each longer sequence seen more than once,
    the key of the sequence it extends by one neighbour, with its count. Every other occurrence
    (a neighbour seen once, or a run edge, which is its own distinct neighbour each time) adds
    the same (1/total)·log(total), so the sequences seen once need not be split at all."""
    if not len(keys):
        return np.zeros(0)
    pos = _find(keys, outer)
    hit = pos >= 0
    pos, c = pos[hit], outer_count[hit].astype(np.float64)
    p = c / count[pos]
    # astype: bincount of nothing is int
    h = np.bincount(pos, weights=-p * np.log(p), minlength=len(keys)).astype(np.float64)
    single = count - np.bincount(pos, weights=c, minlength=len(keys)).astype(np.float64)
    return h + np.where(single > 0, single * (1 / count) * np.log(count), 0.0)


def dictionary_lines(words: Iterable[NewWord], freq: Callable[[str, int], int]) -> list[str]:
    """jieba user-dictionary lines (``word freq``), each after a comment line with its scores.

    zhnews skips ``#`` lines when it loads a dictionary; strip them for plain jieba.
    """
    lines = ["# New words found by zhnews (count, PMI, left/right boundary entropy, score).",
             "# Review, delete what is not a word, and append the rest to userdict.txt."]
    for w in words:
        whole = all(len(cut) == 1 for cut in w.cuts)  # one token as cut: nothing measured PMI
        pmi = f"pmi={w.pmi} (one token as cut, so none measured: the threshold)" if whole \
            else f"pmi={w.pmi}"
        lines.append(f"# count={w.count} {pmi} left={w.left} right={w.right} "
                     f"score={w.score}")
        lines.append(f"{w.word} {freq(w.word, w.count)}")
    return lines
