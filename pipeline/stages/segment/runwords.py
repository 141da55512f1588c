"""Run-wide word statistics in the runner's main process: new words fed back, run-level IDF.

Why here and not in the stage: both need the whole run, and ``-j 2`` must write the same bytes
as ``-j 1``. The runner hands articles over in input order, so this object sees the same
sequence whatever the worker count. It updates its statistics after each article and refreshes
its word set (and IDF) only at fixed counts of articles learned from (first_refresh, then
doubling; the runner dedups first and reposts are not learned from); an article is rewritten
with the state of the last checkpoint before it. Rewriting needs no re-cutting: adjacent tokens that spell a discovered word are merged (offsets stay exact), then keywords
are recomputed from the merged tokens.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from itertools import compress
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.article import Article
from pipeline.io import atomic_write
from pipeline.stages.segment import SegmentState
from pipeline.stages.segment import prepare as prepare_segment
from pipeline.stages.segment.keywords import MEMO_LIMIT
from pipeline.stages.segment.newwords import NewWord, NgramCounter, Settings, dictionary_lines
from pipeline.stages.segment.runidf import TokenTable

NEWWORDS_FILE = "newwords.txt"


def settings(cfg: Any) -> Settings:
    sec = cfg.section("segment")
    return Settings(min_count=int(sec["newwords_min_count"]),
                    max_chars=int(sec["newwords_max_chars"]),
                    max_tokens=int(sec["newwords_max_tokens"]),
                    min_pmi=float(sec["newwords_min_pmi"]),
                    min_entropy=float(sec["newwords_min_entropy"]),
                    edge_chars=str(sec["newwords_edge_chars"]),
                    name_tags=frozenset(str(sec["newwords_name_tags"]).split()),
                    common_freq=int(sec["newwords_common_freq"]),
                    start_tags=frozenset(str(sec["newwords_start_tags"]).split()),
                    end_tags=frozenset(str(sec["newwords_end_tags"]).split()),
                    inner_tags=frozenset(str(sec["newwords_inner_tags"]).split()),
                    title_words=frozenset(str(sec["newwords_title_words"]).split()),
                    after_person_tags=frozenset(str(sec["newwords_after_person_tags"]).split()))


# A character is a likely surname (or given-name character) when at least this share of the
# dictionary's two- and three-character words that start with it (hold it later) are person
# names, out of at least NAME_CHAR_MIN_WORDS words.
NAME_CHAR_SHARE = 0.4
NAME_CHAR_MIN_WORDS = 5


def name_chars(state: SegmentState, people: frozenset[str],
               person_tags: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Likely surnames and given-name characters, from the dictionary's person names
    ``people`` (张 and 何 start most of the words that start with them; 伟 sits inside names),
    which carry one of ``person_tags``. A pass over the whole dictionary, so cached with it."""
    tk = state.tokenizer

    def build() -> tuple[list[str], list[str]]:
        first: Counter[str] = Counter()
        first_p: Counter[str] = Counter()
        inner: Counter[str] = Counter()
        inner_p: Counter[str] = Counter()
        for word, lp in tk.word_logp.items():
            if lp is not None and len(word) in (2, 3):  # prefixes of words map to None
                person = word in people
                first[word[0]] += 1
                first_p[word[0]] += person
                for ch in word[1:]:
                    inner[ch] += 1
                    inner_p[ch] += person

        def likely(part: Counter[str], whole: Counter[str]) -> list[str]:
            return sorted(c for c, n in whole.items()
                          if n >= NAME_CHAR_MIN_WORDS and part[c] >= NAME_CHAR_SHARE * n)

        return likely(first_p, first), likely(inner_p, inner)

    label = f"name-chars {' '.join(sorted(person_tags))} {NAME_CHAR_SHARE} {NAME_CHAR_MIN_WORDS}"
    surnames, given = tk.derived(label, build)
    return frozenset(surnames), frozenset(given)


