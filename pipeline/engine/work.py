"""The unit of work every engine runs: one input file through extract and the article stages.

Prepared state lives in a module-level slot so each process builds jieba/OpenCC once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec

from pipeline import __version__, stages
from pipeline.article import Article
from pipeline.errors import SkipInput, ZhnewsError
from pipeline.io import InputFile, ManifestEntry


@dataclass
class Prepared:
    cfg: Any
    extract_state: Any
    chain: stages.Chain | None


_STATE: dict[tuple[str, tuple[str, ...]], Prepared] = {}


def prepared(cfg: Any, names: tuple[str, ...]) -> Prepared:
    """State for (config, stage list), built once per process."""
    key = (cfg.hash, names)
    if key not in _STATE:
        extract = stages.get("extract")
        chain = stages.Chain(cfg, names) if names else None
        _STATE[key] = Prepared(cfg, extract.prepare(cfg), chain)
    return _STATE[key]


@dataclass
class FileResult:
    entry: ManifestEntry
    articles: list[Article] = field(default_factory=list)


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    msg = text[0] if text else ""
    if isinstance(exc, ZhnewsError):
        return msg or type(exc).__name__
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def process_file(inp: InputFile, cfg: Any, names: tuple[str, ...]) -> FileResult:
    """Extract one file and pass each article through ``names``; never raises."""
    from pipeline.stages.extract import InputContext, extract

    state = prepared(cfg, names)
    entry = ManifestEntry(path=inp.path, status="ok")
    result = FileResult(entry)
    try:
        with open(inp.path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        entry.status, entry.error = "failed", f"cannot read: {exc.strerror or exc}"
        return result
    ctx = InputContext(path=inp.path, relpath=inp.relpath)
    errors: list[str] = []
    try:
        for article in extract(data, ctx, state.extract_state):
            article.pipeline.version = __version__
            article.pipeline.config_hash = cfg.hash
            try:
                out = state.chain(article) if state.chain else article
            except Exception as exc:  # one bad article never costs the others
                errors.append(f"article {article.source.index}: {one_line(exc)}")
                continue
            if out is not None:
                result.articles.append(out)
    except SkipInput as exc:
        entry.status, entry.error = "skipped", one_line(exc)
    except Exception as exc:
        entry.status, entry.error = "failed", one_line(exc)
    entry.format, entry.encoding = ctx.fmt, ctx.encoding
    entry.articles = len(result.articles)
    if errors and entry.status == "ok":
        entry.error = "; ".join(errors[:3]) + (f" (+{len(errors) - 3} more)" if len(errors) > 3 else "")
        if not result.articles:
            entry.status = "failed"
    if entry.status == "ok" and not result.articles:
        entry.status, entry.error = "skipped", entry.error or "no article text found"
    return result


def encode_result(result: FileResult) -> bytes:
    """Results cross process boundaries as msgpack: cheaper than pickling Structs."""
    return msgspec.msgpack.encode((result.entry, result.articles))


_decoder = msgspec.msgpack.Decoder(tuple[ManifestEntry, list[Article]])


def decode_result(data: bytes) -> FileResult:
    entry, articles = _decoder.decode(data)
    return FileResult(entry, articles)
