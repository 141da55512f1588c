"""Metadata a source hands over as named fields (a crawler's JSONL record, a post's front
matter), read the same way wherever it comes from: names split into people, an outlet that is a
name and not a URL."""

from __future__ import annotations

import re
from collections.abc import Mapping

# Between names in one field: 张三、李四 / 张三,李四, and spaces between Chinese names only
# (张三 李四, but John Smith); a label before them (作者：)
_NAME_SEP = re.compile(r"\s*[、，,;；/|｜]\s*")
_HAN_NAMES = re.compile(r"[\u3400-\u9fff·•]+(?:\s+[\u3400-\u9fff·•]+)+")
_NAME_LABEL = re.compile(r"^(?:作者|記者|记者|文|编辑|編輯|责任编辑|責任編輯|来源|來源)\s*[:：|｜]?\s*")
NAME_MAX = 30  # longer is a sentence, not a name


def first_str(fields: Mapping, keys: tuple[str, ...]) -> str | None:
    """The first of ``keys`` that holds a non-blank string."""
    for key in keys:
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def names(fields: Mapping, keys: tuple[str, ...]) -> list[str]:
    """The names under the first of ``keys`` that has any (a string or a list of them)."""
    for key in keys:
        value = fields.get(key)
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        found: list[str] = []
        for item in items:
            if not isinstance(item, str):
                continue
            for part in _NAME_SEP.split(_NAME_LABEL.sub("", item.strip())):
                for name in part.split() if _HAN_NAMES.fullmatch(part) else [part.strip()]:
                    if name and len(name) <= NAME_MAX and name not in found:
                        found.append(name)
        if found:
            return found
    return []


def outlet(fields: Mapping, keys: tuple[str, ...]) -> str | None:
    """The outlet under the first of ``keys`` that names one: a short name, not a URL."""
    value = first_str(fields, keys)
    if value and len(value.strip()) <= NAME_MAX and "://" not in value:
        return value.strip()
    return None


def web_url(fields: Mapping, keys: tuple[str, ...]) -> str | None:
    """The first of ``keys`` that holds an http(s) URL."""
    for key in keys:
        value = fields.get(key)
        if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
            return value.strip()
    return None
