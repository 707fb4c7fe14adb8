"""PRIM, the Patient Rule Induction Method (Friedman and Fisher 1999), as scenario discovery uses it.

Given sampled inputs `x` (one column per uncertainty) and a 0/1 flag `y` marking
the cases of interest, PRIM looks for a box (a range on some of the inputs) in
which cases of interest are dense. It *peels*: at each step it tries cutting a
small share `peel_alpha` of the points off the bottom or top of each input,
keeps the cut that raises the share of cases of interest most per point given
up, and stops when no cut helps or the box would hold less than `mass_min` of
the data. Every box on the way is kept: the *peeling trajectory* runs from
large boxes that hold most cases of interest (high coverage) to small ones
where nearly every case is of interest (high density), and the user picks one.
It then *pastes*: widens the final box back along each restricted input while
that raises the density.

Choices follow Bryant and Lempert (2010) and the scenario discovery toolkit: cut
points are midpoints between neighbouring distinct values; a cut is scored by
the gain in mean over the points it removes (the "lenient" objective), ties
going to the box restricting fewer inputs; each limit of a box has a
quasi-p-value, the one-sided binomial probability of seeing at least the box's
cases of interest if that limit were dropped (small: the limit matters).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


def cut_point(values: np.ndarray, share: float) -> float:
    """The value below which about `share` of `values` lie, as a midpoint between two data values.

    The position (n - 1) * share falls between two order statistics; when they
    are equal the outer one moves on until they differ, so a cut never splits
    tied values and always removes something when it can.
    """
    data = np.sort(values)
    at = (len(data) - 1) * share
    low, high = math.floor(at), math.ceil(at)
    if share > 0.5:
        while data[low] == data[high] and low > 0:
            low -= 1
    else:
        while data[low] == data[high] and high < len(data) - 1:
            high += 1
    return float((data[low] + data[high]) / 2)


def _gain(y_old: np.ndarray, y_new: np.ndarray) -> float:
    """Change in mean per point removed or added (0 when the mean does not move)."""
    old = float(np.mean(y_old))
    new = float(np.mean(y_new)) if len(y_new) else 0.0
    if old == new or len(y_old) == len(y_new):
        return 0.0
    return (new - old) / abs(len(y_old) - len(y_new))


@dataclass
class Box:
    """A box on the trajectory: its limits and which points fall inside."""

    low: np.ndarray
    high: np.ndarray
    inside: np.ndarray  # indices of the points in the box


@dataclass
class Result:
    """The trajectory of a PRIM run and what is needed to describe any box on it."""

    columns: list[str]
    x: np.ndarray
    y: np.ndarray
    initial: tuple[np.ndarray, np.ndarray]
    boxes: list[Box] = field(default_factory=list)
    pasted_from: int = 0  # boxes from this index on come from pasting

    def restricted(self, i: int) -> list[int]:
        box, (low, high) = self.boxes[i], self.initial
        return [j for j in range(len(low)) if box.low[j] != low[j] or box.high[j] != high[j]]

    def trajectory(self) -> pd.DataFrame:
        """One row per box: id, coverage, density, mass, restricted inputs, points, cases."""
        total, n = max(float(self.y.sum()), 1.0), len(self.y)
        rows = []
        for i, box in enumerate(self.boxes):
            k = float(self.y[box.inside].sum())
            rows.append({"id": i, "coverage": k / total, "density": k / len(box.inside),
                         "mass": len(box.inside) / n, "res_dim": len(self.restricted(i)),
                         "n": len(box.inside), "k": int(k),
                         "phase": "paste" if i >= self.pasted_from and i > 0 else "peel"})
        return pd.DataFrame(rows)

    def limits(self, i: int) -> pd.DataFrame:
        """The restricted inputs of box `i`: limits, the range explored, quasi-p-values."""
        box, (low, high) = self.boxes[i], self.initial
        rows = []
        for j in self.restricted(i):
            rows.append({"uncertainty": self.columns[j], "low": box.low[j], "high": box.high[j],
                         "explored_low": low[j], "explored_high": high[j],
                         "qp_low": self._quasi_p(i, j, 0) if box.low[j] != low[j] else math.nan,
                         "qp_high": self._quasi_p(i, j, 1) if box.high[j] != high[j] else math.nan})
        return pd.DataFrame(rows, columns=["uncertainty", "low", "high", "explored_low",
                                           "explored_high", "qp_low", "qp_high"])

    def _quasi_p(self, i: int, j: int, side: int) -> float:
        """How likely the box's cases of interest are if limit `side` of input `j` were dropped."""
        box = self.boxes[i]
        low, high = box.low.copy(), box.high.copy()
        (low if side == 0 else high)[j] = self.initial[side][j]
        wider = self.y[_within(self.x, low, high)]
        hits, count = int(self.y[box.inside].sum()), len(box.inside)
        p = float(wider.mean())
        from scipy import stats  # here: importing it costs half a second

        return float(stats.binomtest(hits, count, p, alternative="greater").pvalue)


