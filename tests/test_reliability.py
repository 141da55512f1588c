"""Hostile input: a generated bad-input corpus mixed with the sample dump, accounted for line by line."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.badinputs import build
from tests.conftest import RAW, ROOT, zhnews

_OUT_NAME = re.compile(r"^[0-9a-f]{16}\.json$")


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    """``zhnews run raw CORPUS`` once for the whole module: (corpus, expectations, out, proc)."""
    base = tmp_path_factory.mktemp("bad")
    corpus = base / "corpus"
    expect = build(corpus)
    out = base / "out"
    proc = zhnews("run", "raw", str(corpus), "-o", str(out), "-j", "2", "--no-progress",
                  check=False)
    return corpus, expect, out, proc


def _manifest(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "manifest.jsonl").read_text("utf-8").splitlines()]


def test_corpus_has_every_case(bad_run):
    _corpus, expect, _out, _proc = bad_run
    assert len(expect) >= 25


def test_run_finishes_exit_3_and_no_traceback(bad_run):
    _corpus, _expect, _out, proc = bad_run
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 3, err
    assert "Traceback" not in err and "Error" not in err.replace("error", ""), err
    assert all(line.startswith("zhnews: ") for line in err.strip().splitlines()), err


def test_every_bad_input_has_its_manifest_line_and_reason(bad_run):
    corpus, expect, out, _proc = bad_run
    manifest = _manifest(out)
    by_path = {m["path"]: m for m in manifest}
    assert len(by_path) == len(manifest)  # the folder symlink loop (子目录 一/up → ..) is cut
    assert len(manifest) == len(expect) + len(list(RAW.iterdir())), sorted(by_path)
    for name, exp in expect.items():
        entry = by_path.get(str(corpus / name))
        assert entry is not None, f"{name}: no manifest line"
        if exp.status != "*":
            assert entry["status"] == exp.status, (name, entry)
        said = " ".join([entry["error"] or "", *entry["warnings"]])
        assert exp.reason in said, (name, entry)
        if entry["status"] != "ok":
            assert entry["error"] and "\n" not in entry["error"], (name, entry)
            assert len(entry["error"]) < 300


def test_ok_inputs_keep_their_text(bad_run):
    corpus, expect, out, _proc = bad_run
    texts: dict[str, list[str]] = {}
    for path in out.glob("*.json"):
        art = json.loads(path.read_text("utf-8"))
        texts.setdefault(art["source"]["path"], []).append(art["text"])
    for name, exp in expect.items():
        if exp.text:
            got = texts.get(str(corpus / name), [])
            assert any(exp.text in t for t in got), (name, [t[:80] for t in got])
    # The JSONL with broken lines keeps its three good records.
    assert len(texts[str(corpus / "crawl.jsonl")]) == 3


def test_samples_are_emitted_exactly_as_in_a_clean_run(bad_run, sample_run: Path):
    _corpus, _expect, out, _proc = bad_run
    clean = {p.name: p.read_bytes() for p in sample_run.glob("*.json")}
    assert clean
    for name, data in clean.items():
        assert (out / name).read_bytes() == data, name
    sample_lines = [m for m in _manifest(out) if m["path"].startswith("raw/")]
    assert sample_lines == _manifest(sample_run)
    assert len(sample_lines) == len(list(RAW.iterdir()))


def test_output_names_are_hashes_and_nothing_escapes(bad_run):
    _corpus, _expect, out, _proc = bad_run
    names = {p.name for p in out.iterdir()}
    assert "manifest.jsonl" in names
    articles = {n for n in names if n.endswith(".json")}
    assert articles and all(_OUT_NAME.match(n) for n in articles), articles
    assert names - articles <= {"manifest.jsonl", "newwords.txt", "dedup-index.sqlite"}, names - articles
    assert not any(p.name.startswith(".") for p in out.iterdir())  # no temp, no journal
    assert not Path("/tmp/zhnews-escape").exists()
    assert not (out.parent / "escape").exists()


def test_strict_fails_on_skips_and_default_passes(tmp_path: Path, capsys):
    from pipeline.cli import main

    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "empty.txt").write_bytes(b"")
    (dump / "news.txt").write_bytes((RAW / "002_90f3a51d6f46763a.txt").read_bytes())
    common = [str(dump), "-j", "1", "--no-progress", "-c", str(ROOT / "config")]
    assert main(["run", *common, "-o", str(tmp_path / "a")]) == 0
    assert main(["run", *common, "-o", str(tmp_path / "b"), "--strict"]) == 3
    assert "1 skipped" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads through chmod 000")
def test_unreadable_file_is_failed(tmp_path: Path):
    locked = tmp_path / "d" / "locked.txt"
    locked.parent.mkdir()
    locked.write_bytes((RAW / "002_90f3a51d6f46763a.txt").read_bytes())
    locked.chmod(0)
    proc = zhnews("run", str(locked.parent), "-o", str(tmp_path / "o"), "--no-progress",
                  check=False)
    assert proc.returncode == 3
    entry = _manifest(tmp_path / "o")[0]
    assert entry["status"] == "failed" and "Permission denied" in entry["error"]


def test_output_inside_the_input_folder_is_not_read_back(tmp_path: Path, cfg):
    from pipeline.runner import run

    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "news.txt").write_bytes((RAW / "004_481d3563a41b6d2e.txt").read_bytes())
    for _ in range(2):
        run([str(dump)], dump / "out", cfg, workers=1, progress=False)
    assert [m["path"] for m in _manifest(dump / "out")] == [str(dump / "news.txt")]


def test_the_project_has_no_code_execution_paths():
    """Config is data: nothing in the package evaluates, unpickles or YAML-loads anything.
    (segment's own dictionary cache is marshal: plain dicts it writes itself, not config.)"""
    banned = re.compile(r"\b(eval|exec)\(|\bpickle\b|yaml\.load\(|__import__\(")
    hits = []
    for path in (ROOT / "pipeline").rglob("*.py"):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if banned.search(line.split("#")[0]):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not hits, hits


def test_an_oversized_jsonl_line_is_skipped_and_the_rest_kept(tmp_path: Path, cfg):
    """A crawl file is a container: no 64 MB file cap, but one runaway line is dropped."""
    from pipeline import config as config_mod
    from pipeline.engine.work import process_file
    from pipeline.io import InputFile
    from tests.badinputs import BODY

    data = dict(cfg.data, run=dict(cfg.data["run"], max_record_mb=1, max_input_mb=1))
    small = config_mod.Config(data, cfg.origin)
    lines = [json.dumps({"url": f"https://example.cn/{i}", "content": BODY}, ensure_ascii=False)
             for i in range(3)]
    lines[1] = json.dumps({"url": "https://example.cn/big", "content": "长" * 800_000},
                          ensure_ascii=False)
    path = tmp_path / "crawl.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    assert path.stat().st_size > (1 << 20)  # over max_input_mb, yet read: it is a container
    result = process_file(InputFile(str(path), path.name), small, ())
    assert result.entry.status == "ok", result.entry
    assert [a.source.url for a in result.articles] == ["https://example.cn/0",
                                                       "https://example.cn/2"]
    assert result.entry.warnings == [
        "line 2: 2.3 MB record skipped (over [run] max_record_mb = 1)"]


def test_the_package_has_no_network_client_calls():
    """Extractors get text or trees, never a URL: no fetching API is used anywhere."""
    banned = re.compile(r"fetch_url|urlopen|\brequests\.|http\.client|urllib\.request|"
                        r"socket\.(socket|create_connection)|Document\(\s*url")
    hits = [f"{p.relative_to(ROOT)}:{n}" for p in (ROOT / "pipeline").rglob("*.py")
            for n, line in enumerate(p.read_text("utf-8").splitlines(), 1)
            if banned.search(line)]
    assert not hits, hits
