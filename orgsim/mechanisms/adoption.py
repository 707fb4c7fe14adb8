"""Adoption: a delivered national product spreads to the ICSs."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from orgsim.domain.initiative import Initiative
from orgsim.domain.records import ADOPTED
from orgsim.mechanisms.world import World


def adopt(w: World, item: Initiative) -> Generator[Any, Any, None]:
    """Each ICS adopts after its lag (set by its maturity at delivery) and grows more mature."""
    spec = w.plan.scenario.adoption
    env, rec, now, horizon = w.env, w.rec, w.env.now, w.plan.scenario.horizon_weeks
    start, ident, key, gain = now, item.id, item.capability_key, spec.maturity_gain
    # Lag: `min_weeks` when fully mature, `max_weeks` at zero (inline: a call per ICS costs more).
    low, span, units = spec.min_weeks, spec.max_weeks - spec.min_weeks, w.ics
    lags = [low + span * (1.0 - u.maturity) for _, u in units]
    w.matured = True
    # Shortest lag first; ties in name order (the sort is stable). Several ICSs often share
    # a lag: one timeout serves them all.
    for k in sorted(range(len(lags)), key=lags.__getitem__):
        at = start + lags[k]
        if at > horizon:
            return
        if at > now:
            yield env.timeout(at - now)
            now = env.now
            w.matured = True  # for this batch; the first is flagged before the loop
        name, unit = units[k]
        maturity = unit.maturity + gain
        unit.maturity = maturity if maturity < 1.0 else 1.0  # min(1.0, maturity), without a call
        rec((now, ADOPTED, ident, name, key, 0.0, ""))
