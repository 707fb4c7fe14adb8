"""One outcome at every lever setting, as the rows of a table: what the bottom line's words rest on.

Each row is one setting: each model's mean there, each reached model's change against
today's setting with its paired 95% interval (`by_setting`), the compared pair's paired
difference with its interval (`paired_by_point`), and the model with the better mean
there, with whether its paired interval against every other model excludes zero. Every
number is read from those tables as they stand, never recomputed or pooled over settings.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from orgsim.analysis.bottom_line import oriented
from orgsim.metrics.table import BETTER


@dataclass(frozen=True)
class Interval:
    """A mean difference and its 95% interval (NaN bounds: one run, no interval)."""

    diff: float
    low: float
    high: float

    @property
    def clear(self) -> bool:
        """Whether the interval excludes zero."""
        return math.isfinite(self.low) and math.isfinite(self.high) and \
            (self.low > 0 or self.high < 0)


@dataclass(frozen=True)
class Row:
    """One lever setting of one outcome."""

    setting: int
    values: tuple[Any, ...]  # the lever values, in the order of `levers`
    today: bool
    means: dict[str, float]  # model -> mean at this setting
    changes: dict[str, Interval]  # reached model -> its change against today's setting
    pair: Interval | None  # the compared pair's difference a - b at this setting
    best: str  # the model with the better mean ("" with one model or no direction)
    unclear_of: tuple[str, ...]  # the models `best` is not clearly ahead of (paired CI has zero)


def _interval(row: Any) -> Interval:
    return Interval(float(row["mean_diff"]), float(row["ci_low"]), float(row["ci_high"]))


def reached(w: Any, model: str) -> bool:
    """Whether the levers change anything under `model` (else its column of changes is left out)."""
    bs = w.by_setting
    rows = bs[(bs["model"] == model) & ~bs["is_baseline"].astype(bool)]
    return bool(len(rows)) and not ((rows["mean_diff"].abs().fillna(0) == 0).all()
                                    and (rows["ci_high"].abs().fillna(0) == 0).all())


def _best(w: Any, setting: int, outcome: str, means: dict[str, float]) -> tuple[str, tuple[str, ...]]:
    direction = BETTER.get(outcome, 0)
    finite = {m: v for m, v in means.items() if math.isfinite(v)}
    if direction == 0 or len(finite) < 2:
        return "", ()
    best = max(finite, key=lambda m: direction * finite[m])
    unclear = []
    for other in (m for m in finite if m != best):
        rows = oriented(w.paired, best, other, outcome)
        rows = rows[rows["setting"] == setting]
        said = rows.iloc[0]["better"] if len(rows) else ""
        if not (isinstance(said, str) and said == best):
            unclear.append(other)
    return best, tuple(unclear)


def outcome_rows(w: Any, models: Sequence[str], pair: tuple[str, str] | None,
                 outcome: str) -> list[Row]:
    """Every setting of `outcome`, in setting order (see the module docstring)."""
    bs = w.by_setting
    bs = bs[(bs["outcome"] == outcome) & bs["model"].isin(list(models))]
    moved = [m for m in models if reached(w, m)]
    paired = oriented(w.paired, *pair, outcome) if pair is not None else pd.DataFrame()
    out = []
    for setting, rows in bs.groupby("setting", sort=True):
        first = rows.iloc[0]
        by_model = {str(r["model"]): r for r in rows.to_dict("records")}
        means = {m: float(by_model[m]["mean"]) for m in models if m in by_model}
        changes = {m: _interval(by_model[m]) for m in moved if m in by_model}
        here = paired[paired["setting"] == setting] if len(paired) else paired
        best, unclear = _best(w, int(setting), outcome, means)
        out.append(Row(int(setting), tuple(first[p] for p in w.levers),
                       bool(first["is_baseline"]), means, changes,
                       _interval(here.iloc[0]) if len(here) else None, best, unclear))
    return out


__all__ = ["Interval", "Row", "outcome_rows", "reached"]
