"""Scenario timelines: each intervention checked against what it must mean.

Where an intervention at week 0 is the same as a different configuration
(more staff, another forum), the two runs must produce the same records. A
reorganisation is checked for its rule on work in flight, its productivity dip
and the invariants of every run; demand changes for keeping the baseline's
initiatives (common random numbers).
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from orgsim.config.load import load_plan, load_plans
from orgsim.config.plan import SwitchPlan
from orgsim.domain import records as R
from orgsim.engine.model import OrgModel
from orgsim.engine.run import RunResult, simulate
from orgsim.mechanisms.interventions import pool_specs
from scenarios import ROOT, Doc, forum, load_pair, one_unit_scenario, route_model, work_stage, write_yaml

SCENARIOS = sorted((ROOT / "configs" / "scenarios").glob("*.yaml"))
TIMELINE_KINDS = (R.INTERVENTION, R.STAFFING)


def _records(result: RunResult) -> list[tuple[Any, ...]]:
    """The run's records less those that only say an intervention happened."""
    return [tuple(r) for r in result.records if r.kind not in TIMELINE_KINDS]


def _with_timeline(sc: Doc, *entries: Doc) -> Doc:
    return {**sc, "timeline": list(entries)}


# -- interventions at week 0 are the configuration they change to --------------------------
def test_staff_added_at_week_zero_is_the_same_as_more_staff(tmp_path: Path) -> None:
    effort = {"kind": "exponential", "mean": 2.0}
    model = route_model([work_stage()])
    more = load_pair(tmp_path / "more", one_unit_scenario(1.2, effort, 4, 150, 0), model)
    add = {"week": 0, "staff": {"unit": "A", "team": "work", "change": 2}}
    fewer = one_unit_scenario(1.2, effort, 2, 150, 0)
    added = load_pair(tmp_path / "added", _with_timeline(fewer, add), model)
    a, b = simulate(more, 5), simulate(added, 5)
    assert len(_records(a)) > 300
    assert _records(a) == _records(b)


def test_funding_and_cadence_at_week_zero_are_the_changed_forum(tmp_path: Path) -> None:
    sc = one_unit_scenario(1.0, {"kind": "fixed", "value": 1.0}, 3, 120, 0)
    steps = [{"gate": "g"}, work_stage()]
    changed = load_pair(tmp_path / "changed", sc, route_model(
        steps, forums={"g": forum(2.0, capacity=3, p_approve=0.6, max_deferrals=1)}))
    timeline = _with_timeline(sc, {"week": 0, "cadence": {"forum": "g", "cadence_weeks": 2.0}},
                              {"week": 0, "funding": {"forum": "g", "capacity": 3, "p_approve": 0.6}})
    original = load_pair(tmp_path / "original", timeline, route_model(
        steps, forums={"g": forum(5.0, capacity=10, p_approve=0.9, max_deferrals=1)}))
    a, b = simulate(changed, 3), simulate(original, 3)
    assert sum(r.kind == R.DEFERRED for r in a.records) > 10
    assert _records(a) == _records(b)


def test_a_new_cadence_keeps_the_meeting_in_the_diary(tmp_path: Path) -> None:
    sc = _with_timeline(one_unit_scenario(2.0, {"kind": "fixed", "value": 0.1}, 50, 40, 0),
                        {"week": 3, "cadence": {"forum": "g", "cadence_weeks": 2.0}})
    plan = load_pair(tmp_path, sc, route_model([{"gate": "g"}, work_stage()], forums={"g": forum(10.0)}))
    meetings = sorted({r.week for r in simulate(plan, 1).records if r.kind == R.APPROVED})
    assert meetings == [10.0 + 2.0 * k for k in range(len(meetings))]
    assert meetings[-1] >= 36.0


