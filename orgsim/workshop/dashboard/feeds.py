"""Where the dashboard's records come from, one week at a time: a live run or a recorded one.

Both give the records of the weeks before `week` in the order the engine wrote
them, so a `Tracker` cannot tell them apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from orgsim.config.plan import InterventionPlan, Plan, SwitchPlan
from orgsim.domain.records import COLUMNS, WIDTH
from orgsim.engine.model import OrgModel
from orgsim.engine.run import pool_infos, prices
from orgsim.workshop.dashboard.costs import Pricing, Spend
from orgsim.workshop.dashboard.decisions import InForce, in_force
from orgsim.workshop.dashboard.tracker import Tracker
from orgsim.workshop.rundata import ICS_NODE, RunData

Rec = tuple[Any, ...]


class Feed(Protocol):
    """One operating model's run as the dashboard steps through it."""

    name: str
    seed: int | None
    horizon: float
    tracker: Tracker
    ics_prefix: str
    decided: dict[int, str]  # which of `tracker.notes` were decisions taken during play -> what each did
    has_money: bool  # whether money moves in the run (a scenario with a money block)
    spend: Spend  # its costs as last measured (`orgsim.workshop.dashboard.costs`)

    @property
    def week(self) -> float: ...

    @property
    def model_now(self) -> str:
        """The operating model in force now (the run's own until a reorganisation)."""
        ...

    @property
    def nodes(self) -> list[str]:
        """Organisations in force now, as drawn, the ICSs first."""
        ...

    @property
    def forums(self) -> list[str]:
        """Forums in force now."""
        ...

    def advance(self) -> Sequence[Rec]:
        """Move one week on; the records of that week, in the order they were written."""
        ...

    @property
    def finished(self) -> bool: ...

    def node(self, unit: str) -> str:
        """The organisation `unit` is drawn as (every ICS is `ICSs`)."""
        ...

    def rows(self) -> Iterable[Sequence[Any]]:
        """Every record so far, in the order written."""
        ...

    def pricing(self) -> Pricing | None:
        """What measuring its costs needs beyond the records (None: it cannot be measured)."""
        ...

    def close(self) -> None: ...


def label(name: str) -> str:
    """`two_tier_model` -> `Two tier model`; a file path keeps only its stem."""
    text = name.rsplit("/", 1)[-1].removesuffix(".yaml").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def node_of(ics_prefix: str) -> Callable[[str], str]:
    """Units as drawn: every ICS is the one node `ICSs`."""
    pattern = re.compile(rf"{re.escape(ics_prefix)}\d+")
    return lambda unit: ICS_NODE if pattern.fullmatch(unit) else unit


def _nodes(units: list[str], node: Callable[[str], str]) -> list[str]:
    """Distinct nodes, the ICSs first."""
    return sorted(dict.fromkeys(node(u) for u in units if u), key=lambda n: n != ICS_NODE)


