"""The cross-article part of dedup: exact and near duplicates, wire-story clusters.

Articles arrive one at a time in input order (``add``) and leave at once with a provisional
verdict, so ``zhnews run`` streams. Canonical = earliest published, then longest, so a later
article can take the canonical role from one already written; ``finish`` therefore recomputes
every group from scratch over all light records (today's and the persistent index's) and returns
only the records whose verdict differs from what was written. The final verdict depends only on
the set of articles, never on their order or the number of workers.

Edges: two articles are duplicates when their normalised texts hash equal or their MinHash
estimate of Jaccard similarity reaches ``threshold`` (candidates from datasketch's LSH index at a
lower threshold, so pairs near the threshold are not lost to banding). Two articles are in one
wire-story cluster when they are duplicates, or when the paragraphs they share hold at least
``cluster_overlap`` of the smaller one's text. Groups are connected components.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import msgspec
import numpy as np

from pipeline.article import Article, edit_file_fields
from pipeline.stages.dedup.bands import BandTable, band_salts
from pipeline.stages.dedup.params import band_shape
from pipeline.stages.dedup.signature import (
    Signer,
    exact_key,
    normalise,
    normalise_paragraphs,
    paragraph_hashes,
    published_key,
    similarity,
)

SCORE = "duplicate_similarity"
# LSH candidates are gathered this far below the verification threshold: at 128 permutations
# and threshold 0.7 datasketch then bands 25 x 5, which surfaces 99 % of pairs at Jaccard 0.7
# (banding at 0.7 itself would surface 79 %).
CANDIDATE_MARGIN = 0.2
# A paragraph shared by more articles than this (site boilerplate) links nobody: it would make
# clustering quadratic and says nothing about the story.
MAX_PARAGRAPH_DF = 500
# An LSH bucket keeps at most this many articles. Only a story copied over and over fills one,
# and its first copies stand for the rest: a new copy still meets them and joins their group,
# while a full bucket would make every query return thousands of ids (quadratic on a dump of
# reposts). A near-duplicate that matches none of the first copies but only later ones can be
# missed; every other bucket is exact.
MAX_BUCKET = 64

Verdict = tuple[str | None, str | None, float | None]  # duplicate_of, cluster, similarity
NONE: Verdict = (None, None, None)


class Paragraphs(msgspec.Struct, array_like=True, frozen=True):
    """An article's paragraph hashes and their lengths (normalised paragraphs of at least
    ``cluster_min_chars``, each once, in text order), packed: int64 and uint32 little-endian,
    the persistent index's own columns. Why not a dict: dedup keeps one per article for the
    whole run, and a dict of Python ints cost about 1.2 KB for an article's dozen paragraphs
    (measured), a third of all it kept; packed they take about 200 bytes."""

    hashes: bytes = b""
    lengths: bytes = b""

    @classmethod
    def of(cls, table: dict[int, int]) -> Paragraphs:
        return cls(np.fromiter(table.keys(), "<i8", len(table)).tobytes(),
                   np.fromiter(table.values(), "<u4", len(table)).tobytes())

    def __len__(self) -> int:
        return len(self.hashes) // 8

    def __iter__(self) -> Iterator[int]:
        """The hashes."""
        return iter(np.frombuffer(self.hashes, "<i8").tolist())

    def items(self) -> Iterable[tuple[int, int]]:
        """(hash, length) pairs."""
        return zip(np.frombuffer(self.hashes, "<i8").tolist(),
                   np.frombuffer(self.lengths, "<u4").tolist())

    def total(self) -> int:
        """Characters in all of them."""
        return int(np.frombuffer(self.lengths, "<u4").sum())


class Fingerprint(msgspec.Struct, array_like=True):
    """The text-derived part of a Record, a pure function of the article's paragraphs: workers
    compute it beside the stages and send it with the article, so the runner's single process
    (the serial part of a parallel run) only links and decides."""

    length: int
    exact: bytes
    signature: bytes | None  # uint32 little-endian, num_perm long
    paragraphs: Paragraphs


class Fingerprinter:
    """Fingerprints under one config (what a worker needs of dedup, nothing more)."""

    def __init__(self, cfg: Any) -> None:
        sec = cfg.section("dedup")
        self.signer = Signer(int(sec["shingle"]), int(sec["num_perm"]))
        self.cluster_min_chars = int(sec["cluster_min_chars"])

    def __call__(self, article: Article) -> Fingerprint:
        """``length`` 0 for an article with no letters or digits (it takes part in no group)."""
        if article.paragraphs:
            parts = normalise_paragraphs(article.paragraphs)
            norm = "".join(parts)
        else:
            parts, norm = [], normalise(article.text)
        if not norm:
            return Fingerprint(length=0, exact=b"", signature=None, paragraphs=Paragraphs())
        sig = self.signer.signature(norm)
        return Fingerprint(length=len(norm), exact=exact_key(norm),
                           signature=None if sig is None else sig.astype("<u4").tobytes(),
                           paragraphs=Paragraphs.of(paragraph_hashes(parts,
                                                                     self.cluster_min_chars)))


@dataclass(slots=True)
class Record:
    """What dedup keeps of one article: enough to decide, never the text."""

    id: str
    published_at: str | None
    length: int
    exact: bytes
    signature: np.ndarray | None
    paragraphs: Paragraphs
    first_run: int = 0
    written: Verdict = NONE
    current: bool = False
    order: tuple = ()
    para_total: int = 0
    band_number: int = -1  # in the LSH tables, while it has a signature


@dataclass(frozen=True, slots=True)
class Change:
    """A record whose verdict differs from what was written for it."""

    id: str
    duplicate_of: str | None
    cluster: str | None
    similarity: float | None
    current: bool  # from this run (else from the persistent index)


def _hold_each(tables: Iterable[dict], keys: Iterable[Any], x: str, watch: int = 0) -> bool:
    """Add ``x`` to the holders of each key in its table (a bare id while it is the only one,
    then a set); whether a key reached ``watch`` holders. One loop, not a call per key: it
    runs for every paragraph of an article in the run's serial process, where a call per key
    cost a fifth of dedup's time."""
    reached = False
    for table, key in zip(tables, keys):
        held = table.get(key)
        if held is None:
            table[key] = x
        elif held.__class__ is str:
            if held != x:
                table[key] = {held, x}
        else:
            held.add(x)
            reached = reached or len(held) == watch
    return reached


