"""Small scenarios and operating models built from Python dicts, and readers of their runs.

A test describes a reduction of the model (one unit, one stage, one forum...)
as plain dicts; `load_pair` writes them as YAML and loads them through
`orgsim.config.load.load_plan`, so every reduction passes the same checks as a
user's file. `shipped_copy` writes an edited copy of the shipped configuration.
The readers turn a run's records into per-item times.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from orgsim.config.load import load_plan
from orgsim.config.plan import Plan
from orgsim.domain import records as R
from orgsim.engine.run import RunResult

Doc = dict[str, Any]
Edit = Callable[[Doc], None]

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "configs" / "nhs_england.yaml"
SHIPPED_MODELS = ROOT / "configs" / "operating_models"
FINAL = frozenset(R.FINAL)


# -- writing ------------------------------------------------------------------
def write_yaml(path: Path, doc: Doc) -> Path:
    """Write `doc` as YAML at `path` (folders created); returns `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def load_pair(where: Path, scenario: Doc, model: Doc) -> Plan:
    """Write a scenario and an operating model into `where` and load them as a Plan."""
    sc = write_yaml(where / "scenario.yaml", scenario)
    om = write_yaml(where / "model.yaml", model)
    return load_plan(sc, str(om))


def shipped_copy(where: Path, edit_scenario: Edit | None = None,
                 edit_model: Edit | None = None) -> Path:
    """Copy the shipped scenario and its operating models into `where`, editing the dicts.

    Args:
        where: Folder receiving `scenario.yaml` and `operating_models/`.
        edit_scenario: Changes the scenario dict in place.
        edit_model: Changes each operating model dict in place (models that
            `extends` another receive their own keys only).

    Returns:
        The path of the copied scenario.
    """
    doc = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    if edit_scenario is not None:
        edit_scenario(doc)
    for path in sorted(SHIPPED_MODELS.glob("*.yaml")):
        model = yaml.safe_load(path.read_text(encoding="utf-8"))
        if edit_model is not None:
            edit_model(model)
        write_yaml(where / "operating_models" / path.name, model)
    return write_yaml(where / "scenario.yaml", doc)


# -- reductions ---------------------------------------------------------------
def one_unit_scenario(rate: float, effort: Doc, staff: int, horizon: float, warmup: float,
                      variants: int = 3, teams: dict[str, int] | None = None) -> Doc:
    """One national body `A` raising Poisson(`rate`) initiatives of one theme, no ICSs.

    Args:
        rate: Arrivals per week.
        effort: Distribution of the effort of function `work` (a config dict).
        staff: Headcount of `A`'s `work` team.
        horizon: `horizon_weeks`.
        warmup: `warmup_weeks`.
        variants: Capabilities in the theme (few variants make many duplicates).
        teams: Further teams of `A`.
    """
    return {
        "name": "one_unit", "horizon_weeks": horizon, "warmup_weeks": warmup,
        "sample_every_weeks": max(1.0, horizon / 50),
        "organisations": {"A": {"kind": "national_body",
                                "teams": {"work": staff, **(teams or {})}}},
        "themes": {"t": {"p_national": 0.0, "p_capital": 0.0, "variants": variants,
                         "value_per_week": {"kind": "fixed", "value": 0.0}}},
        "demand": {"generate": True, "ics_rate_per_week": 0.0, "national_rate_per_week": rate,
                   "national_origins": {"A": 1.0}, "p_priority": 0.0,
                   "effort": {"work": effort}},
    }


def route_model(steps: list[Doc], forums: Doc | None = None, **keys: Any) -> Doc:
    """An operating model with a single route of `steps` (scope local: no adoption)."""
    return {"name": "reduction", "forums": forums or {},
            "routes": [{"name": "only", "scope": "local", "steps": steps}], **keys}


def work_stage(unit: str = "A") -> Doc:
    """A build stage of `unit`'s `work` team, one person per item."""
    return {"stage": {"unit": unit, "functions": ["work"], "kind": "build"}}


def forum(cadence: float, capacity: int = 100_000, p_approve: float = 1.0,
          max_deferrals: int = 0, offset: float = 0.0, unit: str = "A") -> Doc:
    """A decision forum held by `unit`."""
    return {"unit": unit, "cadence_weeks": cadence, "offset_weeks": offset, "capacity": capacity,
            "p_approve": p_approve, "max_deferrals": max_deferrals}


def mmc_plan(where: Path, lam: float, mu: float, c: int, horizon: float, warmup: float) -> Plan:
    """The M/M/c reduction: Poisson(`lam`) arrivals, Exp(`mu`) effort, `c` staff, no gate."""
    sc = one_unit_scenario(lam, {"kind": "exponential", "mean": 1.0 / mu}, c, horizon, warmup)
    return load_pair(where, sc, route_model([work_stage()]))


def gate_plan(where: Path, lam: float, horizon: float, warmup: float, **gate: Any) -> Plan:
    """A forum `g` alone on the route; `gate` are the `forum` arguments."""
    sc = one_unit_scenario(lam, {"kind": "fixed", "value": 1.0}, 1, horizon, warmup)
    return load_pair(where, sc, route_model([{"gate": "g"}], forums={"g": forum(**gate)}))


# -- reading runs -------------------------------------------------------------
def first_week(events: pd.DataFrame, kind: str) -> pd.Series:
    """Week of the first record of `kind`, per item."""
    return events[events["kind"] == kind].groupby("item")["week"].min()


def arrivals(result: RunResult) -> pd.Series:
    """Arrival week per item that arrived (from the `arrival` records)."""
    return first_week(result.events_frame(), R.ARRIVAL)


def waits(result: RunResult, before: float) -> pd.Series:
    """Wait for staff of a one-stage route: first `stage_start` minus arrival.

    Items arriving from the warm-up until `before`; NaN for one still waiting
    at the horizon (an uncensored comparison needs `before` well short of it).
    """
    ev = result.events_frame()
    arrived = first_week(ev, R.ARRIVAL)
    started = first_week(ev, R.STAGE_START)
    measured = arrived[(arrived >= result.plan.scenario.warmup_weeks) & (arrived < before)]
    return started.reindex(measured.index) - measured


def final_week(events: pd.DataFrame) -> pd.Series:
    """Week of the final record (delivered, reused or rejected), per finished item."""
    return events[events["kind"].isin(FINAL)].groupby("item")["week"].min()


def times_in_system(result: RunResult, before: float | None = None,
                    censor: float | None = None) -> pd.Series:
    """Time in system of items arriving from the warm-up until `before`, censored at `censor`.

    Both default to the horizon; an item still in the system counts until `censor`.
    """
    sc = result.plan.scenario
    before = sc.horizon_weeks if before is None else before
    censor = sc.horizon_weeks if censor is None else censor
    ev = result.events_frame()
    arrived = first_week(ev, R.ARRIVAL)
    measured = arrived[(arrived >= sc.warmup_weeks) & (arrived < before)]
    end = final_week(ev).reindex(measured.index).fillna(math.inf).clip(upper=censor)
    return end - measured


def t_interval(values: Iterable[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided Student-t confidence interval of independent replications.

    Returns:
        (mean, low, high).
    """
    v = np.asarray(list(values), dtype=float)
    half = stats.t.ppf(0.5 + level / 2, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size)
    return float(v.mean()), float(v.mean() - half), float(v.mean() + half)
