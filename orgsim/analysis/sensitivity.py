"""Sensitivity of the difference between two operating models to each uncertainty (SALib).

The quantity analysed at each design point is the replication mean of the
paired difference `first - second` of the experiment's compared pair, so the
indices say which assumptions decide *which model is better*, not which ones
move both models alike. Morris and Sobol read the design rows in the order the
sampler produced them; design points are numbered in that order.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from orgsim.experiments.design import problem
from orgsim.experiments.spec import Experiment

MORRIS = ["outcome", "uncertainty", "mu", "mu_star", "mu_star_conf", "sigma"]
SOBOL = ["outcome", "uncertainty", "S1", "S1_conf", "ST", "ST_conf"]


def columns(kind: str) -> list[str]:
    """Columns of the sensitivity table for a design kind (empty for other kinds)."""
    return {"morris": MORRIS, "sobol": SOBOL}.get(kind, ["outcome", "uncertainty"])


def differences(metrics: pd.DataFrame, pair: tuple[str, str], outcomes: list[str]) -> pd.DataFrame:
    """Replication mean of `pair[0] - pair[1]` for each outcome, one row per design point."""
    keyed = metrics.set_index(["point", "replication", "model"])[outcomes]
    a = keyed.xs(pair[0], level="model")
    b = keyed.xs(pair[1], level="model")
    diff = a.sub(b).dropna(how="all")
    return diff.groupby(level="point").mean()


def _indices(kind: str, exp: Experiment, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    prob = problem(exp)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if kind == "morris":
            from SALib.analyze import morris
            return dict(morris.analyze(prob, x, y, num_levels=exp.design.levels, seed=exp.seed))
        from SALib.analyze import sobol
        return dict(sobol.analyze(prob, y, calc_second_order=False, seed=exp.seed))


def _rows(kind: str, exp: Experiment, outcome: str, x: np.ndarray, y: np.ndarray) -> list[dict]:
    names = list(exp.uncertainties)
    stats = columns(kind)[2:]
    usable = len(y) == len(x) and bool(np.all(np.isfinite(y)))
    if kind == "sobol" and usable and np.ptp(y) == 0:
        usable = False  # no variance to decompose
    found = _indices(kind, exp, x, y) if usable else {}
    return [{"outcome": outcome, "uncertainty": name,
             **{s: float(found[s][i]) if found else math.nan for s in stats}}
            for i, name in enumerate(names)]


def sensitivity(metrics: pd.DataFrame, design: pd.DataFrame, exp: Experiment,
                outcomes: list[str]) -> pd.DataFrame:
    """Morris (mu, mu*, sigma) or Sobol (S1, ST) indices per outcome and uncertainty.

    Empty for other designs and for experiments with a single operating model.
    An outcome whose difference is missing at some design point gets NaN indices.
    """
    kind, pair = exp.design.kind, exp.pair
    if kind not in ("morris", "sobol") or pair is None:
        return pd.DataFrame(columns=columns(kind))
    design = design.sort_values("point")
    x = design[list(exp.uncertainties)].to_numpy(dtype=float)
    diff = differences(metrics, pair, outcomes).reindex(design["point"])
    rows = []
    for outcome in outcomes:
        rows += _rows(kind, exp, outcome, x, diff[outcome].to_numpy(dtype=float))
    return pd.DataFrame(rows, columns=columns(kind))
