"""What a calibrated ensemble says: intervals, how far the data narrowed each prior, the calibrated point.

A parameter's 90% posterior interval is compared with its prior's 90% interval
(on the log scale for a loguniform prior, where every factor counts alike):
at most half as wide is "pinned down", at most 80% is "narrowed", wider is
"not pinned down": the data say little about it, and the prior still rules.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from orgsim.calibration.spec import Prior, Target

PINNED, NARROWED = 0.5, 0.8
LEVEL = 0.9
PINNED_DOWN = "pinned down"  # the verdict of a parameter the data pinned down
MEANINGS = {  # each verdict in words, as the report and the calibrated files say it
    PINNED_DOWN: "the observations pinned down",
    "narrowed": "the observations narrowed, without pinning down",
    "not pinned down": "the observations say little about; their prior still rules",
}


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The `q` quantile of `x` with weights `w` (the inverse of the weighted empirical distribution)."""
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(w[order])
    return float(x[order][min(int(np.searchsorted(cum, q * cum[-1])), len(x) - 1)])


def _scale(prior: Prior, x: np.ndarray) -> np.ndarray:
    return np.log(x) if prior.distribution == "loguniform" else x


def width_ratio(prior: Prior, x: np.ndarray, w: np.ndarray) -> float:
    """The posterior's central 90% interval width over the prior's, on the prior's own scale."""
    s = _scale(prior, x)
    tail = (1 - LEVEL) / 2
    post = weighted_quantile(s, w, 1 - tail) - weighted_quantile(s, w, tail)
    lo, hi = _scale(prior, np.array([prior.low, prior.high]))
    return float(post / (LEVEL * (hi - lo)))


def verdict(ratio: float) -> str:
    if ratio <= PINNED:
        return PINNED_DOWN
    return "narrowed" if ratio <= NARROWED else "not pinned down"


def parameters(ensemble: pd.DataFrame, priors: dict[str, Prior]) -> pd.DataFrame:
    """One row per parameter: prior, posterior mean, median, 90% interval, width ratio, verdict."""
    w = ensemble["weight"].to_numpy()
    rows = []
    for name, prior in priors.items():
        x = ensemble[name].to_numpy(dtype=float)
        ratio = width_ratio(prior, x, w)
        rows.append({
            "parameter": name, "prior": prior.distribution, "prior_low": prior.low,
            "prior_high": prior.high, "mean": float(np.average(x, weights=w)),
            "median": weighted_quantile(x, w, 0.5), "q05": weighted_quantile(x, w, 0.05),
            "q95": weighted_quantile(x, w, 0.95), "width_ratio": ratio, "verdict": verdict(ratio),
            "source": prior.source,
        })
    return pd.DataFrame(rows)


def mode(ensemble: pd.DataFrame, priors: dict[str, Prior]) -> dict[str, float]:
    """The ensemble member where a weighted kernel density (on the priors' scales) is highest."""
    from scipy.stats import gaussian_kde

    names = list(priors)
    cols = []
    for n in names:
        s = _scale(priors[n], ensemble[n].to_numpy(dtype=float))
        lo, hi = _scale(priors[n], np.array([priors[n].low, priors[n].high]))
        cols.append((s - lo) / (hi - lo))
    data = np.vstack(cols)
    w = ensemble["weight"].to_numpy()
    try:
        density = gaussian_kde(data, weights=w)(data)
    except np.linalg.LinAlgError:  # every member on one line: fall back to the heaviest
        density = w
    best = int(np.argmax(density))
    return {n: float(ensemble[n].iloc[best]) for n in names}


def mean(ensemble: pd.DataFrame, names: list[str]) -> dict[str, float]:
    w = ensemble["weight"].to_numpy()
    return {n: float(np.average(ensemble[n].to_numpy(dtype=float), weights=w)) for n in names}


def targets(predictive: pd.DataFrame, observed: dict[str, Target]) -> pd.DataFrame:
    """One row per target: observed with its sd, and the prior and posterior predictive spread."""
    rows = []
    for name, target in observed.items():
        row: dict[str, Any] = {"target": name, "observed": target.observed, "sd": target.scale,
                               "source": target.source}
        for stage in ("prior", "posterior"):
            x = predictive.loc[(predictive["stage"] == stage) & (predictive["target"] == name),
                               "simulated"].to_numpy(dtype=float)
            x = x[np.isfinite(x)]
            row[f"{stage}_median"] = float(np.median(x)) if len(x) else math.nan
            row[f"{stage}_q05"] = float(np.quantile(x, 0.05)) if len(x) else math.nan
            row[f"{stage}_q95"] = float(np.quantile(x, 0.95)) if len(x) else math.nan
        lo, hi = row["posterior_q05"], row["posterior_q95"]
        row["z"] = (row["posterior_median"] - target.observed) / target.scale
        row["reproduced"] = bool(lo - 2 * target.scale <= target.observed <= hi + 2 * target.scale)
        rows.append(row)
    return pd.DataFrame(rows)