def _within(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.all((x >= low) & (x <= high), axis=1)


def _restricted_count(low: np.ndarray, high: np.ndarray, initial: tuple[np.ndarray, np.ndarray]) -> int:
    return int(np.sum((low != initial[0]) | (high != initial[1])))


def _best(y: np.ndarray, box: Box, candidates: list[Box],
          initial: tuple[np.ndarray, np.ndarray]) -> tuple[float, Box] | None:
    """The candidate with the largest gain; ties to fewer restricted inputs, then first found."""
    best: tuple[float, int, Box] | None = None
    for cand in candidates:
        score = (_gain(y[box.inside], y[cand.inside]),
                 -_restricted_count(cand.low, cand.high, initial))
        if best is None or score > best[:2]:
            best = (*score, cand)
    return None if best is None else (best[0], best[2])


def _peels(x: np.ndarray, box: Box, alpha: float) -> list[Box]:
    out = []
    for j in range(x.shape[1]):
        xj = x[box.inside, j]
        for side in (1, 0):  # the top, then the bottom
            cut = cut_point(xj, 1 - alpha if side else alpha)
            keep = xj <= cut if side else xj >= cut
            low, high = box.low.copy(), box.high.copy()
            (high if side else low)[j] = cut
            out.append(Box(low, high, box.inside[keep]))
    return out


def _pastes(x: np.ndarray, box: Box, alpha: float, initial: tuple[np.ndarray, np.ndarray],
            restricted: list[int]) -> list[Box]:
    out = []
    for j in restricted:
        for side in (0, 1):
            low, high = box.low.copy(), box.high.copy()
            if side == 0:
                low[j] = initial[0][j]
                high[j] = box.low[j]
            else:
                low[j] = box.high[j]
                high[j] = initial[1][j]
            outside = x[_within(x, low, high), j]
            new_low, new_high = box.low.copy(), box.high.copy()
            if side == 0:
                new_low[j] = cut_point(outside, 1 - alpha) if len(outside) else initial[0][j]
            else:
                new_high[j] = cut_point(outside, alpha) if len(outside) else initial[1][j]
            out.append(Box(new_low, new_high, np.flatnonzero(_within(x, new_low, new_high))))
    return out


def prim(x: pd.DataFrame, y: np.ndarray, peel_alpha: float = 0.05, paste_alpha: float = 0.05,
         mass_min: float = 0.05) -> Result:
    """Peel, then paste, one box; every box on the way is in the result's trajectory.

    Args:
        x: Inputs, one numeric column per uncertainty, one row per case.
        y: 1 for a case of interest, 0 otherwise, aligned with `x`.
        peel_alpha: Share of the box's points each peel removes.
        paste_alpha: Share of the points just outside a limit each paste adds.
        mass_min: Smallest share of all points a box may hold.
    """
    values = x.to_numpy(dtype=float)
    flags = np.asarray(y, dtype=float)
    if values.shape[0] != len(flags):
        raise ValueError(f"x has {values.shape[0]} rows and y {len(flags)}")
    initial = (values.min(axis=0), values.max(axis=0))
    result = Result(list(map(str, x.columns)), values, flags, initial,
                    [Box(initial[0].copy(), initial[1].copy(), np.arange(len(flags)))])
    n = len(flags)
    while True:
        box = result.boxes[-1]
        found = _best(flags, box, _peels(values, box, peel_alpha), initial)
        if found is None:
            break
        gain, cand = found
        if not (len(cand.inside) / n >= mass_min and len(cand.inside) < len(box.inside) and gain > 0):
            break
        result.boxes.append(cand)
    result.pasted_from = len(result.boxes)
    while True:
        box = result.boxes[-1]
        found = _best(flags, box, _pastes(values, box, paste_alpha, initial,
                                          result.restricted(len(result.boxes) - 1)), initial)
        if found is None:
            break
        gain, cand = found
        better = len(cand.inside) > len(box.inside) and gain > 0 and \
            np.mean(flags[cand.inside]) > np.mean(flags[box.inside])
        if not (len(cand.inside) / n >= mass_min and better):
            break
        result.boxes.append(cand)
    return result


__all__ = ["Box", "Result", "cut_point", "prim"]