def _release(table: dict, key: Any, x: str) -> None:
    """Remove ``x`` from the holders of ``key`` (back to a bare id when one is left)."""
    held = table.get(key)
    if held == x:
        del table[key]
    elif isinstance(held, set):
        held.discard(x)
        if len(held) == 1:
            table[key] = next(iter(held))


def _share(rec: Record, copy: Record) -> None:
    """Let ``rec``, an exact copy of ``copy``, hold ``copy``'s key, signature and paragraph
    table instead of equal ones of its own. Records are never changed in place, so sharing is
    safe, and a dump of reposts then keeps one of each per story, not per copy: they were
    about 4.8 KB of the 7.2 KB that dedup kept per copy of the sample articles (measured)."""
    rec.exact = copy.exact
    if rec.paragraphs == copy.paragraphs:  # equal unless split differently
        rec.paragraphs = copy.paragraphs
    if (rec.signature is not None and copy.signature is not None
            and np.array_equal(rec.signature, copy.signature)):
        rec.signature = copy.signature


class Bands:
    """LSH banding: signatures that agree on every row of some band become candidates.

    datasketch's ``MinHashLSH`` chooses the bands and rows (minimising the false positive and
    negative areas for the threshold). The tables are ours, for speed and memory:
    ``MinHashLSH.insert`` and ``query`` each re-hash every band by byte-swapping numpy slices
    (which alone cost more than the signature), and its tables hold a set per band key. Here a
    band key is one 64-bit integer (a collision only adds a candidate, which is verified), and
    the keys live in sorted arrays (:mod:`~pipeline.stages.dedup.bands`), 12 bytes each.
    """

    def __init__(self, threshold: float, num_perm: int) -> None:
        self.b, self.r = band_shape(threshold, num_perm)
        mult = [(0x9E3779B97F4A7C15 * (2 * i + 1)) % (1 << 64) | 1 for i in range(self.r)]
        self._mult = np.array(mult, dtype=np.uint64)
        self._salts = band_salts(self.b)
        self.table = BandTable(MAX_BUCKET)
        self._ids: list[str] = []  # record number -> id

    def keys(self, signature: np.ndarray) -> np.ndarray:
        rows = signature[: self.b * self.r].astype(np.uint64).reshape(self.b, self.r)
        return (rows * self._mult).sum(axis=1, dtype=np.uint64) ^ self._salts

    def insert(self, key: str, bands: np.ndarray) -> tuple[int, dict[int, list[int]]]:
        """Add ``key`` under its band keys (``keys`` of its signature); returns its number
        (what ``remove`` takes) and the holders of those keys before it (``ids_of`` them is
        what ``query`` would now answer but ``key``: one search for both)."""
        held = self.table.holders(bands)
        number = len(self._ids)
        self._ids.append(key)
        self.table.hold(number, bands, held)
        return number, held

    def remove(self, number: int) -> None:
        self.table.remove(number)

    def query(self, bands: np.ndarray) -> set[str]:
        """The ids that share a band key with ``bands``."""
        return self.ids_of(self.table.holders(bands))

    def ids_of(self, held: dict[int, list[int]]) -> set[str]:
        """The ids of the holders in ``held``: the copies of a story hold the same full
        buckets under all 25 keys, so the numbers are made distinct first, at C speed."""
        ids = self._ids
        return {ids[n] for n in set().union(*held.values())}


