"""Readers for the user-editable repair lists in ``config/`` (see each file's header)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Confusion:
    """One confusion-table row: ``source`` may stand for any of ``targets``."""

    source: str
    targets: tuple[str, ...]
    when: str  # "context" or "word"
    gate_weight: float
    alone: frozenset[str] = frozenset()  # targets that only count as a word of their own


def read_pairs(lines: list[str]) -> list[tuple[str, str]]:
    """Tab-separated ``from<TAB>to`` rows."""
    out = []
    for line in lines:
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0] and parts[1]:
            out.append((parts[0], parts[1]))
    return out


def read_confusion(lines: list[str]) -> dict[str, Confusion]:
    table: dict[str, Confusion] = {}
    for line in lines:
        parts = line.split("\t")
        if len(parts) < 2 or len(parts[0]) != 1:
            continue
        targets = tuple(t for t in parts[1].split("|") if len(t) == 1 and t != parts[0])
        when = parts[2].strip() if len(parts) > 2 and parts[2].strip() else "context"
        if when not in ("context", "word"):
            raise ValueError(f"repair confusion table: unknown condition {when!r} in {line!r}")
        weight = float(parts[3]) if len(parts) > 3 and parts[3].strip() else 1.0
        alone = frozenset(parts[4].split("|")) if len(parts) > 4 else frozenset()
        if targets:
            table[parts[0]] = Confusion(parts[0], targets, when, weight, alone)
    return table
