"""Headline metrics, exactly as the README's metric table defines them, as pure functions of the records.

Inputs are three tables a run writes: `events` (the records), `items` (the
initiatives) and `pools` (who could work). Nothing here re-runs a simulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from orgsim.domain import records as R
from orgsim.domain.sums import left_sum

QUARTER_WEEKS = 13.0


@dataclass(frozen=True)
class Window:
    """The measured window: arrivals from `warmup` count; rates run from `warmup` to `horizon`."""

    warmup: float
    horizon: float

    @property
    def length(self) -> float:
        return self.horizon - self.warmup


def summary(values: pd.Series | np.ndarray) -> dict[str, float | int | None]:
    """Mean, median, 90th percentile and count (None where there are no values)."""
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return {"mean": None, "median": None, "p90": None, "n": 0}
    return {"mean": float(v.mean()), "median": float(np.median(v)),
            "p90": float(np.percentile(v, 90)), "n": int(v.size)}


def _first(events: pd.DataFrame, kind: str) -> pd.Series:
    """Week of the first record of `kind` per item."""
    rows = events[events["kind"] == kind]
    return rows.groupby("item")["week"].min()


def outcomes(events: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Per item: arrival, final outcome and its week (in_system with NaN when unfinished)."""
    final = events[events["kind"].isin(R.FINAL)].drop_duplicates("item").set_index("item")
    out = items.set_index("id")[["arrival_week", "capability_key", "value_per_week"]].copy()
    out["outcome"] = final["kind"].reindex(out.index).fillna("in_system")
    out["end_week"] = final["week"].reindex(out.index)
    arrived = _first(events, R.ARRIVAL)
    return out.loc[out.index.isin(arrived.index)]


def duplicate_builds(events: pd.DataFrame, items: pd.DataFrame) -> pd.Series:
    """Per item that started building: True if its capability was already in progress or live.

    "In progress or live" means another initiative with the same key started
    build work earlier (record order breaks ties) and had not been rejected by then.
    """
    builds = events[(events["kind"] == R.STAGE_START) & (events["stage"] == "build")]
    first = builds.drop_duplicates("item")[["item", "week"]].reset_index()
    first["key"] = first["item"].map(items.set_index("id")["capability_key"])
    rejected = _first(events, R.REJECTED)
    rejected_at = first["item"].map(rejected).fillna(np.inf)  # never rejected: in progress or live
    # In record order, the latest week until which an earlier item of each key was not rejected:
    # an item duplicates if that is after its own start.
    until: dict[str, float] = {}
    flags: dict[int, bool] = {}
    for item, key, week, gone in zip(first["item"].tolist(), first["key"].tolist(),
                                     first["week"].tolist(), rejected_at.tolist()):
        before = until.get(key, -np.inf)
        flags[item] = before > week
        until[key] = gone if gone > before else before
    return pd.Series(flags, dtype=bool)


def time_average_wip(out: pd.DataFrame, w: Window) -> float:
    """Time-average number of initiatives arrived and not yet finished, over the window."""
    start = out["arrival_week"].to_numpy()
    end = out["end_week"].fillna(np.inf).to_numpy()
    inside = np.clip(np.minimum(end, w.horizon) - np.maximum(start, w.warmup), 0.0, None)
    return float(inside.sum() / w.length)


def utilisation(events: pd.DataFrame, pools: pd.DataFrame, w: Window) -> dict[str, Any]:
    """Busy staff-weeks / available staff-weeks, per unit and pool and overall."""
    work = events[events["kind"].isin((R.STAGE_START, R.STAGE_END))].reset_index()
    work["n"] = work.groupby(["item", "unit", "what", "kind"]).cumcount()
    starts = work[work["kind"] == R.STAGE_START].set_index(["item", "unit", "what", "n"])
    ends = work[work["kind"] == R.STAGE_END].set_index(["item", "unit", "what", "n"])
    spans = starts[["week", "amount"]].join(ends["week"].rename("end"), how="left")
    spans["end"] = spans["end"].fillna(w.horizon)
    busy_weeks = (np.minimum(spans["end"], w.horizon) - np.maximum(spans["week"], w.warmup)).clip(lower=0)
    per_slot = pools.set_index(["unit", "pool"])["people_per_slot"]
    spans = spans.reset_index()
    people = spans["amount"].to_numpy() * per_slot.reindex(
        pd.MultiIndex.from_arrays([spans["unit"], spans["what"]])).to_numpy()
    spans["busy"] = people * busy_weeks.to_numpy()
    busy = spans.groupby(["unit", "what"])["busy"].sum()
    available = staff_weeks(events, pools, w)
    by_pool = {f"{unit}/{pool}": float(busy.get((unit, pool), 0.0) / weeks) if weeks > 0 else 0.0
               for (unit, pool), weeks in available.items()}
    total = float(busy.sum() / available.sum()) if available.sum() > 0 else 0.0
    return {"overall": total, "by_pool": by_pool}


