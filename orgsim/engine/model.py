"""OrgModel: where Mesa (agents, data collection) meets SimPy (the only clock)."""

from __future__ import annotations

import gc
from collections.abc import Generator
from functools import partial
from typing import Any

import mesa
import numpy as np
import simpy

from orgsim.config.plan import Plan, UnitPlan
from orgsim.domain.demand import generate
from orgsim.domain.initiative import Initiative
from orgsim.mechanisms.journey import choose_route, journey
from orgsim.mechanisms.portfolio import Portfolio
from orgsim.mechanisms.streams import Streams, Uniforms
from orgsim.mechanisms.team import Pool, Tally
from orgsim.mechanisms.world import World

# Named random streams, spawned from one SeedSequence in this fixed order.
STREAMS = ("demand", "gates", "handoffs", "detection", "mesa")


def streams(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(s) for name, s in zip(STREAMS, children)}


class OrgUnit(mesa.Agent):  # type: ignore[misc]
    """An organisation unit: its teams are SimPy pools, its maturity grows with adoption."""

    def __init__(self, model: OrgModel, plan: UnitPlan) -> None:
        super().__init__(model)
        self.name, self.kind = plan.name, plan.kind
        self.maturity = plan.maturity
        self.pools: dict[str, Pool] = {}


class OrgModel(mesa.Model):  # type: ignore[misc]
    """One run of one operating model on one seed's demand."""

    def __init__(self, plan: Plan, seed: int) -> None:
        rngs = streams(seed)
        super().__init__(rng=rngs["mesa"])
        self.plan, self.seed = plan, seed
        self.env = simpy.Environment()
        self.raw: list[tuple[Any, ...]] = []
        append = self.raw.append

        def rec(*fields: Any) -> None:
            append(fields)

        self.units = {u.name: OrgUnit(self, u) for u in plan.units.values()}
        self.ics = self.agents.select(lambda a: a.kind == "ics")  # a Mesa AgentSet
        self.tally = Tally()
        pools = self._pools(rec)
        portfolios = {u.portfolio: Portfolio(u.portfolio, plan.p_detect[u.portfolio])
                      for u in plan.units.values()}
        draws = Streams(Uniforms(rngs["gates"]), Uniforms(rngs["handoffs"]), Uniforms(rngs["detection"]))
        self.world = World(self.env, plan, rec, draws, dict(self.units), pools, portfolios)
        self.initiatives: list[Initiative] = generate(plan.scenario, rngs["demand"])
        self.datacollector = mesa.DataCollector(model_reporters=_reporters())
        for item in self.initiatives:  # a timeout from week 0 lands exactly on the arrival week
            self.env.timeout(item.arrival_week).callbacks.append(partial(self._arrive, item))
        self.env.process(self._sample())

    def _pools(self, rec: Any) -> dict[tuple[str, str], Pool]:
        pools: dict[tuple[str, str], Pool] = {}
        for u in self.plan.units.values():
            productivity = 1.0 - u.overhead
            for f, people in u.teams.items():
                if people > 0:
                    pools[(u.name, f)] = Pool(self.env, u.name, f, people, 1.0, productivity, rec,
                                                self.tally)
        for t in self.plan.teams.values():
            productivity = 1.0 - self.plan.units[t.unit].overhead
            pools[(t.unit, t.name)] = Pool(self.env, t.unit, t.name, t.count * t.wip_limit,
                                           t.people / t.wip_limit, productivity, rec, self.tally)
        for (unit, _), pool in pools.items():
            self.units[unit].pools[pool.name] = pool
        return pools

    def _arrive(self, item: Initiative, _: simpy.Event) -> None:
        self.env.process(journey(self.world, item, choose_route(self.plan.routes, item)))

    def _sample(self) -> Generator[simpy.Event, Any, None]:
        step = self.plan.scenario.sample_every_weeks
        while True:
            self.datacollector.collect(self)
            yield self.env.timeout(step)

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
        enabled = gc.isenabled()
        gc.disable()
        try:
            self.env.run(until=week)
        finally:
            if enabled:
                gc.enable()

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


def _reporters() -> dict[str, Any]:
    """The weekly series; a string names a model attribute, Mesa's cheapest reporter."""
    return {
        "week": lambda m: m.env.now,
        "wip": lambda m: m.world.in_system,
        "delivered": lambda m: m.world.finished["delivered"],
        "reused": lambda m: m.world.finished["reused"],
        "rejected": lambda m: m.world.finished["rejected"],
        "waiting_for_decision": lambda m: sum(len(f) for f in m.world.forums.values()),
        "waiting_for_staff": lambda m: m.tally.waiting,
        "staff_busy": lambda m: m.tally.busy,
        "mean_ics_maturity": lambda m: float(m.ics.agg("maturity", np.mean)) if len(m.ics) else 0.0,
    }
