"""``zhnews run``: inputs → engine (extract … segment) → dedup → emit, plus manifest and summary.

Resume: each completed input is appended to a journal in OUTDIR after its articles are
written. A re-run with the same config finds it, restores completed inputs from their JSON
files (replaying them through the run-wide consumers, run words and dedup, in input order, so
their state is what an uninterrupted run would have), processes the rest, and ends with the
same output tree; the journal is deleted when the run finishes.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from pipeline import __version__, stages
from pipeline.article import DRIVER_FIELDS, Article, FileOnDisk
from pipeline.engine import tune_gc
from pipeline.engine.units import whole
from pipeline.engine.work import prepared
from pipeline.io import (
    Blanks,
    InputFile,
    Journal,
    JournalHeader,
    JournalRecord,
    ManifestEntry,
    OutdirLock,
    atomic_write,
    input_stamp,
    manifest_bytes,
    remove_stale_temps,
    rename_into,
    walk_inputs,
)

MANIFEST = "manifest.jsonl"
JOURNAL = ".zhnews-journal.jsonl"


@dataclass
class Summary:
    inputs: int = 0
    ok: int = 0
    skipped: int = 0
    failed: int = 0
    articles: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    resumed: int = 0
    warned: int = 0  # ok inputs whose manifest entry carries warnings
    alarms: list[str] = field(default_factory=list)

    def line(self, outdir: Path) -> str:
        rate = self.articles / self.seconds if self.seconds > 0 else 0.0
        resumed = f", {self.resumed} restored from an interrupted run" if self.resumed else ""
        return (
            f"zhnews: {self.inputs} inputs ({self.ok} ok, {self.skipped} skipped, "
            f"{self.failed} failed{resumed}), {self.articles} articles ({self.duplicates} "
            f"duplicates) in {self.seconds:.1f} s, {rate:.1f} articles/s → {outdir}"
        )

    def lines(self, outdir: Path) -> list[str]:
        """The summary line, then one line per drop-rate alarm."""
        return [self.line(outdir), *(f"zhnews: warning: {a}" for a in self.alarms)]


def _progress(total_hint: int | None, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total_hint, unit="file", file=sys.stderr, dynamic_ncols=True, leave=False)


_article_decoder = msgspec.json.Decoder(Article)


def _restore(outdir: Path, rec: JournalRecord) -> list[Article] | None:
    """The articles a completed input wrote, read back; None if any is missing or torn."""
    from pipeline.stages.dedup import ASIDE

    out = []
    for art_id in rec.ids:
        name = f"{art_id}.json"
        path = outdir / name if (outdir / name).exists() else outdir / ASIDE / name
        try:
            out.append(_article_decoder.decode(path.read_bytes()))
        except (OSError, msgspec.DecodeError):
            return None
    return out


def _replay(article: Article, words: Any, dedup: Any, cfg: Any,
            names: tuple[str, ...]) -> Article:
    """Feed a restored article to the run-wide consumers exactly as the first run did.

    Run words learn from tokens as segment cut them, before their own merges, so the
    article is segmented again (pure, deterministic) and its dedup fields cleared: both
    consumers then see what they saw the first time. The file on disk is not rewritten.
    """
    article.duplicate_of = None
    article.cluster = None
    article = dedup.add(article)
    if words is not None:
        chain = prepared(cfg, names).chain
        for name, process, state in chain.steps if chain else ():
            if name == "segment":
                article = process(article, state)
        article = words.add(article, learn=article.duplicate_of is None)
    return article


def drop_alarms(stats: dict[str, list[int]], cfg: Any) -> list[str]:
    """A stage that dropped an unusual share of articles or characters, in words."""
    run = cfg.section("run")
    art_share = float(run.get("alarm_article_share", 0))
    char_share = float(run.get("alarm_char_share", 0))
    alarms = []
    for name in stages.ARTICLE_STAGES:
        if name not in stats:
            continue
        a_in, a_out, c_in, c_out = stats[name]
        if art_share > 0 and a_in and (a_in - a_out) / a_in > art_share:
            alarms.append(f"{name} dropped {a_in - a_out} of {a_in} articles "
                          f"({(a_in - a_out) / a_in:.0%}, alarm above {art_share:.0%})")
        if char_share > 0 and c_in and (c_in - c_out) / c_in > char_share:
            alarms.append(f"{name} removed {(c_in - c_out) / c_in:.0%} of the characters it "
                          f"was given ({c_in - c_out} of {c_in}, alarm above {char_share:.0%})")
    return alarms


def _add_stats(total: dict[str, list[int]], stats: dict[str, list[int]]) -> None:
    for name, row in stats.items():
        acc = total.setdefault(name, [0, 0, 0, 0])
        for i, value in enumerate(row):
            acc[i] += value


def _run_words(cfg: Any) -> Any:
    """Run-wide new words and IDF (segment), fed articles in input order in this process."""
    if "segment" not in stages.ARTICLE_STAGES:
        return None
    from pipeline.stages.segment.runwords import RunWords

    return RunWords(cfg)


def engine_stream(name: str) -> Any:
    """The ``stream(files, cfg, names, workers, blanks)`` of engine ``name`` (local or ray)."""
    if name == "ray":
        from pipeline.engine import ray

        return ray.stream
    from pipeline.engine import local

    return local.stream


def run(inputs: list[str], outdir: Path, cfg: Any, workers: int,
        progress: bool | None = None, engine: str = "local") -> Summary:
    """Run every stage over ``inputs`` and write ``outdir``; never raises for bad input files."""
    started = time.perf_counter()
    tune_gc()
    files: list[InputFile] = list(walk_inputs(inputs, exclude=outdir))
    if engine == "ray":  # a missing Ray or an unusable RAY_ADDRESS, before OUTDIR is touched
        from pipeline.engine import ray

        ray.check_usable()
    outdir.mkdir(parents=True, exist_ok=True)
    lock = OutdirLock(outdir)
    try:
        summary = _run_locked(files, outdir, cfg, workers, progress, engine)
    except BaseException:
        lock.release(remove=False)
        raise
    lock.release(remove=True)
    summary.seconds = time.perf_counter() - started
    return summary


def _run_locked(files: list[InputFile], outdir: Path, cfg: Any, workers: int,
                progress: bool | None, engine: str) -> Summary:
    remove_stale_temps(outdir)
    journal = Journal(outdir / JOURNAL, JournalHeader(version=__version__,
                                                      config_hash=cfg.hash))
    restored: dict[str, tuple[JournalRecord, list[Article]]] = {}
    for inp in files:
        rec = journal.completed(inp)
        if rec is not None:
            articles = _restore(outdir, rec)
            if articles is not None:
                restored[inp.path] = (rec, articles)
    todo = [inp for inp in files if inp.path not in restored]
    names = stages.ARTICLE_STAGES
    dedup_stage = stages.get("dedup")
    dedup = dedup_stage.prepare(cfg)
    index = dedup_stage.index_path(outdir, cfg)
    if index is not None:
        from pipeline.stages.dedup import store

        store.load(index, dedup, keep=lambda x: _emitted(outdir, x))
    words = _run_words(cfg)
    summary = Summary(inputs=len(files), resumed=len(restored))
    entries: list[ManifestEntry] = []
    stats: dict[str, list[int]] = {}
    bar = _progress(len(files), sys.stderr.isatty() if progress is None else progress)
    blanks = Blanks(outdir, fresh=not restored and not _holds_articles(outdir))
    fresh: Iterator[Any] = iter(engine_stream(engine)(todo, cfg, names, workers, blanks))
    try:
        for inp in files:
            if inp.path in restored:
                rec, articles = restored[inp.path]
                entry, file_stats = rec.entry, rec.stats
                for article in articles:  # files already on disk; rebuild run-wide state only
                    _replay(article, words, dedup, cfg, names)
                count = len(articles)
            else:
                streamed = next(fresh)
                ids = []
                for article, fp, file in streamed.carried:  # one at a time: bounded memory
                    offsets = None  # merging needs the token offsets: read from the file
                    if file is not None and words is not None and words.would_merge(article):
                        offsets = _file_offsets(file)
                        if offsets is None:  # cannot happen for a file a worker rendered
                            article, file = whole(article, file), None
                    article = dedup.add(article, fp)
                    if words is not None:  # a repost teaches no new words and no IDF
                        article = words.add(article, learn=article.duplicate_of is None,
                                            token_offsets=offsets)
                    if file is None:
                        _place(outdir, article, cfg, blanks)
                    else:
                        _place_file(outdir, article, file, cfg, blanks, offsets)
                    ids.append(article.id)
                entry, file_stats = streamed.entry, streamed.stats  # complete now
                count = len(ids)
                stamp = input_stamp(inp.fs_path) or (-1, -1)
                journal.append(JournalRecord(path=inp.path, size=stamp[0], mtime_ns=stamp[1],
                                             entry=entry, ids=ids, stats=file_stats))
            entries.append(entry)
            _add_stats(stats, file_stats)
            summary.articles += count
            summary.warned += entry.status == "ok" and bool(entry.warnings)
            setattr(summary, entry.status, getattr(summary, entry.status) + 1)
            if bar is not None:
                bar.update(1)
        _rewrite_changed(outdir, dedup.finish(), cfg, blanks)
        summary.duplicates = dedup.duplicates()
        if index is not None:
            store.save(index, dedup)
        if words is not None:
            words.write(outdir)
        atomic_write(outdir / MANIFEST, manifest_bytes(entries))
    except BaseException:
        journal.close()
        raise
    finally:
        close = getattr(fresh, "close", None)
        if close is not None:
            close()  # stop the workers now, not when the generator is collected
        if bar is not None:
            bar.close()
        blanks.close()
    if summary.failed:  # a worker that died mid-unit may have left files it was writing
        remove_stale_temps(outdir)
    journal.finish()
    summary.alarms = drop_alarms(stats, cfg)
    return summary


def _holds_articles(outdir: Path) -> bool:
    """Whether OUTDIR (or its aside folder) holds an article file, from an earlier run."""
    from pipeline.stages.dedup import ASIDE

    for folder in (outdir, outdir / ASIDE):
        try:
            with os.scandir(folder) as entries:
                if any(e.name.endswith(".json") and not e.name.startswith(".") for e in entries):
                    return True
        except FileNotFoundError:
            continue
        except OSError:
            return True  # cannot tell: look before every write, as without a pool
    return False


def _emitted(outdir: Path, article_id: str) -> bool:
    """An earlier run's article is still in the folder (deleting its file forgets it)."""
    from pipeline.stages.dedup import ASIDE

    name = f"{article_id}.json"
    return (outdir / name).exists() or (outdir / ASIDE / name).exists()