def test_removed_staff_leave_when_their_work_is_done(tmp_path: Path) -> None:
    sc = _with_timeline(one_unit_scenario(3.0, {"kind": "fixed", "value": 4.0}, 6, 100, 0),
                        {"week": 50, "staff": {"unit": "A", "team": "work", "change": -4}})
    result = simulate(load_pair(tmp_path, sc, route_model([work_stage()])), 2)
    busy = result.timeseries.set_index("week")["staff_busy"]
    assert busy.loc[:49].max() == 6  # saturated before: demand is twice the capacity
    assert busy.loc[55:].max() == 2  # once work in hand is done only two remain
    staffing = [r for r in result.records if r.kind == R.STAFFING]
    assert [(r.week, r.amount) for r in staffing] == [(50.0, 2.0)]


# -- demand changes keep the baseline's initiatives -----------------------------------------
def _initiatives(tmp_path: Path, *timeline: Doc) -> list[Any]:
    sc = one_unit_scenario(2.0, {"kind": "fixed", "value": 1.0}, 1, 400, 0)
    sc["themes"]["u"] = dict(sc["themes"]["t"])
    sc["organisations"]["B"] = {"kind": "national_body", "teams": {"work": 1}}
    sc["demand"]["national_origins"] = {"A": 1.0, "B": 1.0}
    where = tmp_path / str(len(timeline))
    plan = load_pair(where, _with_timeline(sc, *timeline), route_model([work_stage()]))
    model = OrgModel(plan, 11)
    model.release()
    return model.initiatives


def test_a_lull_drops_only_matching_arrivals_and_keeps_the_rest(tmp_path: Path) -> None:
    base = _initiatives(tmp_path)
    lull = _initiatives(tmp_path, {"week": 100, "demand": {"factor": 0.25, "duration_weeks": 200,
                                                            "themes": ["t"], "origins": ["A"]}})
    kept = {it.id: it for it in lull}
    hit = [it for it in base if it.theme == "t" and it.origin == "A" and 100 <= it.arrival_week < 300]
    others = [it for it in base if it not in hit]
    assert all(kept.get(it.id) == it for it in others)  # same id, same attributes
    share = sum(it.id in kept for it in hit) / len(hit)
    assert abs(share - 0.25) < 4 * math.sqrt(0.25 * 0.75 / len(hit)), (share, len(hit))
    assert set(kept) <= {it.id for it in base}


def test_a_surge_adds_arrivals_of_its_themes_and_origins_only(tmp_path: Path) -> None:
    base = _initiatives(tmp_path)
    surge = _initiatives(tmp_path, {"week": 50, "demand": {"factor": 3.0, "duration_weeks": 100,
                                                            "themes": ["u"], "origins": ["B"]}})
    assert [it for it in surge if it.id < len(base)] == base
    extra = [it for it in surge if it.id >= len(base)]
    assert all(it.theme == "u" and it.origin == "B" and 50 <= it.arrival_week < 150 for it in extra)
    expected = 2.0 * 1.0 * 0.5 * 100  # (factor - 1) x B's rate x share of theme u x weeks
    assert abs(len(extra) - expected) < 4 * math.sqrt(expected)
    weeks = [it.arrival_week for it in surge]
    assert weeks == sorted(weeks) and len({it.id for it in surge}) == len(surge)


# -- reorganisation -------------------------------------------------------------------------
def _two_models(where: Path, sc: Doc, before: Doc, after: Doc, **switch: Any) -> Any:
    later = write_yaml(where / "after.yaml", after)
    timeline = {"week": switch.pop("week"), "switch_model": {"to": str(later), **switch}}
    return load_pair(where, _with_timeline(sc, timeline), before)


def test_the_dip_slows_work_started_during_it(tmp_path: Path) -> None:
    sc = one_unit_scenario(0.2, {"kind": "fixed", "value": 1.0}, 20, 100, 0)
    model = route_model([work_stage()])
    plan = _two_models(tmp_path, sc, model, {**model, "name": "again"}, week=30, dip=0.5, duration_weeks=20)
    ev = simulate(plan, 4).events_frame()
    starts = ev[ev["kind"] == R.STAGE_START].set_index("item")["week"]
    ends = ev[ev["kind"] == R.STAGE_END].set_index("item")["week"]
    took = (ends - starts.reindex(ends.index)).round(9)
    during = (starts >= 30) & (starts < 50)
    assert set(took[during.reindex(took.index)]) == {2.0}
    assert set(took[~during.reindex(took.index)]) == {1.0}