class Groups:
    """Union-find that keeps each group's canonical member (smallest order key) and size."""

    def __init__(self, order: dict[str, Record]) -> None:
        self.records = order
        self.parent: dict[str, str] = {}
        self.best: dict[str, str] = {}
        self.size: dict[str, int] = {}
        # paragraph hash -> (a member, holders then): every holder of the paragraph was in
        # that member's group when it had that many holders. Groups only grow, so while the
        # count is unchanged it still holds, and the paragraph can link nobody new.
        self.covered: dict[int, tuple[str, int]] = {}

    def add(self, x: str) -> None:
        if x not in self.parent:
            self.parent[x] = x
            self.best[x] = x
            self.size[x] = 1

    def find(self, x: str) -> str:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        ba, bb = self.best[ra], self.best[rb]
        self.best[ra] = ba if self._key(ba) <= self._key(bb) else bb

    def _key(self, x: str) -> tuple:
        rec = self.records.get(x)
        return rec.order if rec is not None else (float("inf"), 1 << 30, 0, x)

    def covers(self, h: int, held: int, root: str) -> bool:
        """Paragraph ``h``, now with ``held`` holders, was covered by one group when it had one
        holder fewer (only one holder joined since) and that group's root is ``root`` now."""
        hit = self.covered.get(h)
        if hit is None or hit[1] != held - 1:
            return False
        up = self.parent[hit[0]]  # nearly always the root itself: no call to find
        return up == root or (self.parent[up] != up and self.find(up) == root)

    def all_in(self, xs: Iterable[str], root: str) -> bool:
        """Whether all of ``xs`` are in the group whose root is ``root``."""
        parent, find = self.parent, self.find
        for x in xs:
            up = parent[x]
            if up != root and (parent[up] == up or find(up) != root):
                return False
        return True

    def canonical(self, x: str) -> tuple[str, int]:
        root = self.find(x)
        return self.best[root], self.size[root]


