"""Invariants every run must keep (MODEL.md §6), on the shipped configs and generated ones.

Each check reads only a run's records, its initiatives, its pools and the
engine's weekly counters, so a failure names which of them disagree.
"""

from __future__ import annotations

import bisect
import math
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgsim.api import measure
from orgsim.config.load import load_plans
from orgsim.domain import records as R
from orgsim.engine.run import RunResult, simulate
from scenarios import SHIPPED, load_pair, one_unit_scenario, route_model, work_stage

Doc = dict[str, Any]
FINAL = frozenset(R.FINAL)
OUTCOMES = ("delivered", "reused", "rejected", "in_system")


def by_item(result: RunResult) -> dict[int, list[R.Record]]:
    """The records of each initiative, in record order."""
    out: dict[int, list[R.Record]] = defaultdict(list)
    for rec in result.records:
        out[rec.item].append(rec)
    return out


def outcome_of(recs: list[R.Record]) -> str:
    finals = [r.kind for r in recs if r.kind in FINAL]
    return finals[0] if finals else "in_system"


# -- the invariants -------------------------------------------------------------
def clock_never_goes_back(r: RunResult) -> None:
    """Records come in time order, all before the horizon."""
    weeks = [rec.week for rec in r.records]
    assert all(a <= b for a, b in zip(weeks, weeks[1:]))
    assert not weeks or (weeks[0] >= 0.0 and weeks[-1] < r.plan.scenario.horizon_weeks)


def one_arrival_each(r: RunResult) -> None:
    """Exactly the initiatives arriving before the horizon have one arrival record, at their week.

    "At their week" up to rounding: see `test_arrival_records_carry_the_exact_week`.
    """
    horizon = r.plan.scenario.horizon_weeks
    arrivals = [rec for rec in r.records if rec.kind == R.ARRIVAL]
    ids = Counter(rec.item for rec in arrivals)
    assert all(n == 1 for n in ids.values()), "an item arrived twice"
    assert set(ids) == {it.id for it in r.initiatives if it.arrival_week < horizon}
    week = {it.id: it.arrival_week for it in r.initiatives}
    assert all(math.isclose(rec.week, week[rec.item], rel_tol=1e-12) for rec in arrivals)


def nothing_before_arrival(r: RunResult) -> None:
    """An item's first record is its arrival; none of its records is earlier."""
    for item, recs in by_item(r).items():
        assert item >= 0 and recs[0].kind == R.ARRIVAL, f"item {item} starts with {recs[0].kind}"
        assert all(rec.week >= recs[0].week for rec in recs)


def one_end_at_most(r: RunResult) -> None:
    """At most one final record per item, and after it only adoptions of a delivered product."""
    for item, recs in by_item(r).items():
        ends = [i for i, rec in enumerate(recs) if rec.kind in FINAL]
        assert len(ends) <= 1, f"item {item} ended {len(ends)} times"
        after = {rec.kind for rec in recs[ends[0] + 1:]} if ends else set()
        assert after <= {R.ADOPTED}, f"item {item} has {after} after its end"
        if R.ADOPTED in after:
            assert recs[ends[0]].kind == R.DELIVERED and recs[ends[0]].what == "national"


def counts_add_up(r: RunResult) -> None:
    """Outcomes partition the arrivals: in the records, the engine's counters and the metrics."""
    outcomes = Counter(outcome_of(recs) for recs in by_item(r).values())
    assert sum(outcomes.values()) == sum(1 for rec in r.records if rec.kind == R.ARRIVAL)
    last = r.timeseries.iloc[-1]
    assert last["week"] == r.plan.scenario.horizon_weeks
    assert [int(last[k]) for k in ("delivered", "reused", "rejected", "wip")] == [
        outcomes[k] for k in OUTCOMES]
    warmup = r.plan.scenario.warmup_weeks
    measured = Counter(outcome_of(recs) for recs in by_item(r).values() if recs[0].week >= warmup)
    counts = measure(r)["counts"]
    assert counts["arrived"] == sum(counts[k] for k in OUTCOMES) == sum(measured.values())
    assert all(counts[k] == measured[k] for k in OUTCOMES)


