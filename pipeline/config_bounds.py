"""What each setting accepts beyond its type: numbers within bounds, strings from a set.

Why at load time: a value out of range used to pass silently (``split_mb = -1``, ``workers =
-3``), fail every input one by one (``shingle = 0``) or end the run with a traceback from deep
inside a stage (``profile = "foo"``, ``num_perm = 0``). Checked when the config loads, it is
one line naming the setting and what it takes, before any work starts.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple


class Bound(NamedTuple):
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # the low end itself is out (a share or similarity above 0)

    def holds(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return self.high is None or value <= self.high

    def describe(self) -> str:
        if self.high is None:
            return f"{'>' if self.low_open else '≥'} {self.low:g}"
        return f"in {'(' if self.low_open else '['}{self.low:g}, {self.high:g}]"


AT_LEAST_0 = Bound(0)
AT_LEAST_1 = Bound(1)
POSITIVE = Bound(0, low_open=True)
SHARE = Bound(0, 1)

BOUNDS: dict[tuple[str, str], Bound] = {
    ("run", "workers"): AT_LEAST_0,
    ("run", "article_timeout"): AT_LEAST_0,
    ("run", "max_input_mb"): POSITIVE,
    ("run", "max_container_mb"): POSITIVE,
    ("run", "max_record_mb"): POSITIVE,
    ("run", "max_article_chars"): AT_LEAST_1,
    ("run", "alarm_article_share"): SHARE,
    ("run", "alarm_char_share"): SHARE,
    ("run", "split_mb"): AT_LEAST_0,
    ("run", "worker_nice"): Bound(0, 19),  # raising priority needs root; 19 is the lowest
    ("extract", "spam_min_hits"): AT_LEAST_1,
    ("clean", "spam_min_hits"): AT_LEAST_1,
    ("repair", "gate_threshold"): AT_LEAST_0,
    ("repair", "gate_min_events"): AT_LEAST_0,
    ("repair", "margin"): AT_LEAST_0,
    ("repair", "choice_margin"): AT_LEAST_0,
    ("repair", "margin_unflagged"): AT_LEAST_0,
    ("repair", "context_weight"): AT_LEAST_0,
    ("repair", "context_beta"): AT_LEAST_0,
    ("repair", "window"): AT_LEAST_1,
    ("segment", "keywords"): AT_LEAST_0,
    ("segment", "keyword_min_chars"): AT_LEAST_1,
    ("segment", "run_idf_min_docs"): AT_LEAST_0,
    ("segment", "newwords_min_count"): AT_LEAST_1,
    ("segment", "newwords_max_chars"): Bound(2),
    ("segment", "newwords_max_tokens"): AT_LEAST_1,
    ("segment", "newwords_min_entropy"): AT_LEAST_0,
    ("segment", "newwords_first_refresh"): AT_LEAST_1,
    ("segment", "newwords_common_freq"): AT_LEAST_0,
    ("dedup", "threshold"): Bound(0, 1, low_open=True),
    ("dedup", "shingle"): AT_LEAST_1,
    ("dedup", "num_perm"): AT_LEAST_1,  # and enough for the threshold's bands (dedup checks)
    ("dedup", "cluster_overlap"): Bound(0, 1, low_open=True),
    ("dedup", "cluster_min_chars"): AT_LEAST_0,
    ("dedup", "naive_utc_offset"): Bound(-12, 14),  # the time zones there are
    ("search", "title_weight"): AT_LEAST_0,
    ("search", "snippet_tokens"): Bound(1, 64),  # SQLite FTS5's snippet() takes up to 64
}

CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("convert", "profile"): ("t2s", "tw2s", "hk2s"),
    ("convert", "taiwan_phrases"): ("auto", "always", "never"),
    ("segment", "backend"): ("auto", "python"),
    ("dedup", "duplicates"): ("flag", "aside"),
}


def problems(data: dict[str, Any]) -> list[str]:
    """Each setting of ``data`` (merged, so every key is there) outside what it accepts, as
    ``'section.key' must be …, got …``."""
    out = []
    for (section, key), bound in BOUNDS.items():
        value = data.get(section, {}).get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and not bound.holds(value):
            out.append(f"'{section}.{key}' must be {bound.describe()}, got {value!r}")
    for (section, key), allowed in CHOICES.items():
        value = data.get(section, {}).get(key)
        if isinstance(value, str) and value not in allowed:
            out.append(f"'{section}.{key}' must be one of {', '.join(allowed)}, got {value!r}")
    return out
