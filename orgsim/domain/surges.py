"""Demand changes of a scenario's timeline: surges add arrivals, lulls drop some.

The baseline initiatives are drawn first, from the demand stream, exactly as
without the changes. Each change then draws only from its own stream (named by
its place in the timeline), so a run with the changes keeps every baseline
initiative it does not drop, with the same id and attributes: "with" and
"without" runs are paired.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from orgsim.config.operating_model import ALL_ICS
from orgsim.config.plan import DemandPlan
from orgsim.config.scenario import Scenario
from orgsim.domain.demand import arrivals, build, draw, sources
from orgsim.domain.initiative import Initiative
from orgsim.domain.sums import left_sum


def apply_changes(items: list[Initiative], sc: Scenario, changes: Sequence[DemandPlan],
                  root: np.random.SeedSequence) -> list[Initiative]:
    """`items` with every change applied, in arrival order; new items get ids after all others."""
    next_id = len(items)
    for change in changes:
        rng = np.random.default_rng(np.random.SeedSequence(root.entropy,
                                                           spawn_key=(*root.spawn_key, change.index)))
        keep = rng.random(len(items))  # one draw per item, whatever the change
        end = _end(change, sc)
        if change.change.factor < 1.0:
            items = [it for it, u in zip(items, keep.tolist())
                     if not (_matches(change, sc, it) and change.week <= it.arrival_week < end)
                     or u < change.change.factor]
        elif change.change.factor > 1.0:
            extra = _surge(change, sc, end, rng, next_id)
            next_id += len(extra)
            items = sorted(items + extra, key=lambda it: it.arrival_week)  # stable: baseline first
    return items


def _end(change: DemandPlan, sc: Scenario) -> float:
    d = change.change.duration_weeks
    return sc.horizon_weeks if d is None else min(sc.horizon_weeks, change.week + d)


def _origins(change: DemandPlan, sc: Scenario) -> set[str] | None:
    if change.change.origins is None:
        return None
    names = set(change.change.origins)
    return (names - {ALL_ICS}) | (set(sc.ics_names()) if ALL_ICS in names else set())


def _matches(change: DemandPlan, sc: Scenario, item: Initiative) -> bool:
    origins, themes = _origins(change, sc), change.change.themes
    return (origins is None or item.origin in origins) and (themes is None or item.theme in themes)


def _surge(change: DemandPlan, sc: Scenario, end: float, rng: np.random.Generator,
           first_id: int) -> list[Initiative]:
    """Extra arrivals of the chosen themes at (factor - 1) times their rate from each chosen source."""
    origins = _origins(change, sc)
    themes = change.change.themes or list(sc.themes)
    share = left_sum(sc.themes[t].weight for t in themes) / left_sum(t.weight for t in sc.themes.values())
    rates = [(n, r * share * (change.change.factor - 1.0)) for n, r in sources(sc)
             if origins is None or n in origins]
    found = arrivals(rates, change.week, end, rng) if sc.demand.generate else []
    return build(sc, draw(sc, found, themes, rng), first_id)
