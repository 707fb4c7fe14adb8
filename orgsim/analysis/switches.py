"""Where the answer switches: along one lever, the other levers held at each of their values.

Walking a lever's values in order, a switch is a pair of neighbouring values between which
the best model (by mean, in the outcome's direction) changes, or, with more than two
models, the sign of a pair's difference changes. It is `sure` when at both neighbouring
values the paired difference of the two sides has a 95% interval that excludes zero.

For a lever sampled densely (at least `DENSE` values) the switch is also estimated by
linear interpolation of the mean difference between the two neighbours, with a 95%
percentile bootstrap interval: the (scenario, replication) pairs are resampled with
replacement, jointly at every value of the lever (they share seeds, so they are paired),
the difference curve recomputed, and the crossing nearest the estimate taken. The
bootstrap's generator is seeded from the experiment's seed and the row's position, so the
same results give the same bytes.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from orgsim.experiments.spec import Experiment
from orgsim.metrics.table import BETTER

COLUMNS = ["lever", "others", "outcome", "kind", "low", "high", "before", "after", "sure",
           "estimate", "estimate_low", "estimate_high"]
DENSE = 5  # lever values needed for an interpolated estimate
RESAMPLES = 1000
LEVEL = 0.95


def _value(v: Any) -> str:
    return f"{float(v):g}"


def _sure(paired: pd.DataFrame, setting: int, outcome: str, x: str, y: str) -> bool:
    """Whether the interval of `x - y` (or `y - x`) at `setting` excludes zero."""
    rows = paired[(paired["setting"] == setting) & (paired["outcome"] == outcome)
                  & (((paired["a"] == x) & (paired["b"] == y)) | ((paired["a"] == y) & (paired["b"] == x)))]
    if not len(rows):
        return False
    low, high = float(rows["ci_low"].iloc[0]), float(rows["ci_high"].iloc[0])
    return low > 0 or high < 0


def _means(paired: pd.DataFrame, outcome: str) -> dict[tuple[int, str], float]:
    """Each (setting, model)'s mean of `outcome`, read from the paired table."""
    rows = paired[paired["outcome"] == outcome]
    out: dict[tuple[int, str], float] = {}
    for side in ("a", "b"):
        for s, m, v in zip(rows["setting"], rows[side], rows[f"mean_{side}"]):
            out.setdefault((int(s), str(m)), float(v))
    return out


def _best(means: dict[tuple[int, str], float], setting: int, models: list[str],
          better: int) -> str | None:
    """The model with the best mean at `setting`; None for a tie or a missing mean."""
    scored = [(better * means.get((setting, m), math.nan), m) for m in models]
    scored = [(v, m) for v, m in scored if not math.isnan(v)]
    if len(scored) < len(models):
        return None
    top = max(v for v, _ in scored)
    winners = [m for v, m in scored if v == top]
    return winners[0] if len(winners) == 1 else None


def _signs(paired: pd.DataFrame, setting: int, outcome: str, a: str, b: str,
           better: int) -> str | None:
    rows = paired[(paired["setting"] == setting) & (paired["outcome"] == outcome)
                  & (paired["a"] == a) & (paired["b"] == b)]
    d = float(rows["mean_diff"].iloc[0]) if len(rows) else math.nan
    if math.isnan(d) or d == 0:
        return None
    return f"{a} better" if better * d > 0 else f"{b} better"


def _changes(states: list[str | None]) -> list[tuple[int, int]]:
    """Index pairs (i, j) of neighbouring defined states that differ (undefined ones skipped)."""
    defined = [i for i, s in enumerate(states) if s is not None]
    return [(i, j) for i, j in zip(defined, defined[1:]) if states[i] != states[j]]


class _Curves:
    """Per-pair differences of two models along a lever, for interpolation and the bootstrap."""

    def __init__(self, metrics: pd.DataFrame) -> None:
        self.metrics = metrics
        self.wide: dict[str, pd.DataFrame] = {}

    def diffs(self, outcome: str, settings: list[int], x: str, y: str, better: int) -> np.ndarray:
        """Matrix (settings, pairs) of `better * (x - y)`, pairs aligned across settings."""
        if outcome not in self.wide:
            self.wide[outcome] = self.metrics.pivot_table(
                index=["scenario", "replication"], columns=["setting", "model"], values=outcome,
                aggfunc="first", dropna=False)
        table = self.wide[outcome]
        rows = [better * (table[(s, x)].to_numpy(dtype=float) - table[(s, y)].to_numpy(dtype=float))
                for s in settings]
        return np.vstack(rows)


