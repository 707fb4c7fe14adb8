"""Metamorphic relations: how results must move when one input moves.

Where theory makes a relation hold path by path, a reduction of the model is
run with common random numbers (the same seed gives the same arrivals and
efforts) and every item is compared. In the full model the relations need hold
only on average: there each is tested on paired differences over seeds, and
fails when the mean difference goes the wrong way by more than a one-sided 95%
Student-t margin, that is when the data show the relation broken on average.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

from orgsim.api import measure
from orgsim.config.load import load_plans
from orgsim.config.plan import Plan
from orgsim.domain import records as R
from orgsim.engine.run import RunResult, simulate
from orgsim.metrics.core import duplicate_builds
from scenarios import (
    Doc,
    first_week,
    gate_plan,
    load_pair,
    one_unit_scenario,
    route_model,
    shipped_copy,
    times_in_system,
    work_stage,
)

SEEDS = range(3)


# -- path by path, in reductions -------------------------------------------------
def start_weeks(result: RunResult) -> np.ndarray:
    """Week each initiative starts work (inf if it never does before the horizon)."""
    started = first_week(result.events_frame(), R.STAGE_START)
    return started.reindex(range(len(result.initiatives))).fillna(math.inf).to_numpy()


@pytest.mark.parametrize("seed", SEEDS)
def test_more_staff_never_lengthens_any_wait(tmp_path: Path, seed: int) -> None:
    """First come first served with identical arrivals and efforts: a server more never hurts.

    The Kiefer-Wolfowitz workload recursion is monotone in the number of
    servers, for any effort distribution, so this holds item by item.
    """
    effort = {"kind": "lognormal", "mean": 1.0, "cv": 1.2}
    starts = []
    for staff in (2, 3, 5):
        sc = one_unit_scenario(1.8, effort, staff, 300.0, 0.0)
        starts.append(start_weeks(simulate(load_pair(tmp_path / str(staff), sc,
                                                     route_model([work_stage()])), seed)))
    for fewer, more in zip(starts, starts[1:]):
        assert np.all(more <= fewer + 1e-9)
    assert np.sum(starts[-1] < starts[0] - 1e-9) > 50, "more staff changed nothing"


@pytest.mark.parametrize("seed", SEEDS)
def test_more_frequent_meetings_never_delay_any_decision(tmp_path: Path, seed: int) -> None:
    """A forum meeting at a superset of the times, same capacity, decides every item no later.

    Cadences 4, 2 and 1 share their offset, so each schedule contains the
    previous one; with first-come first-served decisions and limited capacity
    the count decided by any time can only grow.
    """
    released = []
    for cadence in (4.0, 2.0, 1.0):
        plan = gate_plan(tmp_path / str(cadence), 0.45, 300.0, 0.0, cadence=cadence, capacity=2)
        result = simulate(plan, seed)
        released.append(first_week(result.events_frame(), R.RELEASED).reindex(
            range(len(result.initiatives))).fillna(math.inf).to_numpy())
    for slower, faster in zip(released, released[1:]):
        assert np.all(faster <= slower + 1e-9)
    assert np.sum(released[-1] < released[0] - 1e-9) > 50


def detection_plan(where: Path, p_detect: float, seed: int) -> Plan:
    """Check then build in one unit; 120 initiatives of four capabilities in weeks 0-100.

    The initiatives are listed (drawn here from `seed`) rather than generated,
    so that arrivals stop well before the horizon and every build is finished
    by then: duplicates built are then not cut short by the horizon, whatever
    the load.
    """
    rng = np.random.default_rng(seed)
    schedule = [{"week": float(w), "origin": "A", "theme": "t", "variant": int(v),
                 "effort": {"work": float(e)}}
                for w, v, e in zip(np.sort(rng.uniform(0, 100, 120)), rng.integers(0, 4, 120),
                                   rng.exponential(1.5, 120))]
    sc = one_unit_scenario(0.0, {"kind": "fixed", "value": 1.0}, 2, 300.0, 0.0, variants=4,
                           teams={"adopt": 1})
    sc["demand"].update(generate=False, schedule=schedule)
    steps = [{"check": "A", "reuse_function": "adopt", "reuse_share": 0.1}, work_stage()]
    return load_pair(where, sc, route_model(steps, own_p_detect=p_detect))


def undetected_duplicates(result: RunResult) -> set[int]:
    """Items whose check missed an earlier initiative of the same capability."""
    first: dict[str, int] = {}
    for item in result.initiatives:
        first.setdefault(item.capability_key, item.id)
    missed = {rec.item for rec in result.records if rec.kind == R.CHECK and rec.amount == 0.0}
    return {i for i in missed if first[result.initiatives[i].capability_key] != i}


@pytest.mark.parametrize("seed", SEEDS)
def test_higher_p_detect_never_builds_more_duplicates(tmp_path: Path, seed: int) -> None:
    """With no gate, every later arrival of a capability finds the first one and draws once.

    So the uniform draws are used in arrival order whatever `p_detect`, and an
    item missed at a higher `p_detect` is missed at every lower one: the
    duplicates missed are nested and, all builds being finished, so are the
    duplicates built; the duplication metrics cannot rise.
    """
    missed, built, rates, counts = [], [], [], []
    for p in (0.0, 0.3, 0.7, 1.0):
        result = simulate(detection_plan(tmp_path / str(p), p, seed), seed)
        metrics = measure(result)
        assert metrics["counts"]["in_system"] == 0
        missed.append(undetected_duplicates(result))
        flags = duplicate_builds(result.events_frame(), result.initiatives_frame())
        built.append(set(flags[flags].index))
        rates.append(metrics["duplication_rate"])
        counts.append(metrics["duplicates_built"])
    assert all(later <= earlier for earlier, later in zip(missed, missed[1:]))
    assert built == missed
    assert all(b <= a for a, b in zip(rates, rates[1:])), rates
    assert all(b <= a for a, b in zip(counts, counts[1:])), counts
    assert counts[0] > 50 and counts[-1] == 0 and rates[-1] == 0.0


# -- on average, in the full model --------------------------------------------------
FULL_SEEDS = range(4)
HORIZON = 156.0  # three years: a year of warm-up and two measured


def shorter(doc: Doc) -> None:
    doc["horizon_weeks"] = HORIZON


def double_staff(doc: Doc) -> None:
    shorter(doc)
    for unit in [*doc["organisations"].values(), doc["ics"]]:
        unit["teams"] = {f: 2 * n for f, n in unit["teams"].items()}


def halve_cadences(model: Doc) -> None:
    for spec in model.get("forums", {}).values():
        spec["cadence_weeks"] /= 2


def perfect_detection(model: Doc) -> None:
    if "own_p_detect" in model:
        model["own_p_detect"] = 1.0
    for spec in model.get("portfolios", {}).values():
        spec["p_detect"] = 1.0


Metrics = dict[str, Any]
Reading = Callable[[RunResult, Metrics], dict[str, float]]
Runs = dict[tuple[str, int], tuple[RunResult, Metrics]]


@pytest.fixture(scope="module")
def base_runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """The shipped scenario over three years, each operating model and seed, with its metrics."""
    plans = load_plans(shipped_copy(tmp_path_factory.mktemp("base"), shorter))
    return {(p.model, s): (r, measure(r)) for p in plans for s in FULL_SEEDS
            for r in [simulate(p, s)]}


def differences(base_runs: Runs, variant: list[Plan],
                read: Reading, metrics: bool = True) -> dict[str, dict[str, np.ndarray]]:
    """Variant minus base of each value `read` gives, per model, one entry per seed."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for plan in variant:
        rows: dict[str, list[float]] = {}
        for seed in FULL_SEEDS:
            new = simulate(plan, seed)
            before = read(*base_runs[(plan.model, seed)])
            after = read(new, measure(new) if metrics else {})
            for name in before:
                rows.setdefault(name, []).append(after[name] - before[name])
        out[plan.model] = {name: np.array(v) for name, v in rows.items()}
    return out


