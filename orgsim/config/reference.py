"""The configuration reference (docs/configuration.md), generated from the schema.

Every key of every schema class reachable from `Scenario` and `OperatingModel`
is listed with its type, default and description, so the reference cannot drift
from what the loader accepts. `python -m orgsim.config.reference` prints it.
"""

from __future__ import annotations

import inspect
import json
import sys
import types
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from orgsim.config.common import Dist
from orgsim.config.operating_model import ALL_ICS, ORIGIN, OperatingModel, Step
from orgsim.config.scenario import Scenario

INTRO = f"""\
# Configuration reference

Generated from the schema in `orgsim/config` by `python -m orgsim.config.reference`
(`make reference`); edit the schema's descriptions, not this file.

orgsim reads two kinds of YAML file. Both are checked in full before anything
runs: unknown keys, wrong types, impossible values and names that refer to
nothing are errors, reported as one line `file:line: path: message` with exit
status 2. `orgsim validate FILE` does only this check.

## Scenario files

A scenario file describes the world every operating model is tried on: the
organisation units and their staff by function (`organisations`, plus the ICSs
made from the `ics` template and named `ICS01`, `ICS02`, ...), the catalogue of
transformation `themes`, how initiatives arrive (`demand`), how national
products spread (`adoption`), the run length (`horizon_weeks`, `warmup_weeks`)
and the root `seed`. It contains no operating model: `operating_models` only
names the ones `orgsim run` uses when no `--model` is given.

A scenario may carry a `timeline` of interventions, each at a week: a
reorganisation into another operating model (`switch_model`, with a
productivity dip), a demand surge or lull, a forum's funding or cadence, staff
joining or leaving a team. Forums, units and teams are those of the operating
model in force at that week. `extends: PATH` (relative to the file) starts a
scenario from another scenario file, merged as for operating models below; the
scenarios in `configs/scenarios/` extend `configs/nhs_england.yaml` this way.
`orgsim run SCENARIO --baseline` also runs each model without the timeline, on
the same seed, so "with" and "without" are paired.

Work in flight at a reorganisation carries on under the new operating model
from its next step: an item already released for delivery continues with the
new route's delivery steps, doing only the share of delivery not yet done; an
item not yet released takes the new route from its start (the new forums
decide). People at work finish the work in hand; items waiting for a team or a
forum that the new model no longer has move on at once. A switch rebuilds the
organisation from the scenario, so staff, funding and cadence changes made
before it do not carry across it.

## What the run measures

`horizon_weeks` and `warmup_weeks` set the measured window, from the end of the
warm-up to the horizon. Per-item metrics (decision latency, lead time and its
parts, time in system, counts) and the rates per 13-week quarter (`needs_met`,
the headline: initiatives delivered or reused; `new_capabilities`; `delivered`,
every build, duplicates included; `reused`) follow the initiatives that arrived
in the window to the horizon, so needs met times quarters, plus rejections,
plus those still in the system (censored, and counted), equals arrivals.
Work in progress, utilisation (per team, per organisation, overall) and
benefit run over the window itself. Decision latency is measured over items
that met a forum, with the share released without one beside it. Each
delivered item's lead time is split into forum wait, staff wait, work, rework,
handoff delay and waiting for a duplicate's original, which add up to it; hidden
work is rework, planning and coordination overhead and duplicate builds over
all staff time. Every metric's exact definition is in
[metrics.md](metrics.md), generated from `orgsim/metrics/table.py`.

## Operating model files

An operating model file composes the generic mechanisms: it rearranges the
scenario's units (`structure`: merges, then staff transfers; headcount is
conserved), carves persistent `service_teams` out of a unit's staff, sets
`planning_overhead`, shares `portfolios` for duplicate detection, defines
decision `forums` and default `handoff` costs, and lays out `routes` of steps.
Each initiative takes the first route (`prepend_routes`, then `routes`) whose
`when` matches; the last route must have no `when`, so that every initiative
has one. Delivery work is released once the route's last gate has approved.

An operating model named `NAME` (by `--model`, by a scenario's
`operating_models` or by `extends`) is the file
`<scenario folder>/<operating_models_dir>/NAME.yaml`, or else the packaged
`configs/operating_models/NAME.yaml`; a name ending in `.yaml` or `.yml` is a
path. Check one against a scenario with
`orgsim validate NAME.yaml --scenario SCENARIO.yaml`.

## Names with a special meaning

- `extends: NAME` starts from another operating model, whose file is checked
  first (a NAME ending in `.yaml` or `.yml` is a file, relative to the file
  that extends it). Mappings are merged key by key at every depth; everything else
  (lists, numbers, text) replaces the base's value whole, so `routes` is
  replaced while `prepend_routes` adds routes tried before the base's. Give the
  new model its own `name`. A cycle of `extends` is an error.
- `use: SEGMENT` is a step that stands for the steps of `segments.SEGMENT`.
  Segments may use other segments, but not in a cycle.
- `{ORIGIN}`, in place of a unit in a step or a forum, is the unit that raised
  the initiative. A forum held by `{ORIGIN}` exists once per raising unit (every
  ICS board, for example).
- `{ALL_ICS}` stands for every ICS: as the receiver of a staff transfer (the staff
  are split evenly), in a portfolio's `units` and as a `planning_overhead` key.
  `*` in `planning_overhead` is every unit; named units override `{ALL_ICS}`,
  which overrides `*`.
- A unit merged into another keeps its name as an alias: `NHSX` in an operating
  model that merges NHSX into `TD` means `TD`.

## Units

Times are in weeks of simulated time; headcounts count units of
`scale.people_per_unit` people and effort is in unit-weeks (person-weeks when
`people_per_unit` is 1, its default); money is in pounds, and a unit-week of
headcount costs its unit's cost per person-week (`money.staff_cost_per_person_week`,
by default `scale.cost_per_person_year` / 52) times `people_per_unit`;
probabilities and shares are between 0 and 1. A default of *required* means the
key must be given.
"""

