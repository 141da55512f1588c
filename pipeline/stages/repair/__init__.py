"""repair: undo laundered characters (硪→我, 得→的, 再→在, 华伪→华为, hao→好) without touching
clean text.

Three steps per article:

1. **Unconditional** characters that are never legitimate (硪) are always replaced.
2. **Gate** (``gate.py``): a cheap laundering score; clean articles stop here.
3. **Full repair** in flagged articles (or every article with ``gate = false``): phrase
   substitutions (发文人→记者), then every confusable character and every pinyin syllable
   wedged into Chinese is decided by ``decide.py``.

Every edit is logged in ``article.repairs`` with its offset in the paragraph as it stood when
the edit was made, so replaying ``repairs`` in order over the input reproduces the output. The
particles 的/地/得 are decided in a second pass over each paragraph (their neighbours repaired
first), so a paragraph's edits are not in left-to-right order.
``RepairState.dry_run`` logs edits without applying them (``zhnews repair --dry-run``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from msgspec.structs import replace

from pipeline.article import Article, Original, Repair
from pipeline.stages import mojibake
from pipeline.stages.repair import gate as gate_mod
from pipeline.stages.repair.decide import Decider, Settings
from pipeline.stages.repair.tables import read_confusion, read_pairs


@dataclass
class RepairState:
    unconditional: dict[str, str]
    phrases: list[tuple[str, str]]
    gate: gate_mod.Gate
    decider: Decider
    use_gate: bool
    dry_run: bool = False


def prepare(cfg: Any) -> RepairState:
    sec = cfg.section("repair")
    unconditional = dict(read_pairs(cfg.lines("repair", "unconditional_file")))
    phrases = read_pairs(cfg.lines("repair", "phrases_file"))
    try:
        confusion = read_confusion(cfg.lines("repair", "confusion_file"))
    except ValueError as exc:
        from pipeline.config import ConfigError

        raise ConfigError(f"[repair] {exc}") from None
    settings = Settings(
        margin=float(sec["margin"]),
        context_weight=float(sec["context_weight"]),
        context_beta=float(sec["context_beta"]),
        window=int(sec["window"]),
        pinyin=bool(sec["pinyin"]),
        she_to_it=bool(sec["she_to_it"]),
        choice_margin=float(sec["choice_margin"]),
        margin_unflagged=float(sec["margin_unflagged"]),
    )
    decider = Decider.build(confusion, settings)
    gate = gate_mod.Gate.build(unconditional, confusion, phrases, decider,
                               float(sec["gate_threshold"]), int(sec["gate_min_events"]))
    return RepairState(unconditional, phrases, gate, decider, bool(sec["gate"]))


# Text from which a run loads the lexicon before its workers fork (``expect``): each worker
# would otherwise build its own on its first laundered article (0.25 s and about 30 MB).
# Below this a dump may well hold no laundered article, and then the lexicon is never needed.
LEXICON_BEFORE_BYTES = 4 << 20


def expect(state: RepairState, text_bytes: int, forks: bool = True) -> None:
    """A run is about to repair ``text_bytes`` of text: on a big one, load the lexicon and
    the context statistics now so that the workers forked next share them (and a process
    that runs many dumps loads them once). Not when no worker forks from here (``forks``
    false: a Ray worker): they are then loaded only by a worker that meets a laundered
    article (31.5 and 19 MB a process, measured; a dump of portal pages holds none)."""
    if forks and text_bytes >= LEXICON_BEFORE_BYTES:
        _ = state.decider.lexicon
        _ = state.decider.stats


def _unconditional(text: str, index: int, table: dict[str, str], log: list[Repair]) -> str:
    if not any(ch in text for ch in table):
        return text
    out = []
    for offset, ch in enumerate(text):
        new = table.get(ch)
        if new is not None:
            log.append(Repair(paragraph=index, offset=offset, from_=ch, to=new,
                              rule="unconditional", confidence=1.0))
            out.append(new)
        else:
            out.append(ch)
    return "".join(out)


def _phrases(text: str, index: int, phrases: list[tuple[str, str]], log: list[Repair]) -> str:
    for old, new in phrases:
        start = text.find(old)
        while start >= 0:
            log.append(Repair(paragraph=index, offset=start, from_=old, to=new, rule="phrase",
                              confidence=0.9))
            text = text[:start] + new + text[start + len(old):]
            start = text.find(old, start + len(new))
    return text


def repair_text(text: str, index: int, state: RepairState, full: bool,
                rates: dict[str, dict[str, float]], log: list[Repair]) -> str:
    """One paragraph (or title): unconditional fixes, then phrases and decisions when ``full``."""
    text = _unconditional(text, index, state.unconditional, log)
    if full:
        text = _phrases(text, index, state.phrases, log)
        text = state.decider.repair(text, index, rates, log)
    return text


def process(article: Article, state: RepairState) -> Article:
    if not article.original.paragraphs and article.original.title is None:
        article.original = Original(title=article.title, paragraphs=list(article.paragraphs))
    if article.script.detected == "unknown":
        # Not through convert (``zhnews repair --text``, extract | repair): the wrong-codec
        # text is as it was read, so undo it here too (a run does it at the start of clean,
        # and this pass then finds nothing left). After convert, t2s has changed its bytes.
        if state.dry_run:  # listed, not applied
            article.repairs.extend(mojibake.process(replace(article, repairs=[])).repairs)
        else:
            article = mojibake.process(article)
    whole = article.text if not article.title else article.title + "\n" + article.text
    score, flagged = state.gate.check(whole)
    article.scores["laundering"] = round(score, 3)
    full = flagged or not state.use_gate
    rates = state.decider.start_document(whole, flagged) if full else {}
    log: list[Repair] = []
    title = article.title
    if title:
        title = repair_text(title, -1, state, full, rates, log)
    paragraphs = [repair_text(p, i, state, full, rates, log)
                  for i, p in enumerate(article.paragraphs)]
    if full and state.decider.settings.she_to_it:
        state.decider.she_to_it(paragraphs, whole, log)
    article.repairs.extend(log)
    if not state.dry_run:
        article.title = title
        article.set_paragraphs(paragraphs)
    return article
