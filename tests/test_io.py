"""pipeline.io: blanks, the files the runner's writes replace, kept to write the next into."""

from pipeline.io import Blanks


def test_blanks_write_atomically_and_recycle_the_replaced_file(tmp_path):
    blanks = Blanks(tmp_path)
    target = tmp_path / "a.json"
    blanks.write(target, b"first, the longest")  # no blank yet: a temp file of its own
    assert target.read_bytes() == b"first, the longest" and blanks.ready == []
    blanks.write(target, b"second")  # the replaced file becomes the next blank
    assert target.read_bytes() == b"second" and len(blanks.ready) == 1
    blanks.write(target, b"3rd")  # a recycled blank is written over, then cut to length
    assert target.read_bytes() == b"3rd" and len(blanks.ready) == 1
    blanks.ready.append(str(tmp_path / ".tmp-gone"))  # a blank removed under us
    blanks.write(tmp_path / "b.json", b"b")  # the next one serves
    assert (tmp_path / "b.json").read_bytes() == b"b" and blanks.ready == []
    blanks.write(tmp_path / "b.json", b"bb")
    blanks.close()  # the blank nobody used is removed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]
    blanks.write(tmp_path / "c.json", b"c")  # none left: an ordinary atomic write
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json", "c.json"]


def test_a_pool_for_a_new_folder_knows_without_looking_which_paths_hold_files(tmp_path):
    """On a folder that held no article files, a path holds one only if the pool wrote it,
    so the runner's look for a stale copy of each article costs no system call."""
    blanks = Blanks(tmp_path, fresh=True)
    a, b = tmp_path / "a.json", tmp_path / "aside" / "a.json"
    assert not blanks.may_hold(a) and not blanks.may_hold(b)
    blanks.write(a, b"first")
    assert blanks.may_hold(a) and not blanks.may_hold(b)
    blanks.write(a, b"second")  # a path it wrote: the replaced file is still recycled
    assert a.read_bytes() == b"second" and len(blanks.ready) == 1
    old = tmp_path / "old.json"
    old.write_bytes(b"from an earlier run")
    assert Blanks(tmp_path).may_hold(old) and Blanks(tmp_path).may_hold(b)  # not fresh: look
    blanks.close()


def test_a_blank_or_a_worker_file_goes_into_a_folder_not_made_yet(tmp_path):
    """Duplicates go aside (``duplicates = "aside"``) into a folder the first of them makes:
    through a blank of the output folder, or as a file a worker wrote there."""
    from pipeline.io import write_temp

    blanks = Blanks(tmp_path, fresh=True)
    blanks.write(tmp_path / "x.json", b"x")
    blanks.keep(tmp_path / "x.json")  # one blank in the output folder
    assert len(blanks.ready) == 1
    blanks.write(tmp_path / "aside" / "a.json", b"a")
    assert blanks.ready == []
    blanks.place(write_temp(tmp_path, b"b"), tmp_path / "other" / "b.json")
    assert (tmp_path / "aside" / "a.json").read_bytes() == b"a"
    assert (tmp_path / "other" / "b.json").read_bytes() == b"b"
    assert not blanks.may_hold(tmp_path / "c.json") and blanks.may_hold(tmp_path / "aside" / "a.json")
    blanks.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aside", "other", "x.json"]


def test_a_file_name_that_is_not_utf8_is_read_and_shown_decoded(tmp_path):
    """Chinese dumps unpacked from Windows archives carry GBK file names. Python holds such a
    name with surrogate escapes, which neither the manifest's JSON nor the workers' msgpack
    can encode: the run used to stop with a traceback. Now the file is read by its bytes and
    shown decoded (GB18030; U+FFFD where even that fails), on both engines, and resumes."""
    import json
    import os

    import pytest

    from pipeline import config
    from pipeline.io import walk_inputs
    from pipeline.runner import run
    from tests.conftest import ROOT

    dump = tmp_path / "dump"
    dump.mkdir()
    body = "这是一篇关于经济发展的新闻报道，记者从会上获悉，今年的增长目标已经完成。\n"
    gbk = os.fsencode(dump) + b"/" + "新闻报道.txt".encode("gbk")
    junk = os.fsencode(dump) + b"/\xff\xfe-" + "科技.txt".encode()
    try:
        for raw in (gbk, junk):
            with open(raw, "wb") as fh:
                fh.write(body.replace("经济", "科技" if raw == junk else "经济").encode("utf-8"))
    except OSError:
        pytest.skip("this filesystem refuses names that are not UTF-8")
    (dump / "ok.txt").write_text("另一篇新闻：科技公司发布了新的芯片产品，引起市场广泛关注。\n", "utf-8")
    inputs = list(walk_inputs([str(dump)]))
    assert sorted(i.relpath for i in inputs) == ["ok.txt", "新闻报道.txt", "\ufffd\ufffd-科技.txt"]
    assert {i.raw for i in inputs} == {None, gbk, junk}
    cfg = config.load(str(ROOT / "config" / "pipeline.toml"))
    out = tmp_path / "out"
    summary = run([str(dump)], out, cfg, 2, progress=False)
    assert summary.ok == 3 and summary.failed == 0
    manifest = [json.loads(line)
                for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()]
    assert [m["path"].rsplit("/", 1)[1] for m in manifest] == [  # the walk's order: by bytes
        "ok.txt", "新闻报道.txt", "\ufffd\ufffd-科技.txt"]
    assert all(m["status"] == "ok" and m["articles"] == 1 for m in manifest)
    sources = sorted(json.loads(p.read_text("utf-8"))["source"]["path"].rsplit("/", 1)[1]
                     for p in out.glob("*.json"))
    assert "新闻报道.txt" in sources
    first = {p.name: p.read_bytes() for p in out.iterdir()}

    class Stop(BaseException):
        pass

    from pipeline import runner

    real, placed = runner._place_file, []

    def place_two(*args, **kwargs):  # the run stops as it places its third article
        if len(placed) == 2:
            raise Stop
        placed.append(args[1].id)
        return real(*args, **kwargs)

    resumed = tmp_path / "resumed"
    runner._place_file = place_two
    try:
        with pytest.raises(Stop):
            run([str(dump)], resumed, cfg, 1, progress=False)
    finally:
        runner._place_file = real
    again = run([str(dump)], resumed, cfg, 1, progress=False)  # the journal's stamps: by bytes
    assert again.resumed == 2 and again.failed == 0
    assert {p.name: p.read_bytes() for p in resumed.iterdir()} == first