SECTIONS: dict[str, str] = {
    "Scenario": "## Scenario file schema\n",
    "OperatingModel": "## Operating model file schema\n",
    "distribution": (
        "## Distributions\n\nA distribution is a mapping whose `kind` says which of these it is, "
        "for example `{kind: lognormal, mean: 30, cv: 0.8}`.\n"),
    "step": (
        "## Steps\n\nA step is a mapping with exactly one of the keys `check`, `gate`, `stage`, "
        "`handoff` or `use`, which names its mechanism.\n"),
}


def _members(tp: Any) -> list[Any]:
    """The members of a union (or `tp` alone), `Annotated` stripped."""
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) in (Union, types.UnionType):
        return [m for member in get_args(tp) for m in _members(member)]
    return [tp]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


NAMED_UNIONS: dict[frozenset[Any], str] = {
    frozenset(_members(Dist)): "distribution",
    frozenset(_members(Step)): "step",
}


def _named(tp: Any) -> str | None:
    """`distribution` or `step` when `tp` is one of those unions."""
    return NAMED_UNIONS.get(frozenset(m for m in _members(tp) if m is not type(None)))


def _anchor(name: str) -> str:
    return f"#{name.lower()}"


def _link(cls: type[BaseModel]) -> str:
    return f"[{cls.__name__}]({_anchor(cls.__name__)})"


