"""Side-by-side comparison of runs: one row per headline metric, one column per run."""

from __future__ import annotations

from typing import Any

# (label, unit, path into metrics.json); the headline metrics of MODEL.md §6.
HEADLINES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("decision latency, mean", "weeks", ("decision_latency", "mean")),
    ("decision latency, p90", "weeks", ("decision_latency", "p90")),
    ("lead time, mean", "weeks", ("lead_time", "mean")),
    ("lead time, p90", "weeks", ("lead_time", "p90")),
    ("throughput", "delivered/quarter", ("throughput",)),
    ("reused", "reused/quarter", ("reused",)),
    ("duplication rate", "share of effort", ("duplication_rate",)),
    ("duplicates built", "initiatives", ("duplicates_built",)),
    ("duplicates avoided", "initiatives", ("duplicates_avoided",)),
    ("work in progress", "initiatives", ("wip",)),
    ("handoffs per item", "handoffs", ("handoffs_per_item",)),
    ("rework share", "share of effort", ("rework_share",)),
    ("utilisation", "share of staff time", ("utilisation", "overall")),
    ("benefit", "benefit-weeks", ("benefit",)),
    ("rejected", "initiatives", ("rejected",)),
)


def lookup(metrics: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = metrics
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def comparison_rows(runs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of `{metric, unit, <run name>: value, ...}` for the headline metrics."""
    rows = []
    for label, unit, path in HEADLINES:
        row: dict[str, Any] = {"metric": label, "unit": unit}
        row.update({name: lookup(m, path) for name, m in runs.items()})
        rows.append(row)
    return rows


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)
