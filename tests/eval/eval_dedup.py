"""Near-duplicate precision/recall, wire-story clusters and dedup speed on a generated set.

Run from the project root: ``python tests/eval/eval_dedup.py`` (``--limit N`` for a quick look).
The set comes from ``tests/eval/dedup_set.py`` (built from ../shared/data, never shipped).
Pairs: every two articles dedup puts in one duplicate group is a predicted pair; every original
with its copy is a gold pair. Speed: ``Deduper.add`` over every article plus ``finish``, one
process, text already converted (as in the pipeline, where dedup runs after segment).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pipeline import config, stages  # noqa: E402
from pipeline.stages.dedup import apply  # noqa: E402
from tests.conftest import SHARED_DATA as DATA  # noqa: E402  (../shared, or $ZHNEWS_SHARED)
from tests.eval.dedup_set import DedupSet, build  # noqa: E402


def evaluate(ds: DedupSet, cfg) -> dict:
    dedup = stages.get("dedup").prepare(cfg)
    started, cpu = time.perf_counter(), time.process_time()
    out = [dedup.add(a) for a in ds.articles]
    late = {c.id: c for c in dedup.finish()}
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    out = [apply(a, late[a.id]) if a.id in late else a for a in out]
    group = {a.id: a.duplicate_of or a.id for a in out}
    cluster = {a.id: a.cluster for a in out}
    members = defaultdict(list)
    for key, head in group.items():
        members[head].append(key)
    predicted = {frozenset(p) for m in members.values() for p in itertools.combinations(m, 2)}
    gold = {frozenset((c, o)) for c, o in ds.copies.items()}
    hit = predicted & gold
    by_kind: Counter = Counter()
    found_kind: Counter = Counter()
    for copy, orig in ds.copies.items():
        by_kind[ds.kinds[copy]] += 1
        found_kind[ds.kinds[copy]] += group[copy] == group[orig]
    wire_dup = sum(group[w] == group[o] for w, o in ds.wire.items())
    follow = [a.id for a in ds.articles if a.source.path.startswith("follow/")]
    follow_dup = sum(group[f] != f or any(group[x] == f for x in group if x != f)
                     for f in follow)
    wire_clu = sum(cluster[w] is not None and cluster[w] == cluster[o] for w, o in ds.wire.items())
    chars = sum(len(a.text) for a in ds.articles)
    return {
        "articles": len(ds.articles), "gold_pairs": len(gold), "predicted_pairs": len(predicted),
        "precision": len(hit) / len(predicted) if predicted else 1.0,
        "recall": len(hit) / len(gold) if gold else 1.0,
        "recall_by_kind": {k: (found_kind[k], by_kind[k]) for k in sorted(by_kind)},
        "distinct_same_topic": len(ds.distinct),
        "wire": len(ds.wire), "wire_flagged_duplicate": wire_dup, "wire_clustered": wire_clu,
        "follow_ups": len(follow), "follow_ups_flagged": follow_dup,
        "seconds": seconds, "articles_per_s": len(ds.articles) / seconds,
        "cpu_seconds": cpu, "articles_per_cpu_s": len(ds.articles) / cpu,
        "mean_chars": chars / len(ds.articles),
    }


def speed(ds: DedupSet, cfg, repeat: int) -> list[float]:
    """Articles per CPU second of ``add`` + ``finish``, one fresh Deduper per repeat, sorted."""
    rates = []
    for _ in range(repeat):
        dedup = stages.get("dedup").prepare(cfg)
        cpu = time.process_time()
        for article in ds.articles:
            dedup.add(article)
        dedup.finish()
        rates.append(len(ds.articles) / (time.process_time() - cpu))
    return sorted(rates)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="cap the originals")
    parser.add_argument("--repeat", type=int, default=5, help="speed runs (best and median)")
    parser.add_argument("--threshold", type=float, default=None,
                        help="override [dedup] threshold")
    args = parser.parse_args()
    if not DATA.exists():
        print("skipped: ../shared absent")
        return 0
    cfg = config.load(str(ROOT / "config" / "pipeline.toml"))
    if args.threshold is not None:
        cfg.data["dedup"]["threshold"] = args.threshold
    ds = build(DATA, limit=args.limit)
    r = evaluate(ds, cfg)
    print(f"articles {r['articles']} (mean {r['mean_chars']:.0f} chars); gold pairs "
          f"{r['gold_pairs']}; distinct same-topic articles {r['distinct_same_topic']}")
    print(f"precision {r['precision']:.4f}  recall {r['recall']:.4f}  "
          f"(predicted pairs {r['predicted_pairs']})")
    for kind, (found, total) in r["recall_by_kind"].items():
        print(f"  recall {kind:<24} {found}/{total} = {found / total:.3f}")
    print(f"wire reposts {r['wire']}: clustered with their original {r['wire_clustered']}, "
          f"flagged as duplicates {r['wire_flagged_duplicate']}; follow-ups quoting 30 %: "
          f"{r['follow_ups']}, in a duplicate group {r['follow_ups_flagged']}")
    rates = speed(ds, cfg, max(1, args.repeat))
    print(f"speed {rates[-1]:.0f} articles per CPU second at best, median "
          f"{rates[len(rates) // 2]:.0f}, worst {rates[0]:.0f} ({len(rates)} runs of add + "
          f"finish over {r['articles']} articles, one process; first run "
          f"{r['articles_per_s']:.0f}/s wall on this machine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
