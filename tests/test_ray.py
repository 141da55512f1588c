"""The Ray engine writes exactly what the local engine writes (skipped without Ray)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RAW, zhnews
from tests.test_engine import write_jsonl

pytest.importorskip("ray.data")


def _tree(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_ray_on_two_cpus_matches_local_on_samples_and_cut_jsonl(tmp_path: Path):
    (tmp_path / "in").mkdir()
    dump = write_jsonl(tmp_path / "in" / "dump.jsonl", records=120)
    cfg = tmp_path / "cfg" / "pipeline.toml"
    cfg.parent.mkdir()
    cfg.write_text("[run]\nsplit_mb = 0.01\n", "utf-8")  # the dump becomes several units
    inputs = [str(RAW), str(dump)]
    local, ray = tmp_path / "local", tmp_path / "ray"
    zhnews("run", *inputs, "-o", str(local), "-j", "1", "--no-progress", "-c", str(cfg))
    proc = zhnews("run", *inputs, "-o", str(ray), "-j", "2", "--no-progress", "-c", str(cfg),
                  "--engine", "ray")
    assert _tree(ray) == _tree(local)
    assert len(_tree(local)) > 100
    assert b"Traceback" not in proc.stderr
