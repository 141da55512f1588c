"""Where zhnews keeps what it builds once and reuses (dictionaries, tables, MinHash parameters)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``$ZHNEWS_CACHE_DIR``, else ``$XDG_CACHE_HOME/zhnews``, else ``~/.cache/zhnews``."""
    explicit = os.environ.get("ZHNEWS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "zhnews"