class LiveFeed:
    """An `OrgModel` stepped one week at a time (the engine's own `step`), taking decisions between weeks.

    Args:
        plan: What to run.
        seed: Root seed.
        name: What the run is called on the page (default: its operating model).
    """

    def __init__(self, plan: Plan, seed: int, name: str = "") -> None:
        self.name, self.plan = name or plan.model, plan
        self.seed: int | None = seed
        self.model = OrgModel(plan, seed)
        sc = plan.scenario
        self.ics_prefix = sc.ics.prefix if sc.ics is not None else "ICS"
        node = self._node = node_of(self.ics_prefix)
        self.horizon = float(sc.horizon_weeks)
        keys = {it.id: it.capability_key for it in self.model.initiatives}
        self.tracker = Tracker(keys, float(sc.warmup_weeks), self.horizon, node)
        self.has_money, self.spend = sc.money is not None, Spend()
        self.decided: dict[int, str] = {}
        self.applied: list[InterventionPlan] = []  # scripted and decided, in the order they acted
        self.entries: list[dict[str, Any]] = []  # the decisions as timeline entries, for saving
        self._script = list(plan.timeline)
        self._seen = 0

    @property
    def week(self) -> float:
        return float(self.model.env.now)

    @property
    def finished(self) -> bool:
        return bool(self.model.finished)

    @property
    def model_now(self) -> str:
        return self.in_force().plan.model

    @property
    def nodes(self) -> list[str]:
        return _nodes(list(self.in_force().plan.units), self._node)

    @property
    def forums(self) -> list[str]:
        return list(self.in_force().plan.forums)

    def in_force(self) -> InForce:
        """How the run is organised now, for checking a decision against it."""
        return in_force(self.plan, self.applied)

    def node(self, unit: str) -> str:
        return self._node(unit)

    def rows(self) -> Iterable[Sequence[Any]]:
        values = iter(self.model.log[:])  # the records laid end to end (`records.regroup`)
        return zip(*[values] * WIDTH)

    def pricing(self) -> Pricing | None:
        """The prices drawn before the run, and the rates of every unit a reorganisation brought in."""
        costs = self.model.costs
        if costs is None:
            return None
        priced = prices(self.plan, costs.non_staff, self.applied)
        return None if priced is None else Pricing(self.model.initiatives, pool_infos(self.model), priced)

    def undone_by(self) -> SwitchPlan | None:
        """The scenario's reorganisation due in the coming step, if any.

        A reorganisation rebuilds the organisation from the scenario, so it undoes
        whatever was decided since the last one (docs/configuration.md, timeline).
        """
        return next((iv for iv in self._script
                     if isinstance(iv, SwitchPlan) and iv.week < self.week + 1.0), None)

    def decide(self, iv: InterventionPlan, entry: dict[str, Any], did: str) -> None:
        """Apply `iv` now; its records reach the tracker at once, so the page shows it before a step.

        Args:
            iv: The decision, checked.
            entry: It as a scenario's timeline entry, so a saved session plays it again.
            did: What it does, in words (the log shows it beside the label the room typed).
        """
        self.model.intervene(iv)
        self.applied.append(iv)
        self.entries.append(entry)
        self.tracker.take(self._new())
        self.decided[len(self.tracker.notes) - 1] = did

    def advance(self) -> Sequence[Rec]:
        self.model.step()
        while self._script and self._script[0].week < self.week:  # acted during the step
            self.applied.append(self._script.pop(0))
        return self._new()

    def _new(self) -> Sequence[Rec]:
        new = self.model.records(self._seen)
        self._seen += len(new)
        return new

    def close(self) -> None:
        self.model.release()


class ReplayFeed:
    """A recorded run read back week by week: nothing is simulated."""

    def __init__(self, run: RunData) -> None:
        self.name, self.run, self.seed = run.model, run, run.seed
        self.model_now = run.model  # a recording does not say when it was reorganised
        self.horizon = run.horizon
        self.decided: dict[int, str] = {}  # a recording cannot tell scripted from decided
        self.week = 0.0
        ev = run.events
        self._rows: list[Rec] = list(ev[list(COLUMNS)].itertuples(index=False, name=None))
        self._next = 0
        self.ics_prefix = run.ics_prefix
        node = node_of(run.ics_prefix)
        handed = ev.loc[ev["kind"] == "handoff", "what"].tolist()
        self.nodes = _nodes(ev.loc[ev["item"] >= 0, "unit"].drop_duplicates().tolist() + handed, node)
        queued = ev.loc[ev["kind"] == "gate_queued", "what"].str.split("@").str[0]
        self.forums = list(dict.fromkeys(queued))
        keys = {int(i): str(k) for i, k in zip(run.items["id"], run.items["capability_key"])}
        self.tracker = Tracker(keys, run.warmup, run.horizon, node)
        self._node = node
        self.has_money, self.spend = run.has_money, Spend()

    @property
    def finished(self) -> bool:
        return self.week >= self.horizon

    def node(self, unit: str) -> str:
        return self._node(unit)

    def rows(self) -> Iterable[Sequence[Any]]:
        return self._rows[:self._next]

    def pricing(self) -> Pricing | None:
        run = self.run
        if run.prices is None or run.pools is None:
            return None
        return Pricing(run.items, run.pools, run.prices)

    def advance(self) -> Sequence[Rec]:
        if self.finished:
            return []
        self.week = min(self.week + 1.0, self.horizon)
        end, rows = self._next, self._rows
        last = self.finished  # the last week also takes any record written at the horizon itself
        while end < len(rows) and (last or rows[end][0] < self.week):
            end += 1
        new, self._next = rows[self._next:end], end
        return new

    def close(self) -> None:
        """Nothing to release: a recording holds no engine."""
