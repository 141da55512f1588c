"""clean: take boilerplate, leftover markup and spam out of the body, recording each removal.

Mojibake repair runs first (it needs the bytes as extracted). Then, line by line: leftover
tags are stripped; lines that are chrome (exact boilerplate, chrome patterns such as
breadcrumbs, counters, author cards, image credits, inline promotions) or keyword spam are
removed; inline chrome (【福利推薦】… promotions, 圖源:… credits) is cut out of paragraphs; a tail marker (相關推薦, 特別聲明 …) in the second half of the body removes itself and
everything after it; a trailing related-news list (short titles alternating with bare dates) goes
too. Chinese punctuation is never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pipeline.article import Article, Removal
from pipeline.stages import mojibake
from pipeline.stages.clean.lines import LineRules, compile_line_rules, strip_tags

# A tail marker only cuts when at least this share of the body's characters (and at least
# TAIL_MIN_CHARS) stands before it, so a "相关阅读" heading near the top never takes the
# article with it. Characters, not lines: related lists after an article are often longer
# in lines than the article itself.
TAIL_FROM = 0.3
TAIL_MIN_CHARS = 100


# What a line holds besides residue when it holds no text: spaces and punctuation.
_NOT_TEXT = re.compile(r"[\s\W_]+")


@dataclass
class CleanState:
    rules: LineRules


def prepare(cfg: Any) -> CleanState:
    return CleanState(compile_line_rules(cfg))


def clean_lines(paragraphs: list[str], rules: LineRules, removed: list[Removal]) -> list[str]:
    """The body without chrome lines and without a trailing chrome block."""
    kept: list[str] = []
    total = sum(len(p) for p in paragraphs)
    before = 0
    for i, para in enumerate(paragraphs):
        before += len(para)
        in_tail = before - len(para) >= max(TAIL_MIN_CHARS, TAIL_FROM * total)
        if mojibake.RESIDUE.search(para) and not _NOT_TEXT.sub("", mojibake.RESIDUE.sub("", para)):
            # nothing but what a decoding lost (������: emoji the crawl could not store)
            removed.append(Removal(reason="residue", text=para.strip()))
            continue
        reason = rules.classify(para)
        # a line that is chrome by itself but also marks a tail (an editor's label left
        # empty at a page's foot) takes what follows with it there
        if reason is not None and not (in_tail and rules.starts_tail(para)):
            removed.append(Removal(reason=reason, text=para.strip()))
            continue
        stripped = " ".join(strip_tags(para).split()) if "<" in para else para.strip()
        if not stripped:
            continue
        if in_tail and rules.starts_tail(stripped):
            removed.extend(Removal(reason="trailing-chrome", text=p.strip())
                           for p in paragraphs[i:] if p.strip())
            break
        if stripped != para.strip():
            removed.append(Removal(reason="markup", text=para.strip()))
        stripped, cuts = rules.cut_inline(stripped)
        removed.extend(Removal(reason="inline-chrome", text=c) for c in cuts)
        if stripped:
            kept.append(stripped)
    return kept


_SENTENCE_END = ("。", "！", "？", "!", "?", "…", "”", "」", "』")
# A trailing list: short lines, at least this many of them bare dates ("2019-09-08").
LIST_MIN_DATES = 2
LIST_LINE_MAX = 60


# A related list's entry that carries its date: 今日股市行情分析--2019年8月19日, 标题 (2019-08-19),
# 标题 20190403. The title part holds no sentence's end.
_DATED_ENTRY = re.compile(
    r"^[^。！？!?]{2,40}?\s*(?:--|——|[-—|｜·\s])\s*[(（\[]?"
    r"(?:(?:19|20)\d{2}\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2}\s*日?|(?:19|20)\d{6})"
    r"[)）\]]?$")


def trailing_list(paragraphs: list[str]) -> int:
    """Where a related-news list (titles alternating with dates, or titles each with its
    date) starts at the end; else len."""
    from pipeline.stages.extract.metadata import is_date_only

    start, dates = len(paragraphs), 0
    for i in range(len(paragraphs) - 1, -1, -1):
        para = paragraphs[i]
        if is_date_only(para) or len(para) <= LIST_LINE_MAX and _DATED_ENTRY.match(para):
            dates += 1
        elif len(para) > LIST_LINE_MAX or para.endswith(_SENTENCE_END):
            break
        start = i
    if dates < LIST_MIN_DATES or start == 0:
        return len(paragraphs)
    total = sum(map(len, paragraphs))
    return start if sum(map(len, paragraphs[start:])) <= 0.5 * total else len(paragraphs)


def process(article: Article, state: CleanState) -> Article | None:
    before = len(article.repairs)
    article = mojibake.process(article)  # must precede convert: t2s would destroy the bytes
    fixed = list(article.paragraphs) if len(article.repairs) > before else None
    kept = clean_lines(article.paragraphs, state.rules, article.removed)
    cut = trailing_list(kept)
    article.removed.extend(Removal(reason="trailing-list", text=p) for p in kept[cut:])
    article.set_paragraphs(kept[:cut])
    if fixed is not None:
        _renumber(article, before, fixed)
    if article.title:
        article.title = " ".join(strip_tags(article.title).split()) or None
    return article


def _renumber(article: Article, first: int, fixed: list[str]) -> None:
    """Point the mojibake fixer's edits (made before lines were dropped) at the final
    paragraphs. An edit in a paragraph clean removed or rewrote cannot be placed: it is
    dropped from ``repairs`` (the removed text is in ``removed``, already repaired)."""
    where: dict[str, int] = {}
    for index, para in enumerate(article.paragraphs):
        where.setdefault(para, index)
    placed = []
    for rep in article.repairs[first:]:
        if rep.paragraph < 0:
            placed.append(rep)
            continue
        index = where.get(fixed[rep.paragraph])
        if index is not None:
            rep.paragraph = index
            placed.append(rep)
    article.repairs[first:] = placed
