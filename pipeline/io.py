"""Files: walking inputs, atomic writes, the manifest, the resume journal, JSONL streams."""

from __future__ import annotations

import itertools
import os
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

import msgspec

from pipeline.errors import UsageError, ZhnewsError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock
    fcntl = None  # type: ignore[assignment]


@dataclass(frozen=True)
class InputFile:
    """One input: ``path`` as the user would recognise it, ``relpath`` for stable ids.

    A name that is not UTF-8 (a GBK-named file out of a Windows archive) cannot go into JSON
    or msgpack as Python holds it (with surrogate escapes): ``path`` and ``relpath`` then show
    each such part decoded as GB18030 (or with U+FFFD where even that fails), and ``raw``
    holds the path's bytes, which is what is opened (``fs_path``)."""

    path: str
    relpath: str
    error: str | None = None  # set when the walk itself could not read it (a folder)
    raw: bytes | None = None

    @property
    def fs_path(self) -> str | bytes:
        """What to open or stat."""
        return self.raw if self.raw is not None else self.path


def readable_name(name: str) -> str:
    """``name`` (a path as the OS gave it) with every part that is not UTF-8 decoded as
    GB18030, else with U+FFFD for the bytes that do not decode: text JSON can hold."""
    parts = []
    for part in os.fsencode(name).split(b"/"):
        try:
            parts.append(part.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                parts.append(part.decode("gb18030"))
            except UnicodeDecodeError:
                parts.append(part.decode("utf-8", "replace"))
    return "/".join(parts)


def input_file(path: str, relpath: str, error: str | None = None) -> InputFile:
    """An InputFile for a path as the OS gave it (see InputFile for a name not UTF-8)."""
    try:
        path.encode("utf-8")
        relpath.encode("utf-8")
    except UnicodeEncodeError:
        return InputFile(readable_name(path), readable_name(relpath), error, os.fsencode(path))
    return InputFile(path, relpath, error)


def walk_inputs(inputs: Iterable[str], exclude: Path | None = None) -> Iterator[InputFile]:
    """Files named directly, and every non-hidden file under named folders, in sorted order.

    Symlinked folders are followed once (loops are cut by real path); a folder that cannot be
    listed is yielded with ``error`` so the manifest accounts for it. ``exclude`` (the output
    folder) is never walked, so ``run dump -o dump/out`` does not read its own output.
    """
    skip = {os.path.realpath(exclude)} if exclude is not None else set()
    for given in inputs:
        if not given:  # Path("") is the current folder: never walk it unasked
            raise UsageError("an input path is empty")
        root = Path(given)
        if root.is_dir():
            seen: set[str] = set(skip)
            yield from _walk_dir(root, root, seen)
        elif root.exists() or root.is_symlink():
            yield input_file(str(given), root.name)
        else:
            raise UsageError(f"input not found: {given}")


def _walk_dir(root: Path, folder: Path, seen: set[str]) -> Iterator[InputFile]:
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        rel = folder.relative_to(root).as_posix()
        yield input_file(str(folder), rel, f"cannot list folder: {exc.strerror or exc}")
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
            yield input_file(str(path), path.relative_to(root).as_posix())


_TMP_SEQ = itertools.count()
_TMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _new_temp(folder: Path, suffix: str) -> tuple[int, str]:
    """An open, new ``.tmp-*`` file in ``folder`` (made if missing), created with the user's
    mode (the umask applies, as for any new file), named from the process and a counter;
    ``O_EXCL`` refuses a name a stale temp of an earlier process with this pid still holds."""
    while True:
        tmp = os.path.join(folder, f".tmp-{os.getpid()}-{next(_TMP_SEQ)}{suffix}")
        try:
            return os.open(tmp, _TMP_FLAGS, 0o666), tmp
        except FileExistsError:
            continue
        except FileNotFoundError:
            folder.mkdir(parents=True, exist_ok=True)


@contextmanager
def _replacing(tmp: str, path: Path) -> Iterator[None]:
    """Rename ``tmp`` over ``path`` when the block ends without error; remove it if it raises."""
    try:
        yield
        rename_into(tmp, path)  # a blank may sit in another folder than path's
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@contextmanager
def atomic_path(path: Path, suffix: str = "") -> Iterator[Path]:
    """A temp file beside ``path`` to build in (a JSON file, an SQLite database), renamed over
    ``path`` when the block ends without error and removed when it raises: readers never see
    half a file. A kill in between leaves a ``.tmp-*`` file, which the next run removes."""
    fd, tmp = _new_temp(path.parent, suffix)
    os.close(fd)
    with _replacing(tmp, path):
        yield Path(tmp)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`), through the descriptor
    the temp file was created with."""
    fd, tmp = _new_temp(path.parent, "")
    with _replacing(tmp, path), os.fdopen(fd, "wb") as fh:
        fh.write(data)


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until all of ``data`` is written (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_temp(folder: str | Path, data: bytes) -> str:
    """A new ``.tmp-*`` file in ``folder`` holding ``data``; its path. For a file another
    process renames into place (a worker writes an article, the runner places it)."""
    fd, tmp = _new_temp(Path(folder), "")
    try:
        write_all(fd, data)
    except BaseException:
        os.close(fd)
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    os.close(fd)
    return tmp


def rename_into(tmp: str, path: Path) -> None:
    """``os.replace(tmp, path)``, making ``path``'s folder when it is missing."""
    try:
        os.replace(tmp, path)
    except FileNotFoundError:
        if not os.path.exists(tmp):
            raise
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, path)


class Blanks:
    """Files ready to be filled and renamed into place, so the runner creates none.

    On some filesystems creating a file costs far more than filling it (0.6-0.7 ms against
    0.03 ms for a 48 kB article, measured on the benchmark's machine), and the runner writes
    in its one serial process. Workers write the articles' files themselves
    (units.run_unit; :meth:`place` renames one into place), and a file that one of the
    runner's own writes replaces (a late dedup verdict) is kept as the next blank instead of
    being freed. Every write is still atomic: a blank is filled, then renamed over the
    target. Without a blank, a write makes its own temp file, as :func:`atomic_write` does.
    """

    def __init__(self, folder: Path, fresh: bool = False) -> None:
        self.folder = folder
        self.ready: list[str] = []
        # ``fresh``: no file this pool may replace existed when it was made (a new output
        # folder), so a path holds one only if this pool wrote it. Hashes of the paths
        # written answer ``may_hold`` without a look at the disk (a clash only costs a look).
        self._written: set[int] | None = set() if fresh else None

    def may_hold(self, path: str | Path) -> bool:
        """Whether a file may be at ``path`` (False only when it surely is not): the runner
        looks for a stale copy of every article it places, nearly always in vain."""
        return self._written is None or hash(os.fspath(path)) in self._written

    def write(self, path: Path, data: bytes) -> None:
        """Write ``data`` to ``path`` atomically, through a blank when there is one; the file
        it replaces becomes a blank."""
        fd = -1
        while self.ready and fd < 0:
            tmp = self.ready.pop()
            try:  # no O_TRUNC: see below
                fd = os.open(tmp, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
            except OSError:  # removed under us: try the next one
                continue
        if fd < 0:
            fd, tmp = _new_temp(path.parent, "")
        with _replacing(tmp, path):
            try:
                write_all(fd, data)
                # A kept blank still holds the article it replaced, about as long as this
                # one: writing over its blocks and cutting off the rest costs a third less
                # than freeing them all at the open (0.10 against 0.15-0.25 ms a file).
                os.ftruncate(fd, len(data))
            finally:
                os.close(fd)
            if self.may_hold(path):
                self.keep(path)
        if self._written is not None:
            self._written.add(hash(os.fspath(path)))

    def place(self, tmp: str, path: Path) -> None:
        """Rename ``tmp``, a filled temp file in this pool's folder, over ``path`` (made if
        missing), keeping the file it replaces as a blank, as :meth:`write` does."""
        if self.may_hold(path):
            self.keep(path)
        rename_into(tmp, path)
        if self._written is not None:
            self._written.add(hash(os.fspath(path)))

    def keep(self, path: str | Path) -> None:
        """Keep the file at ``path`` as a blank when it is about to be replaced or removed
        (a second name for it now; the caller then renames over or unlinks the first)."""
        spare = os.path.join(self.folder, f".tmp-{os.getpid()}-{next(_TMP_SEQ)}")
        try:
            os.link(path, spare)
        except OSError:  # no such file (the usual case), or links not supported
            return
        self.ready.append(spare)

    def close(self) -> None:
        """Remove the blanks nobody used."""
        for tmp in self.ready:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        self.ready.clear()


def remove_stale_temps(folder: Path) -> int:
    """Delete ``.tmp-*`` files an interrupted run left behind; returns how many."""
    removed = 0
    if folder.is_dir():
        for tmp in folder.glob(".tmp-*"):
            try:
                tmp.unlink()
                removed += 1
            except OSError:
                pass
    return removed


class ManifestEntry(msgspec.Struct, kw_only=True):
    """One line of ``manifest.jsonl``: what happened to one input file.

    ``error`` is the one-line reason for skipped/failed; ``warnings`` lists parts of an ok
    input that were passed over (a broken JSONL line, bytes that were not valid UTF-8).
    """

    path: str
    status: str  # ok | skipped | failed
    articles: int = 0
    error: str | None = None
    format: str | None = None
    encoding: str | None = None
    warnings: list[str] = msgspec.field(default_factory=list)


_manifest_encoder = msgspec.json.Encoder()


def manifest_bytes(entries: Iterable[ManifestEntry]) -> bytes:
    return b"".join(_manifest_encoder.encode(e) + b"\n" for e in entries)


FLUSH_EVERY = 0.2  # seconds between journal flushes (see Journal.append)
FSYNC_EVERY = 1.0  # seconds


class JournalRecord(msgspec.Struct, kw_only=True):
    """One completed input: enough to restore it on resume without processing it again."""

    path: str
    size: int
    mtime_ns: int
    entry: ManifestEntry
    ids: list[str]
    stats: dict[str, list[int]] = msgspec.field(default_factory=dict)


class JournalHeader(msgspec.Struct, kw_only=True):
    journal: int = 1
    version: str
    config_hash: str


def input_stamp(path: str | bytes) -> tuple[int, int] | None:
    """(size, mtime_ns) of an input, or None when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


class OutdirLock:
    """One run at a time per output folder (two would interleave the journal and delete each
    other's temp files). An advisory lock, released by the kernel if the run is killed."""

    NAME = ".zhnews-lock"

    def __init__(self, folder: Path) -> None:
        self.path = folder / self.NAME
        self._fh = open(self.path, "ab")  # noqa: SIM115
        if fcntl is None:
            return
        try:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._fh.close()
            raise ZhnewsError(f"another zhnews run is writing {folder}") from None

    def release(self, remove: bool) -> None:
        """Unlock; ``remove`` the lock file when the run completed (a clean output tree)."""
        if self._fh.closed:
            return
        if remove:
            try:
                self.path.unlink()
            except OSError:
                pass
        self._fh.close()


class Journal:
    """Append-only record of completed inputs in the output folder.

    A run killed at any moment leaves at most one torn last line, which is dropped on resume.
    The journal is only valid for the same pipeline version and config hash; otherwise the
    run starts over. A finished run deletes it.
    """

    def __init__(self, path: Path, header: JournalHeader) -> None:
        self.path = path
        self.done: dict[str, JournalRecord] = {}
        kept = self._read(header)
        atomic_write(path, b"".join(_journal_line(x) for x in [header, *kept]))
        self._fh = open(path, "ab")  # noqa: SIM115
        self._synced = self._flushed = 0.0

    def _read(self, header: JournalHeader) -> list[JournalRecord]:
        try:
            lines = self.path.read_bytes().splitlines()
        except OSError:
            return []
        if not lines:
            return []
        try:
            old = msgspec.json.decode(lines[0], type=JournalHeader)
        except msgspec.DecodeError:
            return []
        if (old.version, old.config_hash) != (header.version, header.config_hash):
            return []
        kept = []
        for line in lines[1:]:
            try:
                rec = msgspec.json.decode(line, type=JournalRecord)
            except msgspec.DecodeError:
                break  # a torn last line from a kill
            kept.append(rec)
            self.done[rec.path] = rec
        return kept

    def completed(self, inp: InputFile) -> JournalRecord | None:
        """The record for ``inp`` if it completed and the file has not changed since."""
        rec = self.done.get(inp.path)
        if rec is None or input_stamp(inp.fs_path) != (rec.size, rec.mtime_ns):
            return None
        return rec

    def append(self, rec: JournalRecord) -> None:
        """Record a completed input. A flush survives ``kill -9`` (the data is in the kernel);
        it runs at most every FLUSH_EVERY seconds (a write call per small input cost the main
        process about 0.3 s per 1,200 inputs under the profiler): a kill loses at most that much,
        which resume simply processes again, to the same bytes. fsync, for power loss, at
        most once a second. After a power loss, restore checks every article file and
        reprocesses what is torn."""
        self._fh.write(_journal_line(rec))
        now = time.monotonic()
        if now - self._flushed >= FLUSH_EVERY:
            self._fh.flush()
            self._flushed = now
            if now - self._synced >= FSYNC_EVERY:
                os.fsync(self._fh.fileno())
                self._synced = now

    def finish(self) -> None:
        """The run completed: the journal is no longer needed."""
        self.close()
        try:
            self.path.unlink()
        except OSError:
            pass

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()


def _journal_line(obj: msgspec.Struct) -> bytes:
    return _manifest_encoder.encode(obj) + b"\n"


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