def _place(outdir: Path, article: Any, cfg: Any, blanks: Blanks | None = None) -> None:
    """Emit ``article`` where dedup says (in OUTDIR, or aside) and drop a stale other copy."""
    from pipeline.stages import dedup as dedup_stage
    from pipeline.stages import emit

    target = emit.write(dedup_stage.folder(outdir, article, cfg), article, blanks)
    _drop_others(outdir, target, blanks)


# What the driver may change in a worker's article: numbering, dedup, run-wide keywords (and
# tokens it merges, with their offsets read from the file).
_SET_BY_DRIVER = DRIVER_FIELDS


def _file_offsets(file: bytes | FileOnDisk) -> list[list[list[int]]] | None:
    """The token offsets of a file a worker rendered, decoded without the rest of it."""
    from pipeline.article import file_fields

    names = ("token_offsets",)
    fields = file.fields(names) if isinstance(file, FileOnDisk) else file_fields(file, names)
    return None if fields is None else fields["token_offsets"]


def _place_file(outdir: Path, part: Any, file: bytes | FileOnDisk, cfg: Any,
                blanks: Blanks | None = None,
                offsets: list[list[list[int]]] | None = None) -> None:
    """:func:`_place` for an article a worker rendered: only the fields the driver sets are
    rendered again (``part`` holds them; with ``offsets``, the tokens it merged too), the rest
    is written as the worker made it. A file the worker wrote to disk is patched where these
    fields changed and renamed into place."""
    from types import SimpleNamespace

    from pipeline.article import set_file_fields
    from pipeline.stages import dedup as dedup_stage
    from pipeline.stages import emit

    source, names = part, _SET_BY_DRIVER
    if offsets is not None:  # the merged tokens too, in the same pass over the file
        names = (*_SET_BY_DRIVER, "tokens", "token_offsets")
        source = SimpleNamespace(**{name: getattr(part, name) for name in _SET_BY_DRIVER},
                                 tokens=part.tokens, token_offsets=offsets)
    if isinstance(file, FileOnDisk):
        file.patch(source, names)
        target = emit.file_path(dedup_stage.folder_for(outdir, part.duplicate_of, cfg), part.id)
        if blanks is not None:
            blanks.place(file.path, target)
        else:
            rename_into(file.path, target)
        _drop_others(outdir, target, blanks)
        return
    data = set_file_fields(file, source, names)
    if data is None:  # cannot happen for a file to_json_file wrote; never write a wrong one
        article = whole(part, file)
        if offsets is not None:
            article.token_offsets = offsets
        _place(outdir, article, cfg, blanks)
        return
    folder = dedup_stage.folder_for(outdir, part.duplicate_of, cfg)
    _drop_others(outdir, emit.write_file(folder, part.id, data, blanks), blanks)


