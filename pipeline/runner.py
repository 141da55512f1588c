"""``zhnews run``: inputs → engine (extract … segment) → dedup → emit, plus manifest and summary."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import stages
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


def engine_stream(name: str) -> Any:
    """The ``stream(files, cfg, names, workers)`` of engine ``name`` (local or ray)."""
    if name == "ray":
        from pipeline.engine import ray

        return ray.stream
    from pipeline.engine import local

    return local.stream


def run(inputs: list[str], outdir: Path, cfg: Any, workers: int,
        progress: bool | None = None, engine: str = "local") -> Summary:
    """Run every stage over ``inputs`` and write ``outdir``; never raises for bad input files."""
    started = time.perf_counter()
    files: list[InputFile] = list(walk_inputs(inputs))
    outdir.mkdir(parents=True, exist_ok=True)
    names = stages.ARTICLE_STAGES
    dedup = stages.get("dedup").prepare(cfg)
    words = _run_words(cfg)
    emit = stages.get("emit")
    summary = Summary(inputs=len(files))
    entries: list[ManifestEntry] = []
    bar = _progress(len(files), sys.stderr.isatty() if progress is None else progress)
    for result in engine_stream(engine)(files, cfg, names, workers):
        entries.append(result.entry)  # complete once its articles are consumed
        for article in result.articles:
            if words is not None:
                article = words.add(article)
            article = dedup.add(article)
            summary.duplicates += article.duplicate_of is not None
            emit.write(outdir, article)
            summary.articles += 1
        setattr(summary, result.entry.status, getattr(summary, result.entry.status) + 1)
        if bar is not None:
            bar.update(1)
    for article in dedup.finish():
        emit.write(outdir, article)
    if bar is not None:
        bar.close()
    if words is not None:
        words.write(outdir)
    atomic_write(outdir / MANIFEST, manifest_bytes(entries))
    summary.seconds = time.perf_counter() - started
    return summary
