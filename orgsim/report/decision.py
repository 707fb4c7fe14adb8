"""Report sections for decisions under uncertainty: regret and satisficing (and discovery)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from orgsim.metrics.table import LABELS
from orgsim.report.html import paragraph, table


def _label(outcome: str) -> str:
    return LABELS.get(outcome, (outcome, ""))[0]


def regret(summary: Any, outcomes: list[str]) -> str:
    """Regret per model on the outcomes of interest: 90th percentile and maximum, mean beside."""
    r = getattr(summary, "regret", pd.DataFrame())
    if not len(r):
        return ""
    shown = r[r["outcome"].isin(outcomes)] if r["outcome"].isin(outcomes).any() else r
    rows = [[_label(x.outcome), LABELS.get(x.outcome, ("", ""))[1], x.model, x.mean_regret,
             x.p90_regret, x.max_regret, x.share_best, x.n] for x in shown.itertuples()]
    return (paragraph("Regret is a model's shortfall from the best model in the same scenario (the "
                      "same design point and the same replication seed, so the same demand), in the "
                      "outcome's units; 0 means it was the best there. A model with a low maximum "
                      "regret is a safe choice whatever the assumptions turn out to be.")
            + table(["outcome", "unit", "model", "mean regret", "90th percentile", "maximum",
                     "share best", "scenarios"], rows))


def satisficing(summary: Any) -> str:
    """The share of scenarios in which each model meets every threshold of the experiment."""
    s = getattr(summary, "satisficing", pd.DataFrame())
    if not len(s):
        return ""
    rows = [[x.criterion, x.model, f"{x.share_runs:.0%}", x.n_runs, f"{x.share_points:.0%}",
             x.n_points] for x in s.itertuples()]
    return (paragraph("Satisficing: the share of scenarios in which each model is good enough, "
                      "meeting the thresholds the experiment file sets (each alone, and all of "
                      "them together). Runs are single scenarios; design points are judged on their "
                      "replication mean.")
            + table(["threshold", "model", "runs meeting it", "runs", "design points meeting it",
                     "design points"], rows, numeric=False))
