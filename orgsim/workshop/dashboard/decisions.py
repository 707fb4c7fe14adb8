"""Decisions the room takes during play, checked as a scenario's timeline is checked.

A choice made on the page is written as a timeline entry (`Intervention`) at
the current week and resolved by `orgsim.config.interventions` against the
operating model in force, so a decision taken live is refused for the same
reasons, in the same words, as one written in a scenario file. A refusal comes
back as a message for the page, never as an exception: a workshop must not stop
because someone typed 1.5 as a probability.

Every number the room gives is held to a sensible range first (`BOUNDS`),
narrower than a scenario file's: a forum meeting every 1e-9 weeks, or a
reorganisation's dip lasting 1e9 weeks, is a slip of the keyboard in a room.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from orgsim.config.errors import from_validation
from orgsim.config.interventions import check_timeline, headcounts, resolve_timeline
from orgsim.config.money import FundingStream
from orgsim.config.operating_model import Forum
from orgsim.config.plan import ForumPlan, InterventionPlan, MoneyPlan, Plan, StaffPlan, SwitchPlan
from orgsim.config.timeline import Intervention
from orgsim.config.yamlio import ConfigError, Path_, Source

# The changes a room can make during play, as timeline keys, with their names on the page.
# Demand is not among them: initiatives are drawn before a run starts.
CHANGES = {"switch_model": "Reorganise", "cadence": "Forum cadence", "funding": "Forum funding",
           "staff": "People in a team", "money": "Money"}  # Money: only a scenario with money
WORDS = {"to": "operating model", "dip": "productivity dip", "duration_weeks": "weeks the dip lasts",
         "forum": "forum", "cadence_weeks": "weeks between meetings", "p_approve": "approval probability",
         "capacity": "items decided per meeting", "unit": "unit", "team": "team",
         "change": "people added or removed", "label": "label", "week": "week",
         "stream": "funding stream", "envelope": "annual envelope", "pay_from": "stream paying instead"}
LoadModel = Callable[[str], Plan]  # operating model name -> plan as the run would have it

# What the room may give each number: (lowest, highest, why), inclusive.
BOUNDS: dict[str, tuple[float, float, str]] = {
    "cadence_weeks": (0.2, 52.0, "from a meeting every working day to one a year"),
    "dip": (0.0, 0.9, "a team that lost all its productivity would never finish"),
    "duration_weeks": (0.0, 104.0, "up to two years"),
    "p_approve": (0.0, 1.0, "a probability"),
    "capacity": (1.0, 500.0, "items a meeting"),
    "change": (-500.0, 500.0, "people at once"),
    "envelope": (0.0, 1e11, "pounds a year, up to £100bn"),
}


def out_of_bounds(fields: Mapping[str, Any]) -> str:
    """Why a number of `fields` is outside its sensible range (`BOUNDS`), or ""."""
    for key, value in fields.items():
        if key not in BOUNDS or value is None or isinstance(value, bool | str):
            continue
        low, high, why = BOUNDS[key]
        if not isinstance(value, int | float) or not low <= value <= high:
            return (f"{_capital(WORDS.get(key, key))}: must be between {low:g} and {high:g} ({why}), "
                    f"got {value}.")
    return ""


@dataclass(frozen=True)
class InForce:
    """How a run is organised now.

    Attributes:
        plan: The operating model in force: the run's own, or the last one reorganised into.
        since: Staff and forum changes applied since it came into force, in order.
        money: Money changes applied since the run started (a reorganisation keeps them: the
            money is the scenario's, not the operating model's).
    """

    plan: Plan
    since: tuple[StaffPlan | ForumPlan, ...] = ()
    money: tuple[MoneyPlan, ...] = ()

    def streams(self) -> dict[str, FundingStream]:
        """The scenario's funding streams (none without money)."""
        money = self.plan.scenario.money
        return dict(money.streams) if money is not None else {}

    def stream(self, name: str) -> tuple[float, str]:
        """Stream `name` now: its annual envelope and the stream its items are paid from."""
        envelope, paid = self.streams()[name].envelope, name
        for iv in self.money:
            if iv.change.stream == name:
                envelope = iv.change.envelope if iv.change.envelope is not None else envelope
                paid = iv.change.pay_from if iv.change.pay_from is not None else paid
        return envelope, paid

    def forum(self, name: str) -> Forum:
        """Forum `name` as it meets now (changes since the reorganisation applied)."""
        spec = self.plan.forums[name]
        for iv in self.since:
            if isinstance(iv, ForumPlan) and iv.forum == name:
                spec = spec.model_copy(update={k: v for k in ("p_approve", "capacity", "cadence_weeks")
                                               if (v := getattr(iv, k)) is not None})
        return spec

    def per_place(self, unit: str, team: str) -> int:
        """Places one step of `team` stands for: a service team's WIP limit, else one person."""
        t = self.plan.teams.get(team)
        return t.wip_limit if t is not None and t.unit == unit else 1

    def headcounts(self) -> dict[tuple[str, str], int]:
        """(unit, team) -> people in a function team, or whole teams of a service team, now."""
        out = headcounts(self.plan)
        for iv in self.since:
            if isinstance(iv, StaffPlan):
                key = (iv.unit, iv.pool)
                out[key] = out.get(key, 0) + iv.slots // self.per_place(*key)
        return out

    def what(self, team: str) -> str:
        """`teams` for a service team, `staff` for a function (the words of the timeline check)."""
        return "teams" if team in self.plan.teams else "staff"


