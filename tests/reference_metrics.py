"""A second, plain implementation of the metrics, written from their definitions with pandas.

It shares no code with `orgsim.metrics` (only the record kinds' names), favours
the obvious over the fast, and exists so that a test can hold the two to each
other run by run.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

FINAL = ["delivered", "reused", "rejected"]


def _per_item(ev: pd.DataFrame, kind: str, how: str = "min") -> pd.Series:
    return ev[ev["kind"] == kind].groupby("item")["week"].agg(how)


def reference(ev: pd.DataFrame, items: pd.DataFrame, pools: pd.DataFrame, warmup: float,
              horizon: float) -> dict[str, Any]:
    """The metrics of one run from its events, initiatives and pools tables."""
    quarters = (horizon - warmup) / 13.0
    arrival = _per_item(ev, "arrival")
    final = ev[ev["kind"].isin(FINAL)].drop_duplicates("item").set_index("item")
    cohort = arrival[arrival >= warmup].index
    outcome = final["kind"].reindex(cohort).fillna("in_system")
    end = final["week"].reindex(cohort)
    delivered = outcome[outcome == "delivered"].index
    key = items.set_index("id")["capability_key"]

    out: dict[str, Any] = {"arrived": len(cohort)}
    for k in ("delivered", "reused", "rejected", "in_system"):
        out[k] = int((outcome == k).sum())
    gated = set(ev.loc[ev["kind"] == "gate_queued", "item"])
    released = _per_item(ev, "released").reindex(cohort).dropna()
    with_forum = [i for i in released.index if i in gated]
    out["latency"] = sorted((released[with_forum] - arrival[with_forum]).tolist())
    out["ungated"] = len(released) - len(with_forum)
    out["lead"] = sorted((end[delivered] - arrival[delivered]).tolist())
    done = end.dropna().index
    out["time_in_system"] = sorted((end[done] - arrival[done]).tolist())
    out["needs_met"] = (out["delivered"] + out["reused"]) / quarters

    # Duplicate builds: an earlier first build of the same key, not rejected before this one began.
    builds = ev[(ev["kind"] == "stage_start") & (ev["stage"] == "build")].drop_duplicates("item")
    rejected_at = _per_item(ev, "rejected").to_dict()
    keys = key.to_dict()
    duplicate = {}
    earlier: dict[str, list[int]] = {}
    for item, week in builds[["item", "week"]].itertuples(index=False, name=None):
        same = earlier.setdefault(keys[item], [])
        duplicate[item] = any(rejected_at.get(other, math.inf) > week for other in same)
        same.append(item)
    dup = {i for i, d in duplicate.items() if d}
    out["duplicate_items"] = dup
    out["new_capabilities"] = len([i for i in delivered if i not in dup]) / quarters
    mine = ev[ev["item"].isin(cohort)]
    ends = mine[mine["kind"] == "stage_end"]
    build_effort = ends[ends["stage"] == "build"].groupby("item")["amount"].sum()
    out["duplication_rate"] = build_effort[build_effort.index.isin(dup)].sum() / build_effort.sum()
    out["duplicates_built"] = len(dup & set(cohort))
    rework = mine.loc[mine["kind"] == "rework_effort", "amount"].sum()
    out["rework_share"] = rework / ends["amount"].sum()
    handoffs = mine[mine["kind"] == "handoff"].groupby("item").size()
    out["handoffs_per_item"] = float(handoffs.reindex(delivered).fillna(0).mean())

    every_end = final["week"].reindex(arrival.index).fillna(math.inf).clip(upper=horizon)
    inside = (every_end - arrival.clip(lower=warmup)).clip(lower=0)
    out["wip"] = inside.sum() / (horizon - warmup)
    out["benefit"] = _benefit(ev, items, warmup, horizon)
    out["utilisation"] = _utilisation(ev, pools, warmup, horizon)
    return out


def _benefit(ev: pd.DataFrame, items: pd.DataFrame, warmup: float, horizon: float) -> float:
    local = ev[(ev["kind"] == "delivered") & (ev["what"] == "local")][["item", "unit", "week"]]
    adopted = ev[ev["kind"] == "adopted"][["item", "unit", "week"]]
    reused = ev[ev["kind"] == "reused"].assign(item=lambda d: d["amount"].astype(int))
    uses = pd.concat([local, adopted, reused[["item", "unit", "week"]]])
    first = uses.groupby(["item", "unit"])["week"].min().reset_index()
    value = first["item"].map(items.set_index("id")["value_per_week"])
    return float((value * (horizon - first["week"].clip(lower=warmup))).sum())


def _utilisation(ev: pd.DataFrame, pools: pd.DataFrame, warmup: float,
                 horizon: float) -> dict[str, float]:
    """Per team: busy over available staff-weeks, where people still working after leaving
    count as available, by sweeping the team's level of busy and staffed people over time."""
    pace = pools.set_index(["unit", "pool"])["people_per_slot"]
    start = pools.set_index(["unit", "pool"])["people"]
    work = ev[ev["kind"].isin(["stage_start", "stage_end"])]
    # Each end gives back what the item's latest start on that team took.
    taken: dict[tuple[int, str, str], float] = {}
    steps: dict[tuple[str, str], list[tuple[int, float, float, float | None]]] = {}
    for r in work.itertuples():
        team = (r.unit, r.what)
        if r.kind == "stage_start":
            people = r.amount * pace.get(team, 1.0)
            taken[(r.item, *team)] = people
            steps.setdefault(team, []).append((r.Index, r.week, people, None))
        else:
            steps.setdefault(team, []).append((r.Index, r.week, -taken[(r.item, *team)], None))
    for r in ev[ev["kind"] == "staffing"].itertuples():
        steps.setdefault((r.unit, r.what), []).append((r.Index, r.week, 0.0, r.amount))
    out = {}
    for team in sorted(set(steps) | set(start.index)):
        busy, level, t = 0.0, float(start.get(team, 0.0)), 0.0
        busy_weeks = available = 0.0
        for _, week, change, new_level in [*sorted(steps.get(team, [])), (0, horizon, 0.0, None)]:
            span = max(0.0, min(week, horizon) - max(t, warmup))
            busy_weeks += busy * span
            available += max(busy, level) * span
            busy, t = busy + change, week
            level = level if new_level is None else new_level
        out[f"{team[0]}/{team[1]}"] = busy_weeks / available if available > 0 else 0.0
        AVAILABLE[f"{team[0]}/{team[1]}"] = available
    return out


