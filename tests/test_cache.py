"""cache: tables built once are reused, and old ones do not pile up in the user cache."""

from __future__ import annotations

import os

from pipeline import cache


def test_writing_a_table_keeps_the_newest_few_of_its_kind(tmp_path, monkeypatch):
    """Each new key (a dictionary edit, another jieba, an upgrade) writes a new file: writing
    one removes all but the newest KEEP_PER_KIND of its kind, and no file of another kind."""
    monkeypatch.setenv("ZHNEWS_CACHE_DIR", str(tmp_path))
    for n in range(6):
        old = tmp_path / f"repair-common-{n:016x}.marshal"
        old.write_bytes(b"x")
        os.utime(old, (1_000_000 + n, 1_000_000 + n))
    other = tmp_path / "repair-lexicon-0000000000000000.marshal"
    other.write_bytes(b"x")
    os.utime(other, (1, 1))
    built = []
    value = cache.cached_marshal("repair-common", "a new key",
                                 lambda: built.append(1) or {"获": ("获得",)})
    assert value == {"获": ("获得",)} and built == [1]
    kept = sorted(p.name for p in tmp_path.glob("repair-common-*"))
    assert len(kept) == cache.KEEP_PER_KIND
    assert "repair-common-0000000000000005.marshal" in kept  # the newest old ones stay
    assert "repair-common-0000000000000001.marshal" not in kept
    assert other.exists()
    # read back from its file, not built again
    assert cache.cached_marshal("repair-common", "a new key", lambda: {}) == value


def test_pruning_an_unwritable_or_missing_cache_is_harmless(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHNEWS_CACHE_DIR", str(tmp_path / "absent"))
    cache.prune("repair-lexicon-")
    assert not (tmp_path / "absent").exists()
