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
    env, rec, now, horizon = w.env, w.rec, w.env.now, w.plan.scenario.horizon_weeks
    start, ident, key, gain = now, item.id, item.capability_key, spec.maturity_gain
    lags = sorted((adoption_lag(u.maturity, spec.min_weeks, spec.max_weeks), name, u)
                  for name, u in w.ics.items())  # names are unique: units are never compared
    for lag, name, unit in lags:  # several ICSs often share a lag: one timeout serves them all
        at = start + lag
        if at > horizon:
            return
        if at > now:
            yield env.timeout(at - now)
            now = env.now
        maturity = unit.maturity + gain
        unit.maturity = maturity if maturity < 1.0 else 1.0  # min(1.0, maturity), without a call
        rec(now, ADOPTED, ident, name, key, 0.0, "")
