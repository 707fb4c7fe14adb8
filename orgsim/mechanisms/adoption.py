"""Adoption: a delivered national product spreads to the ICSs (MODEL.md §4, Adoption)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from orgsim.domain.initiative import Initiative
from orgsim.domain.records import ADOPTED
from orgsim.mechanisms.world import World


def adoption_lag(maturity: float, min_weeks: float, max_weeks: float) -> float:
    """Weeks from delivery to adoption: `min_weeks` when fully mature, `max_weeks` at zero."""
    return min_weeks + (max_weeks - min_weeks) * (1.0 - maturity)


def adopt(w: World, item: Initiative) -> Generator[Any, Any, None]:
    """Each ICS adopts after its lag (set by its maturity at delivery) and grows more mature."""
    spec = w.plan.scenario.adoption
    env, start, horizon = w.env, w.env.now, w.plan.scenario.horizon_weeks
    key = item.capability_key
    lags = sorted((adoption_lag(u.maturity, spec.min_weeks, spec.max_weeks), name)
                  for name, u in w.ics.items())
    for lag, name in lags:
        if start + lag > horizon:
            return
        if start + lag > env.now:
            yield env.timeout(start + lag - env.now)
        unit = w.ics[name]
        unit.maturity = min(1.0, unit.maturity + spec.maturity_gain)
        w.rec(env.now, ADOPTED, item.id, name, key, 0.0, "")
