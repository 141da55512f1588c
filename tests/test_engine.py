"""The local engine's work units: big JSONL files cut at line boundaries give the same output."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from pipeline.engine.units import plan
from pipeline.io import InputFile
from tests.conftest import RAW, zhnews


def sample_paragraphs() -> list[str]:
    """Real Chinese lines from the sample dump, for synthetic crawler records."""
    lines: list[str] = []
    for path in sorted(RAW.iterdir()):
        lines += [ln.strip() for ln in path.read_text("utf-8").splitlines() if len(ln.strip()) > 20]
    return lines


def write_jsonl(path: Path, records: int = 240) -> Path:
    """A crawler dump with the awkward parts: records without url (ids from the record number),
    blank lines and a broken line (no record number), duplicates, no trailing newline."""
    paras = sample_paragraphs()
    out: list[str] = []
    for i in range(records):
        seed = i - 1 if i % 40 == 39 else i  # every 40th record repeats the one before
        body = "\n".join(paras[(seed * 7 + k) % len(paras)] for k in range(3 + seed % 5))
        rec: dict = {"title": f"第{i % 60}条新闻", "content": body}
        if i % 3:
            rec["url"] = f"https://news.example.cn/{i}.html"
        out.append(json.dumps(rec, ensure_ascii=False))
        if i % 17 == 0:
            out.append("   ")
        if i == 50:
            out.append('{"url": "https://news.example.cn/broken", "content": "断')
    path.write_text("\n".join(out), "utf-8")
    return path


def _tree(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _config(tmp: Path, split_mb: float) -> Path:
    cfg = tmp / f"split{split_mb}" / "pipeline.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f"[run]\nsplit_mb = {split_mb}\n", "utf-8")
    return cfg


def test_plan_cuts_at_lines_and_counts_records(tmp_path: Path):
    dump = write_jsonl(tmp_path / "dump.jsonl")
    data = dump.read_bytes()
    units = list(plan([InputFile(str(dump), "dump.jsonl")], 8 * 1024))
    assert len(units) > 5
    assert units[0].start == 0 and units[-1].end == len(data)
    assert [u.last for u in units] == [False] * (len(units) - 1) + [True]
    for before, after in zip(units, units[1:], strict=False):
        assert before.end == after.start and data[before.end - 1:before.end] == b"\n"
        assert after.first_line == before.first_line + data[before.start:before.end].count(b"\n")
    small = list(plan([InputFile(str(dump), "dump.jsonl")], len(data)))
    assert len(small) == 1 and small[0].end is None  # whole file, as before


def test_cut_jsonl_gives_the_same_output_at_any_cut_and_worker_count(tmp_path: Path):
    dump = write_jsonl(tmp_path / "dump.jsonl")
    cut = _same_at_any_cut(tmp_path, dump)
    assert not [name for name in _tree(tmp_path / "cut2") if name.startswith(".tmp-")]
    manifest = [json.loads(x) for x in (cut / "manifest.jsonl").read_text().splitlines()]
    assert len(manifest) == 1 and manifest[0]["status"] == "ok"
    assert manifest[0]["articles"] == 240
    arts = [json.loads(p.read_text("utf-8")) for p in cut.glob("*.json")]
    indexes = sorted(a["source"]["index"] for a in arts)
    assert indexes == list(range(240))  # the broken line and blank lines have no number
    assert sum(a["duplicate_of"] is not None for a in arts) > 0


def write_warc(path: Path, records: int = 120, gz: bool = False) -> Path:
    """The same kind of dump as WARC responses (pages of sample lines, reposts among them),
    with a request record between responses, as crawlers write them."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    paras = sample_paragraphs()
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for i in range(records):
            seed = i - 1 if i % 40 == 39 else i
            body = "".join(f"<p>{paras[(seed * 7 + k) % len(paras)]}</p>"
                           for k in range(3 + seed % 5))
            page = (f"<html><head><meta charset='utf-8'><title>第{i % 60}条新闻</title></head>"
                    f"<body><article><h1>第{i % 60}条新闻</h1>{body}</article></body></html>")
            url = f"https://news.example.cn/{i}.html"
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(page.encode()), http_headers=http,
                warc_headers_dict={"WARC-Date": "2024-05-01T08:00:00Z",
                                   "WARC-Record-ID": f"<urn:uuid:{i:08d}>"}))
            if i % 10 == 0:
                writer.write_record(writer.create_warc_record(
                    url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"),
                    warc_headers_dict={"WARC-Record-ID": f"<urn:uuid:r{i:07d}>"}))
    return path