def phrase_test(state: SegmentState, s: Settings) -> Callable[[tuple[str, ...]], bool] | None:
    """Are a candidate's tokens a phrase of words already whole, not a new word? True when

    - every token is a plain word: two or more characters, in the dictionary at least
      ``common_freq`` times, not tagged as a name (经济发展, 人民群众);
    - every token is a person, place or organisation of two or more characters (新华社北京;
      not 长野冬奥会, whose 冬奥会 is an abbreviation);
    - the first token is tagged with a start tag, or the last with an end tag: a preposition,
      adverb, numeral, … (据新华社, 更好地, 日上午, 年以来), unless the candidate reads as a
      person's name (two or three characters: a likely surname, then likely given-name
      characters: 张震, 何伟, 常昊, where 张 is a measure word, 何 a pronoun, 常 an adverb);
    - a token anywhere is tagged with an inner tag, a structural particle (党的十五大);
    - the last token is a title or form of address (江泽民主席, 新华社记者).

    Tags are jieba's (user words count with their explicit tag). None when every rule is off.
    """
    if not (s.name_tags or s.start_tags or s.end_tags or s.inner_tags or s.title_words
            or s.after_person_tags):
        return None
    tk = state.tokenizer
    person_tags = frozenset(t for t in s.name_tags if t.startswith("nr"))
    entity_tags = frozenset(t for t in s.name_tags if t[:2] in ("nr", "ns", "nt"))
    # an untagged user word counts as a name; an empty tag list gives an empty set (rule off)
    names, start, end, inner, entities, people, after_person = tk.tagged([
        (s.name_tags, True), (s.start_tags, False), (s.end_tags, False), (s.inner_tags, False),
        (entity_tags, False), (person_tags, False), (s.after_person_tags, False)])
    surnames, given = (name_chars(state, people, person_tags)
                       if (start or end or after_person) and person_tags
                       else (frozenset(), frozenset()))
    glued = tk.names  # the cut's own name glue (person_names), or None
    titles, logp = s.title_words, tk.word_index
    common = tk.unknown_logp + math.log(max(s.common_freq, 1))

    def plain(token: str) -> bool:
        lp = logp.get(token)
        return len(token) > 1 and lp is not None and lp >= common and token not in names

    def entity(token: str) -> bool:
        return len(token) > 1 and token in entities

    def person(parts: tuple[str, ...]) -> bool:
        word = "".join(parts)
        return (len(word) in (2, 3) and len(parts[0]) == 1 and parts[0] in surnames
                and all(c in given for c in word[1:]))

    def named(token: str) -> bool:
        """A person's name as one token: tagged so, or glued whole by the cut."""
        return token in people or (
            glued is not None and not tk.known(token) and glued.reads_as_name(token))

    def phrase(parts: tuple[str, ...]) -> bool:
        return (parts[-1] in titles or not inner.isdisjoint(parts)
                or (parts[0] in start or parts[-1] in end) and not person(parts)
                or bool(names) and all(map(plain, parts)) or all(map(entity, parts))
                or bool(after_person) and len(parts) > 1 and named(parts[0])
                and all(p in after_person for p in parts[1:]))

    return phrase


def lazy_phrase_test(state: SegmentState, s: Settings) -> Callable[[tuple[str, ...]], bool]:
    """:func:`phrase_test`, built when it is first asked (once: the dictionary does not change
    during a run). Building it reads the dictionary's tags (0.08 s, measured) and word index,
    and discovery asks only about candidates that passed every count threshold, so a run that
    finds none (a small dump, a dump of reposts) never pays for it at its end."""
    built: list[Callable[[tuple[str, ...]], bool]] = []

    def phrase(parts: tuple[str, ...]) -> bool:
        if not built:
            built.append(phrase_test(state, s) or (lambda _parts: False))
        return built[0](parts)

    return phrase


def suggested_freq(state: SegmentState, word: str, count: int) -> int:
    """A frequency that keeps ``word`` whole against its current cut (jieba's suggest_freq
    rule: the product of the parts' probabilities times the total, plus one), at least its
    count in the run."""
    tk = state.tokenizer
    tokens = tk.cut_short(word)
    index = tk.word_index
    logp = sum(index.get(t) or tk.unknown_logp for t in tokens)
    return max(int(math.exp(logp - tk.unknown_logp)) + 1, count)


