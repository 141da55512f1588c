"""``zhnews run``: inputs → engine (extract … segment) → dedup → emit, plus manifest and summary."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import stages
from pipeline.engine import local
from pipeline.io import InputFile, ManifestEntry, atomic_write, manifest_bytes, walk_inputs

MANIFEST = "manifest.jsonl"


@dataclass
class Summary:
    inputs: int = 0
    ok: int = 0
    skipped: int = 0
    failed: int = 0
    articles: int = 0
    duplicates: int = 0
    seconds: float = 0.0

    def line(self, outdir: Path) -> str:
        rate = self.articles / self.seconds if self.seconds > 0 else 0.0
        return (
            f"zhnews: {self.inputs} inputs ({self.ok} ok, {self.skipped} skipped, "
            f"{self.failed} failed), {self.articles} articles ({self.duplicates} duplicates) "
            f"in {self.seconds:.1f} s, {rate:.1f} articles/s → {outdir}"
        )


def _progress(total_hint: int | None, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total_hint, unit="file", file=sys.stderr, dynamic_ncols=True, leave=False)


def _run_words(cfg: Any) -> Any:
    """Run-wide new words and IDF (segment), fed articles in input order in this process."""
    if "segment" not in stages.ARTICLE_STAGES:
        return None
    from pipeline.stages.segment.runwords import RunWords

    return RunWords(cfg)


def run(inputs: list[str], outdir: Path, cfg: Any, workers: int,
        progress: bool | None = None) -> Summary:
    """Run every stage over ``inputs`` and write ``outdir``; never raises for bad input files."""
    started = time.perf_counter()
    files: list[InputFile] = list(walk_inputs(inputs))
    outdir.mkdir(parents=True, exist_ok=True)
    names = stages.ARTICLE_STAGES
    dedup_stage = stages.get("dedup")
    dedup = dedup_stage.prepare(cfg)
    index = dedup_stage.index_path(outdir, cfg)
    if index is not None:
        from pipeline.stages.dedup import store

        store.load(index, dedup, keep=lambda x: _emitted(outdir, x))
    words = _run_words(cfg)
    summary = Summary(inputs=len(files))
    entries: list[ManifestEntry] = []
    bar = _progress(len(files), sys.stderr.isatty() if progress is None else progress)
    for result in local.results(files, cfg, names, workers):
        entries.append(result.entry)
        for article in result.articles:
            if words is not None:
                article = words.add(article)
            article = dedup.add(article)
            _place(outdir, article, cfg)
            summary.articles += 1
        setattr(summary, result.entry.status, getattr(summary, result.entry.status) + 1)
        if bar is not None:
            bar.update(1)
    _rewrite_changed(outdir, dedup.finish(), cfg)
    summary.duplicates = dedup.duplicates()
    if index is not None:
        store.save(index, dedup)
    if bar is not None:
        bar.close()
    if words is not None:
        words.write(outdir)
    atomic_write(outdir / MANIFEST, manifest_bytes(entries))
    summary.seconds = time.perf_counter() - started
    return summary


def _emitted(outdir: Path, article_id: str) -> bool:
    """An earlier run's article is still in the folder (deleting its file forgets it)."""
    from pipeline.stages.dedup import ASIDE

    name = f"{article_id}.json"
    return (outdir / name).exists() or (outdir / ASIDE / name).exists()


def _place(outdir: Path, article: Any, cfg: Any) -> None:
    """Emit ``article`` where dedup says (in OUTDIR, or aside) and drop a stale other copy."""
    from pipeline.stages import dedup as dedup_stage
    from pipeline.stages import emit

    target = emit.write(dedup_stage.folder(outdir, article, cfg), article)
    name = f"{article.id}.json"
    for path in (outdir / name, outdir / dedup_stage.ASIDE / name):
        if path != target and path.exists():
            path.unlink()


def _rewrite_changed(outdir: Path, changes: list, cfg: Any) -> None:
    """Re-write the articles whose dedup verdict changed after they were written.

    Their files are read back from ``outdir`` (this run's, or an earlier run's when the
    persistent index named them); a file no longer there is left alone.
    """
    from pipeline.article import from_json_line
    from pipeline.stages import dedup as dedup_stage

    for change in changes:
        name = f"{change.id}.json"
        found = [p for p in (outdir / name, outdir / dedup_stage.ASIDE / name) if p.exists()]
        if found:
            article = from_json_line(found[0].read_bytes())
            _place(outdir, dedup_stage.apply(article, change), cfg)
