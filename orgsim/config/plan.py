"""The resolved plan the engine runs: a scenario under one operating model.

Everything here is checked, frozen and free of names that still need looking up
(except `origin`, which depends on the initiative).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from orgsim.config.money import MoneyChange
from orgsim.config.operating_model import Forum, OperatingModel, When
from orgsim.config.scenario import Scenario
from orgsim.config.timeline import DemandChange

ORIGIN = "origin"


@dataclass(frozen=True)
class UnitPlan:
    name: str
    kind: str
    teams: dict[str, int]  # function -> headcount left in function teams
    maturity: float
    overhead: float  # share of capacity spent on planning
    portfolio: str  # the portfolio this unit sees (its own name when not shared)

    @property
    def is_ics(self) -> bool:
        return self.kind == "ics"


@dataclass(frozen=True)
class TeamPlan:
    name: str
    unit: str
    count: int
    size: dict[str, int]
    wip_limit: int

    @property
    def people(self) -> int:
        return sum(self.size.values())


@dataclass(frozen=True)
class CheckPlan:
    unit: str
    reuse_function: str
    reuse_share: float


@dataclass(frozen=True)
class GatePlan:
    forum: str


@dataclass(frozen=True)
class StagePlan:
    unit: str
    functions: tuple[str, ...]
    share: float
    kind: Literal["assess", "build"]
    staff: int
    team: str | None
    label: str


@dataclass(frozen=True)
class HandoffPlan:
    to: str
    delay_weeks: float
    p_rework: float
    rework_fraction: float


StepPlan = CheckPlan | GatePlan | StagePlan | HandoffPlan


@dataclass(frozen=True)
class RoutePlan:
    name: str
    when: When
    scope: Literal["national", "local"]
    steps: tuple[StepPlan, ...]
    release_index: int  # delivery work is released once steps[:release_index] are done
    # `when` but for max_effort, as (initiative attribute, values allowed): only those given
    conditions: tuple[tuple[str, frozenset[object]], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        w = self.when
        one: dict[str, object] = {"national_candidate": w.national_candidate,
                                  "funding": w.funding, "origin_kind": w.origin_kind,
                                  "priority": w.priority}
        many: dict[str, list[str] | None] = {"origin": w.origins, "theme": w.themes}
        conditions: list[tuple[str, frozenset[object]]] = [
            (a, frozenset([v])) for a, v in one.items() if v is not None]
        conditions += [(a, frozenset(vs)) for a, vs in many.items() if vs is not None]
        object.__setattr__(self, "conditions", tuple(conditions))


@dataclass(frozen=True)
class SwitchPlan:
    """Reorganise into `plan` (resolved against the same scenario)."""

    kind: ClassVar[str] = "switch_model"
    week: float
    label: str
    plan: Plan
    dip: float
    duration_weeks: float


@dataclass(frozen=True)
class StaffPlan:
    """`slots` more (or fewer) places in pool (unit, pool): people, or whole service teams' places."""

    kind: ClassVar[str] = "staff"
    week: float
    label: str
    unit: str
    pool: str
    slots: int


@dataclass(frozen=True)
class ForumPlan:
    """New values for forum `forum` (None: unchanged)."""

    kind: ClassVar[str] = "forum"
    week: float
    label: str
    forum: str
    p_approve: float | None = None
    capacity: int | None = None
    cadence_weeks: float | None = None


@dataclass(frozen=True)
class DemandPlan:
    """A demand change; `index` is its place in the scenario's timeline (it names its random stream)."""

    kind: ClassVar[str] = "demand"
    week: float
    label: str
    index: int
    change: DemandChange


@dataclass(frozen=True)
class MoneyPlan:
    """A funding stream's new envelope (from the next financial year) or where its items are paid from."""

    kind: ClassVar[str] = "money"
    week: float
    label: str
    change: MoneyChange


InterventionPlan = SwitchPlan | StaffPlan | ForumPlan | DemandPlan | MoneyPlan


@dataclass(frozen=True)
class Plan:
    scenario: Scenario
    operating_model: OperatingModel
    model: str
    units: dict[str, UnitPlan]
    aliases: dict[str, str]  # scenario unit -> unit that absorbed it
    teams: dict[str, TeamPlan]
    p_detect: dict[str, float]  # portfolio -> detection probability
    forums: dict[str, Forum]
    routes: tuple[RoutePlan, ...]
    source_files: tuple[str, ...] = field(default=())
    timeline: tuple[InterventionPlan, ...] = field(default=())  # in week order
    rates: dict[str, float] = field(default_factory=dict)  # unit -> pounds per unit-week of headcount (money)

    def unit_of(self, name: str) -> str:
        """The unit that stands for scenario unit `name` under this operating model."""
        return self.aliases.get(name, name)

    def headcount(self) -> int:
        people = sum(sum(u.teams.values()) for u in self.units.values())
        return people + sum(t.people * t.count for t in self.teams.values())
