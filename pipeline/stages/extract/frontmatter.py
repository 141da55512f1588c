"""Front matter of a Markdown post: YAML between ``---`` lines (Hexo, Jekyll, Hugo) or TOML
between ``+++`` lines (Hugo), parsed by real parsers.

Why parsers: posts in the wild write ``tags: [经济, 上海]``, ``authors:`` over a block list,
``'It''s'`` quoting, folded strings and TOML dates, and a line-by-line reading turned those
into tags like "[经济, 上海]". YAML is read with PyYAML's ``safe_load`` (plain data only: no tag
builds an object), TOML with the standard library's tomllib; the dates and numbers either gives
are turned back into text (``date: 2024-03-05 10:30`` → "2024-03-05T10:30:00"). A block either
parser rejects is read line by line (``key: value`` and ``- item`` lists) rather than lost.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

Fields = dict[str, Any]  # values: str, or list of str
_MARKERS = {"---": ("---", "..."), "+++": ("+++",)}
_MAX_ITEMS = 200  # a list longer than this is not metadata


def split(text: str) -> tuple[Fields, str] | None:
    """(the front matter's fields, the body after it), or None if ``text`` has none."""
    found = _block(text)
    if found is None:
        return None
    marker, block, body = found
    return (_toml(block) if marker == "+++" else _yaml(block)), body


def starts_with_front_matter(text: str) -> bool:
    """``text`` opens with a front matter block (its closing line found, nothing parsed)."""
    return _block(text[:65536]) is not None


def _block(text: str) -> tuple[str, str, str] | None:
    """(opening marker, the block between the markers, the body), or None."""
    lines = text.split("\n")
    first = 0
    while first < len(lines) and not lines[first].strip("\ufeff \t\r"):
        first += 1
    if first == len(lines):
        return None
    marker = lines[first].strip("\ufeff \t\r")
    ends = _MARKERS.get(marker)
    if ends is None:
        return None
    for last in range(first + 1, len(lines)):
        if lines[last].strip(" \t\r") in ends:
            block = "\n".join(line.rstrip("\r") for line in lines[first + 1:last])
            return marker, block, "\n".join(lines[last + 1:])
    return None


def _yaml(block: str) -> Fields:
    import yaml

    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError:
        return lines_subset(block)
    return _plain_fields(data)


def _toml(block: str) -> Fields:
    try:
        data = tomllib.loads(block)
    except tomllib.TOMLDecodeError:
        return lines_subset(block.replace(" = ", ": "))
    return _plain_fields(data)


def _plain_fields(data: Any) -> Fields:
    if not isinstance(data, dict):
        return {}
    out: Fields = {}
    for key, value in data.items():
        plain = _plain(value)
        if plain is None and isinstance(value, list):
            plain = [p for p in map(_plain, value[:_MAX_ITEMS]) if isinstance(p, str) and p]
        if plain is not None:
            out[str(key)] = plain
    return out


def _plain(value: Any) -> str | None:
    """A scalar as text; a mapping by its name (``author: {name: 张三, link: …}``)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, dt.date, dt.time)):  # TOML's values (datetime is a date)
        return value.isoformat() if not isinstance(value, (int, float)) else str(value)
    if isinstance(value, dict):
        name = value.get("name")
        return name.strip() if isinstance(name, str) else None
    return None


_PAIR = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_ITEM = re.compile(r"^\s*-\s+(.*)$")


def lines_subset(block: str) -> Fields:
    """``key: value`` lines and ``key:`` over ``- item`` lines, for a block a parser refused."""
    meta: Fields = {}
    key = None
    for raw in block.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        item = _ITEM.match(line)
        if item and key:
            value = meta.get(key)
            if not isinstance(value, list):
                value = [] if value in (None, "") else [value]
            value.append(_unquote(item.group(1)))
            meta[key] = value
            continue
        pair = _PAIR.match(line)
        if pair:
            key = pair.group(1)
            meta[key] = _unquote(pair.group(2))
    return meta


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value
