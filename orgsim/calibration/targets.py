"""Which numbers of a run a target can name, and what values they can take.

A target is an outcome name as experiments store them (`needs_met`,
`decision_latency_median`, `duplication_rate`; see `orgsim.metrics.table`) or a
dotted path into a run's metrics.json, which reaches per-organisation and
per-team numbers: `utilisation.by_pool.NHSD/digital`, `utilisation.by_unit.NHSX`,
`lead_time_components.forum_wait`, `hidden_work.rework`; or `series.COLUMN`, the last
value of a column of the run's weekly time series (`series.mean_ics_maturity`: the
ICSs' mean digital maturity at the horizon).
"""

from __future__ import annotations

import math
from typing import Any

from orgsim.metrics.table import flat

SHARES = ("utilisation", "share", "duplication_rate", "maturity")  # names holding a share: 0 to 1
SERIES = "series."


def _last(series: Any, column: str) -> float:
    """The last value of `column` in a run's time series (NaN when there is none)."""
    if series is None or column not in series.columns or not len(series):
        return float("nan")
    return float(series[column].iloc[-1])


def value(metrics: dict[str, Any], name: str, row: dict[str, float] | None = None,
          series: Any = None) -> float:
    """The number `name` names in `metrics` or the time series (NaN when the run has none)."""
    if name.startswith(SERIES):
        return _last(series, name[len(SERIES):])
    row = flat(metrics) if row is None else row
    if name in row:
        return row[name]
    node: Any = metrics
    for key in name.split("."):
        node = node[key]
    return float("nan") if node is None else float(node)


def values(metrics: dict[str, Any], names: list[str], series: Any = None) -> dict[str, float]:
    row = flat(metrics)
    return {n: value(metrics, n, row, series) for n in names}


def problem(metrics: dict[str, Any], name: str, series: Any = None) -> str | None:
    """Why `name` names no number of a run like `metrics` (and its time series), or None."""
    if name.startswith(SERIES):
        column = name[len(SERIES):]
        known = ", ".join(c for c in getattr(series, "columns", []) if c != "week")
        return None if series is not None and column in series.columns else \
            f"unknown metric {name!r}: the time series has no column {column!r} (it has {known})"
    if name in flat(metrics):
        return None
    node: Any = metrics
    walked: list[str] = []
    for key in name.split("."):
        if not isinstance(node, dict) or key not in node:
            return _unknown(node, walked, key)
        node = node[key]
        walked.append(key)
    if isinstance(node, bool) or not isinstance(node, (int, float)) and node is not None:
        keys = ", ".join(sorted(node)) if isinstance(node, dict) else type(node).__name__
        return f"unknown metric: {name!r} is not a single number (it holds {keys})"
    return None


def _unknown(node: Any, walked: list[str], key: str) -> str:
    if not walked:
        return (f"unknown metric {key!r}: expected an outcome name (needs_met, decision_latency_median, "
                "duplication_rate, ...) or a path into a run's metrics such as "
                "utilisation.by_pool.NHSD/digital")
    if not isinstance(node, dict):
        return f"unknown metric: {'.'.join(walked)} is a single number, it has no {key!r}"
    known = ", ".join(sorted(node))
    return f"unknown metric: {'.'.join(walked)} has no {key!r}; it has {known}"


def bounds(name: str) -> tuple[float, float]:
    """What a run can produce for `name`: shares lie in [0, 1]; every other metric is >= 0."""
    last = name.rsplit(".", 1)[-1]
    if any(s in name for s in SHARES) and not last.endswith("_n") and "staff_weeks" not in name:
        return 0.0, 1.0
    return 0.0, math.inf
