"""Reliability evaluation: the generated bad-input corpus mixed with the sample dump.

Run from the project root: ``python tests/eval/eval_reliability.py``. Prints the README table
(input, outcome, reason), whether every expectation held, whether every sample article came out
byte-identical to a clean run, and whether stderr stayed free of tracebacks. Needs nothing from
../shared (the corpus is generated).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.badinputs import build  # noqa: E402


def _run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "pipeline", "run", *args, "--no-progress"],
                          cwd=ROOT, env=env, capture_output=True)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="zhnews-rel-") as tmp:
        base = Path(tmp)
        corpus = base / "corpus"
        expect = build(corpus)
        clean = _run("raw", "-o", str(base / "clean"), "-j", "2")
        if clean.returncode != 0:
            print("the clean run failed:", clean.stderr.decode())
            return 1
        mixed = _run("raw", str(corpus), "-o", str(base / "out"), "-j", "2")
        err = mixed.stderr.decode("utf-8", "replace")
        manifest = {m["path"]: m for m in (json.loads(x) for x in
                    (base / "out" / "manifest.jsonl").read_text("utf-8").splitlines())}
        print("| input | what it is | outcome | reason in the manifest |")
        print("|---|---|---|---|")
        held = 0
        for name, exp in sorted(expect.items()):
            entry = manifest.get(str(corpus / name))
            if entry is None:
                print(f"| `{name}` | {exp.what} | MISSING | |")
                continue
            said = entry["error"] or "; ".join(entry["warnings"]) or "—"
            ok = (exp.status in ("*", entry["status"])) and exp.reason in (
                (entry["error"] or "") + " ".join(entry["warnings"]))
            held += ok
            arts = f", {entry['articles']} article(s)" if entry["articles"] else ""
            print(f"| `{name}` | {exp.what} | {entry['status']}{arts} | "
                  f"{said.replace('|', '/')} |")
        same = all((base / "out" / p.name).read_bytes() == p.read_bytes()
                   for p in (base / "clean").glob("*.json"))
        n_clean = len(list((base / "clean").glob("*.json")))
        print()
        print(f"bad inputs: {len(expect)}; expectations held: {held}/{len(expect)}")
        print(f"sample articles identical to a clean run: {same} ({n_clean} articles)")
        print(f"exit code: {mixed.returncode} (3 = some input failed); "
              f"traceback on stderr: {'Traceback' in err}")
        print("stderr:", err.strip().replace("\n", "\n        "))
        return 0 if held == len(expect) and same and "Traceback" not in err else 1


if __name__ == "__main__":
    raise SystemExit(main())
