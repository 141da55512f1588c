"""Measure the convert stage: OpenCC's own test cases, collateral on simplified news, round
trip through Taiwan phrasing, and speed against OpenCC alone.

    /work/venv/bin/python tests/eval/eval_conversion.py

Needs ../shared/data (OpenCC test cases, PKU test text); ``ZHNEWS_SHARED=/path/to/shared``
points elsewhere (e.g. from a git worktree). Prints "skipped" without it.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pipeline import config  # noqa: E402
from pipeline.article import Article, Source  # noqa: E402
from pipeline.stages import convert  # noqa: E402

SHARED = Path(os.environ.get("ZHNEWS_SHARED") or ROOT.parent / "shared") / "data"
CASES = SHARED / "conversion" / "opencc-testcases.json"
PKU = SHARED / "segmentation" / "pku_test.utf8"
GROUPS = {"t2s": ("t2s", "never"), "tw2s": ("tw2s", "never"), "tw2sp": ("tw2s", "always"),
          "hk2s": ("hk2s", "never")}
ARTICLE_LINES = 20  # PKU lines per pseudo-article (paragraphs of one story)
FULLWIDTH_DIGITS = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)})


def load_cases(path: Path) -> list[dict]:
    """OpenCC's file has trailing commas; drop them before parsing."""
    text = re.sub(r",(\s*[}\]])", r"\1", path.read_text("utf-8"))
    return json.loads(text)["cases"]


def state_for(profile: str, taiwan: str):
    cfg = config.load(str(ROOT / "config" / "pipeline.toml"))
    cfg.data["convert"] = {**cfg.data["convert"], "profile": profile, "taiwan_phrases": taiwan}
    return convert.prepare(cfg)


def run(paragraphs: list[str], state) -> list[str]:
    art = Article(id="0" * 16, source=Source(path="-", format="text"))
    art.set_paragraphs(list(paragraphs))
    return convert.process(art, state).paragraphs


def edits(a: str, b: str) -> int:
    """Character edits between two strings (replace counts its longer side)."""
    if a == b:
        return 0
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True))
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")


def per_10k(n: int, total: int) -> float:
    return n * 10000 / total


def test_cases() -> None:
    cases = load_cases(CASES)
    print("== OpenCC test cases (zhnews convert, base profile per group) ==")
    for group, (profile, taiwan) in GROUPS.items():
        state = state_for(profile, taiwan)
        mine = [c for c in cases if group in c["expected"]]
        failed = []
        for case in mine:
            got = run([case["input"]], state)[0]
            if got != case["expected"][group]:
                failed.append((case, got))
        print(f"{group:6s} (profile={profile}, taiwan_phrases={taiwan}): "
              f"{len(mine) - len(failed)}/{len(mine)} pass")
        for case, got in failed:
            print(f"    FAIL {case['id']}: {case['input']}\n"
                  f"         expected {case['expected'][group]}\n"
                  f"         got      {got}")


def pku_lines() -> list[str]:
    return [ln.replace(" ", "").replace("\u3000", "") for ln in
            PKU.read_text("utf-8").splitlines() if ln.strip()]


def articles(lines: list[str]) -> list[list[str]]:
    return [lines[i:i + ARTICLE_LINES] for i in range(0, len(lines), ARTICLE_LINES)]


def collateral(lines: list[str], state) -> None:
    import opencc

    total = sum(map(len, lines))
    changed = 0
    for art in articles(lines):
        out = run(art, state)
        changed += sum(edits(a.translate(FULLWIDTH_DIGITS), b) for a, b in zip(art, out, strict=True))
    tw2sp = opencc.OpenCC("tw2sp")
    plain = sum(edits(a, tw2sp.convert(a)) for a in lines)
    print("== Collateral on simplified news (PKU test, raw text) ==")
    print(f"chars {total}: zhnews convert changes {changed} = {per_10k(changed, total):.2f} "
          f"per 10k (full-width digits not counted); plain tw2sp {per_10k(plain, total):.2f}")


def round_trip(lines: list[str], state) -> None:
    import opencc

    s2twp = opencc.OpenCC("s2twp")
    tw_lines = [s2twp.convert(ln) for ln in lines]
    total = sum(map(len, lines))
    print("== Round trip: PKU → OpenCC s2twp → convert, char edits per 10k vs original ==")
    mine = 0
    for orig, art in zip(articles(lines), articles(tw_lines), strict=True):
        out = run(art, state)
        mine += sum(edits(a.translate(FULLWIDTH_DIGITS), b) for a, b in zip(orig, out, strict=True))
    print(f"zhnews convert ({ARTICLE_LINES}-line articles): {per_10k(mine, total):.2f}")
    whole = run(tw_lines, state)
    n = sum(edits(a.translate(FULLWIDTH_DIGITS), b) for a, b in zip(lines, whole, strict=True))
    print(f"zhnews convert (whole text as one article): {per_10k(n, total):.2f}")
    for name in ("tw2sp", "t2s"):
        conv = opencc.OpenCC(name)
        n = sum(edits(a, conv.convert(b)) for a, b in zip(lines, tw_lines, strict=True))
        print(f"plain OpenCC {name}: {per_10k(n, total):.2f}")


def speed(lines: list[str], state) -> None:
    import opencc

    s2twp = opencc.OpenCC("s2twp")
    tw_lines = [s2twp.convert(ln) for ln in lines]
    corpus: list[str] = []
    size = 0
    while size < 1_000_000:
        for ln in tw_lines:
            corpus.append(ln)
            size += len(ln.encode("utf-8"))
            if size >= 1_000_000:
                break
    mb = size / 1e6
    arts = articles(corpus)
    tw2sp = opencc.OpenCC("tw2sp")

    def best(fn) -> float:
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    joined = ["\n".join(a) for a in arts]
    t_para = best(lambda: [tw2sp.convert(p) for p in corpus])
    t_art = best(lambda: [tw2sp.convert(a) for a in joined])
    t_opencc = min(t_para, t_art)  # compare with OpenCC at its fastest
    t_stage = best(lambda: [run(a, state) for a in arts])
    print("== Speed on 1 MB of Taiwan-phrased traditional text (best of 3, one core) ==")
    print(f"{mb:.2f} MB in {len(arts)} articles: zhnews convert {mb / t_stage:.1f} MB/s; "
          f"OpenCC tw2sp alone {mb / t_para:.1f} MB/s per paragraph, {mb / t_art:.1f} MB/s "
          f"per article; ratio to the faster {t_opencc / t_stage:.2f}")


def main() -> int:
    if not CASES.exists() or not PKU.exists():
        print("skipped: ../shared absent")
        return 0
    test_cases()
    state = state_for("tw2s", "auto")
    lines = pku_lines()
    collateral(lines, state)
    round_trip(lines, state)
    speed(lines, state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