def _drop_others(outdir: Path, target: Path, blanks: Blanks | None) -> None:
    """Remove the article's file from the other folder (OUTDIR or aside) it may be in."""
    from pipeline.stages.dedup import ASIDE

    base, here = os.fspath(outdir), os.fspath(target)  # strings: this runs once an article
    folder = os.path.join(base, ASIDE) if os.path.dirname(here) == base else base
    path = os.path.join(folder, os.path.basename(here))
    if (blanks is None or blanks.may_hold(path)) and os.path.exists(path):
        if blanks is not None:
            blanks.keep(path)
        os.unlink(path)


def _rewrite_changed(outdir: Path, changes: list, cfg: Any,
                     blanks: Blanks | None = None) -> None:
    """Re-write the articles whose dedup verdict changed after they were written.

    Their files are read back from ``outdir`` (this run's, or an earlier run's when the
    persistent index named them); a file no longer there is left alone. Only the dedup
    fields are re-rendered (``apply_to_file``): a dump of reposts changes hundreds of
    verdicts at the end, in the run's one serial process.
    """
    from pipeline.article import from_json_line
    from pipeline.stages import dedup as dedup_stage

    for change in changes:
        name = f"{change.id}.json"
        data = None
        for path in (outdir / name, outdir / dedup_stage.ASIDE / name):
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                continue
            break
        if data is None:
            continue
        patched = dedup_stage.apply_to_file(data, change)
        if patched is None:  # not a file this version wrote: decode and write it anew
            _place(outdir, dedup_stage.apply(from_json_line(data), change), cfg, blanks)
            continue
        target = dedup_stage.folder_for(outdir, change.duplicate_of, cfg) / name
        if blanks is not None:
            blanks.write(target, patched)
        else:
            atomic_write(target, patched)
        _drop_others(outdir, target, blanks)
