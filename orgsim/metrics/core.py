"""Metrics of one run, as the definitions in `DEFINITIONS` (orgsim.metrics.table) state them.

Inputs are what a run produced: its records (in the order they were made), its
initiatives and its teams. Nothing here re-runs a simulation; one walk over
the records (`orgsim.metrics.walk`) gathers what every metric needs.

The measured window runs from the warm-up to the horizon. Per-item metrics
(latency, lead time, time in system, counts, and the rates per quarter) take the
initiatives that arrived in the window, each followed to the horizon, so
`needs_met * quarters + rejected + in_system = arrived` exactly.
Time averages (work in progress, utilisation) and benefit run over the window.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

import numpy as np
import pandas as pd

from orgsim.domain import records as R
from orgsim.domain.collector import paused
from orgsim.domain.costs import Prices
from orgsim.domain.sums import left_sum
from orgsim.metrics import walk as W
from orgsim.metrics.money import money_metrics

QUARTER_WEEKS = 13.0


@dataclass(frozen=True)
class Window:
    """The measured window: arrivals from `warmup` count; rates run from `warmup` to `horizon`."""

    warmup: float
    horizon: float

    @property
    def length(self) -> float:
        return self.horizon - self.warmup

    @property
    def quarters(self) -> float:
        return self.length / QUARTER_WEEKS


class ItemLike(Protocol):
    """What the metrics need of an initiative (an `Initiative` has it)."""

    @property
    def id(self) -> int: ...
    @property
    def capability_key(self) -> str: ...
    @property
    def value_per_week(self) -> float: ...


class PoolLike(Protocol):
    """What the metrics need of a team (a `PoolInfo` has it)."""

    @property
    def unit(self) -> str: ...
    @property
    def pool(self) -> str: ...
    @property
    def people(self) -> float: ...
    @property
    def people_per_slot(self) -> float: ...


class ItemRow(NamedTuple):
    id: int
    capability_key: str
    value_per_week: float


class PoolRow(NamedTuple):
    unit: str
    pool: str
    people: float
    people_per_slot: float


def summary(values: Sequence[float] | np.ndarray | pd.Series) -> dict[str, float | int | None]:
    """Mean, median, 90th percentile and count (None where there are no values)."""
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return {"mean": None, "median": None, "p90": None, "n": 0}
    return {"mean": float(v.mean()), "median": float(np.median(v)),
            "p90": float(np.percentile(v, 90)), "n": int(v.size)}


def _mean(values: list[float]) -> float | None:
    return left_sum(values) / len(values) if values else None


def _share(part: float, whole: float) -> float:
    return float(part / whole) if whole > 0 else 0.0


def flag_duplicates(first_builds: Iterable[tuple[int, float]], key: dict[int, str],
                    rejected: dict[int, float]) -> dict[int, bool]:
    """Per item that started building: True if its capability was already in progress or live.

    "In progress or live" means another initiative with the same key started
    build work earlier (record order breaks ties) and had not been rejected by then.

    Args:
        first_builds: (item, week its first build work started), in record order.
        key: Capability key per item.
        rejected: Week each rejected item was rejected.
    """
    until: dict[str, float] = {}  # latest week until which an earlier builder of the key was not rejected
    flags: dict[int, bool] = {}
    for item, week in first_builds:
        k = key[item]
        before = until.get(k, -math.inf)
        flags[item] = before > week
        gone = rejected.get(item, math.inf)
        until[k] = gone if gone > before else before
    return flags


def compute(records: Iterable[W.Row], items: Iterable[ItemLike], pools: Iterable[PoolLike],
            w: Window, prices: Prices | None = None) -> dict[str, Any]:
    """Every metric of one run (the keys of metrics.json).

    With `prices` (a scenario with money) the metrics add the cost outcomes (`money`) and the
    lead time spent waiting for money; without, they are what they were before money existed.
    """
    if prices is not None and not isinstance(records, (list, tuple)):
        records = list(records)  # walked twice
    staff = {(p.unit, p.pool): (float(p.people), float(p.people_per_slot)) for p in pools}
    with paused():  # the walk keeps a list per item: none is garbage
        found = W.walk(records, staff, w.warmup, w.horizon)
    key = {i.id: i.capability_key for i in items}
    value = {i.id: i.value_per_week for i in items}
    states = found.items
    rejected = {i: s[W.END] for i, s in states.items() if s[W.OUTCOME] == R.REJECTED}
    duplicate = flag_duplicates(found.first_builds, key, rejected)
    cohort = [(i, s) for i, s in states.items() if s[W.ARRIVAL] >= w.warmup]
    delivered = [(i, s) for i, s in cohort if s[W.OUTCOME] == R.DELIVERED]
    counts = {"arrived": len(cohort), "delivered": len(delivered),
              **{k: len([i for i, s in cohort if s[W.OUTCOME] == k]) for k in (R.REUSED, R.REJECTED)}}
    counts["in_system"] = counts["arrived"] - counts["delivered"] - counts["reused"] - counts["rejected"]
    built_twice = [i for i, _ in cohort if duplicate.get(i, False)]
    quarters = w.quarters
    components = _components(delivered)
    money: dict[str, Any] = {}
    if prices is None:
        components = {k: v for k, v in components.items() if k not in W.MONEY_COMPONENTS}
    else:
        money = {"money": money_metrics(records, found, cohort, set(built_twice), prices,
                                        w.warmup, w.horizon)}
    return {
        **money,
        "counts": counts,
        "decision_latency": _latency(cohort),
        "lead_time": summary([s[W.END] - s[W.ARRIVAL] for _, s in delivered]),
        "lead_time_components": components,
        "time_in_system": {**summary([s[W.END] - s[W.ARRIVAL] for _, s in cohort if s[W.END] is not None]),
                           "censored": counts["in_system"]},
        "needs_met": (counts["delivered"] + counts["reused"]) / quarters,
        "new_capabilities": len([i for i, _ in delivered if not duplicate.get(i, False)]) / quarters,
        "delivered": counts["delivered"] / quarters,
        "reused": counts["reused"] / quarters,
        **_effort(cohort, set(built_twice)),
        "duplicates_built": len(built_twice),
        "duplicates_avoided": counts["reused"],
        "wip": _wip(states.values(), w),
        "handoffs_per_item": _mean([float(s[W.HANDOFFS]) for _, s in delivered]) or 0.0,
        "utilisation": _utilisation(found.teams),
        "benefit": _benefit(found.uses, value, w),
        "rejected": counts["rejected"],
    }


def _latency(cohort: list[tuple[int, list]]) -> dict[str, Any]:
    """Arrival to release, over items that met a forum; items released without one beside it."""
    released = [s for _, s in cohort if s[W.RELEASED] is not None]
    gated = [s[W.RELEASED] - s[W.ARRIVAL] for s in released if s[W.GATED]]
    ungated = len(released) - len(gated)
    return {**summary(gated), "ungated": ungated, "ungated_share": _share(ungated, len(released))}


def _components(delivered: list[tuple[int, list]]) -> dict[str, float | None]:
    """Mean of each lead time component over delivered items (they add up to the mean lead time)."""
    return {name: _mean([s[field] for _, s in delivered])
            for field, name in enumerate(W.COMPONENTS, start=W.FORUM)}


def _effort(cohort: list[tuple[int, list]], built_twice: set[int]) -> dict[str, Any]:
    """Duplication rate, rework share and hidden work, from the items' effort."""
    held = left_sum([s[W.HELD] for _, s in cohort])
    effort = left_sum([s[W.EFFORT] for _, s in cohort])
    rework = left_sum([s[W.REWORK_EFFORT] for _, s in cohort])
    build = left_sum([s[W.BUILD_EFFORT] for _, s in cohort])
    twice = [s for i, s in cohort if i in built_twice]
    dup_build = left_sum([s[W.BUILD_EFFORT] for s in twice])
    # Staff-weeks held beyond the effort done: planning overhead and reorganisation dips.
    overhead = max(0.0, held - effort)
    dup_new = dup_build - left_sum([s[W.BUILD_REWORK] for s in twice])  # its rework counted once
    hidden = rework + overhead + dup_new
    return {
        "duplication_rate": _share(dup_build, build),
        "rework_share": _share(rework, effort),
        "hidden_work_share": _share(hidden, held),
        "hidden_work": {"rework": rework, "overhead": overhead, "duplicate_builds": dup_new,
                        "all_effort": held},
    }