AVAILABLE: dict[str, float] = {}  # staff-weeks available per team, from the last `_utilisation`


def reference_money(ev: pd.DataFrame, items: pd.DataFrame, pools: pd.DataFrame, rates: dict[str, float],
                    non_staff: dict[int, float], warmup: float, horizon: float) -> dict[str, Any]:
    """The cost outcomes from their definitions: staff paid whether busy or not, money by the ledger."""
    AVAILABLE.clear()
    _utilisation(ev, pools, warmup, horizon)
    staff = sum(weeks * rates.get(team.split("/")[0], 0.0) for team, weeks in AVAILABLE.items())
    years = (horizon - warmup) / 52.0
    ref = reference(ev, items, pools, warmup, horizon)
    arrival = _per_item(ev, "arrival")
    cohort = set(arrival[arrival >= warmup].index)
    delivered = set(ev.loc[ev["kind"] == "delivered", "item"]) & cohort
    needs = ref["delivered"] + ref["reused"]
    out: dict[str, Any] = {
        "staff_cost_per_year": staff / years,
        "cost_per_need_met": (staff + sum(non_staff.get(i, 0.0) for i in delivered)) / needs,
    }
    dup = ref["duplicate_items"] & cohort
    builds = ev[(ev["kind"] == "stage_end") & (ev["stage"] == "build") & ev["item"].isin(dup)]
    out["duplicate_build_cost"] = float((builds["amount"] * builds["unit"].map(rates).fillna(0.0)).sum()
                                        + sum(non_staff.get(i, 0.0) for i in dup))
    funded = ev[(ev["kind"] == "funded") & (ev["week"] >= warmup)]
    total = funded["amount"].sum()
    rounds = funded.loc[funded["stage"] == "round", "amount"].sum()
    out["round_money_share"] = rounds / total if total else None
    # A year's money = what was left at its end + what was spent in it (from its start to its end).
    starts = sorted(set(ev.loc[ev["kind"] == "envelope", "week"]))
    ends = ev[ev["kind"].isin(["lapsed", "carried"]) & (ev["week"] > warmup) & (ev["week"] <= horizon)]
    spent = ev[ev["kind"] == "spent"]
    unspent = available = 0.0
    for (stream, week), left in ends.groupby(["what", "week"])["amount"].sum().items():
        start = max(s for s in starts if s < week)
        inside = spent[(spent["what"] == stream) & (spent["week"] >= start) & (spent["week"] < week)]
        unspent += left
        available += left + inside["amount"].sum()
    out["envelope_unspent_share"] = unspent / available if available > 0 else None
    return out


def summarise(values: list[float]) -> tuple[float, float, float]:
    v = np.asarray(values, dtype=float)
    return float(v.mean()), float(np.median(v)), float(np.percentile(v, 90))
