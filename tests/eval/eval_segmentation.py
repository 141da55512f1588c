"""Segmentation numbers for issue 6: PKU F1, entity integrity, speed, startup, new words.

Run from the project root: ``python tests/eval/eval_segmentation.py``. PKU needs
``../shared/data/segmentation`` (skipped when absent); the entity check uses
``tests/fixtures/entities.tsv`` and always runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHARED = Path(os.environ.get("ZHNEWS_SHARED", ROOT.parent / "shared"))
PKU = SHARED / "data" / "segmentation"
ENTITIES = ROOT / "tests" / "fixtures" / "entities.tsv"


def spans(words: list[str]) -> set[tuple[int, int]]:
    out, pos = set(), 0
    for w in words:
        out.add((pos, pos + len(w)))
        pos += len(w)
    return out


def prf(gold_lines: list[list[str]], test_lines: list[list[str]]) -> tuple[float, float, float]:
    """SIGHAN word-level precision, recall and F1 (percent): words matched by exact span."""
    hit = ng = nt = 0
    for gold, test in zip(gold_lines, test_lines, strict=True):
        g, t = spans(gold), spans(test)
        hit += len(g & t)
        ng += len(g)
        nt += len(t)
    p, r = hit / nt, hit / ng
    return 100 * p, 100 * r, 100 * 2 * p * r / (p + r)


def pku_lines() -> tuple[list[str], list[list[str]]] | None:
    test, gold = PKU / "pku_test.utf8", PKU / "pku_test_gold.utf8"
    if not (test.exists() and gold.exists()):
        return None
    gold_lines = [ln.split() for ln in gold.read_text("utf-8").splitlines()]
    # The test file has no spaces; the input is the gold sentence joined, which is the same.
    texts = ["".join(g) for g in gold_lines]
    return texts, gold_lines


def pku_f1(tokenizer) -> tuple[float, float, float] | None:
    data = pku_lines()
    if data is None:
        return None
    texts, gold = data
    return prf(gold, [tokenizer.cut(t)[0] for t in texts])


def read_entities(path: Path = ENTITIES) -> list[tuple[str, str, str]]:
    """(name, kind, sentence) rows; ``#`` comment lines skipped. The name is checked at its
    first occurrence in the sentence."""
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, kind, sentence = line.split("\t")
            rows.append((name, kind, sentence))
    return rows


def entity_integrity(tokenizer, rows) -> tuple[int, int, list[tuple[str, str, list[str]]]]:
    """Names that come out as exactly one token in their sentence."""
    whole, misses = 0, []
    for name, _kind, sentence in rows:
        start = sentence.index(name)
        tokens, offsets = tokenizer.cut(sentence)
        if [start, start + len(name)] in offsets:
            whole += 1
        else:
            near = [t for t, (s, e) in zip(tokens, offsets, strict=True)
                    if e > start and s < start + len(name)]
            misses.append((name, sentence, near))
    return whole, len(rows), misses


def chars_per_second(tokenizer, texts: list[str], rounds: int = 3) -> float:
    """Characters per CPU second of this process (per core, whatever else the machine runs),
    best of ``rounds`` passes."""
    n = sum(map(len, texts))
    best = 0.0
    for _ in range(rounds):
        t0 = time.process_time()
        for t in texts:
            tokenizer.cut(t)
        best = max(best, n / (time.process_time() - t0))
    return best


class PlainJieba:
    """jieba as shipped (no user dictionary, no folding), for the speed ratio."""

    def __init__(self, hmm: bool) -> None:
        import jieba

        self.tk, self.hmm = jieba.Tokenizer(), hmm
        self.tk.initialize()

    def cut(self, text: str) -> tuple[list[str], None]:
        return [t for t in self.tk.cut(text, HMM=self.hmm) if not t.isspace()], None


SEGMENT_TEXT = [sys.executable, "-m", "pipeline", "segment", "--text"]
PLAIN_JIEBA = [sys.executable, "-c", "import jieba; jieba.setLogLevel(30); print(jieba.lcut("
               "input()))"]


def startup_seconds(cmd: list[str] = SEGMENT_TEXT, rounds: int = 3) -> tuple[float, float]:
    """(wall, CPU) seconds of ``cmd`` on one line of input, best of ``rounds``."""
    import resource

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    wall = cpu = 1e9
    for _ in range(rounds):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, input="摩尔线程在科创板上市\n".encode(), capture_output=True,
                       cwd=ROOT, env=env, check=True)
        wall = min(wall, time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = min(cpu, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return wall, cpu


FRAGMENTS = ["燧原科", "原科技", "壁仞科", "仞科技", "摩尔线", "尔线程", "沐曦股", "曦股份", "伟达", "英伟"]


def newwords_on_samples() -> list[str]:
    """``zhnews run raw`` with the user dictionary emptied: the words of its newwords.txt."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        conf = Path(tmp) / "pipeline.toml"
        (Path(tmp) / "empty.txt").write_text("", "utf-8")
        conf.write_text('[segment]\nuserdict_file = "empty.txt"\n', "utf-8")
        out = Path(tmp) / "out"
        subprocess.run([sys.executable, "-m", "pipeline", "run", "raw", "-o", str(out), "-j", "1",
                        "--no-progress", "-c", str(conf)], cwd=ROOT, check=True,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True)
        lines = (out / "newwords.txt").read_text("utf-8").splitlines()
    return [ln.split()[0] for ln in lines if ln and not ln.startswith("#")]


