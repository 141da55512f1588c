"""The near-duplicate set of tests/eval (quick variant: 60 originals and their copies)."""

from __future__ import annotations

from tests.conftest import shared_path


def test_generated_near_duplicates_are_found_and_same_topic_articles_kept_apart(cfg):
    from tests.eval.dedup_set import build
    from tests.eval.eval_dedup import evaluate

    ds = build(shared_path(), limit=60)
    result = evaluate(ds, cfg)
    assert result["gold_pairs"] == 60 and result["distinct_same_topic"] >= 60
    assert result["precision"] >= 0.99
    assert result["recall"] >= 0.95
    assert result["wire_flagged_duplicate"] == 0
    assert result["wire_clustered"] >= 0.7 * result["wire"]
