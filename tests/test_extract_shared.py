"""Extraction on ../shared data (skipped where it is absent): quality floor and robustness.

The full numbers come from ``tests/eval/eval_extraction.py``; this keeps a floor under them.
"""

from __future__ import annotations

from tests.conftest import shared_path


def _pages(folder):
    return sorted(folder.glob("*.html"))


def test_cwced_dev_body_floor(cfg):
    from pipeline.stages.extract.similarity import char_f1
    from tests.eval.eval_extraction import run_pages

    base = shared_path("extraction", "cwced-dev")
    scores = []
    for path, art, err in run_pages(_pages(base / "original")):
        assert err is None, f"{path.name}: {err}"
        gold = (base / "cleaned" / f"{path.stem}.txt").read_text("utf-8", "replace")
        scores.append(char_f1("\n".join(art.paragraphs), gold))
    assert sum(scores) / len(scores) >= 0.95


def test_portal_pages_never_crash_and_have_bodies():
    from tests.eval.eval_extraction import run_pages

    base = shared_path("extraction", "portal-pages")
    for path, art, err in run_pages(_pages(base)):
        assert err is None, f"{path.name}: {err}"
        assert art is not None and art.text, path.name
