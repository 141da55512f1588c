"""The built-in search: an SQLite FTS5 index over zhnews's own segmentation.

FTS5's ``unicode61`` tokenizer splits on spaces and punctuation but treats a run of Chinese
characters as one token, so the index stores the segment stage's tokens joined by spaces
(titles cut here with the same dictionary; words glued by run-wide discovery cut back, see
``titles.Segmenter.unmerge``). A query goes the way an article went: converted to simplified
by the convert stage, cut by the segment stage, so 趙立東 finds 赵立东. Ranking is FTS5's BM25
with the title weighted ``[search] title_weight`` times the body, in tiers (``_tiers``).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.article import Article, Source
from pipeline.errors import UsageError, ZhnewsError
from pipeline.export import read_articles
from pipeline.export.titles import Segmenter
from pipeline.io import atomic_path

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE VIRTUAL TABLE docs USING fts5(
    id UNINDEXED, path UNINDEXED, published_at UNINDEXED, name UNINDEXED, lead UNINDEXED,
    title, body,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""
_WORD = re.compile(r"\w")
NEAR_TOKENS = 12
# Snippets are marked with private-use characters first, so joining tokens back can see
# through the marks; they become the caller's marks at the end.
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKS = _OPEN + _CLOSE


def despace(snippet: str, marks: tuple[str, str]) -> str:
    """Undo the spaces segmentation put between tokens where a Chinese character (or other
    non-ASCII text) stands on either side; "Matt Toms" keeps its space. Adjacent highlighted
    tokens merge into one highlight."""
    out: list[str] = []
    for line in snippet.split("\n"):
        pieces = line.split(" ")
        text = pieces[0]
        for piece in pieces[1:]:
            left, right = text.rstrip(_MARKS)[-1:], piece.lstrip(_MARKS)[:1]
            keep = left and right and left.isascii() and right.isascii()
            text += (" " if keep else "") + piece
        out.append(text)
    joined = " ".join(out).replace(_CLOSE + _OPEN, "")
    return joined.replace(_OPEN, marks[0]).replace(_CLOSE, marks[1])


def default_db(outdir: Path, cfg: Any) -> Path:
    return outdir / cfg.get("search", "db")


def build(outdir: Path, db: Path, cfg: Any) -> int:
    """(Re)build the index of ``outdir`` at ``db``; duplicates are left out. Returns a count."""
    seg = Segmenter(cfg)
    count = 0
    dict_hash = ""
    with atomic_path(db, suffix=".sqlite") as tmp:
        con = sqlite3.connect(tmp)
        try:
            con.executescript(_SCHEMA)
            for article in read_articles(outdir):
                if article.duplicate_of is not None or not article.text:
                    continue
                dict_hash = dict_hash or article.pipeline.dict_hash
                lead = article.paragraphs[0][:40] if article.paragraphs else ""
                con.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (article.id, article.source.path, article.published_at,
                             article.title, lead, " ".join(seg(article.title)),
                             "\n".join(" ".join(seg.unmerge(t)) for t in article.tokens)))
                count += 1
            con.executemany("INSERT INTO meta VALUES (?, ?)",
                            [("articles", str(count)), ("dict_hash", dict_hash)])
            con.commit()
        finally:
            con.close()
    return count


@dataclass
class Hit:
    rank: int
    id: str
    title: str | None
    path: str
    published_at: str | None
    score: float
    snippet: str


def _tiers(quoted: list[str]) -> list[str]:
    """FTS5 queries from strict to loose; each tier's hits rank above the next tier's.

    A name jieba splits into single characters (深 鉴 科技) matches as a phrase only where it
    stands; then the words near each other, then all words anywhere, then any word.
    """
    if len(quoted) == 1:
        return quoted
    phrase = '"' + " ".join(q[1:-1] for q in quoted) + '"'
    near = f"NEAR({' '.join(quoted)}, {NEAR_TOKENS})"
    return [phrase, near, " AND ".join(quoted), " OR ".join(quoted)]


class Searcher:
    """Query side: the convert and segment stages prepared once."""

    def __init__(self, cfg: Any) -> None:
        from pipeline import stages

        self.cfg = cfg
        self.convert = stages.get("convert")
        self.convert_state = self.convert.prepare(cfg)
        self.segment = Segmenter(cfg)

    def tokens(self, query: str) -> list[str]:
        """The query as the index sees text: simplified, then segmented; no punctuation."""
        art = Article(id="0" * 16, source=Source(path="-", format="text"))
        art.set_paragraphs([query.strip()])
        art = self.convert.process(art, self.convert_state) or art
        return [t for t in self.segment(art.text) if _WORD.search(t)]

    def search(self, db: Path, query: str, limit: int, marks: tuple[str, str]) -> list[Hit]:
        if not db.exists():
            raise UsageError(f"no search index at {db}; build it with `zhnews index OUTDIR`")
        tokens = self.tokens(query)
        if not tokens:
            raise UsageError("the query has no letters or digits to search for")
        quoted = ['"' + t.replace('"', '""') + '"' for t in tokens]
        weight = float(self.cfg.get("search", "title_weight"))
        size = int(self.cfg.get("search", "snippet_tokens"))
        sql = ("SELECT id, name, path, published_at, lead, bm25(docs, 0, 0, 0, 0, 0, ?, 1.0)"
               " AS s, snippet(docs, 6, ?, ?, '…', ?) FROM docs WHERE docs MATCH ?"
               " ORDER BY s, id LIMIT ?")
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise ZhnewsError(f"cannot open search index {db}: {exc}") from None
        try:
            rows: list[tuple] = []
            seen: set[str] = set()
            for match in _tiers(quoted):
                for row in con.execute(sql, (weight, _OPEN, _CLOSE, size, match, limit)):
                    if row[0] not in seen and len(rows) < limit:
                        seen.add(row[0])
                        rows.append(row)
                if len(rows) >= limit:
                    break
        except sqlite3.Error as exc:
            raise ZhnewsError(f"search index {db} is unreadable ({exc}); rebuild it") from None
        finally:
            con.close()
        hits = []
        for n, (id_, title, path, published, lead, score, snip) in enumerate(rows, 1):
            hits.append(Hit(n, id_, title or None, path, published, round(-score, 4),
                            despace(snip, marks) or lead))
        return hits

    @staticmethod
    def title_of(hit: Hit) -> str:
        return hit.title or f"({hit.path})"
