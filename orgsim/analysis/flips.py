"""Verdicts that flip within the range of an assumption: which model is better at either end.

For each uncertainty of an experiment that rests on assumption alone (its number
has no observed or derived evidence; see `orgsim.config.evidence`) and each outcome
with a direction, the design points are split into the lowest and the highest
third of the uncertainty's range. The replication-mean difference of the compared
pair (as the sensitivity analysis takes it) is averaged over each third, the other
uncertainties varying as the design makes them. When the two averages have
opposite signs and differ by more than twice the standard error of their difference
(over design points), the better model at the low end is not the better one at the
high end: the verdict on that outcome depends on a number nobody has measured.

With levers the test is made within each lever setting, never over the settings
pooled, as the sensitivity analysis is: a verdict is a verdict at one setting, and
pooling would mix the lever's effect into the assumption's (two settings each with
a steady winner can look like a flip; a flip at one setting can be drowned by the
others). Every setting is tested, not today's alone, because the bottom line gives
the answer at every setting and a strategy team choosing a setting other than today's
must know whether its answer rests on an unmeasured number. Each `Flip` names its
setting; today's (the baseline) comes first, then the others in setting order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orgsim.analysis.sensitivity import differences
from orgsim.analysis.whatif import baseline_setting, settings_of
from orgsim.experiments.spec import Experiment
from orgsim.metrics.table import BETTER

COLUMNS = ["setting", "levers", "today", "outcome", "uncertainty", "low_end", "high_end",
           "diff_low", "diff_high", "better_low", "better_high", "points_low", "points_high"]


@dataclass(frozen=True)
class Flip:
    """An outcome whose better model changes between the two ends of an assumption's range."""

    outcome: str
    uncertainty: str
    low_end: float  # the lowest third runs up to this value
    high_end: float  # the highest third runs from this value
    diff_low: float  # mean difference first - second over the lowest third
    diff_high: float
    better_low: str
    better_high: str
    points_low: int
    points_high: int
    setting: int = 0  # the lever setting it flips at (0 without levers)
    levers: tuple[tuple[str, float], ...] = ()  # that setting's lever values, (path, value)
    today: bool = True  # whether that setting is today's (the baseline)


CLEAR = 2.0  # standard errors apart the two ends' means must be


def _se(a: np.ndarray, b: np.ndarray) -> float:
    """Standard error of the difference of two means (0 when a side has one point)."""
    var = [float(np.var(x, ddof=1)) / len(x) if len(x) > 1 else 0.0 for x in (a, b)]
    return float(np.sqrt(var[0] + var[1]))


def _better(pair: tuple[str, str], outcome: str, diff: float) -> str:
    return pair[0] if diff * BETTER[outcome] > 0 else pair[1]


@dataclass(frozen=True)
class _Setting:
    setting: int
    levers: tuple[tuple[str, float], ...]
    today: bool
    points: pd.DataFrame  # the design rows of its points, indexed like the differences
    diff: pd.DataFrame


def _settings(diff: pd.DataFrame, design: pd.DataFrame, exp: Experiment) -> Iterator[_Setting]:
    """Each lever setting's design points and differences, today's first (one without levers)."""
    points = design.set_index("point").reindex(diff.index)
    if not exp.levers or "setting" not in design:
        yield _Setting(0, (), True, points, diff)
        return
    today = baseline_setting(settings_of(design, exp), exp)
    ids = sorted(int(s) for s in points["setting"].dropna().unique())
    for setting in sorted(ids, key=lambda s: (s != today, s)):
        own = (points["setting"] == setting).to_numpy()
        first = points[own].iloc[0]
        levers = tuple((p, float(first[p])) for p in exp.levers)
        yield _Setting(setting, levers, setting == today, points[own], diff[own])


def _found(at: _Setting, pair: tuple[str, str], name: str, ends: tuple[float, float],
           outcomes: list[str]) -> Iterator[Flip]:
    low, high = ends
    third = (high - low) / 3.0
    x = at.points[name].to_numpy(dtype=float)
    bottom, top = x <= low + third, x >= high - third
    if not bottom.any() or not top.any():
        return
    for outcome in outcomes:
        y = at.diff[outcome].to_numpy(dtype=float)
        a, b = y[bottom & np.isfinite(y)], y[top & np.isfinite(y)]
        if not len(a) or not len(b):
            continue
        mean_a, mean_b = float(np.mean(a)), float(np.mean(b))
        if mean_a * mean_b < 0 and abs(mean_a - mean_b) > CLEAR * _se(a, b):
            yield Flip(outcome, name, low + third, high - third, mean_a, mean_b,
                       _better(pair, outcome, mean_a), _better(pair, outcome, mean_b),
                       len(a), len(b), at.setting, at.levers, at.today)


def flips(metrics: pd.DataFrame, design: pd.DataFrame, exp: Experiment, outcomes: list[str],
          assumed: set[str]) -> list[Flip]:
    """Flips of the compared pair's verdict across the range of each uncertainty in `assumed`,
    within each lever setting (today's first; see the module docstring)."""
    pair = exp.pair
    ranked = [o for o in outcomes if BETTER.get(o, 0) != 0 and o in metrics.columns]
    names = [u for u in exp.uncertainties if u in assumed and u in design.columns]
    if pair is None or not ranked or not names or design.empty:
        return []
    diff = differences(metrics, pair, ranked)
    out: list[Flip] = []
    for at in _settings(diff, design, exp):
        for name in names:
            out += _found(at, pair, name, exp.uncertainties[name].bounds, ranked)
    return out


def table(found: list[Flip]) -> pd.DataFrame:
    return pd.DataFrame([vars(f) for f in found], columns=COLUMNS)
