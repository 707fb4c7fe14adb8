"""Side-by-side comparison of runs: one row per headline metric, one column per run."""

from __future__ import annotations

import math
from typing import Any

# The headline metrics, as named by `flat` and labelled by `LABELS`.
HEADLINES = (
    "decision_latency_mean", "decision_latency_p90", "lead_time_mean", "lead_time_p90",
    "throughput", "reused", "duplication_rate", "duplicates_built", "duplicates_avoided",
    "wip", "handoffs_per_item", "rework_share", "utilisation", "benefit", "rejected",
)


def comparison_rows(runs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of `{metric, unit, <run name>: value, ...}` for the headline metrics."""
    values = {name: flat(m) for name, m in runs.items()}
    return [{"metric": LABELS[h][0], "unit": LABELS[h][1], **{n: v[h] for n, v in values.items()}}
            for h in HEADLINES]


def fmt(value: float) -> str:
    if math.isnan(value):
        return "-"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:,.1f}"


def flat(metrics: dict[str, Any]) -> dict[str, float]:
    """One number per outcome (the names experiments use), from a metrics.json dict."""
    out: dict[str, float] = {}
    for name in ("decision_latency", "lead_time"):
        for stat in ("mean", "median", "p90"):
            value = metrics[name][stat]
            out[f"{name}_{stat}"] = float("nan") if value is None else float(value)
    for name in ("throughput", "reused", "duplication_rate", "duplicates_built", "duplicates_avoided",
                 "wip", "handoffs_per_item", "rework_share", "benefit", "rejected"):
        out[name] = float(metrics[name])
    out["utilisation"] = float(metrics["utilisation"]["overall"])
    for name in ("arrived", "delivered", "in_system"):
        out[name] = float(metrics["counts"][name])
    return out


# Which direction is better for each flat outcome: -1 lower is better, +1 higher is better,
# 0 neither (utilisation and counts describe, they do not rank).
BETTER: dict[str, int] = {
    "decision_latency_mean": -1, "decision_latency_median": -1, "decision_latency_p90": -1,
    "lead_time_mean": -1, "lead_time_median": -1, "lead_time_p90": -1,
    "throughput": 1, "reused": 1, "duplication_rate": -1, "duplicates_built": -1,
    "duplicates_avoided": 1, "wip": -1, "handoffs_per_item": -1, "rework_share": -1,
    "utilisation": 0, "benefit": 1, "rejected": -1, "arrived": 0, "delivered": 1, "in_system": 0,
}

# Label and unit of each flat outcome, for tables and plots.
LABELS: dict[str, tuple[str, str]] = {
    "decision_latency_mean": ("Decision latency (mean)", "weeks"),
    "decision_latency_median": ("Decision latency (median)", "weeks"),
    "decision_latency_p90": ("Decision latency (90th percentile)", "weeks"),
    "lead_time_mean": ("Lead time (mean)", "weeks"),
    "lead_time_median": ("Lead time (median)", "weeks"),
    "lead_time_p90": ("Lead time (90th percentile)", "weeks"),
    "throughput": ("Throughput", "delivered per quarter"),
    "reused": ("Reuse", "reused per quarter"),
    "duplication_rate": ("Duplication rate", "share of delivery effort"),
    "duplicates_built": ("Duplicates built", "initiatives"),
    "duplicates_avoided": ("Duplicates avoided", "initiatives"),
    "wip": ("Work in progress", "initiatives"),
    "handoffs_per_item": ("Handoffs per delivered item", "handoffs"),
    "rework_share": ("Rework share", "share of effort"),
    "utilisation": ("Utilisation", "share of staff time"),
    "benefit": ("Benefit", "benefit-weeks"),
    "rejected": ("Rejected", "initiatives"),
    "arrived": ("Arrived", "initiatives"),
    "delivered": ("Delivered", "initiatives"),
    "in_system": ("Still in the system at the horizon", "initiatives"),
}