def _same_at_any_cut(tmp_path: Path, dump: Path, manifest: bool = True) -> Path:
    """Run ``dump`` whole, cut in parts, and cut with two workers: the same tree each time
    (the manifest's warnings aside, with ``manifest`` false: each part names the bad lines
    it met in a warning of its own)."""
    whole, cut, cut2 = tmp_path / "whole", tmp_path / "cut", tmp_path / "cut2"
    zhnews("run", str(dump), "-o", str(whole), "-j", "1", "--no-progress",
           "-c", str(_config(tmp_path, 0)))
    zhnews("run", str(dump), "-o", str(cut), "-j", "1", "--no-progress",
           "-c", str(_config(tmp_path, 0.01)))
    zhnews("run", str(dump), "-o", str(cut2), "-j", "2", "--no-progress",
           "-c", str(_config(tmp_path, 0.02)))
    trees = [_tree(out) for out in (whole, cut, cut2)]
    if not manifest:
        for tree in trees:
            del tree["manifest.jsonl"]
    assert trees[0] == trees[1] == trees[2]
    return cut


def test_a_gzipped_jsonl_file_is_cut_by_the_driver_and_gives_the_same_output(tmp_path: Path):
    plain = write_jsonl(tmp_path / "dump.jsonl")
    dump = tmp_path / "dump.jsonl.gz"
    dump.write_bytes(gzip.compress(plain.read_bytes(), mtime=0))
    units = list(plan([InputFile(str(dump), dump.name)], 8 * 1024))
    assert len(units) > 5 and all(u.data is not None for u in units)
    assert b"".join(u.data for u in units) == plain.read_bytes()
    assert [u.first_line for u in units][:2] == [1, 1 + units[0].data.count(b"\n")]
    cut = _same_at_any_cut(tmp_path, dump)
    manifest = [json.loads(x) for x in (cut / "manifest.jsonl").read_text().splitlines()]
    assert len(manifest) == 1 and manifest[0]["status"] == "ok"
    assert manifest[0]["articles"] == 240 and manifest[0]["format"] == "jsonl"
    arts = [json.loads(p.read_text("utf-8")) for p in cut.glob("*.json")]
    assert sorted(a["source"]["index"] for a in arts) == list(range(240))


@pytest.mark.parametrize("packing", ["plain", "gzip members", "one gzip member"])
def test_a_warc_is_cut_by_the_driver_and_gives_the_same_output(tmp_path: Path, packing: str):
    dump = write_warc(tmp_path / ("dump.warc" if packing == "plain" else "dump.warc.gz"),
                      gz=packing == "gzip members")
    data = dump.read_bytes()
    if packing == "one gzip member":  # gzip run over a plain WARC: no member starts a record
        plain = write_warc(tmp_path / "plain.warc")
        data = gzip.compress(plain.read_bytes(), mtime=0)
        dump.write_bytes(data)
    units = list(plan([InputFile(str(dump), dump.name)], 8 * 1024))
    assert len(units) > 5 and all(u.kind == "warc" for u in units)
    if packing == "one gzip member":  # inflated by the driver: its parts carry their records
        assert all(u.data is not None for u in units)
    else:  # byte ranges of the file, read by the workers, end to end
        head = b"\x1f\x8b" if packing == "gzip members" else b"WARC/"
        assert all(u.data is None and data.startswith(head, u.start) for u in units)
        gaps = [b.start - a.end for a, b in zip(units, units[1:], strict=False)]
        assert set(gaps) == ({0} if packing == "gzip members" else {4})  # 4: "\r\n\r\n"
        assert units[-1].end == (len(data) if packing == "gzip members"
                                 else len(data.rstrip(b"\r\n")))
        assert all(u.gz == (packing == "gzip members") for u in units)
    cut = _same_at_any_cut(tmp_path, dump)
    manifest = [json.loads(x) for x in (cut / "manifest.jsonl").read_text().splitlines()]
    assert len(manifest) == 1 and manifest[0]["status"] == "ok"
    assert manifest[0]["articles"] == 120 and manifest[0]["format"] == "warc"
    arts = [json.loads(p.read_text("utf-8")) for p in cut.glob("*.json")]
    assert sorted(a["source"]["index"] for a in arts) == list(range(120))
    assert sum(a["duplicate_of"] is not None for a in arts) > 0