def _wip(states: Iterable[list], w: Window) -> float:
    """Time-average number of initiatives arrived and not yet finished, over the window."""
    inside = []
    for s in states:
        end = w.horizon if s[W.END] is None or s[W.END] > w.horizon else s[W.END]
        start = s[W.ARRIVAL] if s[W.ARRIVAL] > w.warmup else w.warmup
        if end > start:
            inside.append(end - start)
    return left_sum(inside) / w.length


def _utilisation(teams: dict[tuple[str, str], list[float]]) -> dict[str, Any]:
    """Busy over available staff-weeks in the window: overall, per unit and per team."""
    ordered = sorted(teams.items())
    units: dict[str, list[float]] = {}
    for (unit, _), t in ordered:
        totals = units.setdefault(unit, [0.0, 0.0])
        totals[0] += t[W.T_BUSY_WEEKS]
        totals[1] += t[W.T_AVAILABLE]
    return {
        "overall": _share(left_sum([t[W.T_BUSY_WEEKS] for _, t in ordered]),
                          left_sum([t[W.T_AVAILABLE] for _, t in ordered])),
        "by_unit": {unit: _share(busy, available) for unit, (busy, available) in units.items()},
        "by_pool": {f"{unit}/{pool}": _share(t[W.T_BUSY_WEEKS], t[W.T_AVAILABLE])
                    for (unit, pool), t in ordered},
        "staff_weeks": {f"{unit}/{pool}": [t[W.T_BUSY_WEEKS], t[W.T_AVAILABLE]]
                        for (unit, pool), t in ordered},
    }