class RunWords:
    """Feed each article in input order to ``add``; call ``write`` at the end."""

    def __init__(self, cfg: Any, state: SegmentState | None = None) -> None:
        sec = cfg.section("segment")
        self.state = state or prepare_segment(cfg)
        self.discover = bool(sec["newwords"])
        self.counter = NgramCounter(settings(cfg), every_token=True)  # its ids serve keywords
        self.next_refresh = max(1, int(sec["newwords_first_refresh"]))
        self.idf_min_docs = int(sec["run_idf_min_docs"])
        self.seen = 0
        self.words: list[NewWord] = []
        # First token of a discovered word's cut -> (length, cuts of that length), longest first.
        self.by_first: dict[str, list[tuple[int, frozenset[tuple[str, ...]]]]] = {}
        st, tk = self.state, self.state.tokenizer
        self.table = TokenTable(self.counter.vocab, st.stopwords, st.min_len, tk.idf,
                                tk.median_idf)
        self.idf: np.ndarray | None = None  # by token id, from the last checkpoint
        self.idf_default = 0.0
        # Each checkpoint meets most of the last one's candidates again: the dictionary's
        # answers about them (a known word? a phrase?) are kept for the run.
        self._known = lru_cache(MEMO_LIMIT)(self.state.tokenizer.known)
        self._phrase = lru_cache(MEMO_LIMIT)(lazy_phrase_test(self.state, self.counter.s))

    def add(self, article: Article, learn: bool = True,
            token_offsets: list[list[list[int]]] | None = None) -> Article:
        """Learn from ``article`` (unless ``learn`` is false: a repost of an article already
        counted would inflate its phrases into "words" and skew the IDF), then rewrite it with
        the last checkpoint's words and IDF. ``token_offsets``, when given, stand for the
        article's own (a LightArticle has none; they were read from its file)."""
        cut = None  # the ids of the tokens as cut, when the counter looked them up
        if learn and self.discover:  # learn from the tokens as cut, before any merge
            cut = self.counter.add_paragraphs(article.tokens)
        glues = self._merge(article, token_offsets) if self.by_first else []
        rescore = bool(glues) or self.idf is not None
        count = learn and bool(self.idf_min_docs)
        if rescore or count:  # both read the tokens after the merge
            if cut is None:
                ids, counts = self.table.counts(article.tokens)
            else:  # the counts of the tokens as cut, moved by what the merge glued
                ids, counts = self.table.counts_of(cut)
                if glues:
                    ids, counts = self.table.glued(ids, counts, glues)
            if rescore:
                article.keywords = self.table.top(ids, counts, self.idf, self.idf_default,
                                                  self.state.top_k)
            if count:
                self.table.learn(ids)
        if not learn:
            return article
        self.seen += 1
        if self.seen >= self.next_refresh:
            self.next_refresh *= 2
            self._refresh()
        return article

    def would_merge(self, article: Any) -> bool:
        """Whether ``add`` could glue tokens of ``article``: some run of its tokens spells a
        discovered word (only then does it need the token offsets, which a LightArticle does
        not carry; whether the run is unbroken in the text is for ``_merge`` to check)."""
        firsts = self.by_first.keys()
        return bool(firsts) and any(not firsts.isdisjoint(tokens) and self._spells(tokens)
                                    for tokens in article.tokens)

    def _starts(self, tokens: list[str]) -> list[int]:
        """Positions where a discovered word's cut may start: one C-level scan of the
        paragraph, since most tokens start none."""
        return list(compress(range(len(tokens)), map(self.by_first.__contains__, tokens)))

    def _spells(self, tokens: list[str]) -> bool:
        """Some run of ``tokens`` spells a discovered word."""
        by_first = self.by_first
        for i in self._starts(tokens):
            for k, seqs in by_first[tokens[i]]:
                if tuple(tokens[i:i + k]) in seqs:
                    return True
        return False

    def _refresh(self) -> None:
        if self.discover:
            self.words = self._discover()
            grouped: dict[str, dict[int, set[tuple[str, ...]]]] = {}
            for w in self.words:
                for parts in w.cuts:
                    if len(parts) > 1:  # a word cut whole (a glued name) has nothing to merge
                        grouped.setdefault(parts[0], {}).setdefault(len(parts), set()).add(parts)
            # Longest first: at most one cut of each length can match at a position.
            self.by_first = {first: [(k, frozenset(v)) for k, v in sorted(by_len.items(),
                                                                        reverse=True)]
                             for first, by_len in grouped.items()}
        if self.idf_min_docs and self.seen >= self.idf_min_docs:
            self.idf, self.idf_default = self.table.run_idf(self.seen)
            if not self.table.df.any():  # no token learned: the tokenizer's median for all
                self.idf, self.idf_default = self.idf[:0], self.state.tokenizer.median_idf

    def _merge(self, article: Article, token_offsets: list[list[list[int]]] | None = None
               ) -> list[tuple[str, tuple[str, ...]]]:
        """Glue runs of tokens that spell a discovered word, left to right; returns each glue
        as (word, the tokens it replaced). Tokens glue only where they touch in the text (no
        space between them)."""
        glues: list[tuple[str, tuple[str, ...]]] = []
        all_offsets = token_offsets  # read on a first match (a LightArticle has none)
        by_first = self.by_first
        firsts = by_first.keys()
        for p, tokens in enumerate(article.tokens):
            if firsts.isdisjoint(tokens):
                continue  # no token starts a discovered word: most paragraphs
            offsets: list[list[int]] = []  # read only on a match (a LightArticle has none)
            out_t: list[str] = []
            out_o: list[list[int]] = []
            done = 0  # tokens[:done] are in out_t
            for i in self._starts(tokens):
                if i < done:
                    continue  # inside the word just glued
                for k, seqs in by_first[tokens[i]]:
                    parts = tuple(tokens[i:i + k])
                    if parts not in seqs:
                        continue
                    if all_offsets is None:
                        all_offsets = article.token_offsets
                    offsets = offsets or all_offsets[p]
                    if all(offsets[j][1] == offsets[j + 1][0] for j in range(i, i + k - 1)):
                        word = "".join(parts)
                        out_t += tokens[done:i]
                        out_o += offsets[done:i]
                        out_t.append(word)
                        out_o.append([offsets[i][0], offsets[i + k - 1][1]])
                        glues.append((word, parts))
                        done = i + k
                        break
            if done:
                out_t += tokens[done:]
                out_o += offsets[done:]
                assert all_offsets is not None  # set by the match that made done > 0
                article.tokens[p], all_offsets[p] = out_t, out_o
        return glues

    def _discover(self) -> list[NewWord]:
        return self.counter.discover(self._known, self._phrase)

    def final_words(self) -> list[NewWord]:
        """Discovery over the whole run (what ``write`` saves)."""
        return self._discover() if self.discover else []

    def write(self, outdir: Path) -> Path | None:
        if not self.discover:
            return None
        lines = dictionary_lines(self.final_words(),
                                 lambda w, c: suggested_freq(self.state, w, c))
        path = outdir / NEWWORDS_FILE
        atomic_write(path, ("\n".join(lines) + "\n").encode("utf-8"))
        return path


def newwords_lines(texts: Any, cfg: Any) -> list[str]:
    """``zhnews newwords``: discovery over ``texts`` (an iterable of strings), as dictionary
    lines sorted best first. The same thresholds as a run; nothing is fed back."""
    state = prepare_segment(cfg)
    counter = NgramCounter(settings(cfg))
    for text in texts:
        counter.add(state.tokenizer.cut(text)[0])
    words = counter.discover(state.tokenizer.known, phrase_test(state, counter.s))
    return dictionary_lines(words, lambda w, c: suggested_freq(state, w, c))
