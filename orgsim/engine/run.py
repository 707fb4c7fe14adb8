"""`simulate`: one plan, one seed, one `RunResult` of records."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from orgsim.config.plan import InterventionPlan, Plan, SwitchPlan
from orgsim.domain.costs import Prices
from orgsim.domain.initiative import Initiative
from orgsim.domain.records import COLUMNS, WIDTH, Record, regroup
from orgsim.engine.model import OrgModel

ITEM_COLUMNS = ("id", "origin", "origin_kind", "arrival_week", "theme", "variant", "capability_key",
                "value_per_week", "national_candidate", "funding", "priority", "total_effort")


@dataclass(frozen=True)
class PoolInfo:
    unit: str
    pool: str
    people: float  # headcount in the pool at the start (interventions add `staffing` records)
    people_per_slot: float


@dataclass(frozen=True)
class RunResult:
    """Everything a run produced; metrics are computed from this, never during the run."""

    plan: Plan
    seed: int
    initiatives: tuple[Initiative, ...]
    records: tuple[Record, ...]
    pools: tuple[PoolInfo, ...]
    timeseries: pd.DataFrame
    events: int
    wall_seconds: float
    prices: Prices | None = None  # for the cost outcomes (None: the scenario has no money)

    def events_frame(self) -> pd.DataFrame:
        return pd.DataFrame.from_records(self.records, columns=list(COLUMNS))

    def pools_frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars(p) for p in self.pools],
                            columns=["unit", "pool", "people", "people_per_slot"])

    def initiatives_frame(self) -> pd.DataFrame:
        rows: list[dict[str, Any]] = []
        for it in self.initiatives:
            row = {"id": it.id, "origin": it.origin, "origin_kind": it.origin_kind,
                   "arrival_week": it.arrival_week, "theme": it.theme, "variant": it.variant,
                   "capability_key": it.capability_key, "value_per_week": it.value_per_week,
                   "national_candidate": it.national_candidate, "funding": it.funding,
                   "priority": it.priority, "total_effort": it.total_effort}
            row.update({f"effort_{f}": e for f, e in it.effort})
            rows.append(row)
        effort = [f"effort_{f}" for f in sorted(self.plan.scenario.demand.effort)]
        return pd.DataFrame(rows, columns=[*ITEM_COLUMNS, *effort])


def prices(plan: Plan, non_staff: dict[int, float] | None,
           applied: Iterable[InterventionPlan] | None = None) -> Prices | None:
    """The price per unit-week of headcount of every unit the run had: its own and those of the
    reorganisations `applied` (default: its timeline's)."""
    if plan.scenario.money is None:
        return None
    rates = dict(plan.rates)
    for iv in plan.timeline if applied is None else applied:
        if isinstance(iv, SwitchPlan):
            rates.update({u: r for u, r in iv.plan.rates.items() if u not in rates})
    return Prices(rates, non_staff or {})


def simulate(plan: Plan, seed: int | None = None) -> RunResult:
    """Run `plan` once. `seed` defaults to the scenario's."""
    run = simulate_flat(plan, seed)
    return RunResult(plan=plan, seed=run.seed, initiatives=run.initiatives,
                     records=tuple(regroup(run.log)), pools=run.pools, timeseries=run.timeseries,
                     events=run.events, wall_seconds=run.wall_seconds, prices=run.prices)


@dataclass(frozen=True)
class FlatRun:
    """What `simulate` gives, with the records left end to end in one list (`log`).

    A sweep reads each record once, unpacked; regrouping them into `Record`s first
    would cost a seventh of a run (measured in benchmarks/sweep.py's profile).
    """

    plan: Plan
    seed: int
    initiatives: tuple[Initiative, ...]
    log: list[Any]
    pools: tuple[PoolInfo, ...]
    timeseries: pd.DataFrame
    events: int
    wall_seconds: float
    prices: Prices | None = None  # for the cost outcomes (None: the scenario has no money)

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """The records as plain tuples, in the order they were made."""
        values = iter(self.log)
        return zip(*[values] * WIDTH)


def pool_infos(model: OrgModel) -> tuple[PoolInfo, ...]:
    """Who could work in `model` so far: every team with its people at the start."""
    return tuple(PoolInfo(p.unit, p.name, p.initial, p.pace) for p in model.world.pools.values())


def simulate_flat(plan: Plan, seed: int | None = None) -> FlatRun:
    """Run `plan` once, keeping the records as the model laid them out."""
    seed = plan.scenario.seed if seed is None else seed
    start = time.perf_counter()
    model = OrgModel(plan, seed)
    model.run()
    wall = time.perf_counter() - start
    pools = pool_infos(model)
    result = FlatRun(plan=plan, seed=seed, initiatives=tuple(model.initiatives), log=model.log,
                     pools=pools,
                     timeseries=model.datacollector.get_model_vars_dataframe().reset_index(drop=True),
                     events=model.events_processed(), wall_seconds=wall,
                     prices=prices(plan, model.costs.non_staff if model.costs else None))
    model.release()
    return result
