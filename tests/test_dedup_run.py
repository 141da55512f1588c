"""dedup inside `zhnews run`: late canonicals, the persistent index across runs, aside mode."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import RAW, zhnews

BIREN = RAW / "004_481d3563a41b6d2e.txt"


def _verdicts(out: Path) -> dict[str, tuple]:
    found = {}
    for path in sorted(out.glob("**/*.json")):
        art = json.loads(path.read_text("utf-8"))
        found[art["source"]["path"].rsplit("/", 1)[-1]] = (
            art["id"], art["duplicate_of"], art["cluster"], path.parent.name)
    return found


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


def _dump(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def _body() -> list[str]:
    return [x.strip() for x in BIREN.read_text("utf-8").splitlines() if x.strip()]


# a content paragraph clean keeps, so the copy carrying it is the longer one
EXTRA = "壁仞科技表示，公司将继续加大研发投入，力争在2026年推出新一代通用GPU产品。"


def test_later_longer_copy_becomes_canonical_and_chained_commands_agree(tmp_path: Path):
    body = _body()
    dump = _dump(tmp_path / "dump", {
        "a.txt": "\n\n".join(body) + "\n",            # first, shorter
        "b.txt": "\n\n".join(body + [EXTRA]) + "\n",  # later, longer
    })
    out = tmp_path / "out"
    zhnews("run", str(dump), "-o", str(out), "-j", "1", "--no-progress")
    v = _verdicts(out)
    assert v["a.txt"][1] == v["b.txt"][0]          # a was written first, then re-written
    assert v["b.txt"][1] is None
    assert v["a.txt"][2] == v["b.txt"][2] == v["b.txt"][0]

    steps = ["extract", "clean", "convert", "repair", "segment", "dedup"]
    prev = str(dump)
    for step in steps:
        nxt = tmp_path / f"{step}.jsonl"
        args = [step, prev, "-o", str(nxt)] + (["-j", "1"] if step == "extract" else [])
        zhnews(*args)
        prev = str(nxt)
    zhnews("emit", prev, "-o", str(tmp_path / "emitted"))
    chained = {k: v for k, v in _tree(tmp_path / "emitted").items() if k.endswith(".json")}
    ran = {k: v for k, v in _tree(out).items() if k.endswith(".json")}
    assert chained == ran


def test_tomorrows_dump_is_flagged_against_todays_index(tmp_path: Path):
    body = _body()
    today = _dump(tmp_path / "today", {"biren.txt": "\n\n".join(body) + "\n"})
    out = tmp_path / "out"
    zhnews("run", str(today), "-o", str(out), "-j", "1", "--no-progress")
    assert (out / "dedup-index.sqlite").exists()
    before = _tree(out)

    other = [x.strip() for x in (RAW / "002_90f3a51d6f46763a.txt").read_text("utf-8").splitlines()
             if x.strip()]
    tomorrow = _dump(tmp_path / "tomorrow", {
        "repost.txt": "\n\n".join(["分享至", *body[:-1], "扫码关注我们"]) + "\n",
        "fresh.txt": "\n\n".join(other) + "\n",
    })
    proc = zhnews("run", str(tomorrow), "-o", str(out), "-j", "1", "--no-progress")
    assert "(1 duplicates)" in proc.stderr.decode()
    v = _verdicts(out)
    assert v["repost.txt"][1] == v["biren.txt"][0]
    assert v["fresh.txt"][1] is None
    # yesterday's canonical gained a cluster id, so its file was re-written; nothing else of
    # yesterday's changed
    assert v["biren.txt"][1] is None and v["biren.txt"][2] == v["biren.txt"][0]
    assert before.keys() <= _tree(out).keys()

    # the same dump again into the same folder: byte-identical
    snapshot = _tree(out)
    zhnews("run", str(tomorrow), "-o", str(out), "-j", "2", "--no-progress")
    assert _tree(out) == snapshot

    # deleting yesterday's file forgets it: the repost is canonical again
    (out / f"{v['biren.txt'][0]}.json").unlink()
    zhnews("run", str(tomorrow), "-o", str(out), "-j", "1", "--no-progress")
    assert _verdicts(out)["repost.txt"][1:3] == (None, None)


def test_rerun_of_the_sample_into_the_same_folder_is_byte_identical(sample_run: Path,
                                                                    tmp_path: Path):
    again = tmp_path / "again"
    shutil.copytree(sample_run, again)
    zhnews("run", "raw", "-o", str(again), "-j", "2", "--no-progress")
    assert _tree(again) == _tree(sample_run)


def test_duplicates_aside(tmp_path: Path):
    body = _body()
    dump = _dump(tmp_path / "dump", {"a.txt": "\n\n".join(body) + "\n",
                                     "b.txt": "\n\n".join(body + [EXTRA]) + "\n"})
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "pipeline.toml").write_text('[dedup]\nduplicates = "aside"\n', "utf-8")
    out = tmp_path / "out"
    zhnews("run", str(dump), "-o", str(out), "-j", "1", "--no-progress", "-c", str(conf))
    v = _verdicts(out)
    assert v["a.txt"][3] == "duplicates" and v["a.txt"][1] == v["b.txt"][0]
    assert v["b.txt"][3] == "out"
    assert not (out / f"{v['a.txt'][0]}.json").exists()
    assert not [name for name in _tree(out) if ".tmp-" in name]
