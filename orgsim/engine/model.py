"""OrgModel: where Mesa (agents, data collection) meets SimPy (the only clock)."""

from __future__ import annotations

from collections.abc import Generator
from functools import partial
from typing import Any, cast

import mesa
import numpy as np
import simpy

from orgsim.config.plan import (
    DemandPlan,
    ForumPlan,
    InterventionPlan,
    MoneyPlan,
    Plan,
    StaffPlan,
    SwitchPlan,
    UnitPlan,
)
from orgsim.domain.collector import paused
from orgsim.domain.costs import Costs, draw_costs
from orgsim.domain.demand import generate
from orgsim.domain.initiative import Initiative
from orgsim.domain.records import INTERVENTION, Record, regroup
from orgsim.domain.surges import apply_changes
from orgsim.mechanisms import interventions
from orgsim.mechanisms.journey import choose_route, journey
from orgsim.mechanisms.money import Treasury
from orgsim.mechanisms.portfolio import Portfolio
from orgsim.mechanisms.streams import Streams, Uniforms
from orgsim.mechanisms.team import Pool, Tally
from orgsim.mechanisms.world import World

# Named random streams, spawned from one SeedSequence in this fixed order (new ones go last,
# so that adding a stream never changes the others).
STREAMS = ("demand", "gates", "handoffs", "detection", "mesa", "interventions", "costs", "funding")


def seeds(seed: int) -> dict[str, np.random.SeedSequence]:
    return dict(zip(STREAMS, np.random.SeedSequence(seed).spawn(len(STREAMS))))


class OrgUnit(mesa.Agent):  # type: ignore[misc]
    """An organisation unit: its maturity grows with adoption (its teams are `world.pools`)."""

    def __init__(self, model: OrgModel, plan: UnitPlan) -> None:
        super().__init__(model)
        self.name, self.kind = plan.name, plan.kind
        self.maturity = plan.maturity


