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
