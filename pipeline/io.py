"""Files: walking inputs, atomic writes, the manifest, JSONL streams."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

import msgspec

from pipeline.errors import UsageError


@dataclass(frozen=True)
class InputFile:
    """One input: ``path`` as the user would recognise it, ``relpath`` for stable ids."""

    path: str
    relpath: str


def walk_inputs(inputs: Iterable[str]) -> Iterator[InputFile]:
    """Files named directly, and every non-hidden file under named folders, in sorted order.

    Symlinked folders are followed once (loops are cut by real path).
    """
    for given in inputs:
        root = Path(given)
        if root.is_dir():
            seen: set[str] = set()
            yield from _walk_dir(root, root, seen)
        elif root.exists() or root.is_symlink():
            yield InputFile(str(given), root.name)
        else:
            raise UsageError(f"input not found: {given}")


def _walk_dir(root: Path, folder: Path, seen: set[str]) -> Iterator[InputFile]:
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk_dir(root, path, seen)
        else:
            yield InputFile(str(path), path.relative_to(root).as_posix())


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class ManifestEntry(msgspec.Struct, kw_only=True):
    """One line of ``manifest.jsonl``: what happened to one input file."""

    path: str
    status: str  # ok | skipped | failed
    articles: int = 0
    error: str | None = None
    format: str | None = None
    encoding: str | None = None


_manifest_encoder = msgspec.json.Encoder()


def manifest_bytes(entries: Iterable[ManifestEntry]) -> bytes:
    return b"".join(_manifest_encoder.encode(e) + b"\n" for e in entries)


def open_in(name: str) -> BinaryIO:
    if name == "-":
        return sys.stdin.buffer
    try:
        return open(name, "rb")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror}") from None


def open_out(name: str) -> IO[bytes]:
    if name == "-":
        return sys.stdout.buffer
    try:
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        return open(name, "wb")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot write {name}: {exc.strerror}") from None