def main() -> int:
    from pipeline import config
    from pipeline.stages.segment.tokenizer import Tokenizer

    cfg = config.load(str(ROOT / "config" / "pipeline.toml"))
    userdict = cfg.file("segment", "userdict_file").read_bytes()
    from pipeline.stages import segment

    ours = {hmm: Tokenizer(userdict, hmm) for hmm in (False, True)}
    bare = {hmm: Tokenizer(b"", hmm) for hmm in (False, True)}
    stage = segment.prepare(cfg).tokenizer  # as configured: person_names glues names
    names_on = stage.names is not None

    rows = read_entities()
    print(f"entities: {len(rows)} sentences, {len({r[0] for r in rows})} names")
    for label, tk in [("ours hmm=off", ours[False]), ("ours hmm=on", ours[True]),
                      ("no userdict hmm=off", bare[False]),
                      (f"stage (names {'on' if names_on else 'off'})", stage)]:
        whole, total, misses = entity_integrity(tk, rows)
        print(f"  {label:22s} whole {whole}/{total} = {100 * whole / total:.1f}%")
        if tk is stage:
            for name, sentence, near in misses:
                print(f"    miss {name}: {' / '.join(near)}   ({sentence[:40]})")

    words = newwords_on_samples()
    print(f"new words on raw/ without the user dictionary ({len(words)}, best 20):",
          " ".join(words[:20]))
    print("  fragments among them:", [w for w in words if w in FRAGMENTS] or "none")

    data = pku_lines()
    if data is None:
        print(f"PKU: skipped: ../shared absent ({PKU})")
    else:
        for label, tk in [("ours hmm=off", ours[False]), ("ours hmm=on", ours[True]),
                          ("no userdict hmm=off", bare[False]),
                          ("no userdict hmm=on", bare[True]),
                          (f"stage (names {'on' if names_on else 'off'})", stage)]:
            p, r, f = pku_f1(tk)
            print(f"PKU {label:22s} P {p:.2f} R {r:.2f} F1 {f:.2f}")
        texts = data[0]
        plain = PlainJieba(False)
        ours_speed = plain_speed = stage_speed = 0.0
        for _ in range(5):  # interleaved, best of each: other load hits both alike
            ours_speed = max(ours_speed, chars_per_second(ours[False], texts, 1))
            stage_speed = max(stage_speed, chars_per_second(stage, texts, 1))
            plain_speed = max(plain_speed, chars_per_second(plain, texts, 1))
        print(f"speed (PKU text, per CPU second): ours {ours_speed / 1000:.0f}k chars/s, "
              f"stage (names {'on' if names_on else 'off'}) {stage_speed / 1000:.0f}k chars/s, "
              f"plain jieba {plain_speed / 1000:.0f}k chars/s, ratio "
              f"{ours_speed / plain_speed:.2f} / {stage_speed / plain_speed:.2f}")
    wall, cpu = startup_seconds()
    print(f"startup: `segment --text` one line, warm cache: {wall:.2f} s wall, {cpu:.2f} s CPU")
    wall, cpu = startup_seconds(PLAIN_JIEBA)
    print(f"  (plain jieba.lcut of one line, warm jieba cache: {wall:.2f} s wall, {cpu:.2f} s CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