def in_force(plan: Plan, applied: Iterable[InterventionPlan]) -> InForce:
    """What `plan` is organised as after `applied` (in the order they were applied)."""
    state = InForce(plan)
    for iv in applied:
        if isinstance(iv, SwitchPlan):
            state = InForce(iv.plan, money=state.money)
        elif isinstance(iv, MoneyPlan):
            state = replace(state, money=(*state.money, iv))
        elif isinstance(iv, StaffPlan | ForumPlan):
            state = replace(state, since=(*state.since, iv))
    return state


def decide(change: str, fields: Mapping[str, Any], week: float, state: InForce, load: LoadModel,
           label: str = "") -> InterventionPlan | str:
    """The plan object for a choice made at `week`, or a message saying why it cannot be made.

    Args:
        change: A key of `CHANGES` (a timeline entry's key).
        fields: That entry's keys, as in a scenario file (`{"forum": ..., "cadence_weeks": 2}`).
        week: The run's week now.
        state: The run as it is organised now (`in_force`).
        load: Reads an operating model for a reorganisation, levers applied.
        label: What the room calls the decision (default: a description).
    """
    if change not in CHANGES:
        if change == "demand":
            return "Demand cannot change during play (initiatives are drawn before the run); " \
                   "put a demand change in the scenario's timeline."
        return f"Unknown change {change!r}; choose one of: {', '.join(CHANGES.values())}."
    if change == "funding" and all(fields.get(k) is None for k in ("p_approve", "capacity")):
        return "Nothing changes: give a new approval probability, a new capacity, or both."
    if change == "money" and not state.streams():
        return "This scenario has no money: a money change needs a scenario with a `money:` block."
    if change == "money" and all(fields.get(k) is None for k in ("envelope", "pay_from")):
        return "Nothing changes: give a new envelope, a stream to pay from instead, or both."
    entry = {"week": week, "label": label.strip(), change: {k: v for k, v in fields.items() if v is not None}}
    try:
        iv = Intervention.model_validate(entry)
    except ValidationError as exc:
        err = from_validation(exc, Source(file="decision", data=entry))
        return f"{_capital(WORDS.get(err.path.rsplit('.', 1)[-1], err.path))}: {err.message}."
    if problem := out_of_bounds(fields):  # valid in a file, but not what a room means
        return problem
    try:
        return _unchanged(_resolve(iv, state, load), state)
    except ConfigError as exc:
        return _capital(exc.message) + "."


def _resolve(iv: Intervention, state: InForce, load: LoadModel) -> InterventionPlan:
    """`iv` resolved by the timeline's own rules, after the staff changes already in force."""
    earlier = [_entry(s, state) for s in state.since if isinstance(s, StaffPlan)]
    sc = state.plan.scenario.model_copy(update={"timeline": [*earlier, iv]})
    src = Source(file="decision", data={})
    check_timeline(sc.model_copy(update={"timeline": [iv]}), src)

    def load_model(name: str, _: Path_) -> Plan:
        return load(name)

    return resolve_timeline(replace(state.plan, scenario=sc), src, load_model)[-1]


def _entry(staff: StaffPlan, state: InForce) -> Intervention:
    """A staff change already made, written back as its timeline entry.

    At week 0, so that the timeline's sort by week keeps such entries first, in the order they were made.
    """
    change = staff.slots // state.per_place(staff.unit, staff.pool)
    return Intervention.model_validate({"week": 0.0, "staff": {"unit": staff.unit, "team": staff.pool,
                                                               "change": change}})


def _unchanged(plan: InterventionPlan, state: InForce) -> InterventionPlan | str:
    """`plan`, or a message if it would change nothing."""
    if isinstance(plan, SwitchPlan) and plan.plan.model == state.plan.model:
        return f"{plan.plan.model} is already the operating model in force; choose another."
    if isinstance(plan, StaffPlan) and plan.slots == 0:
        return "Nothing changes: add or remove at least one."
    if isinstance(plan, MoneyPlan):
        envelope, paid = state.stream(plan.change.stream)
        if plan.change.envelope in (None, envelope) and plan.change.pay_from in (None, paid):
            paying = f" and its items are paid from {paid}" if paid != plan.change.stream else ""
            return f"Nothing changes: {plan.change.stream} already has that envelope{paying}."
    if isinstance(plan, ForumPlan):
        now = state.forum(plan.forum)
        keys = ("p_approve", "capacity", "cadence_weeks")
        if all(getattr(plan, k) in (None, getattr(now, k)) for k in keys):
            return f"Nothing changes: {plan.forum} already meets like that."
    return plan


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
