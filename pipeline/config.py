"""Load ``pipeline.toml``, validate it against the shipped defaults, resolve word-list files.

The defaults in ``pipeline/defaults/`` are complete and ship inside the package, so a
non-editable install runs from any folder. A user config (``-c FILE`` or ``./config/
pipeline.toml``) may set any subset of keys; a key the defaults do not know is an error that
names it. Keys ending in ``_file`` name plain-text lists; they resolve next to the user's config
first and fall back to the packaged default, and their contents are part of the config hash.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.config_bounds import problems

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_NAME = "pipeline.toml"
# Settings that change how work is spread or guarded, never the output: left out of the
# config hash.
NOT_SHAPING = {("run", "workers"), ("run", "split_mb"), ("run", "isolate"),
               ("run", "worker_nice")}


class ConfigError(Exception):
    """A config problem a user can fix; the CLI prints it as one line."""


def defaults_dir() -> Path:
    return Path(str(resources.files("pipeline").joinpath("defaults")))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def _merge(defaults: dict[str, Any], user: dict[str, Any], where: str, origin: Path) -> dict:
    merged = dict(defaults)
    for key, value in user.items():
        name = f"{where}.{key}" if where else key
        if key not in defaults:
            raise ConfigError(f"{origin}: unknown config key '{name}'")
        base = defaults[key]
        if isinstance(base, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{origin}: '{name}' must be a table")
            merged[key] = _merge(base, value, name, origin)
        else:
            if not _same_type(base, value):
                raise ConfigError(
                    f"{origin}: '{name}' must be {_kind(base)}, got {value!r}"
                )
            merged[key] = value
    return merged


def _kind(base: Any) -> str:
    """What a setting takes, as its error says it (an int setting takes 0.5 too)."""
    if isinstance(base, bool):
        return "true or false"
    if isinstance(base, (int, float)):
        return "a number"
    return {str: "a string", list: "a list"}.get(type(base), type(base).__name__)


def _same_type(base: Any, value: Any) -> bool:
    if isinstance(base, bool) or isinstance(value, bool):
        return isinstance(base, bool) and isinstance(value, bool)
    if isinstance(base, (int, float)):
        return isinstance(value, (int, float))
    if isinstance(base, list):
        return isinstance(value, list)
    return isinstance(value, type(base))


@dataclass
class Config:
    """Merged settings plus where list files are looked up."""

    data: dict[str, Any]
    origin: Path | None = None
    _hash: str | None = field(default=None, repr=False)

    def section(self, name: str) -> dict[str, Any]:
        return self.data.get(name, {})

    def get(self, section: str, key: str) -> Any:
        return self.data[section][key]

    def resolve(self, name: str) -> Path:
        """A list file: next to the user's config, else the packaged default."""
        candidate = Path(name)
        if candidate.is_absolute():
            return candidate
        if self.origin is not None:
            local = self.origin.parent / name
            if local.exists():
                return local
        return defaults_dir() / name

    def file(self, section: str, key: str) -> Path:
        return self.resolve(self.data[section][key])

    def lines(self, section: str, key: str) -> list[str]:
        """Non-blank, non-comment lines of a list file (``#`` starts a comment line)."""
        return read_list(self.file(section, key))

    def list_files(self) -> list[tuple[str, Path]]:
        out = []
        for sec, values in sorted(self.data.items()):
            if isinstance(values, dict):
                for key, val in sorted(values.items()):
                    if key.endswith("_file") and isinstance(val, str) and val:
                        out.append((f"{sec}.{key}", self.resolve(val)))
        return out

    @property
    def hash(self) -> str:
        """Stable hash of every setting that shapes output (not those that only spread the
        work, such as the worker count) and every list file's bytes."""
        if self._hash is None:
            shaping = {sec: {k: v for k, v in vals.items() if (sec, k) not in NOT_SHAPING}
                       if isinstance(vals, dict) else vals for sec, vals in self.data.items()}
            h = hashlib.sha256(json.dumps(shaping, sort_keys=True, ensure_ascii=False).encode())
            for name, path in self.list_files():
                h.update(name.encode())
                try:
                    h.update(path.read_bytes())
                except OSError:
                    h.update(b"<missing>")
            self._hash = h.hexdigest()[:16]
        return self._hash


def read_list(path: Path) -> list[str]:
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"list file not found: {path}") from None
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def find_user_config(explicit: str | None) -> Path | None:
    if explicit:
        path = Path(explicit)
        if path.is_dir():
            path = path / CONFIG_NAME
        if not path.exists():
            raise ConfigError(f"config file not found: {explicit}")
        return path
    local = Path("config") / CONFIG_NAME
    return local if local.exists() else None


def load(explicit: str | None = None) -> Config:
    """Defaults merged with the user's config (``-c`` or ``./config/pipeline.toml``)."""
    defaults = _read_toml(defaults_dir() / CONFIG_NAME)
    origin = find_user_config(explicit)
    if origin is None:
        return Config(defaults, None)
    user = _read_toml(origin)
    cfg = Config(_merge(defaults, user, "", origin), origin.resolve())
    wrong = problems(cfg.data)
    if wrong:
        raise ConfigError(f"{origin}: {'; '.join(wrong)}")
    for name, path in cfg.list_files():
        if not path.exists():
            raise ConfigError(f"{origin}: '{name}' names a missing file: {path}")
    return cfg