class Deduper:
    """Streaming dedup: ``add`` in a deterministic order, then ``finish`` for late changes."""

    def __init__(self, cfg: Any) -> None:
        sec = cfg.section("dedup")
        self.threshold = float(sec["threshold"])
        self.fingerprinter = Fingerprinter(cfg)
        self.signer = self.fingerprinter.signer
        self.cluster_overlap = float(sec["cluster_overlap"])
        self.cluster_min_chars = self.fingerprinter.cluster_min_chars
        self.naive_offset = float(sec["naive_utc_offset"])
        if sec["duplicates"] not in ("flag", "aside"):
            from pipeline.config import ConfigError

            raise ConfigError(f"dedup.duplicates must be \"flag\" or \"aside\", "
                              f"got {sec['duplicates']!r}")
        if not 0.0 < self.threshold <= 1.0:
            from pipeline.config import ConfigError

            raise ConfigError(f"dedup.threshold must be in (0, 1], got {self.threshold}")
        self.records: dict[str, Record] = {}
        self.run = 0
        try:
            self.lsh = Bands(max(0.05, self.threshold - CANDIDATE_MARGIN), self.signer.num_perm)
        except ValueError as exc:  # datasketch finds no band shape: too few permutations
            from pipeline.config import ConfigError

            raise ConfigError(f"dedup.num_perm = {self.signer.num_perm} is too few for "
                              f"dedup.threshold = {self.threshold}: {exc}") from None
        # Holders of an exact key or a paragraph hash: the bare id while there is one (nearly
        # every paragraph of unique news), a set from the second on. A set per paragraph cost
        # about 5 KB per article of 15 paragraphs.
        self.exact: dict[bytes, str | set[str]] = {}
        self.exact_reps: dict[bytes, str] = {}
        self.paras: dict[int, str | set[str]] = {}
        self.dups = Groups(self.records)
        self.clusters = Groups(self.records)
        # The groups built while adding equal a full recomputation unless a record was
        # replaced, restored from the index, or a paragraph outgrew MAX_PARAGRAPH_DF.
        self.dirty = False

    # -- records -------------------------------------------------------------------------
    def record(self, article: Article, fp: Fingerprint | None = None) -> Record | None:
        """The article's Record, from ``fp`` when a worker computed it (else computed here);
        None for an article without text."""
        if fp is None:
            fp = self.fingerprinter(article)
        if not fp.length:
            return None
        sig = None if fp.signature is None else np.frombuffer(fp.signature, dtype="<u4")
        return Record(id=article.id, published_at=article.published_at, length=fp.length,
                      exact=fp.exact, signature=sig, paragraphs=fp.paragraphs)

    def _insert(self, rec: Record) -> dict[int, list[int]] | None:
        """Hold ``rec``; returns the holders of its band keys before it (None without a
        signature): its LSH candidates, which an exact copy never needs spelled out."""
        # earliest published; among equal or unknown dates an earlier run saw it first (so
        # yesterday's canonical keeps its role), then longest, then the id for a total order
        rec.order = (published_key(rec.published_at, self.naive_offset), rec.first_run,
                     -rec.length, rec.id)
        rec.para_total = rec.paragraphs.total()
        held = self.exact.get(rec.exact)
        if held is not None:
            other = self.records.get(held if isinstance(held, str) else next(iter(held)))
            if other is not None:
                _share(rec, other)
        self.records[rec.id] = rec
        _hold_each((self.exact,), (rec.exact,), rec.id)
        candidates = None
        if rec.signature is not None:
            rec.band_number, candidates = self.lsh.insert(rec.id, self.lsh.keys(rec.signature))
        if _hold_each(repeat(self.paras), rec.paragraphs, rec.id, watch=MAX_PARAGRAPH_DF + 1):
            self.dirty = True
        self.dups.add(rec.id)
        self.clusters.add(rec.id)
        return candidates

    def _remove(self, rec: Record) -> None:
        self.dirty = True
        del self.records[rec.id]
        _release(self.exact, rec.exact, rec.id)
        if rec.signature is not None:
            self.lsh.remove(rec.band_number)
        for h in rec.paragraphs:
            _release(self.paras, h, rec.id)
            self.clusters.covered.pop(h, None)

    def _link(self, rec: Record, dups: Groups, clusters: Groups,
              candidates: dict[int, list[int]] | None = None) -> None:
        """Join ``rec`` to its duplicates and cluster mates among the records held now
        (``candidates``: the holders of its band keys, when ``_insert`` just gave them).

        Groups are connected components, so a candidate already in ``rec``'s group needs no
        check: a story reposted ten thousand times costs a few checks per copy, not ten
        thousand. Exact duplicates are one group already; joining one of them joins all.
        """
        me = rec.id
        same = self.exact.get(rec.exact)
        if isinstance(same, set):  # more than one holder
            rep = self._exact_rep(rec.exact, same)
            if rep != me:
                dups.union(me, rep)
                clusters.union(me, rep)
                if self.records[rep].paragraphs == rec.paragraphs:
                    # A copy of the set's fixed member, which always links in full: same
                    # signature, same paragraphs, so every link this copy could make, that
                    # member made or was made with. The group is the same without them.
                    self._cover(rec, clusters)
                    return
            else:
                other = min(x for x in same if x != me)
                dups.union(me, other)
                clusters.union(me, other)
        if rec.signature is not None:
            find = dups.find
            for other in sorted(self.lsh.query(self.lsh.keys(rec.signature))
                                if candidates is None else self.lsh.ids_of(candidates)):
                if other == me or find(other) == find(me):
                    continue
                sig = self.records[other].signature
                if sig is not None and similarity(rec.signature, sig) >= self.threshold:
                    dups.union(me, other)
                    clusters.union(me, other)
        shared: dict[str, int] = {}
        paras, covers, mine = self.paras, clusters.covers, clusters.find(me)
        for h, length in rec.paragraphs.items():
            holders = paras.get(h, ())
            if holders.__class__ is str:
                continue  # only me
            held = len(holders)
            if held > MAX_PARAGRAPH_DF or covers(h, held, mine):
                continue  # site boilerplate, or its other holders are all in my group already
            for other in holders:
                if other != me:
                    shared[other] = shared.get(other, 0) + length
        find = clusters.find
        for other in sorted(shared):
            if find(other) == find(me):
                continue
            smaller = min(rec.para_total, self.records[other].para_total)
            if smaller and shared[other] >= self.cluster_overlap * smaller:
                clusters.union(me, other)
        self._cover(rec, clusters)

    def _cover(self, rec: Record, clusters: Groups) -> None:
        """Note the paragraphs of ``rec`` whose holders are now all in its group."""
        find = clusters.find
        mine = find(rec.id)
        paras = self.paras
        covers = clusters.covers
        for h in rec.paragraphs:
            holders = paras.get(h, ())
            if holders.__class__ is str:
                continue  # a paragraph of mine alone needs no note: the next holder scans one
            held = len(holders)
            if held > MAX_PARAGRAPH_DF:
                continue
            if covers(h, held, mine) or clusters.all_in(holders, mine):
                clusters.covered[h] = (rec.id, held)

    def _exact_rep(self, key: bytes, same: set[str]) -> str:
        """A fixed member of a big exact-duplicate set (its smallest id), kept while it lasts."""
        rep = self.exact_reps.get(key)
        if rep is None or rep not in same:
            rep = self.exact_reps[key] = min(same)
        return rep

    def _verdict(self, rec: Record, dups: Groups, clusters: Groups) -> Verdict:
        canonical, _ = dups.canonical(rec.id)
        duplicate_of = sim = None
        if canonical != rec.id and canonical in self.records:  # else: gone; finish decides
            duplicate_of = canonical
            other = self.records[canonical]
            if other.exact == rec.exact:
                sim = 1.0
            elif rec.signature is not None and other.signature is not None:
                sim = round(similarity(rec.signature, other.signature), 4)
        head, size = clusters.canonical(rec.id)
        cluster = head if size > 1 and head in self.records else None
        return duplicate_of, cluster, sim

    # -- the stage -----------------------------------------------------------------------
    def add(self, article: Article, fp: Fingerprint | None = None) -> Article:
        """Record ``article`` and set its provisional ``duplicate_of`` and ``cluster``
        (``fp``: its fingerprint as a worker computed it, if one did)."""
        old = self.records.get(article.id)
        if old is not None and old.current:  # two articles of this run share an id (one URL)
            article.id = colliding_id(article)
            old = self.records.get(article.id)
        rec = self.record(article, fp)
        if old is not None:
            self._remove(old)
        if rec is None:
            return apply(article, NONE)
        rec.first_run = old.first_run if old is not None else self.run
        self._link(rec, self.dups, self.clusters, self._insert(rec))
        rec.current = True
        rec.written = self._verdict(rec, self.dups, self.clusters)
        return apply(article, rec.written)

    def finish(self) -> list[Change]:
        """Final groups over all records; the records whose verdict changed since written."""
        ids = sorted(self.records)
        if self.dirty:
            dups, clusters = Groups(self.records), Groups(self.records)
            for x in ids:
                dups.add(x)
                clusters.add(x)
            for x in ids:
                self._link(self.records[x], dups, clusters)
            self.dups, self.clusters, self.dirty = dups, clusters, False
        dups, clusters = self.dups, self.clusters
        changes = []
        for x in ids:
            rec = self.records[x]
            verdict = self._verdict(rec, dups, clusters)
            if verdict != rec.written:
                rec.written = verdict
                changes.append(Change(x, *verdict, current=rec.current))
        return changes

    def duplicates(self) -> int:
        """Articles of this run flagged as duplicates (after ``finish``)."""
        return sum(1 for r in self.records.values() if r.current and r.written[0] is not None)

    def restore(self, records: list[Record]) -> None:
        """Records from the persistent index: matched against, never re-flagged by position."""
        self.dirty = self.dirty or bool(records)
        for rec in records:
            self._insert(rec)
            self.run = max(self.run, rec.first_run + 1)
        for rec in records:
            duplicate_of, cluster, _ = rec.written
            if duplicate_of in self.records:
                self.dups.union(rec.id, duplicate_of)
                self.clusters.union(rec.id, duplicate_of)
            if cluster in self.records:
                self.clusters.union(rec.id, cluster)


