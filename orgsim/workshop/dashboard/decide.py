"""The "Decide now" panel: the room changes one run or both during play and sees at once what was done.

Unlike the other panels this is a Solara component of its own: it keeps the
choice being made between redraws. It still redraws after every step (it
reads Mesa's update counter), so the week on its button is the week now. The
menus offer what the runs have now (`Menus`); `Workshop.decide` checks the
choice and applies it, or says why not. Inputs take plain values, never
reactive variables: Solara reuses the input in a place when another change is
picked, and cannot switch one from a reactive variable to a value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

import solara
from mesa.visualization.utils import force_update, update_counter

from orgsim.workshop import words
from orgsim.workshop.dashboard.decisions import CHANGES, InForce
from orgsim.workshop.dashboard.feeds import label
from orgsim.workshop.dashboard.model import Outcome, Workshop

BOTH = "A and B"
NOTE = ("A decision acts from the week shown. Decisions are lost on Reset (and when a model or lever "
        "changes): note them down to play them again.")
BOX = "padding:4px 10px;height:100%;overflow:auto"
FIELD = "min-width:0;flex:{grow} 1 0"  # inputs of a row share its width
MESSAGE = "font-size:13px;padding:4px 8px"
HINT = "font-size:12px;color:#555;margin-top:-4px"


class Menus:
    """What the chosen runs have now: forums, units and teams to name, models to reorganise into."""

    def __init__(self, states: Sequence[InForce], choices: Sequence[str], ics_prefix: str) -> None:
        self.states = states
        plans = [s.plan for s in states]
        self.models = [m for m in choices if all(p.model != m for p in plans)]
        units = {u for p in plans for u in p.units} | {ics_prefix}
        names = list(dict.fromkeys(f for p in plans for f in p.forums))
        self.forums = {_capital(words.forum(n, units)): n for n in names}
        every = [u for p in plans for u in p.units.values()]
        self.units = list(dict.fromkeys(u.name for u in sorted(every, key=lambda u: u.is_ics)))

    def teams(self, unit: str) -> list[str]:
        return list(dict.fromkeys(t for s in self.states for (u, t) in s.headcounts() if u == unit))

    def now(self, forum: str, unit: str, team: str) -> tuple[str, str]:
        """How the first chosen run's forum meets, and the team's size, in words."""
        s = next((s for s in self.states if forum in s.plan.forums), None)
        meets = ""
        if s is not None:
            f = s.forum(forum)
            meets = (f"now: every {words.weeks(f.cadence_weeks)} weeks, up to {f.capacity} items a meeting, "
                     f"{f.p_approve:.0%} approved")
        held = next((s for s in self.states if (unit, team) in s.headcounts()), None)
        size = f"now: {held.headcounts()[(unit, team)]} {held.what(team)}" if held is not None else ""
        return meets, size


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _first(value: str, values: Sequence[str]) -> str:
    """`value` if it is still offered (menus change after a reorganisation or Reset), else the first."""
    return value if value in values else (values[0] if values else "")


@solara.component  # type: ignore[misc]
def DecidePanel(model: Workshop) -> Any:
    """Pick a change, the runs it applies to, and apply it now."""
    update_counter.get()  # redraw after every step: the week changes
    target, change = solara.use_reactive(""), solara.use_reactive(next(iter(CHANGES)))
    into, dip, duration = solara.use_reactive(""), solara.use_reactive(0.2), solara.use_reactive(26.0)
    forum, cadence = solara.use_reactive(""), solara.use_reactive(None)  # None: as the forum meets now
    p_approve, capacity = solara.use_reactive(None), solara.use_reactive(None)
    unit, team, people = solara.use_reactive(""), solara.use_reactive(""), solara.use_reactive(0)
    name = solara.use_reactive("")
    said: solara.Reactive[tuple[int, Outcome] | None] = solara.use_reactive(None)

    runs = model.live()
    chosen: dict[str, list[int]] = {f"{'AB'[i]}: {label(f.name)}": [i] for i, f in enumerate(runs)}
    if len(runs) == 2:
        chosen[BOTH] = [0, 1]
    which = _first(target.value, list(chosen))
    picked = [runs[i] for i in chosen.get(which, [])]
    menus = Menus([f.in_force() for f in picked], model.settings.choices,
                  picked[0].ics_prefix if picked else "ICS")
    forum_label = _first(forum.value, list(menus.forums))
    forum_key = menus.forums.get(forum_label, "")
    unit_now = _first(unit.value, menus.units)
    team_now = _first(team.value, menus.teams(unit_now))
    meets, size = menus.now(forum_key, unit_now, team_now)
    spec = next((s.forum(forum_key) for s in menus.states if forum_key in s.plan.forums), None)

    def pick_forum(value: str) -> None:
        forum.set(value)
        for r in (cadence, p_approve, capacity):
            r.set(None)

    def fields() -> dict[str, Any]:
        if change.value == "switch_model":
            return {"to": _first(into.value, menus.models), "dip": dip.value,
                    "duration_weeks": duration.value}
        if change.value == "staff":
            return {"unit": unit_now, "team": team_now, "change": people.value}
        if change.value == "cadence":
            weeks = cadence.value if cadence.value is not None else spec.cadence_weeks if spec else None
            return {"forum": forum_key, "cadence_weeks": weeks}
        new = {"p_approve": p_approve.value, "capacity": capacity.value}
        return {"forum": forum_key, **{k: v for k, v in new.items()
                                       if v is not None and spec is not None and v != getattr(spec, k)}}

    def apply() -> None:
        outcome = model.decide(chosen.get(which, []), change.value, fields(), name.value)
        said.set((id(model), outcome))
        if outcome.applied:
            name.set("")
            for r in (cadence, p_approve, capacity):  # the inputs show what is in force now
                r.set(None)
            force_update()  # the summary and charts show it before the next step

    with solara.Column(gap="6px", classes=["orgsim-decide"], style=BOX):
        solara.HTML(tag="div", unsafe_innerHTML=f"Decide now: week {words.weeks(model.week)}",
                    style="font-size:18px;font-weight:600")
        if not runs:
            solara.Info("A recorded run is replayed, not simulated: it cannot take decisions.", dense=True)
            return
        with solara.Row(gap="10px"):
            _select("Apply to", list(chosen), which, target.set)
            _select("Change", list(CHANGES.values()), CHANGES[change.value],
                    lambda v: change.set(next(k for k, t in CHANGES.items() if t == v)))
        with solara.Row(gap="10px"):
            if change.value == "switch_model":
                _select("Into", menus.models, _first(into.value, menus.models), into.set, grow=2)
                _input(solara.InputFloat, "Productivity dip (0-1)", dip.value, dip.set)
                _input(solara.InputFloat, "Dip lasts (weeks)", duration.value, duration.set)
            elif change.value == "staff":
                _select("Unit", menus.units, unit_now, unit.set)
                _select("Team", menus.teams(unit_now), team_now, team.set)
                _input(solara.InputInt, "Add (+) or remove (-)", people.value, people.set)
            else:
                _select("Forum", list(menus.forums), forum_label, pick_forum)
                _forum_inputs(change.value, spec, cadence, p_approve, capacity)
        hint = size if change.value == "staff" else meets if change.value != "switch_model" else ""
        if hint:
            solara.HTML(tag="div", unsafe_innerHTML=escape(hint), style=HINT)
        with solara.Row(gap="10px", style="align-items:center"):
            _input(solara.InputText, "Label in the log (optional)", name.value, name.set)
            solara.Button(f"Apply at week {words.weeks(model.week)}", on_click=apply, color="primary",
                          disabled=not model.running, classes=["orgsim-apply"])
        if said.value is not None and said.value[0] == id(model):
            outcome = said.value[1]
            css, colour, tint = (("orgsim-decided", "#2E7D32", "#EEF7EE") if outcome.applied
                                 else ("orgsim-refused", "#C62828", "#FDEEEE"))
            solara.HTML(tag="div", unsafe_innerHTML=escape(outcome.message), classes=[css],
                        style=f"{MESSAGE};border-left:3px solid {colour};background:{tint}")
        solara.HTML(tag="div", unsafe_innerHTML=NOTE, style="font-size:11px;color:#666")


def _select(text: str, values: list[str], value: str, on_value: Callable[[str], None], grow: int = 1) -> None:
    """A menu taking `grow` shares of the row, with a class named after it (`orgsim-choose-forum`)."""
    css = "orgsim-choose-" + text.split()[0].lower()
    solara.Select(text, values, value, on_value=on_value, dense=True, style=FIELD.format(grow=grow),
                  classes=[css])


def _input(kind: Callable[..., Any], text: str, value: Any, on_value: Callable[[Any], None]) -> None:
    """An input of `kind` (InputFloat, InputInt or InputText) taking one share of the row."""
    kind(text, value, on_value=on_value, dense=True, style=FIELD.format(grow=1))


def _forum_inputs(change: str, spec: Any, cadence: solara.Reactive[Any], p_approve: solara.Reactive[Any],
                  capacity: solara.Reactive[Any]) -> None:
    """The numbers of a forum's cadence or funding, showing how it meets now until changed."""
    def now(r: solara.Reactive[Any], key: str) -> Any:
        return r.value if r.value is not None else getattr(spec, key, None)

    if change == "cadence":
        _input(solara.InputFloat, "Weeks between meetings", now(cadence, "cadence_weeks"), cadence.set)
    else:
        _input(solara.InputFloat, "Approval probability (0-1)", now(p_approve, "p_approve"), p_approve.set)
        _input(solara.InputInt, "Items decided a meeting", now(capacity, "capacity"), capacity.set)