def _crossings(values: np.ndarray, curve: np.ndarray) -> np.ndarray:
    """Lever values where the piecewise-linear `curve` crosses zero (downwards or upwards)."""
    d0, d1 = curve[:-1], curve[1:]
    hit = (np.sign(d0) != np.sign(d1)) & ~np.isnan(d0) & ~np.isnan(d1) & (d0 != d1)
    with np.errstate(invalid="ignore", divide="ignore"):
        at = values[:-1] + (values[1:] - values[:-1]) * d0 / (d0 - d1)
    return at[hit]


def _estimate(values: np.ndarray, d: np.ndarray, i: int, j: int,
              rng: np.random.Generator) -> tuple[float, float, float]:
    """Interpolated switch between values i and j, with its bootstrap interval."""
    mean = np.nanmean(d, axis=1)
    di, dj = mean[i], mean[j]
    estimate = float(values[i] + (values[j] - values[i]) * di / (di - dj))
    n = d.shape[1]
    picks = rng.integers(0, n, size=(RESAMPLES, n))
    found = []
    with warnings.catch_warnings():  # a value with no pair left has no mean: NaN, no crossing
        warnings.simplefilter("ignore", RuntimeWarning)
        curves = np.nanmean(d[:, picks], axis=2).T  # (resamples, values)
    for curve in curves:
        at = _crossings(values, curve)
        if len(at):
            found.append(float(at[np.argmin(np.abs(at - estimate))]))
    if len(found) < RESAMPLES / 2:
        return estimate, math.nan, math.nan
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(found, [tail, 100 - tail])
    return estimate, float(low), float(high)


def _line(exp: Experiment, lever: str, others: pd.Series) -> str:
    return "; ".join(f"{p}={_value(others[p])}" for p in exp.levers if p != lever)


def switch_points(paired: pd.DataFrame, metrics: pd.DataFrame, exp: Experiment) -> pd.DataFrame:
    """Rows of COLUMNS for every lever, setting of the other levers and ranked outcome."""
    if not exp.levers or not len(paired):
        return pd.DataFrame(columns=COLUMNS)
    settings = paired.drop_duplicates("setting")[["setting", *exp.levers]]
    outcomes = [o for o in dict.fromkeys(paired["outcome"]) if BETTER.get(o, 0) != 0]
    curves = _Curves(metrics)
    means = {o: _means(paired, o) for o in outcomes}
    rows: list[dict[str, Any]] = []
    for li, lever in enumerate(exp.levers):
        rest = [p for p in exp.levers if p != lever]
        groups = settings.groupby(rest, sort=True) if rest else [((), settings)]
        for gi, (_, line) in enumerate(groups):
            line = line.sort_values(lever)
            for oi, outcome in enumerate(outcomes):
                seed = np.random.SeedSequence([exp.seed, li, gi, oi])
                rows += _along(paired, curves, exp, lever, line, outcome, means[outcome], seed)
    return pd.DataFrame(rows, columns=COLUMNS)


def _along(paired: pd.DataFrame, curves: _Curves, exp: Experiment, lever: str, line: pd.DataFrame,
           outcome: str, means: dict[tuple[int, str], float],
           seed: np.random.SeedSequence) -> list[dict[str, Any]]:
    """The switches of one outcome along one line of settings (the other levers fixed)."""
    better = BETTER[outcome]
    ids = [int(s) for s in line["setting"]]
    values = line[lever].to_numpy(dtype=float)
    others = _line(exp, lever, line.iloc[0])
    rng = np.random.default_rng(seed)
    kinds: list[tuple[str, list[str | None], tuple[str, str] | None]] = [
        ("best model", [_best(means, s, list(exp.models), better) for s in ids], None)]
    if len(exp.models) > 2:
        for a, b in dict.fromkeys(zip(paired["a"], paired["b"])):
            kinds.append((f"sign of {a} - {b}", [_signs(paired, s, outcome, a, b, better) for s in ids],
                          (a, b)))
    out = []
    for kind, states, pair in kinds:
        for i, j in _changes(states):
            before, after = str(states[i]), str(states[j])
            x, y = pair if pair is not None else (before, after)
            est = (math.nan, math.nan, math.nan)
            if len(values) >= DENSE:
                est = _estimate(values, curves.diffs(outcome, ids, x, y, better), i, j, rng)
            out.append({"lever": lever, "others": others, "outcome": outcome, "kind": kind,
                        "low": values[i], "high": values[j], "before": before, "after": after,
                        "sure": _sure(paired, ids[i], outcome, x, y) and _sure(paired, ids[j], outcome, x, y),
                        "estimate": est[0], "estimate_low": est[1], "estimate_high": est[2]})
    return out


__all__ = ["COLUMNS", "switch_points"]
