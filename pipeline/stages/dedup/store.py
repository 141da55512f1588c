"""The persistent dedup index: light records in one SQLite file beside the output.

Tomorrow's run loads today's records and matches against them; a record whose id comes again
is replaced, never matched against itself, so re-running the same input into the same folder
changes nothing. The file is rebuilt whole at the end of a run (temp file, then rename, rows
in id order): a crash never leaves half an index, and equal content gives equal bytes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np

from pipeline.errors import ZhnewsError
from pipeline.io import atomic_path
from pipeline.stages.dedup.deduper import Deduper, Paragraphs, Record
from pipeline.stages.dedup.signature import SCHEME, SEED, SIGNATURE_VERSION

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    published_at TEXT,
    length INTEGER NOT NULL,
    exact BLOB NOT NULL,
    signature BLOB,
    para_hashes BLOB NOT NULL,
    para_lengths BLOB NOT NULL,
    first_run INTEGER NOT NULL,
    duplicate_of TEXT,
    cluster TEXT,
    similarity REAL
) WITHOUT ROWID;
"""


def _meta(dedup: Deduper) -> dict[str, str]:
    """Settings a stored signature depends on; a mismatch makes old signatures meaningless."""
    return {"signature_version": str(SIGNATURE_VERSION), "scheme": SCHEME, "seed": str(SEED),
            "shingle": str(dedup.signer.shingle), "num_perm": str(dedup.signer.num_perm),
            "cluster_min_chars": str(dedup.cluster_min_chars)}


def load(path: Path, dedup: Deduper, keep: Callable[[str], bool] | None = None) -> int:
    """Restore the records of earlier runs into ``dedup`` (those whose id ``keep`` accepts:
    `zhnews run` keeps the articles still in its folder); returns how many."""
    if not path.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            stored = dict(con.execute("SELECT key, value FROM meta"))
            rows = con.execute("SELECT id, published_at, length, exact, signature, para_hashes,"
                               " para_lengths, first_run, duplicate_of, cluster, similarity"
                               " FROM records ORDER BY id").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise ZhnewsError(f"dedup index {path} is unreadable ({exc}); delete it to start over"
                          ) from None
    wanted = _meta(dedup)
    if stored != wanted:
        diff = ", ".join(f"{k}={stored.get(k)} (config: {v})" for k, v in wanted.items()
                         if stored.get(k) != v)
        raise ZhnewsError(f"dedup index {path} was built with other settings: {diff}; "
                          "restore them or delete the index to start over")
    records = []
    for (id_, published, length, exact, sig, hashes, lengths, first_run, dup, cluster,
         sim) in rows:
        if keep is not None and not keep(id_):
            continue
        signature = np.frombuffer(sig, dtype="<u4").astype(np.uint32) if sig else None
        paras = Paragraphs(bytes(hashes), bytes(lengths))
        records.append(Record(id=id_, published_at=published, length=length, exact=exact,
                              signature=signature, paragraphs=paras, first_run=first_run,
                              written=(dup, cluster, sim)))
    dedup.restore(records)
    return len(records)


def save(path: Path, dedup: Deduper) -> None:
    """Write every record (earlier runs' and this run's) with its final verdict."""
    with atomic_path(path, suffix=".sqlite") as tmp:
        con = sqlite3.connect(tmp)
        try:
            con.executescript(_SCHEMA)
            con.executemany("INSERT INTO meta VALUES (?, ?)", sorted(_meta(dedup).items()))
            con.executemany("INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                            (_row(dedup.records[k]) for k in sorted(dedup.records)))
            con.commit()
        finally:
            con.close()


def _row(rec: Record) -> tuple:
    sig = rec.signature.astype("<u4").tobytes() if rec.signature is not None else None
    dup, cluster, sim = rec.written
    return (rec.id, rec.published_at, rec.length, rec.exact, sig, rec.paragraphs.hashes,
            rec.paragraphs.lengths, rec.first_run, dup, cluster, sim)
