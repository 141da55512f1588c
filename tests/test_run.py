"""End to end over the sample dump in raw/."""

import json
from pathlib import Path

import jsonschema

from pipeline.article import shipped_schema
from tests.conftest import RAW, zhnews


def _articles(out: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(out.glob("*.json"))}


def _tree(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_every_sample_is_ok_with_schema_valid_articles(sample_run: Path):
    manifest = [json.loads(x) for x in (sample_run / "manifest.jsonl").read_text().splitlines()]
    assert [Path(m["path"]).name for m in manifest] == sorted(p.name for p in RAW.iterdir())
    assert all(m["status"] == "ok" and m["articles"] >= 1 for m in manifest), manifest
    articles = _articles(sample_run)
    validator = jsonschema.Draft202012Validator(shipped_schema())
    per_file: dict[str, int] = {}
    for art in articles.values():
        validator.validate(art)
        assert art["text"] == "\n".join(art["paragraphs"])
        assert len(art["tokens"]) == len(art["paragraphs"])
        per_file[art["source"]["path"]] = per_file.get(art["source"]["path"], 0) + 1
        assert art["source"]["path"].startswith("raw/")  # as given: relative stays relative
    assert len(per_file) == 5


def test_files_are_utf8_with_chinese_unescaped(sample_run: Path):
    raw = next(iter(sample_run.glob("*.json"))).read_bytes()
    assert b"\\u" not in raw
    raw.decode("utf-8")


def test_rerun_is_byte_identical_and_j2_equals_j1(sample_run: Path, tmp_path: Path):
    again = tmp_path / "again"
    zhnews("run", "raw", "-o", str(again), "-j", "2", "--no-progress")
    assert _tree(again) == _tree(sample_run)


def test_chained_stage_commands_match_run(sample_run: Path, tmp_path: Path):
    steps = ["clean", "convert", "repair", "segment", "dedup"]
    zhnews("extract", "raw", "-o", str(tmp_path / "extract.jsonl"), "-j", "1")
    prev = tmp_path / "extract.jsonl"
    for step in steps:
        nxt = tmp_path / f"{step}.jsonl"
        zhnews(step, str(prev), "-o", str(nxt))
        prev = nxt
    zhnews("emit", str(prev), "-o", str(tmp_path / "emitted"))
    chained = _articles(tmp_path / "emitted")
    ran = _articles(sample_run)
    assert chained.keys() == ran.keys()
    for key, art in ran.items():
        assert chained[key]["text"] == art["text"]
        assert chained[key]["title"] == art["title"]


def test_stdin_stdout_pipes(tmp_path: Path):
    extracted = zhnews("extract", "raw/002_90f3a51d6f46763a.txt", "-o", "-").stdout
    cleaned = zhnews("clean", "-", "-o", "-", input=extracted).stdout
    record = json.loads(cleaned.splitlines()[0])
    assert "趙立東" in record["text"] or "赵立东" in record["text"]


def test_moving_the_dump_keeps_ids(sample_run: Path, tmp_path: Path):
    moved = tmp_path / "elsewhere" / "dump"
    moved.mkdir(parents=True)
    for p in RAW.iterdir():
        (moved / p.name).write_bytes(p.read_bytes())
    out = tmp_path / "o"
    zhnews("run", str(moved), "-o", str(out), "-j", "1", "--no-progress")
    assert _articles(out).keys() == _articles(sample_run).keys()