def stages_pair_up(r: RunResult) -> None:
    """Each item's stage_start and stage_end alternate, on the same pool, never backwards."""
    for item, recs in by_item(r).items():
        work = [rec for rec in recs if rec.kind in (R.STAGE_START, R.STAGE_END)]
        starts, ends = work[0::2], work[1::2]
        assert all(s.kind == R.STAGE_START and s.amount > 0 for s in starts), f"item {item}"
        assert all(e.kind == R.STAGE_END for e in ends), f"item {item}"
        for s, e in zip(starts, ends):
            assert (s.unit, s.what, s.stage) == (e.unit, e.what, e.stage) and e.week >= s.week
        if len(starts) > len(ends):  # still at work at the horizon
            assert outcome_of(recs) == "in_system", f"item {item} ended mid-stage"


def outcomes_have_causes(r: RunResult) -> None:
    """Delivered items were released; reuse follows a delivered original; rejection a gate."""
    recs_of = by_item(r)
    delivered_at = {rec.item: rec.week for rec in r.records if rec.kind == R.DELIVERED}
    for item, recs in recs_of.items():
        kinds = [rec.kind for rec in recs]
        assert kinds.count(R.RELEASED) <= 1, f"item {item} released twice"
        end = outcome_of(recs)
        if end == "delivered":
            assert R.RELEASED in kinds[:kinds.index(R.DELIVERED)]
        elif end == "reused":
            reuse = next(rec for rec in recs if rec.kind == R.REUSED)
            original = int(reuse.amount)
            assert any(rec.kind == R.DUPLICATE and rec.amount == original for rec in recs)
            assert original != item and delivered_at.get(original, math.inf) <= reuse.week
        elif end == "rejected":
            reject = next(rec for rec in recs if rec.kind == R.REJECTED)
            name = reject.what.split("@")[0]
            assert reject.amount == r.plan.forums[name].max_deferrals


def engine_agrees_with_records(r: RunResult) -> None:
    """At every weekly sample, the engine's work-in-progress equals arrivals minus ends so far.

    Samples taken at the very week of an arrival or an end are skipped: their
    order among simultaneous events is the scheduler's business.
    """
    starts = sorted(rec.week for rec in r.records if rec.kind == R.ARRIVAL)
    ends = sorted(rec.week for rec in r.records if rec.kind in FINAL)
    ties = set(starts) | set(ends)
    for week, wip in zip(r.timeseries["week"], r.timeseries["wip"]):
        if week in ties:
            continue
        inside = bisect.bisect_left(starts, week) - bisect.bisect_left(ends, week)
        assert wip == inside, f"week {week}: engine {wip}, records {inside}"


def staff_is_conserved(r: RunResult) -> None:
    """The engine's pools hold exactly the plan's headcount."""
    assert sum(p.people for p in r.pools) == pytest.approx(r.plan.headcount(), abs=1e-9)


def no_item_waits_on_itself(r: RunResult) -> None:
    """No detected duplicate waits, directly or through others, on its own outcome.

    An item whose last record is `duplicate` while its original is still in the
    system is waiting for that original; following those waits must never
    return to where it started.
    """
    recs_of = by_item(r)
    open_items = {i for i, recs in recs_of.items() if outcome_of(recs) == "in_system"}
    waits_for = {i: int(recs[-1].amount) for i, recs in recs_of.items()
                 if i in open_items and recs[-1].kind == R.DUPLICATE}
    for start in waits_for:
        path, node = [start], waits_for[start]
        while node in waits_for and node not in path:
            path.append(node)
            node = waits_for[node]
        assert node not in path, f"items {path} wait for each other"


def forums_meet_on_their_cadence(r: RunResult) -> None:
    """A forum decides only at offset + k * cadence, and meets once for each k."""
    decisions: dict[str, set[float]] = defaultdict(set)
    for rec in r.records:
        if rec.kind in (R.APPROVED, R.DEFERRED, R.REJECTED):
            decisions[rec.what].add(rec.week)
    for label, weeks in decisions.items():
        spec = r.plan.forums[label.split("@")[0]]
        ks = [(w - spec.offset_weeks) / spec.cadence_weeks for w in sorted(weeks)]
        assert all(abs(k - round(k)) < 1e-9 for k in ks), f"{label} met off its cadence"
        assert len({round(k) for k in ks}) == len(ks), f"{label} met twice at one meeting time"


