"""Shared fixtures: project paths, the optional ../shared data, and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
SHARED = Path(os.environ.get("ZHNEWS_SHARED") or ROOT.parent / "shared")  # env: worktrees
SHARED_DATA = SHARED / "data"


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data, or a clean skip when it is absent (users' machines)."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared data not present: {path}")
    return path


def zhnews(*args: str, input: bytes | None = None, cwd: Path | None = None,
           check: bool = True) -> subprocess.CompletedProcess:
    """Run the CLI as a user would (``python -m pipeline``), capturing bytes."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-m", "pipeline", *args], input=input,
                          capture_output=True, cwd=cwd or ROOT, env=env, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"zhnews {' '.join(args)} exited {proc.returncode}:\n"
                             f"{proc.stderr.decode('utf-8', 'replace')}")
    return proc


@pytest.fixture(scope="session")
def cfg():
    from pipeline import config

    return config.load(str(ROOT / "config" / "pipeline.toml"))


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> Path:
    """One ``zhnews run raw`` shared by the end-to-end tests."""
    out = tmp_path_factory.mktemp("run") / "out"
    zhnews("run", "raw", "-o", str(out), "-j", "1", "--no-progress")
    return out