def significantly_positive(diff: np.ndarray) -> bool:
    """True when the mean difference exceeds zero by more than a one-sided 95% t margin."""
    margin = stats.t.ppf(0.95, diff.size - 1) * diff.std(ddof=1) / math.sqrt(diff.size)
    return bool(diff.mean() > margin)


def assert_never_raised(diffs: dict[str, dict[str, np.ndarray]]) -> None:
    broken = [f"{model} {name}: mean change {d.mean():+.4g} (per seed {np.round(d, 4).tolist()})"
              for model, per in diffs.items() for name, d in per.items()
              if significantly_positive(d)]
    assert not broken, "; ".join(broken)


def test_more_staff_never_raises_mean_time_in_system(
        base_runs: Runs, tmp_path: Path) -> None:
    """Twice the staff everywhere. Stage durations do not depend on headcount, so only waits change.

    Time in system is that of the measured arrivals, counted until the horizon
    for those still in the system.
    """
    plans = load_plans(shipped_copy(tmp_path, double_staff))
    assert_never_raised(differences(
        base_runs, plans, lambda r, _: {"time in system": float(times_in_system(r).mean())},
        metrics=False))


def test_shorter_cadence_never_raises_decision_latency(
        base_runs: Runs, tmp_path: Path) -> None:
    """Every forum meets twice as often."""
    plans = load_plans(shipped_copy(tmp_path, shorter, halve_cadences))
    assert_never_raised(differences(
        base_runs, plans, lambda _, m: {"decision latency": m["decision_latency"]["mean"]}))


def test_higher_p_detect_never_raises_duplication(
        base_runs: Runs, tmp_path: Path) -> None:
    """Every portfolio notices every duplicate it can see."""
    plans = load_plans(shipped_copy(tmp_path, shorter, perfect_detection))
    assert_never_raised(differences(base_runs, plans, lambda _, m: {
        "duplication rate": m["duplication_rate"],
        "duplicates built": float(m["duplicates_built"])}))