def gzip_records(warc: bytes) -> bytes:
    """A plain WARC gzipped a member per record, as crawlers write WARC.gz files."""
    records = warc.split(b"\r\n\r\nWARC/")
    texts = [r if i == 0 else b"WARC/" + r for i, r in enumerate(records)]
    return b"".join(gzip.compress(t + (b"\r\n\r\n" if i < len(texts) - 1 else b""), mtime=0)
                    for i, t in enumerate(texts))


@pytest.mark.parametrize("gz", [False, True])
def test_a_warc_cut_in_ranges_names_its_skipped_and_cut_records_as_a_whole_one(tmp_path,
                                                                                gz: bool):
    """A record over max_record_mb inside a range, and a file cut short, are named with their
    numbers in the whole file, as when one worker reads it whole (a plain WARC, or a gzipped
    one cut at its members)."""
    dump = write_warc(tmp_path / "dump.warc", records=60)
    data = dump.read_bytes()
    comment = b"<!--" + b"x" * 1_100_000 + b"-->"
    big = write_warc(tmp_path / "one.warc", records=1).read_bytes().replace(
        b"</article>", comment + b"</article>")
    length = int(big.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    big = big.replace(f"Content-Length: {length}".encode(),  # the WARC header's, first
                      f"Content-Length: {length + len(comment)}".encode(), 1)
    records = data.split(b"\r\n\r\nWARC/")
    dump.write_bytes(b"\r\n\r\nWARC/".join(records[:30]) + b"\r\n\r\n" + big
                     + b"WARC/" + b"\r\n\r\nWARC/".join(records[30:])[:-300])
    if gz:
        dump = dump.rename(tmp_path / "dump.warc.gz")
        dump.write_bytes(gzip_records(dump.read_bytes()))
        assert all(u.gz for u in plan([InputFile(str(dump), dump.name)], 10_000))
    config = tmp_path / "limits" / "pipeline.toml"
    config.parent.mkdir()
    outs = []
    for split in (0, 0.01):
        config.write_text(f"[run]\nsplit_mb = {split}\nmax_record_mb = 1\n", "utf-8")
        out = tmp_path / f"out{split}"
        zhnews("run", str(dump), "-o", str(out), "-j", "2", "--no-progress", "-c", str(config))
        (entry,) = [json.loads(x) for x in (out / "manifest.jsonl").read_text().splitlines()]
        outs.append((entry, {p.name for p in out.glob("*.json")}))
    (whole, whole_files), (cut, cut_files) = outs
    assert whole_files == cut_files and whole["articles"] == cut["articles"] > 50
    for entry in (whole, cut):
        assert entry["status"] == "ok"
        assert any(w.startswith("WARC record 31: 1.1 MB skipped") for w in entry["warnings"])
        assert any("is truncated" in w and "kept the" in w for w in entry["warnings"])


def test_a_cut_container_damaged_midway_says_so_once(tmp_path: Path):
    plain = write_jsonl(tmp_path / "dump.jsonl")
    dump = tmp_path / "dump.jsonl.gz"
    packed = gzip.compress(plain.read_bytes(), mtime=0)
    dump.write_bytes(packed[:len(packed) // 2])
    cut = _same_at_any_cut(tmp_path, dump, manifest=False)
    (entry,) = [json.loads(x) for x in (cut / "manifest.jsonl").read_text().splitlines()]
    assert entry["status"] == "ok" and 60 < entry["articles"] < 200
    damage = [w for w in entry["warnings"] if "truncated gzip" in w]
    assert damage == ["truncated gzip: the stream ends early; kept the lines before it"]


def test_a_gzipped_warc_cut_short_keeps_what_came_before(tmp_path: Path):
    """A WARC.gz cut short midway: its ranges end before the cut member, and whole, cut and
    two-worker runs write the same files and manifest."""
    dump = write_warc(tmp_path / "dump.warc.gz", gz=True)
    packed = dump.read_bytes()
    middle = packed.index(b"\x1f\x8b", len(packed) // 2) + 200  # inside a member
    dump.write_bytes(packed[:middle])
    units = list(plan([InputFile(str(dump), dump.name)], 8 * 1024))
    assert len(units) > 5 and all(u.gz for u in units)
    assert units[-1].end == middle - 200 and units[-1].notes
    cut = _same_at_any_cut(tmp_path, dump)
    (entry,) = [json.loads(x) for x in (cut / "manifest.jsonl").read_text().splitlines()]
    assert entry["status"] == "ok" and 40 < entry["articles"] < 100
    assert len(entry["warnings"]) == 1
    assert entry["warnings"][0].startswith("truncated gzip: the stream ends early; kept the ")


@pytest.mark.parametrize("where", [0.3, 0.5, 0.9])
def test_a_corrupt_member_of_a_gzipped_warc_costs_only_its_record(tmp_path: Path,
                                                                  where: float):
    """A WARC.gz gzips each record alone, so a corrupt member costs its record, not the rest
    of the file: reading goes on at the next member, whole, cut in ranges (whose cuts keep
    the damage inside one worker's range) or with two workers, with the same files and the
    same manifest line naming the lost record."""
    dump = write_warc(tmp_path / "dump.warc.gz", gz=True)
    packed = dump.read_bytes()
    member = packed.index(b"\x1f\x8b", int(len(packed) * where))
    at = member + 120  # inside the member's deflate data
    dump.write_bytes(packed[:at] + bytes(64) + packed[at + 64:])
    cut = _same_at_any_cut(tmp_path, dump)
    (entry,) = [json.loads(x) for x in (cut / "manifest.jsonl").read_text().splitlines()]
    assert entry["status"] == "ok" and entry["articles"] in (119, 120)
    (warning,) = entry["warnings"]
    assert warning.startswith("WARC record ") and " lost: corrupt gzip: " in warning
    assert warning.endswith("; read on from the next gzip member")
    arts = [json.loads(p.read_text("utf-8")) for p in cut.glob("*.json")]
    assert len(arts) == entry["articles"]


def test_a_corrupt_member_of_a_gzipped_jsonl_file_costs_only_its_lines(tmp_path: Path):
    """A crawler JSONL file written a gzip member at a time (appended to batch by batch), one
    member corrupt: the lines of the members after it are kept, whole, cut and with two
    workers, and the manifest says where reading went on."""
    plain = write_jsonl(tmp_path / "dump.jsonl").read_bytes().splitlines(keepends=True)
    batches = [b"".join(plain[i:i + 40]) for i in range(0, len(plain), 40)]
    members = [gzip.compress(b, mtime=0) for b in batches]
    members[2] = members[2][:100] + bytes(64) + members[2][164:]
    dump = tmp_path / "dump.jsonl.gz"
    dump.write_bytes(b"".join(members))
    cut = _same_at_any_cut(tmp_path, dump, manifest=False)
    (entry,) = [json.loads(x) for x in (cut / "manifest.jsonl").read_text().splitlines()]
    assert entry["status"] == "ok" and 150 < entry["articles"] < 240
    gaps = [w for w in entry["warnings"] if "corrupt gzip" in w]
    assert len(gaps) == 1 and gaps[0].endswith("; read on from the next member")
    arts = [json.loads(p.read_text("utf-8")) for p in cut.glob("*.json")]
    assert max(a["source"]["index"] for a in arts) > 200  # the last batch's records are there


def test_a_range_never_ends_at_a_corrupt_member(tmp_path: Path, cfg):
    """Cut at every record it can be (a part of 1 byte), a WARC.gz with a corrupt member keeps
    that member and the next in one range, so that range's worker reads on past the damage
    and names the same lost record as the whole file's reader."""
    from pipeline.engine.units import process_part
    from pipeline.engine.work import process_file

    dump = write_warc(tmp_path / "dump.warc.gz", records=30, gz=True)
    packed = dump.read_bytes()
    at = packed.index(b"\x1f\x8b", len(packed) // 2) + 120
    dump.write_bytes(packed[:at] + bytes(64) + packed[at + 64:])
    inp = InputFile(str(dump), dump.name)
    whole = process_file(inp, cfg, ())
    units = list(plan([inp], 1))
    assert len(units) > 20
    parts = [process_part(unit, cfg, ())[0] for unit in units]
    lost = [w for w in whole.entry.warnings if " lost: " in w]
    assert len(lost) == 1 and whole.entry.status == "ok"
    assert [w for part in parts for w in part.entry.warnings] == lost
    assert [a.source.url for a in whole.articles] == [
        a.source.url for part in parts for a in part.articles]


def test_extract_streams_cut_files_in_order(tmp_path: Path):
    dump = write_jsonl(tmp_path / "dump.jsonl", records=60)
    out = zhnews("extract", str(dump), "-o", "-", "-j", "2",
                 "-c", str(_config(tmp_path, 0.005))).stdout
    records = [json.loads(x) for x in out.splitlines()]
    assert [r["source"]["index"] for r in records] == list(range(60))


def test_spreading_the_work_does_not_change_the_config_hash(tmp_path: Path):
    from pipeline import config

    base = config.load(str(_config(tmp_path, 4)))
    other = tmp_path / "other" / "pipeline.toml"
    other.parent.mkdir()
    other.write_text("[run]\nsplit_mb = 1\nworkers = 2\n", "utf-8")
    assert config.load(str(other)).hash == base.hash
    shaping = tmp_path / "shaping" / "pipeline.toml"
    shaping.parent.mkdir()
    shaping.write_text('[convert]\nprofile = "hk2s"\n', "utf-8")
    assert config.load(str(shaping)).hash != base.hash


_EXPECT_PROBE = """
import sys
from pipeline import config, stages
from pipeline.engine.work import expect_input, prepared
from pipeline.stages.repair import LEXICON_BEFORE_BYTES

state = prepared(config.load(None), stages.ARTICLE_STAGES)
decider = dict((name, st) for name, _p, st in state.chain.steps)["repair"].decider
parts = [(name, int(halves) * LEXICON_BEFORE_BYTES // 2)
         for name, halves in (part.split("=") for part in sys.argv[1].split(","))]
before = {m: m in sys.modules for m in ("pipeline.stages.extract.text", "trafilatura")}
expect_input(state, parts, forks=sys.argv[2:] != ["noforks"])
after = {m: m in sys.modules for m in before}
print(before["trafilatura"], after["pipeline.stages.extract.text"], after["trafilatura"],
      decider._lexicon is not None, decider._stats is not None)
"""


def test_a_run_prepares_what_its_workers_share_before_they_fork():
    """The readers the input's names call for are imported, and the repair lexicon and
    context statistics are loaded when the input holds enough text, in the process that
    forks the workers, so they share one of each. A page is mostly markup: its bytes count
    for a thirtieth of theirs, a gzipped byte for three. A process no worker forks from loads
    neither ahead."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    def probe(parts: str, *forks: str) -> list[str]:
        """``parts``: name=size, sizes in halves of the lexicon's threshold."""
        out = subprocess.run([sys.executable, "-c", _EXPECT_PROBE, parts, *forks],
                             cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
        return out.stdout.split()

    # text only, a small dump: the text reader, not trafilatura, and no lexicon yet
    assert probe("a/1.txt=0,a/2.txt=1") == ["False", "True", "False", "False", "False"]
    # text enough: the lexicon
    assert probe("a/1.txt=1,a/2.txt=1") == ["False", "True", "False", "True", "True"]
    # pages by name (WARC too): trafilatura; as many bytes of pages are far less text
    assert probe("a/1.txt=1,b/2.HTML=1") == ["False", "True", "True", "False", "False"]
    assert probe("b/2.HTML=60") == ["False", "False", "True", "True", "True"]
    assert probe("c/crawl.warc=20") == ["False", "False", "True", "False", "False"]
    assert probe("c/crawl.warc.gz=20") == ["False", "False", "True", "True", "True"]
    # a process no worker forks from (a Ray worker): the readers, but the lexicon only when
    # a laundered article asks for it
    assert probe("c/crawl.warc.gz=20", "noforks") == ["False", "False", "True", "False", "False"]
    assert probe("a/1.txt=1,a/2.txt=1", "noforks") == ["False", "True", "False", "False", "False"]
    # crawler JSONL may hold text: its reader, not trafilatura (15 MB in every worker)
    assert probe("c/crawl.jsonl.gz=1") == ["False", "True", "False", "True", "True"]


def test_input_kinds_keep_what_expect_input_decides_from():
    """A Ray worker is told the input by kind of name, not file by file: the same readers
    (one path per format) and the same bytes of text, give or take the rounding per file."""
    from pipeline.engine.work import input_kinds
    from pipeline.stages.extract import expected_text, format_by_name

    parts = [("a/1.txt", 1000), ("a/2.txt", 3001), ("b/3.html", 60_000), ("b/4.HTML", 29),
             ("c/crawl.warc.gz", 5000), ("c/x.jsonl", 700), ("c/y.jsonl.gz", 7), ("d/e.md", 10)]
    kinds = input_kinds(parts)
    assert len(kinds) == 6  # txt, html, warc.gz, jsonl, jsonl.gz, md
    assert {format_by_name(p) for p, _ in kinds} == {format_by_name(p) for p, _ in parts}
    assert sum(size for _, size in kinds) == sum(size for _, size in parts)
    whole = sum(expected_text(p, s) for p, s in parts)
    assert abs(sum(expected_text(p, s) for p, s in kinds) - whole) < len(parts)


def test_a_record_warcio_cannot_read_is_named_by_its_number_in_the_whole_file(
        tmp_path: Path, monkeypatch, cfg):
    """Read whole or in ranges, a record warcio fails on costs that record alone and is named
    by its number in the file (response 33 is record 38: requests follow responses 0, 10, 20
    and 30), not in its range."""
    from pipeline.engine.units import process_part
    from pipeline.engine.work import process_file
    from pipeline.errors import InputError
    from pipeline.stages.extract import warc

    dump = write_warc(tmp_path / "dump.warc", records=60)
    real = warc._records

    def unreadable_33(data: bytes):
        if b"/33.html" in data:
            raise InputError("not a readable WARC: (a test's)")
        yield from real(data)

    monkeypatch.setattr(warc, "_records", unreadable_33)
    inp = InputFile(str(dump), dump.name)
    whole = process_file(inp, cfg, ())
    units = list(plan([inp], 8 * 1024))
    assert len(units) > 5
    parts = [process_part(unit, cfg, ())[0] for unit in units]
    expected = ["WARC record 38: not a readable WARC: (a test's)"]
    assert whole.entry.warnings == expected
    assert [w for part in parts for w in part.entry.warnings] == expected
    assert len(whole.articles) == sum(len(p.articles) for p in parts) == 59
