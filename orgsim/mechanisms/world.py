"""The shared state the mechanisms act on during one run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import simpy

from orgsim.config.operating_model import Forum as ForumSpec
from orgsim.config.plan import ORIGIN, Plan
from orgsim.domain.initiative import Initiative
from orgsim.mechanisms.gate import Forum
from orgsim.mechanisms.money import Treasury
from orgsim.mechanisms.portfolio import Portfolio
from orgsim.mechanisms.streams import Streams
from orgsim.mechanisms.team import Pool, Rec, Tally


class Unit(Protocol):
    """What the mechanisms need of an organisation unit (the engine's Mesa agent)."""

    name: str
    kind: str
    maturity: float


@dataclass
class World:
    env: simpy.Environment
    plan: Plan
    rec: Rec
    streams: Streams
    units: dict[str, Unit]
    pools: dict[tuple[str, str], Pool]  # (unit, function or service team) -> pool
    portfolios: dict[str, Portfolio]
    tally: Tally  # shared by every pool and forum
    forums: dict[tuple[str, str], Forum] = field(default_factory=dict)
    waiting_on: dict[int, simpy.Event] = field(default_factory=dict)  # original -> its outcome
    waiting_for: dict[int, int] = field(default_factory=dict)  # waiting duplicate -> original
    outcome: dict[int, str] = field(default_factory=dict)
    finished: dict[str, int] = field(default_factory=lambda: {"delivered": 0, "reused": 0, "rejected": 0})
    in_system: int = 0
    seen: dict[int, list[str]] = field(default_factory=dict)  # item in flight -> portfolios it is in
    era: int = 0  # operating models switched to so far; journeys re-plan when it changes
    matured: bool = True  # an ICS's maturity may have changed since the last weekly sample
    money: Treasury | None = None  # funding streams and rounds (None: the run has no money in it)
    non_staff: dict[int, float] = field(default_factory=dict)  # item -> pounds beyond staff time
    ics: tuple[tuple[str, Unit], ...] = field(init=False)  # (name, unit) that adopt, by name
    forum_specs: dict[str, ForumSpec] = field(init=False)  # the plan's, as changed by interventions
    where: dict[str, str] = field(init=False)  # any unit name met so far -> the unit standing for it

    def __post_init__(self) -> None:
        self.ics = tuple((name, u) for name, u in sorted(self.units.items()) if u.kind == "ics")
        self.forum_specs = dict(self.plan.forums)
        self.where = dict(self.plan.aliases)

    def unit(self, name: str, item: Initiative) -> str:
        """Resolve a step's unit for `item` (`origin` becomes the unit standing for its origin)."""
        if name == ORIGIN:
            name = item.origin
        return self.where.get(name, name)

    def forum(self, name: str, item: Initiative) -> Forum:
        """The forum `name`; forums held by `origin` exist once per origin unit."""
        spec = self.forum_specs[name]
        unit = self.unit(spec.unit, item)
        key = (name, unit)
        found = self.forums.get(key)
        if found is None:
            label = name if spec.unit != ORIGIN else f"{name}@{unit}"
            found = self.forums[key] = Forum(self.env, label, unit, spec, self.streams.gates, self.rec,
                                               self.tally)
        return found

    def portfolio(self, unit: str) -> Portfolio:
        return self.portfolios[self.plan.units[unit].portfolio]
