"""What each initiative costs beyond staff time, and its board's choice of money, drawn before the run.

Both come from the run's own `costs` stream, after the demand is known and before
any operating model acts, so every operating model run with a seed sees the same
prices and the same choices (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orgsim.config.money import ANY_UNIT, Money
from orgsim.domain.distributions import sample
from orgsim.domain.initiative import Initiative


@dataclass(frozen=True)
class Costs:
    """Per initiative id: pounds of non-staff cost, and a uniform draw for its board's choice."""

    non_staff: dict[int, float]
    choice: dict[int, float]


def draw_costs(money: Money, items: list[Initiative], rng: np.random.Generator) -> Costs:
    """Choices first (one uniform per item, in list order), then non-staff costs theme by theme."""
    ids = [it.id for it in items]
    choice = dict(zip(ids, rng.random(len(items)).tolist()))
    cost = np.zeros(len(items))
    themes = np.array([it.theme for it in items], dtype=object)
    for theme in sorted(set(themes.tolist())):
        dist = money.non_staff_cost.get(theme, money.non_staff_cost.get(ANY_UNIT))
        if dist is None:
            continue
        mask = themes == theme
        cost[mask] = sample(dist, rng, int(mask.sum()))
    return Costs(dict(zip(ids, cost.tolist())), choice)


@dataclass(frozen=True)
class Prices:
    """What the cost outcomes need beyond the records: pounds per unit-week of headcount of every unit a run
    had, and each initiative's non-staff cost."""

    rates: dict[str, float]
    non_staff: dict[int, float]