def staff_weeks(events: pd.DataFrame, pools: pd.DataFrame, w: Window) -> pd.Series:
    """Available staff-weeks per (unit, pool) in the window: headcount at the start, as
    changed by `staffing` records (interventions), integrated over time."""
    start = pools.set_index(["unit", "pool"])["people"].astype(float)
    changes = events[events["kind"] == R.STAFFING]
    out = start * w.length
    for (unit, pool), rows in changes.groupby(["unit", "what"], sort=False):
        times = [0.0, *rows["week"].tolist(), w.horizon]
        levels = [float(start.get((unit, pool), 0.0)), *rows["amount"].tolist()]
        out[(unit, pool)] = left_sum(level * max(0.0, min(b, w.horizon) - max(a, w.warmup))
                                     for a, b, level in zip(times, times[1:], levels))
    return out


def benefit(events: pd.DataFrame, out: pd.DataFrame, w: Window) -> float:
    """Value per week times weeks live within the horizon; national products by adoption."""
    value = out["value_per_week"]
    local = events[(events["kind"] == R.DELIVERED) & (events["what"] == "local")]
    reused = events[events["kind"] == R.REUSED]
    adopted = events[events["kind"] == R.ADOPTED]
    total = 0.0
    for rows in (local, reused, adopted):
        rows = rows[rows["item"].isin(out.index)]
        total += float(((w.horizon - rows["week"]) * rows["item"].map(value)).sum())
    return total


def compute(events: pd.DataFrame, items: pd.DataFrame, pools: pd.DataFrame,
            w: Window) -> dict[str, Any]:
    """Every headline metric for one run."""
    all_out = outcomes(events, items)
    out = all_out[all_out["arrival_week"] >= w.warmup]
    measured = events[events["item"].isin(out.index)]
    arrival = out["arrival_week"]
    released = _first(measured, R.RELEASED)
    delivered = out[out["outcome"] == R.DELIVERED]
    in_window = events[(events["week"] >= w.warmup) & (events["week"] <= w.horizon)]
    quarters = w.length / QUARTER_WEEKS
    dup = duplicate_builds(events, items)
    build_effort = measured[(measured["kind"] == R.STAGE_END) & (measured["stage"] == "build")]
    build_effort = build_effort.groupby("item")["amount"].sum()
    dup_effort = build_effort[build_effort.index.isin(dup[dup].index)].sum()
    all_effort = measured.loc[measured["kind"] == R.STAGE_END, "amount"].sum()
    rework = measured.loc[measured["kind"] == R.REWORK_EFFORT, "amount"].sum()
    handoffs = measured[measured["kind"] == R.HANDOFF].groupby("item").size()
    counts = out["outcome"].value_counts()
    return {
        "counts": {"arrived": int(len(out)), **{k: int(counts.get(k, 0)) for k in
                   ("delivered", "reused", "rejected", "in_system")}},
        "decision_latency": summary(released - arrival.reindex(released.index)),
        "lead_time": summary(delivered["end_week"] - delivered["arrival_week"]),
        "throughput": float((in_window["kind"] == R.DELIVERED).sum() / quarters),
        "reused": float((in_window["kind"] == R.REUSED).sum() / quarters),
        "duplication_rate": float(dup_effort / build_effort.sum()) if build_effort.sum() > 0 else 0.0,
        "duplicates_built": int(dup[dup.index.isin(out.index)].sum()),
        "duplicates_avoided": int(counts.get(R.REUSED, 0)),
        "wip": time_average_wip(all_out, w),
        "handoffs_per_item": float(handoffs.reindex(delivered.index).fillna(0).mean())
        if len(delivered) else 0.0,
        "rework_share": float(rework / all_effort) if all_effort > 0 else 0.0,
        "utilisation": utilisation(events, pools, w),
        "benefit": benefit(events, out, w),
        "rejected": int(counts.get(R.REJECTED, 0)),
    }
