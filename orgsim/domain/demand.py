"""Demand: the initiatives of a run, drawn before any operating model acts.

Only the scenario and the demand stream decide them, so every operating model
run with the same seed receives exactly the same initiatives (common random
numbers, MODEL.md §3).
"""

from __future__ import annotations

import numpy as np

from orgsim.config.scenario import Scenario
from orgsim.domain.distributions import sample
from orgsim.domain.initiative import Initiative

Arrival = tuple[float, int, str]  # week, source order, origin


def _arrivals(sc: Scenario, rng: np.random.Generator) -> list[Arrival]:
    """Poisson arrivals of every source over the horizon, in a fixed source order."""
    out: list[Arrival] = []
    sources = [(n, sc.demand.ics_rate_per_week) for n in sc.ics_names()]
    weights = sc.demand.national_origins
    total = sum(weights.values())
    sources += [(n, sc.demand.national_rate_per_week * w / total) for n, w in weights.items()]
    for order, (origin, rate) in enumerate(sources):
        count = rng.poisson(rate * sc.horizon_weeks)
        weeks = np.sort(rng.uniform(0.0, sc.horizon_weeks, count))
        out += [(float(w), order, origin) for w in weeks]
    return sorted(out)


def generate(sc: Scenario, rng: np.random.Generator) -> list[Initiative]:
    """All initiatives of a run, ordered by arrival week; ids count from 0 in that order."""
    arrivals = _arrivals(sc, rng) if sc.demand.generate else []
    n = len(arrivals)
    names = list(sc.themes)
    weights = np.array([t.weight for t in sc.themes.values()])
    theme_idx = rng.choice(len(names), size=n, p=weights / weights.sum())
    unit = rng.random(n)
    weeks = np.array([a[0] for a in arrivals], dtype=float)
    life = sc.demand.capability_lifetime_weeks
    drift = weeks / life if life else np.zeros(n)  # lifetimes passed, in units of a theme's variants
    variant = np.array([int((unit[i] + drift[i]) * sc.themes[names[t]].variants)
                        for i, t in enumerate(theme_idx)], dtype=int)
    scale = np.array([sc.themes[names[t]].effort_scale for t in theme_idx])
    functions = sorted(sc.demand.effort)
    effort = {f: sample(sc.demand.effort[f], rng, n) * scale for f in functions}
    value = np.zeros(n)
    for t, name in enumerate(names):
        mask = theme_idx == t
        value[mask] = sample(sc.themes[name].value_per_week, rng, int(mask.sum()))
    p_nat = np.array([sc.themes[names[t]].p_national for t in theme_idx])
    p_cap = np.array([sc.themes[names[t]].p_capital for t in theme_idx])
    national, capital = rng.random(n) < p_nat, rng.random(n) < p_cap
    priority = rng.random(n) < sc.demand.p_priority
    ics = set(sc.ics_names())
    fields = [
        (week, order, dict(
            origin=origin, arrival_week=week, theme=names[theme_idx[i]], variant=int(variant[i]),
            effort=tuple((f, float(effort[f][i])) for f in functions),
            value_per_week=float(value[i]), national_candidate=bool(national[i]),
            funding="capital" if capital[i] else "revenue", priority=bool(priority[i])))
        for i, (week, order, origin) in enumerate(arrivals)]
    fields += [(s.week, -1, dict(
        origin=s.origin, arrival_week=s.week, theme=s.theme, variant=s.variant,
        effort=tuple((f, float(s.effort.get(f, 0.0))) for f in functions),
        value_per_week=s.value_per_week, national_candidate=s.national_candidate,
        funding=s.funding, priority=s.priority)) for s in sc.demand.schedule]
    fields.sort(key=lambda r: (r[0], r[1]))  # stable: scheduled items keep their order
    return [Initiative(id=i, origin_kind="ics" if f["origin"] in ics else "national", **f)
            for i, (_, _, f) in enumerate(fields)]
