"""Replication statistics: t-based confidence intervals and paired differences.

Replications are independent runs, so the mean of an outcome over them has a
t-distributed pivot when the outcome is roughly normal, and approximately so
otherwise (central limit theorem). Operating models that share seeds see the
same demand, so their difference is analysed pair by pair, which removes the
demand noise both runs have in common.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    """Mean, median and confidence interval of a sample (NaNs dropped)."""

    mean: float
    median: float
    ci_low: float
    ci_high: float
    n: int


def _finite(values: ArrayLike) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    return x[~np.isnan(x)]


@functools.lru_cache(maxsize=1024)
def _t(level: float, dof: int) -> float:
    """The two-sided t quantile (remembered: summaries ask for the same few thousands of times).

    `scipy.stats.t.ppf` computes exactly this, but importing scipy.stats costs half a second
    of every command that summarises.
    """
    return float(special.stdtrit(dof, 0.5 + level / 2))


def mean_ci(values: ArrayLike, level: float = LEVEL) -> Estimate:
    """Estimate of the mean with a t interval; the interval is NaN with fewer than two values."""
    x = _finite(values)
    n = len(x)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0)
    mean, median = float(np.mean(x)), float(np.median(x))
    if n < 2:
        return Estimate(mean, median, math.nan, math.nan, n)
    half = float(_t(level, n - 1) * np.std(x, ddof=1) / math.sqrt(n))
    return Estimate(mean, median, mean - half, mean + half, n)


@dataclass(frozen=True)
class Paired:
    """Mean of `a - b` over pairs with its interval, and how often each side is better."""

    mean_diff: float
    ci_low: float
    ci_high: float
    n: int
    share_a_better: float
    share_b_better: float


def paired(a: ArrayLike, b: ArrayLike, better: int, level: float = LEVEL) -> Paired:
    """Compare two aligned samples; pairs with a NaN on either side are dropped.

    Args:
        a: Outcome of the first model, one value per (point, replication).
        b: Outcome of the second model, aligned with `a`.
        better: +1 if higher is better, -1 if lower is better, 0 if neither
            (then both shares are NaN). Ties count for neither side.
        level: Confidence level of the interval.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"paired samples differ in length: {x.shape} and {y.shape}")
    keep = ~(np.isnan(x) | np.isnan(y))
    diff = x[keep] - y[keep]
    est = mean_ci(diff, level)
    n = len(diff)
    if better == 0 or n == 0:
        share_a = share_b = math.nan
    else:
        signed = better * diff
        share_a, share_b = float(np.mean(signed > 0)), float(np.mean(signed < 0))
    return Paired(est.mean, est.ci_low, est.ci_high, n, share_a, share_b)
