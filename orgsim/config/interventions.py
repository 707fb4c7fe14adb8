"""Checks a scenario's timeline against the operating models in force and resolves it for the engine."""

from __future__ import annotations

from collections.abc import Callable

from orgsim.config.operating_model import ALL_ICS
from orgsim.config.plan import (
    DemandPlan,
    ForumPlan,
    InterventionPlan,
    MoneyPlan,
    Plan,
    StaffPlan,
    SwitchPlan,
)
from orgsim.config.scenario import Scenario
from orgsim.config.timeline import Intervention
from orgsim.config.yamlio import Path_, Source

LoadModel = Callable[[str, Path_], Plan]  # operating model name -> plan; errors located at the path


def check_timeline(sc: Scenario, src: Source) -> None:
    """What can be checked without an operating model: weeks and demand filters."""
    units = set(sc.unit_names()) | {ALL_ICS}
    for i, iv in enumerate(sc.timeline):
        at: Path_ = ("timeline", i)
        if iv.week >= sc.horizon_weeks:
            raise src.error(at + ("week",), f"week {iv.week:g} is past the horizon "
                            f"(horizon_weeks: {sc.horizon_weeks:g}); interventions must come before it")
        if iv.money is not None:
            _check_money(sc, iv, src, at)
        d = iv.demand
        if d is None:
            continue
        for j, theme in enumerate(d.themes or []):
            if theme not in sc.themes:
                raise src.error(at + ("demand", "themes", j), f"unknown theme {theme!r}; "
                                f"themes are {', '.join(sc.themes)}")
        for j, origin in enumerate(d.origins or []):
            if origin not in units:
                raise src.error(at + ("demand", "origins", j), f"unknown unit {origin!r}")


def _check_money(sc: Scenario, iv: Intervention, src: Source, at: Path_) -> None:
    m = iv.money
    assert m is not None
    streams = sc.money.streams if sc.money is not None else {}
    for key in ("stream", "pay_from"):
        name = getattr(m, key)
        if name is not None and name not in streams:
            known = ", ".join(streams) or "none (the scenario has no money.streams)"
            raise src.error(at + ("money", key), f"unknown funding stream {name!r}; streams are {known}")


def resolve_timeline(base: Plan, src: Source, load_model: LoadModel) -> tuple[InterventionPlan, ...]:
    """The timeline in week order, each entry checked against the model in force at its week."""
    current, slots = base, headcounts(base)
    out: list[InterventionPlan] = []
    order = sorted(range(len(base.scenario.timeline)), key=lambda i: base.scenario.timeline[i].week)
    for i in order:
        iv, at = base.scenario.timeline[i], ("timeline", i)
        if iv.switch_model is not None:
            s = iv.switch_model
            current = load_model(s.to, at + ("switch_model", "to"))
            slots = headcounts(current)
            out.append(SwitchPlan(iv.week, _label(iv), current, s.dip, s.duration_weeks))
        elif iv.staff is not None:
            out.append(_staff(iv, current, slots, src, at))
        elif iv.demand is not None:
            out.append(DemandPlan(iv.week, _label(iv), i, iv.demand))
        elif iv.money is not None:
            out.append(MoneyPlan(iv.week, _label(iv), iv.money))
        else:
            out.append(_forum(iv, current, src, at))
    return tuple(out)


def headcounts(plan: Plan) -> dict[tuple[str, str], int]:
    """(unit, team) -> people in a function team, or whole teams of a service team."""
    out = {(u.name, f): n for u in plan.units.values() for f, n in u.teams.items()}
    out.update({(t.unit, t.name): t.count for t in plan.teams.values()})
    return out


def _in_force(plan: Plan, week: float) -> str:
    return f"{plan.model} (the operating model in force at week {week:g})"


def _forum(iv: Intervention, plan: Plan, src: Source, at: Path_) -> ForumPlan:
    change = iv.funding or iv.cadence
    assert change is not None
    key = "funding" if iv.funding is not None else "cadence"
    if change.forum not in plan.forums:
        raise src.error(at + (key, "forum"), f"unknown forum {change.forum!r} in "
                        f"{_in_force(plan, iv.week)}; it has {', '.join(plan.forums)}")
    if iv.funding is not None:
        return ForumPlan(iv.week, _label(iv), change.forum, iv.funding.p_approve, iv.funding.capacity)
    assert iv.cadence is not None
    return ForumPlan(iv.week, _label(iv), change.forum, cadence_weeks=iv.cadence.cadence_weeks)


def _staff(iv: Intervention, plan: Plan, slots: dict[tuple[str, str], int], src: Source,
           at: Path_) -> StaffPlan:
    s = iv.staff
    assert s is not None
    unit = plan.unit_of(s.unit)
    if unit not in plan.units:
        raise src.error(at + ("staff", "unit"), f"unknown unit {s.unit!r} in {_in_force(plan, iv.week)}")
    key = (unit, s.team)
    if key not in slots:
        teams = sorted(f for u, f in slots if u == unit)
        raise src.error(at + ("staff", "team"), f"{unit} has no function or service team {s.team!r} "
                        f"in {_in_force(plan, iv.week)}; it has {', '.join(teams)}")
    left = slots[key] + s.change
    if left < 0:
        what = "teams" if s.team in plan.teams else "staff"
        raise src.error(at + ("staff", "change"), f"{unit} has {slots[key]} {s.team} {what} at week "
                        f"{iv.week:g}; a change of {s.change} would leave {left}")
    slots[key] = left
    team = plan.teams.get(s.team)
    per = team.wip_limit if team is not None and team.unit == unit else 1
    return StaffPlan(iv.week, _label(iv), unit, s.team, s.change * per)


def _label(iv: Intervention) -> str:
    """The label given, or a plain description of the change."""
    if iv.label:
        return iv.label
    if iv.switch_model is not None:
        s = iv.switch_model
        dip = f" (productivity -{s.dip:.0%} for {s.duration_weeks:g} weeks)" if s.dip > 0 else ""
        return f"reorganisation into {s.to}{dip}"
    if iv.staff is not None:
        return f"{iv.staff.unit} {iv.staff.team} {iv.staff.change:+d}"
    if iv.funding is not None:
        f = iv.funding
        parts = ([f"p_approve {f.p_approve:g}"] if f.p_approve is not None else []) + (
            [f"capacity {f.capacity}"] if f.capacity is not None else [])
        return f"funding of {f.forum}: {', '.join(parts)}"
    if iv.cadence is not None:
        return f"{iv.cadence.forum} meets every {iv.cadence.cadence_weeks:g} weeks"
    if iv.money is not None:
        m = iv.money
        parts = ([f"envelope £{m.envelope:,.0f} a year"] if m.envelope is not None else []) + (
            [f"paid from {m.pay_from}"] if m.pay_from is not None else [])
        return f"{m.stream}: {', '.join(parts)}"
    d = iv.demand
    assert d is not None
    span = f" for {d.duration_weeks:g} weeks" if d.duration_weeks else ""
    what = " ".join(x for x in (", ".join(d.themes or []), "from " + ", ".join(d.origins)
                                if d.origins else "") if x)
    return f"demand x{d.factor:g}{span}" + (f" ({what})" if what else "")
