"""Robustness: in how many sampled scenarios is each operating model the best?

An operating model that wins on average may still lose in a large part of the
uncertainty space; the share of design points it wins shows how far the
choice depends on the assumptions.
"""

from __future__ import annotations

import pandas as pd

from orgsim.metrics.table import BETTER

COLUMNS = ["outcome", "model", "share_best", "n"]


def point_means(metrics: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Replication means of each outcome, one row per (point, model)."""
    return metrics.groupby(["point", "model"], sort=True)[outcomes].mean().reset_index()


def share_best(means: pd.DataFrame, models: list[str], outcome: str) -> tuple[pd.Series, int]:
    """Share of points where each model's mean is best (ties split evenly), and points ranked.

    Points where any model has no value for `outcome` are left out.
    """
    table = means.pivot(index="point", columns="model", values=outcome).reindex(columns=models)
    table = table.dropna()
    if table.empty:
        return pd.Series(float("nan"), index=models), 0
    signed = BETTER[outcome] * table
    best = signed.eq(signed.max(axis=1), axis=0).astype(float)
    credit = best.div(best.sum(axis=1), axis=0)
    return credit.mean(axis=0).reindex(models), len(table)


def robustness(metrics: pd.DataFrame, models: list[str], outcomes: list[str]) -> pd.DataFrame:
    """Rows of (outcome, model, share_best, n points ranked) for outcomes with a direction."""
    ranked = [o for o in outcomes if BETTER.get(o, 0) != 0]
    means = point_means(metrics, ranked)
    rows = []
    for outcome in ranked:
        shares, n = share_best(means, models, outcome)
        rows += [{"outcome": outcome, "model": m, "share_best": float(shares[m]), "n": n}
                 for m in models]
    return pd.DataFrame(rows, columns=COLUMNS)