def test_delivery_done_before_a_reorganisation_is_not_done_again(tmp_path: Path) -> None:
    """Half the build at A, a handoff, half at B; the new model builds everything at A."""
    sc = one_unit_scenario(0.5, {"kind": "fixed", "value": 10.0}, 50, 80, 0)
    sc["organisations"]["B"] = {"kind": "national_body", "teams": {"work": 50}}
    half = {"unit": "A", "functions": ["work"], "kind": "build", "share": 0.5}
    before = route_model([{"stage": half}, {"handoff": {"to": "B", "delay_weeks": 5.0, "p_rework": 0.0}},
                          {"stage": {**half, "unit": "B"}}])
    after = {**route_model([work_stage()]), "name": "after"}
    plan = _two_models(tmp_path, sc, before, after, week=40)
    ev = simulate(plan, 8).events_frame()
    built = ev[ev["kind"] == R.STAGE_END].groupby("item")["amount"].sum()
    delivered = ev[ev["kind"] == R.DELIVERED].set_index("item")["week"]
    straddling = [i for i, w in delivered.items()
                  if w > 40 and ev[(ev["item"] == i) & (ev["kind"] == R.ARRIVAL)]["week"].iloc[0] < 40]
    assert straddling  # items were in the handoff when the switch came
    assert np.allclose(built.reindex(delivered.index), 10.0)  # never more, never less


def test_before_the_switch_the_run_is_its_baseline() -> None:
    plan = load_plan(ROOT / "configs" / "scenarios" / "reorganisation_2022.yaml", "internal_commissioning")
    week = plan.timeline[0].week
    with_switch = [r for r in _records(simulate(plan, 3)) if r[0] < week]
    baseline = [r for r in _records(simulate(replace(plan, timeline=()), 3)) if r[0] < week]
    assert len(baseline) > 1000 and with_switch == baseline


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenarios_keep_the_invariants(path: Path) -> None:
    for plan in load_plans(path):
        result = simulate(plan, 7)
        ev = result.events_frame()
        finals = ev[ev["kind"].isin(R.FINAL)]
        assert not finals["item"].duplicated().any()  # each initiative ends at most once
        arrived = set(ev.loc[ev["kind"] == R.ARRIVAL, "item"])
        horizon = plan.scenario.horizon_weeks
        assert arrived == {it.id for it in result.initiatives if it.arrival_week < horizon}
        in_system = result.timeseries["wip"].iloc[-1]
        assert len(finals) + in_system == len(arrived)
        end = finals.set_index("item")["week"]
        later = ev[(ev["item"].isin(end.index)) & (ev["kind"] != R.ADOPTED)]
        assert (later["week"] <= later["item"].map(end)).all()  # nothing happens after the end
        switches = [iv for iv in plan.timeline if isinstance(iv, SwitchPlan)]
        if switches:
            _staff_follows_the_last_model(ev, switches[-1].plan, plan.timeline)
        routes = {r.name for r in switches[-1].plan.routes} if switches else None
        if routes:
            after = ev[(ev["kind"] == R.ARRIVAL) & (ev["week"] > switches[-1].week)]
            assert set(after["what"]) <= routes


def _staff_follows_the_last_model(ev: Any, last: Any, timeline: Any) -> None:
    """After the last switch every team has the new model's headcount (plus later staff changes)."""
    switch_week = max(iv.week for iv in timeline if iv.kind == "switch_model")
    later = {(iv.unit, iv.pool): iv.slots for iv in timeline if iv.kind == "staff" and iv.week > switch_week}
    staffing = ev[(ev["kind"] == R.STAFFING) & (ev["week"] >= switch_week)]
    final = staffing.groupby(["unit", "what"])["amount"].last()
    for key, (slots, pace, _) in pool_specs(last).items():
        expected = (slots + later.get(key, 0)) * pace
        assert final.get(key, expected) == pytest.approx(expected), key