def _benefit(uses: dict[tuple[int, str], float], value: dict[int, float], w: Window) -> float:
    """Value per week times weeks in use within the window, once per product and unit using it."""
    return left_sum([value[product] * (w.horizon - (week if week > w.warmup else w.warmup))
                     for (product, _), week in uses.items() if week < w.horizon])


def lead_time_parts(records: Sequence[W.Row]) -> dict[int, dict[str, float]]:
    """Per delivered initiative: its `lead_time` and each lead time component, in weeks."""
    horizon = records[-1][0] if records else 0.0
    with paused():
        states = W.walk(records, {}, 0.0, horizon).items
    return {item: {"lead_time": s[W.END] - s[W.ARRIVAL],
                   **{name: s[field] for field, name in enumerate(W.COMPONENTS, start=W.FORUM)}}
            for item, s in states.items() if s[W.OUTCOME] == R.DELIVERED}


# -- tables (run folders, replay) ---------------------------------------------------------------
def rows(events: pd.DataFrame) -> list[W.Row]:
    """The records of an events table, as tuples in the order of the table."""
    return list(events[list(R.COLUMNS)].itertuples(index=False, name=None))


def compute_frames(events: pd.DataFrame, items: pd.DataFrame, pools: pd.DataFrame,
                   w: Window, prices: Prices | None = None) -> dict[str, Any]:
    """`compute` on the tables a run folder holds (events, initiatives and pools)."""
    return compute(rows(events), _item_rows(items), _pool_rows(pools), w, prices)


def _item_rows(items: pd.DataFrame) -> list[ItemRow]:
    return [ItemRow(int(i), str(k), float(v)) for i, k, v in
            zip(items["id"], items["capability_key"], items["value_per_week"])]


def _pool_rows(pools: pd.DataFrame) -> list[PoolRow]:
    return [PoolRow(*r) for r in pools[["unit", "pool", "people", "people_per_slot"]]
            .itertuples(index=False, name=None)]


def compute_metrics(records: Iterable[W.Row] | pd.DataFrame, items: Iterable[ItemLike] | pd.DataFrame,
                    pools: Iterable[PoolLike] | pd.DataFrame, w: Window,
                    prices: Prices | None = None) -> dict[str, Any]:
    """Every metric of one run (the keys of metrics.json): `orgsim.compute_metrics`.

    Takes the run as a run gives it (`RunResult.records`, `.initiatives`, `.pools`) or as
    its tables, the events, initiatives and pools DataFrames a run folder holds (the form
    the first versions of this function took), each argument in either form; both give
    the same metrics.
    """
    return compute(rows(records) if isinstance(records, pd.DataFrame) else records,
                   _item_rows(items) if isinstance(items, pd.DataFrame) else items,
                   _pool_rows(pools) if isinstance(pools, pd.DataFrame) else pools, w, prices)


def duplicate_builds(events: pd.DataFrame, items: pd.DataFrame) -> pd.Series:
    """`flag_duplicates` on an events table: a boolean per item that started building."""
    builds = events[(events["kind"] == R.STAGE_START) & (events["stage"] == "build")]
    first = builds.drop_duplicates("item")
    rejected = events[events["kind"] == R.REJECTED].groupby("item")["week"].min()
    key = dict(zip(items["id"].tolist(), items["capability_key"].tolist()))
    flags = flag_duplicates(zip(first["item"].tolist(), first["week"].tolist()), key,
                            {int(i): float(v) for i, v in rejected.items()})
    return pd.Series(flags, dtype=bool)
