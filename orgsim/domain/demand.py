"""Demand: the initiatives of a run, drawn before any operating model acts.

Only the scenario and the demand stream decide them, so every operating model
run with the same seed receives exactly the same initiatives (common random
numbers).
"""

from __future__ import annotations

from itertools import repeat
from typing import Any, Literal

import numpy as np

from orgsim.config.scenario import Scenario
from orgsim.domain.distributions import sample
from orgsim.domain.initiative import Initiative
from orgsim.domain.sums import left_sum

Arrival = tuple[float, int, str]  # week, source order, origin
Fields = tuple[Any, ...]  # an initiative's fields after the id, before the derived ones
FUNDING: tuple[Literal["revenue"], Literal["capital"]] = ("revenue", "capital")  # by "is capital"


def sources(sc: Scenario) -> list[tuple[str, float]]:
    """Every unit that raises arrivals, with its rate per week, in a fixed order."""
    out = [(n, sc.demand.ics_rate_per_week) for n in sc.ics_names()]
    weights = sc.demand.national_origins
    total = left_sum(weights.values())
    return out + [(n, sc.demand.national_rate_per_week * w / total) for n, w in weights.items()]


def arrivals(rates: list[tuple[str, float]], start: float, end: float,
             rng: np.random.Generator) -> list[Arrival]:
    """Poisson arrivals of every source between `start` and `end`, source by source."""
    out: list[Arrival] = []
    for order, (origin, rate) in enumerate(rates):
        count = rng.poisson(rate * (end - start))
        weeks = rng.uniform(start, end, count)
        weeks.sort()
        out += [(w, order, origin) for w in weeks.tolist()]
    return sorted(out)


def generate(sc: Scenario, rng: np.random.Generator) -> list[Initiative]:
    """All initiatives of a run, ordered by arrival week; ids count from 0 in that order."""
    found = arrivals(sources(sc), 0.0, sc.horizon_weeks, rng) if sc.demand.generate else []
    fields = draw(sc, found, list(sc.themes), rng)
    if sc.demand.schedule:
        fields = _with_schedule(sc, found, fields)
    return build(sc, fields, 0)


def _with_schedule(sc: Scenario, found: list[Arrival], fields: list[Fields]) -> list[Fields]:
    """The drawn `fields` and the scheduled initiatives, by week; in a week, scheduled ones first."""
    functions = sorted(sc.demand.effort)
    keyed = [((a[0], a[1]), f) for a, f in zip(found, fields)]
    keyed += [((s.week, -1), (s.origin, s.week, s.theme, s.variant,
                              tuple((f, float(s.effort.get(f, 0.0))) for f in functions),
                              s.value_per_week, s.national_candidate, s.funding, s.priority))
              for s in sc.demand.schedule]
    keyed.sort(key=lambda r: r[0])  # stable: scheduled items keep their order
    return [f for _, f in keyed]


def draw(sc: Scenario, found: list[Arrival], names: list[str], rng: np.random.Generator) -> list[Fields]:
    """The attributes of `found` arrivals, whose themes are drawn among `names`.

    Attributes are drawn a column at a time, each column from the stream in a
    fixed order, and only then put together item by item.
    """
    n = len(found)
    themes = [sc.themes[t] for t in names]
    weights = np.array([t.weight for t in themes])
    theme_idx = rng.choice(len(names), size=n, p=weights / weights.sum())
    unit = rng.random(n)
    weeks = np.array([a[0] for a in found], dtype=float)
    life = sc.demand.capability_lifetime_weeks
    drift = weeks / life if life else np.zeros(n)  # lifetimes passed, in units of a theme's variants
    variant = ((unit + drift) * np.array([t.variants for t in themes])[theme_idx]).astype(int)
    scale = np.array([t.effort_scale for t in themes], dtype=float)[theme_idx]
    functions = sorted(sc.demand.effort)
    effort = [(sample(sc.demand.effort[f], rng, n) * scale).tolist() for f in functions]
    # Each item's ((function, person-weeks), ...), zipped column by column (no Python loop).
    pairs = zip(*[zip(repeat(f), column) for f, column in zip(functions, effort)]) if effort else [()] * n
    value = np.zeros(n)
    for t, name in enumerate(names):
        mask = theme_idx == t
        value[mask] = sample(sc.themes[name].value_per_week, rng, int(mask.sum()))
    p_nat = np.array([t.p_national for t in themes], dtype=float)[theme_idx]
    p_cap = np.array([t.p_capital for t in themes], dtype=float)[theme_idx]
    national, capital = rng.random(n) < p_nat, rng.random(n) < p_cap
    priority = rng.random(n) < sc.demand.p_priority
    rows = zip(found, [names[t] for t in theme_idx.tolist()], variant.tolist(), pairs,
               value.tolist(), national.tolist(), capital.tolist(), priority.tolist())
    return [(origin, week, theme, v, e, val, nat, FUNDING[cap], pri)
            for (week, _, origin), theme, v, e, val, nat, cap, pri in rows]


def build(sc: Scenario, fields: list[Fields], first_id: int) -> list[Initiative]:
    """Initiatives from drawn fields, numbered from `first_id` in the order given."""
    ics = set(sc.ics_names())
    new = Initiative.new
    return [new(i, origin, "ics" if origin in ics else "national", week, theme, v, e, val, nat,
                fund, pri)
            for i, (origin, week, theme, v, e, val, nat, fund, pri) in enumerate(fields, start=first_id)]
