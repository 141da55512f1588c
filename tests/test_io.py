"""pipeline.io: blanks, the files workers make for the runner to write articles into."""

from pipeline.io import Blanks, make_blanks


def test_blanks_write_atomically_and_recycle_the_replaced_file(tmp_path):
    blanks = Blanks(tmp_path)
    blanks.give(make_blanks(tmp_path, 2))
    target = tmp_path / "a.json"
    blanks.write(target, b"first")
    assert target.read_bytes() == b"first" and len(blanks.ready) == 1
    blanks.write(target, b"second, longer")  # the replaced file becomes the next blank
    assert target.read_bytes() == b"second, longer" and len(blanks.ready) == 1
    blanks.write(target, b"3rd")  # a recycled blank is truncated before it is written
    assert target.read_bytes() == b"3rd"
    blanks.ready.append(str(tmp_path / ".tmp-gone"))  # a blank removed under us
    blanks.write(tmp_path / "b.json", b"b")
    assert (tmp_path / "b.json").read_bytes() == b"b"
    blanks.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]
    blanks.write(tmp_path / "c.json", b"c")  # none left: an ordinary atomic write
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json", "c.json"]
    assert make_blanks(tmp_path / "missing" / "deeper", 3) != []  # the folder is made
    (tmp_path / "file").write_bytes(b"")
    assert make_blanks(tmp_path / "file", 3) == []  # refused: none, and no exception
