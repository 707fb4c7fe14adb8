"""The "Decide now" panel: the room changes one run or both during play and sees at once what was done.

It keeps the choice being made between redraws of the page. The page draws it
again when what it shows changes (`state`): after every step when paused, so
the week on its button is the week now; during play only when an intervention
changes what is in force, and its button then says "now" rather than a week. The
menus offer what the runs have now (`Menus`). Numbers are typed as text and
checked as they are typed (`inputs`): a value that cannot be applied says why
beside its field and disables Apply. `Workshop.decide` then checks the choice
against the run as a timeline entry would be checked, and applies it or says
why not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

import solara

from orgsim.workshop import words
from orgsim.workshop.dashboard.decisions import BOUNDS, CHANGES, InForce
from orgsim.workshop.dashboard.inputs import Rule, check
from orgsim.workshop.dashboard.model import Outcome
from orgsim.workshop.dashboard.session import Session
from orgsim.workshop.dashboard.summary import run_name

BOTH = "A and B"
NOTE = ("A decision acts from the week shown. Save session keeps the decisions as a scenario "
        "timeline, to play them again; Reset starts afresh without them.")
BOX = "padding:4px 10px"
FIELD = "min-width:0;flex:{grow} 1 0"  # inputs of a row share its width
MESSAGE = "padding:4px 8px"
HINT = "font-size:0.9em;color:#444;margin-top:-4px"


def _within(key: str, **rule: bool) -> Rule:
    """A field's rule: the sensible range `decide` holds its number to (`BOUNDS`)."""
    low, high, _ = BOUNDS[key]
    return Rule(low=low, high=high, **rule)


RULES = {"dip": _within("dip"), "duration": Rule(above=0, high=BOUNDS["duration_weeks"][1]),
         "people": _within("change", whole=True, blank=True),
         "cadence": _within("cadence_weeks", blank=True), "p_approve": _within("p_approve", blank=True),
         "capacity": _within("capacity", whole=True, blank=True), "envelope": _within("envelope", blank=True)}