class OrgModel(mesa.Model):  # type: ignore[misc]
    """One run of one operating model on one seed's demand."""

    def __init__(self, plan: Plan, seed: int) -> None:
        with paused():  # building allocates thousands of objects, none of them garbage
            self._build(plan, seed)

    def _build(self, plan: Plan, seed: int) -> None:
        roots = seeds(seed)
        rngs = {name: np.random.default_rng(s) for name, s in roots.items()}
        super().__init__(rng=rngs["mesa"])
        self.plan, self.seed = plan, seed
        self.env = simpy.Environment()
        self.log: list[Any] = []  # every record's values end to end (`records` regroups them)
        rec = self.log.extend  # called once per record: a bound method costs no Python frame
        self.units = {u.name: OrgUnit(self, u) for u in plan.units.values()}
        self.ics = self.agents.select(lambda a: a.kind == "ics")  # a Mesa AgentSet
        self.tally = Tally()
        self._rec = rec
        self._dips: list[float] = []  # productivity dips of reorganisations under way
        pools = {key: self._pool(*key, spec) for key, spec in interventions.pool_specs(plan).items()}
        portfolios = {u.portfolio: Portfolio(u.portfolio, plan.p_detect[u.portfolio])
                      for u in plan.units.values()}
        draws = Streams(Uniforms(rngs["gates"]), Uniforms(rngs["handoffs"]), Uniforms(rngs["detection"]))
        self.world = World(self.env, plan, rec, draws, dict(self.units), pools, portfolios,
                           self.tally)
        self.initiatives: list[Initiative] = apply_changes(
            generate(plan.scenario, rngs["demand"]), plan.scenario,
            [iv for iv in plan.timeline if isinstance(iv, DemandPlan)], roots["interventions"])
        self.datacollector = Weekly(_reporters())
        self._maturity = 0.0  # mean ICS maturity at the last sample that found it changed
        for iv in plan.timeline:  # before arrivals: an intervention at week w acts before them
            self.env.timeout(iv.week).callbacks.append(partial(self._intervene, iv))
        self.costs = self._money(plan, rngs)
        timeout, arrive = self.env.timeout, self._arrive
        for item in self.initiatives:  # a timeout from week 0 lands exactly on the arrival week
            timeout(item.arrival_week, item).callbacks.append(arrive)  # its value is the item
        self.env.process(self._sample())

    def _money(self, plan: Plan, rngs: dict[str, np.random.Generator]) -> Costs | None:
        """Prices and choices drawn before the run, and the accounts (only when the scenario has money).

        Year ends come after the timeline's interventions of the same week, and before arrivals.
        """
        money = plan.scenario.money
        if money is None:
            return None
        costs = draw_costs(money, self.initiatives, rngs["costs"])
        self.world.non_staff = costs.non_staff
        if money.streams:
            self.world.money = Treasury(self.env, money, plan.scenario.ics_names(), self._rec,
                                        Uniforms(rngs["funding"]), plan.scenario.horizon_weeks,
                                        costs.choice)
        return costs

    def _pool(self, unit: str, name: str, spec: interventions.PoolSpec) -> Pool:
        return Pool(self.env, unit, name, spec[0], spec[1], spec[2], self._rec, self.tally)

    def _unit(self, plan: UnitPlan) -> OrgUnit:
        unit = self.units[plan.name] = OrgUnit(self, plan)
        return unit

    def intervene(self, iv: InterventionPlan) -> None:
        """Apply `iv` now, whatever its week (a workshop deciding during play).

        Demand changes are drawn before the run, so they can only come from the
        scenario's timeline.
        """
        if isinstance(iv, DemandPlan):
            raise ValueError("a demand change must be in the scenario's timeline")
        self._intervene(iv, None)

    def _intervene(self, iv: InterventionPlan, _: simpy.Event | None) -> None:
        self._rec((self.env.now, INTERVENTION, -1, "", iv.label, 0.0, iv.kind))
        if isinstance(iv, StaffPlan):
            interventions.change_staff(self.world, iv, self._pool)
        elif isinstance(iv, ForumPlan):
            interventions.change_forum(self.world, iv)
        elif isinstance(iv, MoneyPlan):
            if self.world.money is not None:
                self.world.money.change(iv.change)
        elif isinstance(iv, SwitchPlan):
            interventions.switch(self.world, iv, self._pool, self._unit)
            if iv.dip > 0.0 and iv.duration_weeks > 0.0:
                self._dips.append(iv.dip)
                self.env.timeout(iv.duration_weeks).callbacks.append(partial(self._recover, iv.dip))
        self._set_pace()  # demand was changed before the run

    def _recover(self, dip: float, _: simpy.Event) -> None:
        self._dips.remove(dip)
        self._set_pace()

    def _set_pace(self) -> None:
        """Productivity of every team: less its unit's planning overhead and any reorganisation dip.

        Work started during a dip goes slower; work in hand keeps its pace.
        """
        factor = float(np.prod([1.0 - d for d in self._dips]))
        for (unit, _), pool in self.world.pools.items():
            plan = self.world.plan.units.get(unit)
            pool.productivity = (1.0 - (plan.overhead if plan is not None else 0.0)) * factor

    def _arrive(self, arrival: simpy.Timeout) -> None:
        item = cast(Initiative, arrival.value)
        self.env.process(journey(self.world, item, choose_route(self.world.plan.routes, item)))

    def _sample(self) -> Generator[simpy.Event, Any, None]:
        step = self.plan.scenario.sample_every_weeks
        while True:
            self.datacollector.collect(self)
            yield self.env.timeout(step)

    def mean_ics_maturity(self) -> float:
        """Mean maturity of the ICSs, recomputed only when an adoption changed it.

        NumPy was the costliest part of a sample, and most weeks see no adoption. The sum
        is NumPy's (pairwise), as `np.mean`'s is, so the figure is exactly `np.mean`'s.
        """
        if self.world.matured:
            self.world.matured = False
            values = np.array([u.maturity for _, u in self.world.ics])  # in name order
            self._maturity = float(np.add.reduce(values)) / len(values) if len(values) else 0.0
        return self._maturity

    def run(self) -> None:
        """Run to the horizon (an event at exactly the horizon is not processed)."""
        self.advance(self.plan.scenario.horizon_weeks)
        self.datacollector.collect(self)

    def step(self) -> None:
        """One week forward: what Mesa's visualisation calls on play and step."""
        self.advance(self.env.now + 1.0)

    def advance(self, week: float) -> None:
        """Process every event before `week` (never past the horizon).

        The cyclic garbage collector is paused meanwhile: a run makes many short-lived
        cycles (processes and their events) and collecting them mid-run costs about a
        tenth of the time; they are collected as usual afterwards.
        """
        week = min(week, self.plan.scenario.horizon_weeks)
        if week <= self.env.now:
            return
        with paused():
            self.env.run(until=week)

    def records(self, start: int = 0) -> list[Record]:
        """The records so far, from the `start`-th on."""
        return regroup(self.log, start)

    @property
    def finished(self) -> bool:
        return self.env.now >= self.plan.scenario.horizon_weeks

    def release(self) -> None:
        """Let this model be freed: Mesa 3.3 keeps every model as a key of `Agent._ids`."""
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)

    def events_processed(self) -> int:
        """SimPy events processed so far (scheduled minus still pending)."""
        scheduled = int(repr(self.env._eid)[6:-1])  # itertools.count repr: count(N)
        return scheduled - len(self.env._queue)


class Weekly(mesa.DataCollector):  # type: ignore[misc]
    """Mesa's DataCollector, collecting without Mesa's per-value dispatch and deep copy.

    Every reporter here is a function returning a plain number, so calling each and
    appending the result gives the same table; Mesa's generic `collect` made sampling
    about a seventh of a run.
    """

    def __init__(self, reporters: dict[str, Any]) -> None:
        super().__init__(model_reporters=reporters)
        self._columns = [(self.model_vars[name], fn) for name, fn in reporters.items()]

    def collect(self, model: Any) -> None:
        for values, reporter in self._columns:
            values.append(reporter(model))


def _reporters() -> dict[str, Any]:
    """The weekly series; a string names a model attribute, Mesa's cheapest reporter."""
    return {
        "week": lambda m: m.env.now,
        "wip": lambda m: m.world.in_system,
        "delivered": lambda m: m.world.finished["delivered"],
        "reused": lambda m: m.world.finished["reused"],
        "rejected": lambda m: m.world.finished["rejected"],
        "waiting_for_decision": lambda m: m.tally.deciding,
        "waiting_for_staff": lambda m: m.tally.waiting,
        "staff_busy": lambda m: m.tally.busy,
        "mean_ics_maturity": lambda m: m.mean_ics_maturity(),
    }
