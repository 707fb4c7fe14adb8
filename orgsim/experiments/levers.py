"""Levers: the settings an experiment tries, today's setting (its baseline), and notes on a file
that seems to mix levers up with uncertainties.

A setting is one combination of lever values; the settings are the full grid of every
lever's values, in the order the levers are written, each lever's values ascending, with
today's value added where it is not among them. A value is set with the type the schema
gives its field: a whole-number field (a team's headcount, a forum's capacity) refuses an
explicit value that is not whole, and a range over one is sampled in whole numbers.

Whether a number is a lever or an uncertainty is the author's call, but two patterns
suggest a mix-up and are noted (not refused) by `orgsim validate`:

- an uncertainty that sets something a team decides (a forum's cadence or capacity, a
  planning overhead, a team's or service team's size) with an assumed range (its source
  is empty or starts with "assumption") looks like a lever: as an uncertainty its values
  are pooled into one answer, as a lever each gets its own;
- a lever on demand, adoption or the themes of work looks like an uncertainty: nobody
  chooses how much work arrives.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

from orgsim.experiments.points import Bases, _get, _targets, number_type, plans

CHOSEN = {"cadence_weeks": "a forum's cadence", "capacity": "a forum's capacity",
          "planning_overhead": "a planning overhead", "teams": "a team's headcount",
          "service_teams": "service teams", "staff": "a stage's staff",
          "wip_limit": "a team's work-in-progress limit"}
FACTS = ("demand", "adoption", "themes")


def _whole(bases: Bases, path: str, values: list[float], where: tuple[Any, ...]) -> None:
    if number_type(path, bases) is not int:
        return
    for i, value in enumerate(values):
        if not float(value).is_integer():
            raise bases.src.error(where + ((i,) if len(values) > 1 else ()),
                                  f"{value:g} is not a whole number, and {path} takes whole "
                                  "numbers" + ("" if where[0] == "baseline" else "; give whole "
                                               "numbers (or a low-high range, which is sampled in "
                                               "whole numbers)"))


def _today(bases: Bases, path: str) -> float:
    """The scenario's or model's own value at `path` (the same in every model it edits)."""
    found = {model: _get((bases.scenario if model is None else bases.models[model]).data, keys)
             for model, keys in _targets(path, bases)}
    values = set(found.values())
    if len(values) > 1:
        shown = ", ".join(f"{m}: {v:g}" for m, v in found.items())
        raise bases.src.error(("levers", path), f"the compared models have different values here "
                              f"({shown}); say which is today's under `baseline:`")
    return float(values.pop())


def settle(bases: Bases) -> Bases:
    """Check whole numbers and the baseline; returns bases whose experiment has every lever's
    baseline filled in (so the results folder records today's setting)."""
    exp = bases.exp
    for path, u in exp.uncertainties.items():
        if u.values is not None:
            _whole(bases, path, u.values, ("uncertainties", path, "values"))
    for path, lever in exp.levers.items():
        if lever.values is not None:
            _whole(bases, path, lever.values, ("levers", path, "values"))
        if path in exp.baseline:
            _whole(bases, path, [exp.baseline[path]], ("baseline", path))
    if not exp.levers:
        return bases
    from orgsim.experiments.points import check_paths

    check_paths(bases, exp.levers, key="levers")
    baseline = {p: exp.baseline[p] if p in exp.baseline else _today(bases, p) for p in exp.levers}
    plans(bases, baseline)
    return replace(bases, exp=exp.model_copy(update={"baseline": baseline}))


def grid(bases: Bases, path: str) -> list[float]:
    """One lever's values, ascending, today's included; whole numbers for a whole-number field."""
    exp = bases.exp
    values = exp.levers[path].grid(exp.design.levels)
    if path in exp.baseline:
        values = [*values, exp.baseline[path]]
    if number_type(path, bases) is int:
        return sorted({int(round(v)) for v in values})
    return sorted({float(v) for v in values})


def settings(bases: Bases) -> list[dict[str, float]]:
    """Every combination of lever values, in grid order (the last lever varies fastest); one
    empty setting when there are no levers."""
    paths = list(bases.exp.levers)
    return [dict(zip(paths, combo)) for combo in itertools.product(*(grid(bases, p) for p in paths))]


def whole_columns(bases: Bases) -> list[int]:
    """Columns of the uncertainty design whose field takes whole numbers (rounded when sampled)."""
    return [i for i, path in enumerate(bases.exp.uncertainties) if number_type(path, bases) is int]


def _chosen(path: str) -> str | None:
    keys = path.split(".")
    return next((k for k in CHOSEN if k in keys), None)


def notes(bases: Bases) -> list[str]:
    """`file:line: message` for each lever that looks like a fact and each uncertainty that looks
    like a choice (see the module's docstring)."""
    out = []
    src = bases.src
    for path, u in bases.exp.uncertainties.items():
        key = _chosen(path)
        assumed = not u.source.strip() or u.source.strip().lower().startswith("assumption")
        if key is not None and assumed:
            out.append(f"{src.file}:{src.line_of(('uncertainties', path))}: uncertainties.{path}: "
                       f"sets {CHOSEN[key]}, which a team chooses, over an assumed "
                       "range; if it is a choice, list it under `levers:` to get an answer for "
                       "each of its values instead of one pooled over them")
    for path in bases.exp.levers:
        if path.split(".")[0] in FACTS:
            out.append(f"{src.file}:{src.line_of(('levers', path))}: levers.{path}: "
                       f"{path.split('.')[0]} is a fact of the world nobody chooses; if so, list "
                       "it under `uncertainties:` with a source, so the answers are pooled over "
                       "it rather than given for each value")
    return out


def describe(bases: Bases) -> str:
    """`2 levers (6 settings) x grid design of 4 scenarios over 2 uncertainties`."""
    exp, n = bases.exp, len(settings(bases))
    k, scenarios = len(exp.uncertainties), exp.scenarios_count()
    text = f"{exp.design.kind} design"
    if exp.uncertainties:
        text += f" of {_count(scenarios, 'scenario')} over {_count(k, 'uncertainty', 'uncertainties')}"
    if exp.levers:
        text = f"{_count(len(exp.levers), 'lever')} ({_count(n, 'setting')}) x {text}"
    return text


def _count(n: int, noun: str, plural: str = "") -> str:
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


__all__ = ["describe", "grid", "notes", "settings", "settle", "whole_columns"]
