"""The evidence ledger of a scenario and its operating models: every number, its kind and source.

`orgsim evidence` prints it and the experiment report shows it; `shares` says how much
of what drives a run is observed, derived from published figures, or assumed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgsim.config.evidence import CLAIMS, Row, rows, shares
from orgsim.config.load import load_operating_model, load_scenario


@dataclass(frozen=True)
class Ledger:
    """The rows of a scenario (document "scenario") and of each operating model (by name)."""

    scenario: str
    models: tuple[str, ...]
    rows: tuple[Row, ...]
    people: tuple[tuple[str, float], ...] = ()  # (unit, headcount units) in the scenario
    people_per_unit: float = 1.0
    cost_per_person_year: float | None = None

    def documents(self) -> list[str]:
        return ["scenario", *self.models]

    def of(self, model: str | None = None) -> list[Row]:
        """The numbers behind a run of `model` (the scenario's alone when None)."""
        return [r for r in self.rows if r.document in ("scenario", model)]

    def summary(self) -> list[str]:
        """One sentence per run: how many numbers, and the shares of each kind."""
        lines = [_sentence(f"{self.scenario} (scenario alone)", self.of())]
        lines += [_sentence(f"{self.scenario} with {m}", self.of(m)) for m in self.models]
        if self.people:
            lines.append(self.headcount())
        return lines

    def headcount(self) -> str:
        """The scenario's headcount in people, and what it costs a year when a cost is given."""
        n = self.people_per_unit
        units = sum(u for _, u in self.people)
        parts = ", ".join(f"{name} {u * n:,.0f}" for name, u in self.people)
        who = "person" if n == 1 else "people"
        text = (f"People on change work (units x {n:g} {who} a unit): {parts}; "
                f"{units * n:,.0f} in all")
        if self.cost_per_person_year is not None:
            cost = units * n * self.cost_per_person_year / 1e6
            text += f", costing £{cost:,.0f}m a year at £{self.cost_per_person_year:,.0f} a person"
        return text + "."


def _sentence(title: str, ledger: list[Row]) -> str:
    settings = sum(r.kind == "setting" for r in ledger)
    claims = [r for r in ledger if r.kind != "setting"]
    share = shares(ledger)
    counts = {k: sum(r.counted == k for r in claims) for k in CLAIMS}
    kinds = ", ".join(f"{k} {counts[k]} ({share[k]:.1%})" for k in CLAIMS)
    unmarked = sum(r.kind == "unmarked" for r in ledger)
    changed = sum(bool(r.changed) for r in ledger)
    return (f"{title}: {len(ledger)} numbers, {settings} of them settings of the run; of the other "
            f"{len(claims)}: {kinds}; unmarked {unmarked}, changed since their evidence {changed}.")


def people(sc: Any) -> tuple[tuple[str, float], ...]:
    """Headcount units of each national body, and of all ICSs together."""
    out = [(name, float(sum(o.teams.values()))) for name, o in sc.organisations.items()]
    if sc.ics is not None and sc.ics.count:
        name = f"{sc.ics.count} ICS{'s' if sc.ics.count != 1 else ''}"
        out.append((name, float(sum(sc.ics.teams.values()) * sc.ics.count)))
    return tuple(out)


def _switched(sc: Any) -> list[str]:
    """Operating models the scenario's timeline switches to, in order."""
    found = [(step.get("switch_model") or {}).get("to") for step in
             sc.model_dump(mode="python", include={"timeline"})["timeline"]]
    return list(dict.fromkeys(m for m in found if isinstance(m, str)))


def load_ledger(scenario: str | Path, models: Iterable[str] | None = None) -> Ledger:
    """The ledger of `scenario` with `models` (default: the scenario's operating models)."""
    sc, sc_src = load_scenario(scenario)
    names = list(models) if models else list(sc.operating_models)
    names += [m for m in _switched(sc) if m not in names]  # models a timeline switches to run too
    out = rows("scenario", sc, sc_src)
    shown = []
    for name in names:
        om, om_src = load_operating_model(name, scenario, sc, None if models else sc_src)
        out += rows(om.name, om, om_src)
        shown.append(om.name)
    return Ledger(sc.name, tuple(shown), tuple(out), people(sc), sc.scale.people_per_unit,
                  sc.scale.cost_per_person_year)


def assumption_only(ledger: Ledger, paths: Iterable[str]) -> set[str]:
    """The experiment paths (`demand.x`, `model.x`, `models.NAME.x`) whose numbers rest on
    assumption alone: every number they set is an assumption (or unmarked, or changed)."""
    out = set()
    for path in paths:
        if path.startswith("models."):
            name, _, rest = path[len("models."):].partition(".")
            hits = [r for r in ledger.rows if r.document == name and r.path == rest]
        elif path.startswith("model."):
            rest = path[len("model."):]
            hits = [r for r in ledger.rows if r.document != "scenario" and r.path == rest]
        else:
            hits = [r for r in ledger.rows if r.document == "scenario" and r.path == path]
        if all(r.counted == "assumption" for r in hits):
            out.add(path)
    return out