def _num(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _bounds(meta: list[Any]) -> str:
    """Constraints as text: ` > 0`, ` in [0, 1]`, `, at least 1 item`."""
    flat = [m for item in meta for m in (item.metadata if isinstance(item, FieldInfo) else [item])]
    low = next((("(", m.gt) for m in flat if isinstance(m, at.Gt)), None) or next(
        (("[", m.ge) for m in flat if isinstance(m, at.Ge)), None)
    high = next(((")", m.lt) for m in flat if isinstance(m, at.Lt)), None) or next(
        (("]", m.le) for m in flat if isinstance(m, at.Le)), None)
    text = ""
    if low and high:
        text = f" in {low[0]}{_num(low[1])}, {_num(high[1])}{high[0]}"
    elif low:
        text = f" {'>' if low[0] == '(' else '>='} {_num(low[1])}"
    elif high:
        text = f" {'<' if high[0] == ')' else '<='} {_num(high[1])}"
    for m in flat:
        if isinstance(m, at.MinLen):
            text += f", at least {m.min_length} item{'s' if m.min_length != 1 else ''}"
    return text


_SCALARS = {bool: "true or false", int: "whole number", float: "number", str: "text"}


def _bare_text(tp: Any) -> str:
    """A reader's name for `tp`, `Annotated` already stripped."""
    args = get_args(tp)
    if get_origin(tp) in (Union, types.UnionType):
        named = _named(tp)
        members = [m for m in args if m is not type(None)]
        text = (f"[{named}]({_anchor(named + 's')})" if named
                else " or ".join(map(type_text, members)))
        return text + (" or null" if type(None) in args else "")
    if get_origin(tp) is Literal:
        return ("one of " if len(args) > 1 else "") + ", ".join(f"`{v}`" for v in args)
    if get_origin(tp) is dict:
        return f"mapping of names to {type_text(args[1])}"
    if get_origin(tp) is list:
        return f"list of {type_text(args[0])}"
    return _link(tp) if _is_model(tp) else _SCALARS.get(tp, str(tp))


def type_text(tp: Any, meta: list[Any] | None = None) -> str:
    """A reader's name for the type `tp` with constraints `meta`."""
    meta = list(meta or [])
    while get_origin(tp) is Annotated:
        tp, *more = get_args(tp)
        meta += more
    return _bare_text(tp) + _bounds(meta)


def default_text(info: FieldInfo) -> str:
    """The default of a field as it would be written in YAML."""
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
        return "all defaults" if isinstance(value, BaseModel) else f"`{json.dumps(value)}`"
    if info.default is PydanticUndefined:
        return "*required*"
    if info.default is None:
        return "`null`"
    if isinstance(info.default, bool):
        return f"`{str(info.default).lower()}`"
    return f"`{json.dumps(info.default)}`" if isinstance(info.default, str) else f"`{info.default}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


@dataclass
class Found:
    """A schema class: the section it is documented in and the paths where it appears."""

    section: str
    paths: list[str] = field(default_factory=list)


def collect(tp: Any, at: str, section: str, found: dict[type[BaseModel], Found],
            stack: tuple[type[BaseModel], ...] = ()) -> None:
    """Every schema class reachable from `tp`, in the order a reader meets them."""
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    section = _named(tp) or section
    if get_origin(tp) in (Union, types.UnionType):
        for member in get_args(tp):
            collect(member, at, section, found, stack)
    elif get_origin(tp) is dict:
        collect(get_args(tp)[1], f"{at}.<name>", section, found, stack)
    elif get_origin(tp) is list:
        collect(get_args(tp)[0], f"{at}[]", section, found, stack)
    elif _is_model(tp) and tp not in stack:
        found.setdefault(tp, Found(section)).paths.append(at.lstrip("."))
        for name, info in tp.model_fields.items():
            collect(info.annotation, f"{at}.{info.alias or name}", section, found, stack + (tp,))


def table(cls: type[BaseModel], found: Found) -> str:
    """One class: heading, docstring, where it appears and its keys."""
    lines = [f"### {cls.__name__}", ""]
    if cls.__doc__:
        lines += [inspect.cleandoc(cls.__doc__), ""]
    paths = [p for p in found.paths if p]
    if paths:
        lines += ["Appears at: " + ", ".join(f"`{p}`" for p in paths) + ".", ""]
    lines += ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for name, info in cls.model_fields.items():
        cells = (f"`{info.alias or name}`", type_text(info.annotation, info.metadata),
                 default_text(info), info.description or "")
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def render() -> str:
    """The whole reference as Markdown."""
    found: dict[type[BaseModel], Found] = {}
    for root in (Scenario, OperatingModel):
        collect(root, "", root.__name__, found)
    parts = [INTRO]
    for section, heading in SECTIONS.items():
        parts.append(heading)
        parts += [table(cls, f) for cls, f in found.items() if f.section == section]
    return "\n".join(parts)


if __name__ == "__main__":
    sys.stdout.write(render())
