"""Where zhnews keeps what it builds once and reuses (dictionaries, tables, MinHash parameters)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cache_dir() -> Path:
    """``$ZHNEWS_CACHE_DIR``, else ``$XDG_CACHE_HOME/zhnews``, else ``~/.cache/zhnews``."""
    explicit = os.environ.get("ZHNEWS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "zhnews"


def installed_version(dist: str, module: str | None = None) -> str:
    """The version of distribution ``dist`` (whose top-level module is ``module``, by default
    the same name), part of the cache keys: from the name of its one ``dist-info`` folder
    beside the module where it has one (one look at one folder, without importing the
    module), else from ``importlib.metadata`` (0.03-0.05 s to import and search, measured,
    which every run and every stage command paid); "unknown" when it is not installed as a
    distribution."""
    spec = importlib.util.find_spec(module or dist)
    if spec is not None and spec.origin:
        here = Path(spec.origin).parent
        site = here.parent if spec.submodule_search_locations is not None else here
        found = [p.name for p in site.glob(f"{dist}-*.dist-info")]
        if len(found) == 1:
            return found[0][len(dist) + 1:-len(".dist-info")]
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover - in the standard library since 3.8
        return "unknown"
    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"


# Files kept per kind of cached table: each dictionary edit, jieba install or zhnews upgrade
# that changes a key writes a new file, and nothing else removes the old ones (32 repair
# lexicons, 303 MB, had piled up on a development machine). A few stay for side-by-side
# installs; one pruned by mistake is only rebuilt.
KEEP_PER_KIND = 4


def prune(prefix: str, keep: int = KEEP_PER_KIND) -> None:
    """Remove all but the ``keep`` most recently written cache files named ``prefix*``."""
    try:
        found = sorted(cache_dir().glob(f"{prefix}*"), key=lambda p: p.stat().st_mtime)
        for stale in found[:-keep] if keep > 0 else found:
            stale.unlink()
    except OSError:  # another process removed one first, or a read-only cache: no harm
        pass


def cached_marshal(name: str, key: str, build: Callable[[], T], kind: type = dict) -> T:
    """``build()``, kept in the user cache as ``NAME-DIGEST.marshal`` where ``key`` names
    every input of ``build`` (a small table derived once from dictionaries that do not change
    between runs). A value of another ``kind`` in the file is built again; a read-only cache
    only costs the build at every start."""
    import hashlib
    import marshal

    from pipeline.io import atomic_write

    path = cache_dir() / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.marshal"
    try:
        value = marshal.loads(path.read_bytes())
        if isinstance(value, kind):
            return value  # type: ignore[no-any-return]
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = build()
    try:
        atomic_write(path, marshal.dumps(value))
        prune(f"{name}-")
    except OSError:
        pass
    return value
