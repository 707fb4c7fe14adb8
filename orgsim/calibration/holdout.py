"""Out-of-sample check: published figures the calibration never saw, predicted by its ensemble.

A held-out figure is named `people.UNIT`: the people of a unit under the observed
operating model, its headcount units (function and service teams) times the
scenario's `scale.people_per_unit`. Each member of the ensemble gives one
prediction (its parameters applied to the scenario); the weighted median and 90%
interval of those predictions stand beside the published value and its range.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from orgsim.calibration.summary import weighted_quantile
from orgsim.config.plan import Plan
from orgsim.config.yamlio import Source
from orgsim.experiments.points import plans

if TYPE_CHECKING:
    from orgsim.calibration.load import Setup

COLUMNS = ["figure", "observed", "low", "high", "predicted", "predicted_low", "predicted_high",
           "overlaps", "source"]
PREFIX = "people."


def people(plan: Plan, unit: str) -> float:
    """People in `unit` (a scenario unit, followed into whatever absorbed it)."""
    name = plan.unit_of(unit)
    units = float(sum(plan.units[name].teams.values()))
    units += float(sum(t.people * t.count for t in plan.teams.values() if t.unit == name))
    return units * plan.scenario.scale.people_per_unit


def check(setup: Setup, src: Source) -> None:
    """Every held-out name is `people.UNIT` for a unit of the scenario (else an error at its line)."""
    cal, bases = setup.cal, setup.bases
    plan = plans(bases, setup.midpoint())[cal.model]
    for name in cal.holdout:
        unit = name[len(PREFIX):] if name.startswith(PREFIX) else None
        if unit is None or plan.unit_of(unit) not in plan.units:
            known = ", ".join(plan.scenario.organisations)
            raise src.error(("holdout", name), f"expected people.UNIT with a unit of the scenario "
                            f"({known}), found {name!r}")


def predict(setup: Setup, ensemble: pd.DataFrame) -> pd.DataFrame:
    """Each held-out figure beside the ensemble's weighted median and 90% interval of it."""
    cal = setup.cal
    if not cal.holdout:
        return pd.DataFrame(columns=COLUMNS)
    names = list(setup.parameters)
    predicted: dict[str, list[float]] = {n: [] for n in cal.holdout}
    for _, member in ensemble.iterrows():
        plan = plans(setup.bases, {n: float(member[n]) for n in names})[cal.model]
        for name in cal.holdout:
            predicted[name].append(people(plan, name[len(PREFIX):]))
    w = ensemble["weight"].to_numpy(dtype=float)
    rows = []
    for name, h in cal.holdout.items():
        x = pd.Series(predicted[name]).to_numpy(dtype=float)
        lo, mid, hi = (weighted_quantile(x, w, q) for q in (0.05, 0.5, 0.95))
        rows.append({"figure": name, "observed": h.observed, "low": h.low, "high": h.high,
                     "predicted": mid, "predicted_low": lo, "predicted_high": hi,
                     "overlaps": bool(lo <= h.high and h.low <= hi), "source": h.source})
    return pd.DataFrame(rows, columns=COLUMNS)
