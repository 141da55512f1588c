"""Where zhnews keeps what it builds once and reuses (dictionaries, tables, MinHash parameters)."""

from __future__ import annotations

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
    except OSError:
        pass
    return value
