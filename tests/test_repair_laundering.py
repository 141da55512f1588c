"""repair on text laundered by the seeded generator (tests/eval/launder.py), and on clean text.

The full measurements (PKU, acc_xxqg, gen_de3) are in tests/eval/eval_repair.py; these are the
fast variants the suite runs.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import pytest

from pipeline.article import Article, Source
from pipeline.stages import repair
from tests.conftest import ROOT, shared_path

sys.path.insert(0, str(ROOT / "tests" / "eval"))
from launder import launder  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "repair_clean_news.txt"


def _sentences() -> list[list[str]]:
    lines = FIXTURE.read_text("utf-8").splitlines()
    return [line.split() for line in lines if line.strip() and not line.startswith("#")]


def _run(state, paragraphs: list[str]) -> Article:
    art = Article(id="0" * 16, source=Source(path="-", format="text"))
    art.set_paragraphs(list(paragraphs))
    return repair.process(art, state)


@pytest.fixture(scope="module")
def state(cfg):
    return repair.prepare(cfg)


@pytest.fixture(scope="module")
def forced(cfg):
    st = repair.prepare(cfg)
    st.use_gate = False
    return st


def test_generator_is_deterministic():
    sents = _sentences()
    assert launder(sents, seed=7) == launder(sents, seed=7)
    noisy, clean, edits = launder(sents, seed=7)
    assert clean == "".join("".join(s) for s in sents)
    assert "硪" in noisy and {e.cls for e in edits} >= {"硪", "得→的", "再→在", "伪→为"}


def test_laundered_fixture_is_restored(state):
    sents = _sentences()
    tp = Counter()
    gold_n = Counter()
    sys_n = 0
    for seed in range(5):
        noisy, clean, edits = launder(sents, seed=seed)
        art = _run(state, [noisy])
        assert art.scores["laundering"] >= state.gate.threshold
        gold = {(e.pos, e.noisy): e.clean for e in edits if e.cls != "她→它"}
        for e in edits:
            gold_n[e.cls] += 1
        moves: list[tuple[int, int]] = []  # earlier edits: (offset, length change)
        for r in art.repairs:
            # particles are decided in a second pass, so edits are not left to right: undo
            # the shift of every earlier edit made before this offset
            pos = r.offset
            for at, delta in reversed(moves):
                if pos >= at:
                    pos -= delta
            moves.append((r.offset, len(r.to) - len(r.from_)))
            sys_n += 1
            if gold.get((pos, r.from_)) == r.to:
                tp[r.from_] += 1
    correct = sum(tp.values())
    assert correct / sys_n >= 0.97
    assert correct / (sum(gold_n.values()) - gold_n["她→它"]) >= 0.93


def test_clean_fixture_untouched_even_forced(forced):
    sents = ["".join(s) for s in _sentences()]
    art = _run(forced, sents)
    assert art.paragraphs == sents, [(r.from_, r.to, r.paragraph) for r in art.repairs]


def _xxqg() -> list[str]:
    rows = json.loads(shared_path("repair", "acc_xxqg.tet.json").read_text("utf-8"))
    return [r["original_text"] for r in rows]


def test_acc_xxqg_gate_on_zero_edits(state):
    sents = _xxqg()
    for i in range(0, len(sents), 20):
        assert _run(state, sents[i:i + 20]).repairs == []


def test_acc_xxqg_forced_changes_few_sentences(forced):
    sents = _xxqg()
    changed = 0
    for i in range(0, len(sents), 20):
        art = _run(forced, sents[i:i + 20])
        changed += sum(a != b for a, b in zip(sents[i:i + 20], art.paragraphs, strict=True))
    assert changed / len(sents) <= 0.005


def test_real_pages_not_gated(cfg, state):
    """98 extracted portal and CWCED pages (clean, converted): none gated, no edits."""
    from pipeline.engine import local
    from pipeline.io import walk_inputs
    from pipeline.stages import Chain

    folders = [shared_path("extraction", "portal-pages"),
               shared_path("extraction", "cwced-dev", "original")]
    files = list(walk_inputs([str(f) for f in folders]))
    chain = Chain(cfg, ("clean", "convert"))
    for result in local.results(files, cfg, (), 1):
        for art in result.articles:
            art = chain(art)
            if art is None:
                continue
            art = repair.process(art, state)
            assert art.repairs == [], art.source.path
            assert art.scores["laundering"] < state.gate.threshold


# A laundered context (得 for every 的, 再, 伪, 野), so the document's channel rates are on.
_LAUNDERED = "硪们得差距还很大,再世界人工智能大会上,华伪野纷纷介入,硪们得产品得质量得提高。" * 2


@pytest.mark.parametrize(("noisy", "clean"), [
    ("他认真得学习。", "他认真地学习。"),
    # jieba lists 系统地 / 创造性地 / 集中地 as nouns; People's Daily writes the modifier and
    # the particle apart (系统 地 阐述), so the 地 is the particle
    ("会议全面、系统得阐述了这一理论。", "会议全面、系统地阐述了这一理论。"),
    ("我们要创造性得开展工作。", "我们要创造性地开展工作。"),
    ("要集中得解决群众反映的问题。", "要集中地解决群众反映的问题。"),
    # 得以 is a word, yet the particle model is sure of 地 after 坚定不移
    ("我们必须坚定不移得以经济建设为中心。", "我们必须坚定不移地以经济建设为中心。"),
    # and what stays: the complement, the word 得以 after a noun, 记得
    ("他跑得很快,大家都记得他。", "他跑得很快,大家都记得他。"),
    ("这个问题终于得以解决。", "这个问题终于得以解决。"),
    ("他们的心愿得以实现。", "他们的心愿得以实现。"),
])
def test_adverbial_di_recall_in_laundered_article(state, noisy, clean):
    art = _run(state, [_LAUNDERED, noisy])
    assert art.scores["laundering"] >= state.gate.threshold
    assert art.paragraphs[1] == clean


def test_adverb_forms_read_from_people_daily(state):
    decider = state.decider
    for word in ("系统地", "创造性地", "集中地"):
        assert decider._adverb_form(word), word
    for noun in ("根据地", "殖民地", "保留地", "目的地"):
        assert not decider._adverb_form(noun), noun