Check = Callable[[RunResult], None]
INVARIANTS: list[Check] = [
    clock_never_goes_back, one_arrival_each, nothing_before_arrival, one_end_at_most,
    counts_add_up, stages_pair_up, outcomes_have_causes, engine_agrees_with_records,
    staff_is_conserved, forums_meet_on_their_cadence, no_item_waits_on_itself,
]
SHIPPED_ONLY: list[Check] = []


# -- shipped configuration ------------------------------------------------------
SHIPPED_MODELS = [p.model for p in load_plans(SHIPPED)]


@pytest.mark.parametrize("check", INVARIANTS + SHIPPED_ONLY, ids=lambda f: f.__name__)
@pytest.mark.parametrize("model", SHIPPED_MODELS)
def test_shipped_run_keeps_invariant(shipped_runs: dict[str, RunResult], model: str,
                                     check: Check) -> None:
    check(shipped_runs[model])


def test_shipped_runs_are_not_empty(shipped_runs: dict[str, RunResult]) -> None:
    """The invariants above bite: every outcome occurs somewhere."""
    seen = Counter(outcome_of(recs) for r in shipped_runs.values() for recs in by_item(r).values())
    assert all(seen[k] > 0 for k in OUTCOMES), seen


def test_headcount_is_the_same_under_every_model() -> None:
    counts = {p.model: p.headcount() for p in load_plans(SHIPPED)}
    assert len(set(counts.values())) == 1, counts


def test_every_model_receives_the_same_demand(shipped_runs: dict[str, RunResult]) -> None:
    """Common random numbers (MODEL.md §3): demand depends on the seed alone."""
    demands = [r.initiatives for r in shipped_runs.values()]
    assert all(d == demands[0] for d in demands[1:])


# -- generated scenarios ----------------------------------------------------------
FUNCS = ("f1", "f2")
prob = st.floats(0.0, 1.0)

dists = st.one_of(
    st.builds(lambda m: {"kind": "exponential", "mean": m}, st.floats(0.2, 3.0)),
    st.builds(lambda v: {"kind": "fixed", "value": v}, st.floats(0.0, 3.0)),
    st.builds(lambda lo, w: {"kind": "uniform", "low": lo, "high": lo + w},
              st.floats(0.0, 2.0), st.floats(0.1, 2.0)),
    st.builds(lambda m, cv: {"kind": "lognormal", "mean": m, "cv": cv},
              st.floats(0.2, 3.0), st.floats(0.1, 1.5)),
    st.builds(lambda lo, a, b: {"kind": "triangular", "low": lo, "mode": lo + a,
                                "high": lo + a + b},
              st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.1, 1.0)),
)


@st.composite
def scenarios(draw: st.DrawFn) -> Doc:
    """A small scenario: 1-3 national bodies, 0-3 ICSs, two functions, one or two themes."""
    nat = [f"N{i}" for i in range(draw(st.integers(1, 3)))]
    n_ics = draw(st.integers(0, 3))
    horizon = draw(st.sampled_from([20.0, 40.0, 60.0]))
    themes = {f"t{i}": {"variants": draw(st.integers(1, 3)), "p_national": draw(prob),
                        "p_capital": draw(prob), "value_per_week": {"kind": "fixed", "value": 1.0}}
              for i in range(draw(st.integers(1, 2)))}
    origins = draw(st.lists(st.sampled_from(nat), min_size=1, unique=True))
    units = nat + [f"ICS{i + 1:02d}" for i in range(n_ics)]
    schedule = [{"week": draw(st.floats(0.0, horizon)), "origin": draw(st.sampled_from(units)),
                 "theme": draw(st.sampled_from(sorted(themes))),
                 "effort": {"f1": draw(st.floats(0, 3))},
                 "national_candidate": draw(st.booleans()), "priority": draw(st.booleans())}
                for _ in range(draw(st.integers(0, 3)))]
    doc: Doc = {
        "name": "generated", "horizon_weeks": horizon,
        "warmup_weeks": draw(st.sampled_from([0.0, 5.0])),
        "organisations": {n: {"kind": "national_body",
                              "teams": {f: draw(st.integers(2, 4)) for f in FUNCS}} for n in nat},
        "themes": themes,
        "demand": {"ics_rate_per_week": draw(st.floats(0.0, 0.3)),
                   "national_rate_per_week": draw(st.floats(0.0, 1.0)),
                   "national_origins": {n: draw(st.floats(0.5, 2.0)) for n in origins},
                   "p_priority": draw(prob), "effort": {f: draw(dists) for f in FUNCS},
                   "schedule": schedule},
    }
    if n_ics:
        doc["ics"] = {"count": n_ics, "teams": {f: draw(st.integers(1, 2)) for f in FUNCS}}
    return doc


