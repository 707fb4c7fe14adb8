"""Regret and satisficing: how far each operating model falls short, and how often it is good enough.

Both are computed on paired runs. A scenario is one design point and one
replication: every model in it saw the same assumptions and the same demand
(common random numbers), so the gap between a model and the best model in that
scenario is the model's own, not luck. A model's regret in a scenario is that
gap, in the outcome's units, signed so that it is never negative; its maximum
and 90th percentile over scenarios say how badly it can turn out. Satisficing
asks instead whether a model meets every threshold the experiment file sets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgsim.experiments.spec import Threshold
from orgsim.metrics.table import BETTER

SCENARIO = ["point", "replication"]
REGRET = ["outcome", "model", "mean_regret", "p90_regret", "max_regret", "share_best", "n"]
SATISFICING = ["criterion", "model", "share_runs", "n_runs", "share_points", "n_points"]
ALL = "all thresholds"


def _wide(metrics: pd.DataFrame, models: list[str], outcome: str) -> pd.DataFrame:
    """One row per scenario, one column per model; scenarios where any model has no value dropped."""
    table = metrics.pivot_table(index=SCENARIO, columns="model", values=outcome, dropna=False,
                                aggfunc="first")
    return table.reindex(columns=models).dropna()


def regret_of(values: pd.DataFrame, better: int) -> pd.DataFrame:
    """Each model's shortfall from the best model of the same row (0 for the best), never negative."""
    signed = better * values
    return signed.rsub(signed.max(axis=1), axis=0)


def regret(metrics: pd.DataFrame, models: list[str], outcomes: list[str]) -> pd.DataFrame:
    """Rows of (outcome, model, mean, 90th percentile and maximum regret, share best, scenarios).

    Only outcomes with a direction (`BETTER`) are ranked; ties count as best for
    every tied model. With fewer than two models there is no regret to compute.
    """
    rows = []
    ranked = [o for o in outcomes if BETTER.get(o, 0) != 0] if len(models) > 1 else []
    for outcome in ranked:
        gaps = regret_of(_wide(metrics, models, outcome), BETTER[outcome])
        for model in models:
            gap = gaps[model].to_numpy(dtype=float)
            rows.append({"outcome": outcome, "model": model, **_stats(gap), "n": len(gap)})
    return pd.DataFrame(rows, columns=REGRET)


def _stats(gap: np.ndarray) -> dict[str, float]:
    if not len(gap):
        return dict.fromkeys(("mean_regret", "p90_regret", "max_regret", "share_best"), np.nan)
    return {"mean_regret": float(np.mean(gap)), "p90_regret": float(np.percentile(gap, 90)),
            "max_regret": float(np.max(gap)), "share_best": float(np.mean(gap == 0))}


def criterion(outcome: str, threshold: Threshold) -> str:
    """`decision_latency_mean < 8`: a threshold as a column of the table reads."""
    if threshold.below is not None:
        return f"{outcome} < {threshold.below:g}"
    return f"{outcome} > {threshold.above:g}"


def meets(frame: pd.DataFrame, thresholds: dict[str, Threshold]) -> pd.DataFrame:
    """Per row of `frame`, whether each threshold is met (a missing value is not) and all together."""
    out = pd.DataFrame(index=frame.index)
    for outcome, threshold in thresholds.items():
        out[criterion(outcome, threshold)] = frame[outcome].map(threshold.met).astype(bool)
    out[ALL] = out.all(axis=1)
    return out


def satisficing(metrics: pd.DataFrame, models: list[str],
                thresholds: dict[str, Threshold]) -> pd.DataFrame:
    """Share of scenarios (runs) and of design points (on their replication mean) in which each
    model meets each threshold, and all of them together; empty without thresholds."""
    if not thresholds:
        return pd.DataFrame(columns=SATISFICING)
    outcomes = list(thresholds)
    points = metrics.groupby(["point", "model"], sort=True)[outcomes].mean().reset_index()
    by_run = meets(metrics, thresholds).assign(model=metrics["model"])
    by_point = meets(points, thresholds).assign(model=points["model"])
    rows = []
    for name in [*by_run.columns.drop("model")]:
        for model in models:
            runs = by_run.loc[by_run["model"] == model, name]
            pts = by_point.loc[by_point["model"] == model, name]
            rows.append({"criterion": name, "model": model,
                         "share_runs": float(runs.mean()) if len(runs) else np.nan,
                         "n_runs": len(runs),
                         "share_points": float(pts.mean()) if len(pts) else np.nan,
                         "n_points": len(pts)})
    return pd.DataFrame(rows, columns=SATISFICING)


__all__ = ["REGRET", "SATISFICING", "regret", "regret_of", "satisficing"]