KEEP = "(as now)"  # the stream paying for a stream's items is left as it is


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
        self.streams = list(dict.fromkeys(n for s in states for n in s.streams()))
        self.changes = {k: t for k, t in CHANGES.items() if k != "money" or self.streams}

    def held(self, stream: str) -> str:
        """Stream `stream` now, in words: its envelope, who holds it, and what pays for its items."""
        s = next((s for s in self.states if stream in s.streams()), None)
        if s is None:
            return ""
        spec = s.streams()[stream]
        envelope, paid = s.stream(stream)
        each = "each ICS's envelope" if spec.holder.endswith("*") else f"held by {spec.holder}"
        instead = f"; its items are paid from {paid}" if paid != stream else ""
        return (f"now: £{envelope:,.0f} a year ({each}, {spec.kind}){instead}; a new envelope starts "
                "with the next financial year")

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
def DecidePanel(session: Session, state: tuple[Any, ...]) -> Any:
    """Pick a change, the runs it applies to, and apply it now."""
    target, change = solara.use_reactive(""), solara.use_reactive(next(iter(CHANGES)))
    into, texts = solara.use_reactive(""), solara.use_reactive({"dip": "0.2", "duration": "26", "people": ""})
    forum, unit, team, name, stream, pay = (solara.use_reactive("") for _ in range(6))
    said: solara.Reactive[tuple[int, Outcome] | None] = solara.use_reactive(None)

    model = session.ws
    runs = model.live()
    chosen: dict[str, list[int]] = {f"{'AB'[i]}: {run_name(f)}": [i] for i, f in enumerate(runs)}
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
    kind = change.value if change.value in menus.changes else next(iter(menus.changes))
    stream_now = _first(stream.value, menus.streams)
    payers = [KEEP, *(n for n in menus.streams if n != stream_now)]
    pay_now = _first(pay.value, payers)
    keys = {"switch_model": ("dip", "duration"), "staff": ("people",), "cadence": ("cadence",),
            "funding": ("p_approve", "capacity"), "money": ("envelope",)}[kind]
    checked = {k: check(texts.value.get(k, ""), RULES[k]) for k in keys}
    problems = [why for _, why in checked.values() if why]
    if kind == "staff" and checked["people"][0] is None:
        problems.append("how many people")  # nothing typed yet: nothing to apply, nothing wrong
    if kind == "money" and checked["envelope"][0] is None and pay_now == KEEP:
        problems.append("an envelope or a stream")  # nothing chosen yet

    def typed(key: str) -> Callable[[str], None]:
        return lambda text: texts.set({**texts.value, key: text})

    def fields() -> dict[str, Any]:
        v = {k: value for k, (value, _) in checked.items()}
        if kind == "switch_model":
            return {"to": _first(into.value, menus.models), "dip": v["dip"], "duration_weeks": v["duration"]}
        if kind == "staff":
            return {"unit": unit_now, "team": team_now, "change": v["people"]}
        if kind == "cadence":
            return {"forum": forum_key, "cadence_weeks": v["cadence"]}
        if kind == "money":
            return {"stream": stream_now, "envelope": v["envelope"],
                    "pay_from": None if pay_now == KEEP else pay_now}
        return {"forum": forum_key, "p_approve": v["p_approve"], "capacity": v["capacity"]}

    def apply() -> None:
        outcome = model.decide(chosen.get(which, []), kind, fields(), name.value)
        said.set((id(model), outcome))
        if outcome.applied:
            name.set("")
            pay.set("")
            texts.set({**texts.value, "cadence": "", "p_approve": "", "capacity": "", "people": "",
                       "envelope": ""})
            session.notify()  # the figures and charts show it before the next step

    with solara.Column(gap="6px", classes=["orgsim-decide"], style=BOX):
        now = "now" if session.playing else f"at week {words.weeks(model.week)}"
        heading = "Decide now" + ("" if session.playing else f": week {words.weeks(model.week)}")
        solara.HTML(tag="div", unsafe_innerHTML=heading, style="font-size:1.2em;font-weight:600")
        if not runs:
            solara.Info("A recorded run is replayed, not simulated: it cannot take decisions.", dense=True)
            return
        with solara.Row(gap="10px", style="align-items:flex-start"):
            _select("Apply to", list(chosen), which, target.set)
            _select("Change", list(menus.changes.values()), menus.changes[kind],
                    lambda v: change.set(next(k for k, t in menus.changes.items() if t == v)))
        with solara.Row(gap="10px", style="align-items:flex-start"):  # a message does not stretch a menu
            if kind == "switch_model":
                _select("Into", menus.models, _first(into.value, menus.models), into.set, grow=2)
                _text(f"Productivity dip (0-{BOUNDS['dip'][1]:g})", texts.value.get("dip", ""),
                      typed("dip"), checked["dip"][1])
                _text("Dip lasts (weeks)", texts.value.get("duration", ""), typed("duration"),
                      checked["duration"][1])
            elif kind == "staff":
                _select("Unit", menus.units, unit_now, unit.set)
                _select("Team", menus.teams(unit_now), team_now, team.set)
                _text("Add (+) or remove (-)", texts.value.get("people", ""), typed("people"),
                      checked["people"][1])
            elif kind == "money":
                _select("Stream", menus.streams, stream_now, stream.set)
                _text("New envelope, £ a year", texts.value.get("envelope", ""),
                      typed("envelope"), checked["envelope"][1])
                _select("Pay its items from", payers, pay_now, pay.set)
            else:
                _select("Forum", list(menus.forums), forum_label, forum.set)
                _forum_inputs(kind, texts.value, typed, checked)
        hint = {"staff": size, "switch_model": "", "money": menus.held(stream_now)}.get(kind, meets)
        if hint:
            solara.HTML(tag="div", unsafe_innerHTML=escape(hint), style=HINT)
        with solara.Row(gap="10px", style="align-items:center"):
            _text("Label in the log (optional)", name.value, name.set, "")
            solara.Button(f"Apply {now}", on_click=apply, color="primary",
                          disabled=not model.running or bool(problems), classes=["orgsim-apply"])
        if said.value is not None and said.value[0] == id(model):
            outcome = said.value[1]
            css, colour, tint = (("orgsim-decided", "#2E7D32", "#EEF7EE") if outcome.applied
                                 else ("orgsim-refused", "#C62828", "#FDEEEE"))
            solara.HTML(tag="div", unsafe_innerHTML=escape(outcome.message), classes=[css],
                        style=f"{MESSAGE};border-left:3px solid {colour};background:{tint}")
        solara.HTML(tag="div", unsafe_innerHTML=NOTE, classes=["orgsim-note"],
                    style="font-size:0.85em;color:#444")


def _select(text: str, values: list[str], value: str, on_value: Callable[[str], None], grow: int = 1) -> None:
    """A menu taking `grow` shares of the row, with a class named after it (`orgsim-choose-forum`)."""
    css = "orgsim-choose-" + text.split()[0].lower()
    solara.Select(text, values, value, on_value=on_value, dense=True, style=FIELD.format(grow=grow),
                  classes=[css])


def _text(text: str, value: str, on_value: Callable[[str], None], error: str) -> None:
    """A text field taking one share of the row, its reason for refusing a value beneath it."""
    solara.InputText(text, value, on_value=on_value, continuous_update=True, error=error or False,
                     style=FIELD.format(grow=1), classes=["orgsim-field"])


def _forum_inputs(change: str, texts: dict[str, str], typed: Callable[[str], Callable[[str], None]],
                  checked: dict[str, tuple[Any, str]]) -> None:
    """The numbers of a forum's cadence or funding; left empty, a number stays as the forum meets now."""
    if change == "cadence":
        _text("Weeks between meetings", texts.get("cadence", ""), typed("cadence"), checked["cadence"][1])
    else:
        _text("Approval probability (0-1)", texts.get("p_approve", ""), typed("p_approve"),
              checked["p_approve"][1])
        _text("Items decided a meeting", texts.get("capacity", ""), typed("capacity"), checked["capacity"][1])