def steps(draw: st.DrawFn, places: list[str], forums: list[str], team: str | None,
          least: int = 0) -> list[Doc]:
    """A random list of `least` to 6 steps composed from every step kind."""
    kinds = ["check", "stage", "handoff"] + ["gate"] * bool(forums) + ["team"] * bool(team)
    out: list[Doc] = []
    for kind in draw(st.lists(st.sampled_from(kinds), min_size=least, max_size=6)):
        if kind == "check":
            out.append({"check": draw(st.sampled_from(places)), "reuse_function": "f1",
                        "reuse_share": draw(st.floats(0.0, 0.5))})
        elif kind == "gate":
            out.append({"gate": draw(st.sampled_from(forums))})
        elif kind == "handoff":
            out.append({"handoff": {"to": draw(st.sampled_from(places)),
                                    "delay_weeks": draw(st.floats(0.0, 3.0)),
                                    "p_rework": draw(prob), "rework_fraction": draw(prob)}})
        elif kind == "team":
            out.append({"stage": {"unit": "N0", "service_team": team, "kind": "build"}})
        else:
            functions = draw(st.sampled_from([["f1"], ["f2"], ["f1", "f2"], "all"]))
            out.append({"stage": {"unit": draw(st.sampled_from(places)), "functions": functions,
                                  "share": draw(st.floats(0.1, 1.0)),
                                  "kind": draw(st.sampled_from(["assess", "build"]))}})
    return out


@st.composite
def operating_models(draw: st.DrawFn, sc: Doc) -> Doc:
    """Forums, handoffs, portfolios, staff moves and routes over the units of `sc`."""
    nat = list(sc["organisations"])
    places = nat + ["origin"]
    ics = ["ICS*"] if "ics" in sc else []
    forums = {f"g{i}": {"unit": draw(st.sampled_from(places)),
                        "cadence_weeks": draw(st.floats(0.5, 8.0)),
                        "offset_weeks": draw(st.floats(0.0, 4.0)),
                        "capacity": draw(st.integers(1, 5)), "p_approve": draw(prob),
                        "max_deferrals": draw(st.integers(0, 3))}
              for i in range(draw(st.integers(0, 2)))}
    om: Doc = {"name": "generated", "own_p_detect": draw(prob), "forums": forums,
               "handoff": {"delay_weeks": draw(st.floats(0.0, 3.0)), "p_rework": draw(prob),
                           "rework_fraction": draw(prob)}}
    team = None
    if draw(st.booleans()):  # a service team carved out of N0, which never gives staff away
        team = "cells"
        om["service_teams"] = {team: {"unit": "N0", "count": 1, "size": {"f1": 1},
                                      "wip_limit": draw(st.integers(1, 2))}}
    if len(nat) > 1:  # the last body may merge with the first and give staff away
        structure: Doc = {}
        if draw(st.booleans()):
            kind = draw(st.sampled_from(["national_body", "factory"]))
            structure["merge"] = {"M": {"units": [nat[0], nat[-1]], "kind": kind}}
        if draw(st.booleans()):
            structure["transfers"] = [{"from": nat[-1], "to": draw(st.sampled_from(nat[:-1] + ics)),
                                       "share": draw(st.floats(0.05, 0.5))}]
        om["structure"] = structure
    if draw(st.booleans()):
        units = nat[:max(1, len(nat) - 1)] + ics  # not the last body: it may merge with the first
        seen_by = draw(st.lists(st.sampled_from(units), min_size=1, unique=True))
        om["portfolios"] = {"shared": {"units": seen_by, "p_detect": draw(prob)}}
    om["segments"] = {"seg": steps(draw, places, list(forums), team)}
    when = st.fixed_dictionaries({}, optional={
        "national_candidate": st.booleans(), "funding": st.sampled_from(["revenue", "capital"]),
        "origin_kind": st.sampled_from(["ics", "national"]), "priority": st.booleans(),
        "max_effort": st.floats(0.5, 5.0)})
    routes = [{"name": f"r{i}", "when": draw(when),
               "scope": draw(st.sampled_from(["national", "local"])),
               "steps": steps(draw, places, list(forums), team) + [{"use": "seg"}]}
              for i in range(draw(st.integers(0, 2)))]
    routes.append({"name": "rest", "steps": steps(draw, places, list(forums), team, least=1)})
    om["routes"] = routes
    return om