def test_items_waiting_for_an_abolished_forum_are_decided_by_the_new_one(tmp_path: Path) -> None:
    sc = one_unit_scenario(1.0, {"kind": "fixed", "value": 0.5}, 10, 60, 0)
    before = route_model([{"gate": "g"}, work_stage()], forums={"g": forum(100.0)})
    after = {**route_model([{"gate": "h"}, work_stage()], forums={"h": forum(1.0)}), "name": "after"}
    ev = simulate(_two_models(tmp_path, sc, before, after, week=20.5), 6).events_frame()
    queued_at_g = set(ev[(ev["kind"] == R.GATE_QUEUED) & (ev["what"] == "g")]["item"])
    approved = ev[ev["kind"] == R.APPROVED].set_index("item")
    assert len(queued_at_g) > 10 and (approved["what"] == "h").all()
    assert queued_at_g <= set(approved.index)
    assert approved.loc[sorted(queued_at_g), "week"].max() == 21.0  # the new forum's first meeting


def test_replay_tells_the_interventions_in_their_week(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from orgsim.cli import app

    scenario = ROOT / "configs" / "scenarios" / "devolution.yaml"
    runner = CliRunner()
    ran = runner.invoke(app, ["run", str(scenario), "--out", str(tmp_path), "--baseline", "--quiet"])
    assert ran.exit_code == 0, ran.output
    assert "internal_commissioning_baseline" in ran.output
    assert (tmp_path / "internal_commissioning_baseline" / "metrics.json").exists()
    run_dir = str(tmp_path / "internal_commissioning")
    told = runner.invoke(app, ["replay", run_dir, "--from", "52", "--to", "104"])
    assert told.exit_code == 0, told.output
    text = " ".join(told.output.split())
    for label in ("NHSX and NHSD merge into NHSEI", "ICS boards meet fortnightly",
                  "The national digital body loses ten digital staff"):
        assert f"Intervention: {label}" in text
    assert text.index("Week 52") < text.index("NHSX and NHSD merge") < text.index("Week 53")


def test_an_intervention_applied_during_play_is_the_same_as_one_in_the_timeline(tmp_path: Path) -> None:
    effort = {"kind": "exponential", "mean": 2.0}
    add = {"week": 40, "staff": {"unit": "A", "team": "work", "change": 2}}
    scenario = _with_timeline(one_unit_scenario(1.2, effort, 2, 100, 0), add)
    scripted = load_pair(tmp_path / "scripted", scenario, route_model([work_stage()]))
    live = OrgModel(replace(scripted, timeline=()), 9)
    live.advance(40.0)
    live.intervene(scripted.timeline[0])
    live.run()
    live.release()
    assert len(live.records()) > 200
    assert live.records() == list(simulate(scripted, 9).records)


def test_items_waiting_for_a_team_that_is_gone_do_their_work_elsewhere(tmp_path: Path) -> None:
    """B's team moves to A at the switch; items queued at B (even on their last step) are built at A."""
    sc = one_unit_scenario(1.0, {"kind": "fixed", "value": 5.0}, 50, 60, 0)
    sc["organisations"]["B"] = {"kind": "national_body", "teams": {"work": 1}}
    before = route_model([work_stage("B")])
    after = {**route_model([work_stage("A")]), "name": "after",
             "structure": {"transfers": [{"from": "B", "to": "A", "share": 1.0}]}}
    ev = simulate(_two_models(tmp_path, sc, before, after, week=30.5), 2).events_frame()
    delivered = set(ev.loc[ev["kind"] == R.DELIVERED, "item"])
    built = ev[ev["kind"] == R.STAGE_END].groupby("item")["amount"].sum()
    assert len(delivered) > 40 and np.allclose(built.reindex(sorted(delivered)), 5.0)
    moved = ev[(ev["kind"] == R.STAGE_START) & (ev["unit"] == "A")]["item"]
    queued_at_b = ev[(ev["kind"] == R.ARRIVAL) & (ev["week"] < 30.5)]["item"]
    assert set(queued_at_b) & set(moved)  # B's backlog went to A
