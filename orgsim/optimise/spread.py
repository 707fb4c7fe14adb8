"""How sure a front design's objectives are: a 95% interval for each, and which designs are within
noise of the best on each objective.

Every candidate of a search meets the same uncertainty samples and the same
replication seeds, so the runs of two designs are paired, replication by
replication. For an objective aggregated by its mean over replications, the
objective is computed on each replication alone (over every uncertainty
sample); the spread of those estimates gives a t-interval around the objective,
and the paired differences between a design and the best give a t-interval of
their difference: a design is `near_best` when that interval holds zero. For an
objective aggregated by a percentile over replications, replications are
resampled (the same resamples for every design, so differences stay paired;
`BOOTSTRAP` of them, from the file's seed) and the intervals are percentile
bootstrap intervals. A number of the design itself (headcount) carries no
noise: its interval is the number, and only designs equal to the best are near it.
With one replication there is no spread to measure: intervals and `near_best`
are left empty, except that the best is near itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from orgsim.optimise.evaluate import statistic
from orgsim.optimise.spec import Objective

LEVEL = 0.95
BOOTSTRAP = 2000

Runs = np.ndarray  # one objective's outcome of one design: samples x replications


def _by_replication(x: Runs, o: Objective) -> np.ndarray:
    """The objective computed on each replication alone, over every uncertainty sample."""
    return np.array([statistic(x[:, r], o.over_uncertainties) for r in range(x.shape[1])])


def _value(x: Runs, o: Objective) -> float:
    return statistic(np.array([statistic(row, o.over_replications) for row in x]), o.over_uncertainties)


def _t_half(y: np.ndarray) -> float:
    from scipy import stats

    n = len(y)
    return float(stats.t.ppf(0.5 + LEVEL / 2, n - 1) * np.std(y, ddof=1) / math.sqrt(n))


def _resamples(replications: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, replications, size=(BOOTSTRAP, replications))


def _bootstrap(x: Runs, o: Objective, draws: np.ndarray) -> np.ndarray:
    return np.array([_value(x[:, idx], o) for idx in draws])


def _tails(values: np.ndarray) -> tuple[float, float]:
    tail = (1 - LEVEL) / 2 * 100
    return float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))


def interval(x: Runs, o: Objective, seed: int = 0) -> tuple[float, float]:
    """A 95% interval for the objective of one design's runs `x`."""
    if x.shape[1] < 2 or np.isnan(x).any():
        return math.nan, math.nan
    value = _value(x, o)
    if o.over_replications == "mean":
        half = _t_half(_by_replication(x, o))
        return value - half, value + half
    return _tails(_bootstrap(x, o, _resamples(x.shape[1], seed)))


def difference(x: Runs, best: Runs, o: Objective, seed: int = 0) -> tuple[float, float]:
    """A 95% interval for the objective of `x` less that of `best`, pairing their replications."""
    if x.shape[1] < 2 or np.isnan(x).any() or np.isnan(best).any():
        return math.nan, math.nan
    gap = _value(x, o) - _value(best, o)
    if o.over_replications == "mean":
        half = _t_half(_by_replication(x, o) - _by_replication(best, o))
        return gap - half, gap + half
    draws = _resamples(x.shape[1], seed)
    return _tails(_bootstrap(x, o, draws) - _bootstrap(best, o, draws))


def near(x: Runs, best: Runs, o: Objective, seed: int = 0) -> bool | None:
    """Whether `x` is within noise of `best` on objective `o` (None: no spread to tell by)."""
    low, high = difference(x, best, o, seed)
    if math.isnan(low):
        return None
    return bool(low <= 0 <= high)


def columns(digests: list[str], values: dict[str, list[float]], objectives: list[Objective],
            runs: Callable[[str, str], Runs | None], seed: int) -> dict[str, list[object]]:
    """Per objective, `<outcome>_ci_low`, `<outcome>_ci_high` and `<outcome>_near_best` for the
    designs `digests` whose objective values are `values[outcome]`; `runs(digest, outcome)` gives a
    design's runs, or None for a number of the design itself."""
    out: dict[str, list[object]] = {}
    for o in objectives:
        shown = np.array(values[o.outcome], dtype=float)
        best = int(np.argmin(shown) if o.sense == "min" else np.argmax(shown))
        lows: list[object] = []
        highs: list[object] = []
        near_best: list[object] = []
        best_runs = runs(digests[best], o.outcome)
        for i, digest in enumerate(digests):
            x = runs(digest, o.outcome)
            if x is None or best_runs is None:  # no noise: the number itself
                lows.append(shown[i])
                highs.append(shown[i])
                near_best.append(bool(shown[i] == shown[best]))
                continue
            low, high = interval(x, o, seed)
            lows.append(low)
            highs.append(high)
            near_best.append(True if i == best else near(x, best_runs, o, seed))
        out[f"{o.outcome}_ci_low"], out[f"{o.outcome}_ci_high"] = lows, highs
        out[f"{o.outcome}_near_best"] = near_best
    return out