def colliding_id(article: Article) -> str:
    """A second id for an article whose id another article of the run already has (a page
    crawled twice under one URL): from the id and the article's place in its input, so it is
    stable across re-runs and the second page never overwrites the first."""
    import hashlib

    key = f"again:{article.id}|{article.source.path}#{article.source.index}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:len(article.id)]


DEDUP_FIELDS = ("duplicate_of", "cluster", "scores")  # neighbours in the article file


def apply_to_file(data: bytes, change: Change) -> bytes | None:
    """The article file ``data`` as :func:`apply` of ``change`` would write it, without
    decoding the article (None when ``data`` is not a file emit wrote)."""
    def edit(values: dict[str, Any]) -> None:
        values["duplicate_of"], values["cluster"] = change.duplicate_of, change.cluster
        scores = values["scores"]
        if change.similarity is None:
            scores.pop(SCORE, None)
        else:
            scores[SCORE] = change.similarity

    return edit_file_fields(data, DEDUP_FIELDS, edit)


def apply(article: Article, verdict: Verdict | Change) -> Article:
    """Set dedup's fields on ``article`` (they are dedup's alone: stale values are cleared)."""
    if isinstance(verdict, Change):
        verdict = (verdict.duplicate_of, verdict.cluster, verdict.similarity)
    article.duplicate_of, article.cluster, sim = verdict
    if sim is None:
        article.scores.pop(SCORE, None)
    else:
        article.scores[SCORE] = sim
    return article