@st.composite
def generated(draw: st.DrawFn) -> tuple[Doc, Doc, int]:
    sc = draw(scenarios())
    return sc, draw(operating_models(sc)), draw(st.integers(0, 2**16))


def base_headcount(sc: Doc) -> int:
    people = sum(sum(o["teams"].values()) for o in sc["organisations"].values())
    return people + (sc["ics"]["count"] * sum(sc["ics"]["teams"].values()) if "ics" in sc else 0)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated())
def test_generated_runs_keep_invariants(case: tuple[Doc, Doc, int]) -> None:
    sc, om, seed = case
    with tempfile.TemporaryDirectory() as where:
        plan = load_pair(Path(where), sc, om)
    assert plan.headcount() == base_headcount(sc)
    result = simulate(plan, seed)
    for check in INVARIANTS:
        check(result)


# -- regressions: each of these once failed --------------------------------------------

def test_shipped_forums_meet_once_per_meeting_time(shipped_runs: dict[str, RunResult]) -> None:
    """Every forum of every shipped run meets at offset + k * cadence, once for each k."""
    for result in shipped_runs.values():
        forums_meet_on_their_cadence(result)


def test_a_run_without_arrivals_is_measured(tmp_path: Path) -> None:
    sc = one_unit_scenario(0.0, {"kind": "fixed", "value": 1.0}, 1, 10.0, 0.0)
    result = simulate(load_pair(tmp_path, sc, route_model([work_stage()])), 0)
    counts_add_up(result)


def test_arrival_records_carry_the_exact_week(tmp_path: Path) -> None:
    weeks = [4.100848719179839, 15.989041051111707]
    sc = one_unit_scenario(0.0, {"kind": "fixed", "value": 1.0}, 1, 20.0, 0.0)
    sc["demand"].update(generate=False, schedule=[
        {"week": w, "origin": "A", "theme": "t", "effort": {"work": 1.0}} for w in weeks])
    result = simulate(load_pair(tmp_path, sc, route_model([work_stage()])), 0)
    assert [rec.week for rec in result.records if rec.kind == R.ARRIVAL] == weeks


def two_checks(where: Path, first: list[str], second: list[str]) -> RunResult:
    """Two initiatives of one capability whose routes check portfolios in the given orders."""
    sc = {"name": "two_checks", "horizon_weeks": 50.0,
          "organisations": {n: {"kind": "national_body", "teams": {"work": 2, "adopt": 1}}
                            for n in ("N0", "N1")},
          "themes": {"t": {"variants": 1, "p_national": 0.0,
                           "value_per_week": {"kind": "fixed", "value": 0.0}}},
          "demand": {"generate": False, "effort": {"work": {"kind": "fixed", "value": 1.0}},
                     "schedule": [{"week": 1.0, "origin": "N0", "theme": "t", "priority": True,
                                   "effort": {"work": 4.0}},
                                  {"week": 2.0, "origin": "N0", "theme": "t",
                                   "effort": {"work": 1.0}}]}}

    def route(units: list[str]) -> list[Doc]:
        return [step for u in units for step in (
            {"check": u, "reuse_function": "adopt"},
            {"stage": {"unit": u, "functions": ["work"]}})]

    om = {"name": "two_checks", "own_p_detect": 1.0,
          "routes": [{"name": "first", "when": {"priority": True}, "steps": route(first)},
                     {"name": "second", "steps": route(second)}]}
    return simulate(load_pair(where, sc, om), 0)


def test_checking_one_portfolio_twice_finishes(tmp_path: Path) -> None:
    result = two_checks(tmp_path, ["N0", "N0"], ["N0", "N0"])
    no_item_waits_on_itself(result)


def test_routes_checking_in_opposite_orders_finish(tmp_path: Path) -> None:
    result = two_checks(tmp_path, ["N0", "N1"], ["N1", "N0"])
    no_item_waits_on_itself(result)
