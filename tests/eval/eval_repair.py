"""Measure the repair stage (run from the project root: python tests/eval/eval_repair.py).

1. Laundered People's Daily (PKU test text through tests/eval/launder.py, documents of 20
   sentences): precision and recall per laundering class; 她→它 separately (run with --she to
   turn the experimental rule on).
2. acc_xxqg (5,000 clean sentences, documents of 20): edits with the gate on; share of
   sentences changed with the gate off (forced mode).
3. gen_de3 (的/地/得 errors, one sentence per document, forced mode): per-position P/R.
4. Speed: gate on clean text, full repair on laundered text (chars per CPU-second, one core;
   CPU time, so other load on a shared machine does not count against it).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "eval"))

from launder import CLASSES, launder  # noqa: E402

from pipeline import config  # noqa: E402
from pipeline.article import Article, Source  # noqa: E402
from pipeline.stages import repair  # noqa: E402

# ../shared beside the project; a git worktree one level deeper also finds it.
DATA = next((p / "shared" / "data" for p in (ROOT.parent, ROOT.parent.parent)
             if (p / "shared" / "data").exists()), ROOT.parent / "shared" / "data")
DOC = 20


def make_state(gate: bool, she: bool = False):
    cfg = config.load(str(ROOT / "config" / "pipeline.toml"))
    cfg.data["repair"]["gate"] = gate
    cfg.data["repair"]["she_to_it"] = she
    return repair.prepare(cfg)


def run(state, paragraphs: list[str]) -> Article:
    art = Article(id="0" * 16, source=Source(path="-", format="text"))
    art.set_paragraphs(list(paragraphs))
    return repair.process(art, state)


def input_positions(art: Article) -> list[tuple[int, int, str, str, str]]:
    """Edits mapped back to positions in the input paragraphs (edits replay left to right)."""
    out = []
    shift: dict[int, list[tuple[int, int]]] = {}
    for r in art.repairs:
        moves = shift.setdefault(r.paragraph, [])
        pos = r.offset
        for at, delta in reversed(moves):
            if pos >= at:
                pos -= delta
        moves.append((r.offset, len(r.to) - len(r.from_)))
        out.append((r.paragraph, pos, r.from_, r.to, r.rule))
    return out


def cls_of(frm: str, to: str) -> str:
    if frm == "硪":
        return "硪"
    return f"{frm}→{to}"


def pku_docs() -> list[list[list[str]]]:
    lines = (DATA / "segmentation" / "pku_test_gold.utf8").read_text("utf-8").splitlines()
    sents = [line.split() for line in lines if line.strip()]
    return [sents[i:i + DOC] for i in range(0, len(sents), DOC)]


def eval_laundered(she: bool) -> None:
    state = make_state(gate=True, she=she)
    tp, sys_n, gold_n = Counter(), Counter(), Counter()
    docs = flagged = 0
    for n, doc in enumerate(pku_docs()):
        noisy, clean, edits = launder(doc, seed=n)
        art = run(state, [noisy])
        docs += 1
        flagged += bool(art.repairs) and art.scores["laundering"] >= state.gate.threshold
        gold = {(e.pos, e.noisy): e.clean for e in edits}
        for e in edits:
            gold_n[e.cls] += 1
        for _p, pos, frm, to, _rule in input_positions(art):
            c = cls_of(frm, to)
            sys_n[c] += 1
            if gold.get((pos, frm)) == to:
                tp[c] += 1
    print(f"laundered PKU: {docs} documents, {flagged} flagged by the gate")
    print(f"  {'class':8} {'gold':>6} {'edits':>6} {'P':>7} {'R':>7}")
    for c in CLASSES:
        p = tp[c] / sys_n[c] if sys_n[c] else float("nan")
        r = tp[c] / gold_n[c] if gold_n[c] else float("nan")
        print(f"  {c:8} {gold_n[c]:6d} {sys_n[c]:6d} {p:7.4f} {r:7.4f}")
    other = {c: n for c, n in sys_n.items() if c not in CLASSES}
    if other:
        print("  edits outside the classes (all false):", dict(other))


def eval_clean() -> None:
    rows = json.loads((DATA / "repair" / "acc_xxqg.tet.json").read_text("utf-8"))
    sents = [r["original_text"] for r in rows]
    for gate in (True, False):
        state = make_state(gate)
        edits = changed = 0
        examples = []
        for i in range(0, len(sents), DOC):
            art = run(state, sents[i:i + DOC])
            edits += len(art.repairs)
            for j, (a, b) in enumerate(zip(sents[i:i + DOC], art.paragraphs, strict=False)):
                if a != b:
                    changed += 1
                    if len(examples) < 8:
                        examples.append((a, [(r.from_, r.to, r.offset) for r in art.repairs
                                              if r.paragraph == j]))
        mode = "gate on" if gate else "forced (gate off)"
        print(f"acc_xxqg {mode}: {edits} edits, {changed}/{len(sents)} sentences changed "
              f"({100 * changed / len(sents):.2f}%)")
        for a, e in examples:
            print("   ", e, a[:60])


def eval_de3() -> None:
    rows = json.loads((DATA / "repair" / "gen_de3.json").read_text("utf-8"))
    state = make_state(gate=False)
    tp = sys_n = gold_n = 0
    false: Counter = Counter()
    for row in rows:
        src, gold = row["original_text"], row["correct_text"]
        wrong = {i for i in row["wrong_ids"] if i < len(src) and i < len(gold)
                 and src[i] != gold[i]}
        gold_n += len(wrong)
        art = run(state, [src])
        for _p, pos, frm, to, _rule in input_positions(art):
            sys_n += 1
            if pos in wrong and len(frm) == 1 and gold[pos] == to:
                tp += 1
            else:
                false[(frm, to)] += 1
    print(f"gen_de3 forced: {gold_n} wrong positions, {sys_n} edits, "
          f"precision {tp / max(sys_n, 1):.4f}, recall {tp / max(gold_n, 1):.4f}")
    print("  false edits by kind:", dict(false.most_common(8)))


def eval_speed() -> None:
    state = make_state(gate=True)
    rows = json.loads((DATA / "repair" / "acc_xxqg.tet.json").read_text("utf-8"))
    text = "\n".join(r["original_text"] for r in rows)
    chunks = [text[i:i + 2000] for i in range(0, len(text), 2000)]
    t = time.process_time()
    for c in chunks:
        state.gate.check(c)
    dt = time.process_time() - t
    rate = len(text) / dt
    print(f"gate on clean text: {rate / 1e6:.2f}M chars/s (acceptance ≥ 2M: "
          f"{'met' if rate >= 2e6 else 'NOT met'})")
    sents = [r["original_text"] for r in rows]
    docs_clean = [sents[i:i + DOC] for i in range(0, len(sents), DOC)]
    t = time.process_time()
    for d in docs_clean:
        run(state, d)
    dt = time.process_time() - t
    print(f"clean articles through repair (gate on, whole stage): {len(text) / dt / 1e6:.2f}M "
          "chars/s")
    docs = [launder(d, seed=n)[0] for n, d in enumerate(pku_docs()[:40])]
    run(state, [docs[0]])  # the lexicon loads for the first gated article: not per-article work
    arts = []
    t = time.process_time()
    for d in docs:
        arts.append(run(state, [d]))
    dt = time.process_time() - t
    rate = sum(map(len, docs)) / dt
    print(f"full repair of laundered text: {rate / 1e3:.0f}k chars/s (acceptance ≥ 100k: "
          f"{'met' if rate >= 1e5 else 'NOT met'})")


def main() -> int:
    if not DATA.exists():
        print("skipped: ../shared absent")
        return 0
    eval_laundered(she="--she" in sys.argv)
    eval_clean()
    eval_de3()
    eval_speed()
    return 0


if __name__ == "__main__":
    sys.exit(main())
