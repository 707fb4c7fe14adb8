"""Outcome metrics on whole runs: where the time goes, accounting identities, Little's law,
and the reductions whose decomposition is known in closed form.

Runs cover every shipped operating model and every shipped scenario, including
the reorganisations, where items are withdrawn from forums and teams that close.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from test_theory import CADENCE, OFFSET, erlang_c_wait

from orgsim.api import measure
from orgsim.config.load import load_plans
from orgsim.engine.run import RunResult, simulate
from orgsim.metrics.core import lead_time_parts
from orgsim.metrics.walk import COMPONENTS
from orgsim.store.rundir import write_run
from orgsim.workshop import load_run
from orgsim.workshop.waits import segments
from scenarios import SHIPPED, gate_plan, mmc_plan, t_interval
from tiny import CONFIGS

SCENARIOS = sorted((CONFIGS / "scenarios").glob("*.yaml"))
CASES = [(SHIPPED, p.model) for p in load_plans(SHIPPED)] + \
    [(path, p.model) for path in SCENARIOS for p in load_plans(path)]
REPLAY_CAUSE = {"queue": "staff_wait", "forum": "forum_wait", "work": "work", "rework": "rework",
                "handoff": "handoff_delay", "duplicate": "duplicate_wait", "funding": "funding_wait",
                "other": "other"}


@pytest.fixture(scope="module")
def runs() -> dict[str, RunResult]:
    """One run of every shipped model and scenario, at seed 3."""
    out = {}
    for path, model in CASES:
        plan = next(p for p in load_plans(path) if p.model == model)
        out[f"{path.stem}:{model}"] = simulate(plan, 3)
    return out


def _ids(case: tuple[Path, str]) -> str:
    return f"{case[0].stem}:{case[1]}"


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_components_add_up_to_lead_time_item_by_item(runs: dict[str, RunResult],
                                                      case: tuple[Path, str]) -> None:
    parts = lead_time_parts(runs[_ids(case)].records)
    assert len(parts) > 100
    for item, p in parts.items():
        assert all(p[c] >= -1e-9 for c in COMPONENTS), (item, p)
        assert math.fsum(p[c] for c in COMPONENTS) == pytest.approx(p["lead_time"], abs=1e-9), (item, p)
        assert p["other"] == 0.0, f"item {item} waited for something no component names: {p}"


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_components_agree_with_the_replays_account(runs: dict[str, RunResult], case: tuple[Path, str],
                                                   tmp_path: Path) -> None:
    """The replay's journeys (pandas, interval by interval) put each delivered item's time in the
    same places as the metrics' walk."""
    result = runs[_ids(case)]
    run = load_run(write_run(tmp_path, result, measure(result)))
    seg = segments(run)
    seg = seg.assign(weeks=seg["end"] - seg["start"], part=seg["cause"].map(REPLAY_CAUSE))
    replay = seg.groupby(["item", "part"])["weeks"].sum()
    for item, p in lead_time_parts(result.records).items():
        for c in COMPONENTS:
            assert p[c] == pytest.approx(replay.get((item, c), 0.0), abs=1e-9), (item, c)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_every_arrival_is_met_rejected_or_still_in_the_system(runs: dict[str, RunResult],
                                                              case: tuple[Path, str]) -> None:
    m = measure(runs[_ids(case)])
    sc = runs[_ids(case)].plan.scenario
    quarters = (sc.horizon_weeks - sc.warmup_weeks) / 13
    counts = m["counts"]
    assert m["needs_met"] * quarters + m["rejected"] + m["time_in_system"]["censored"] == \
        pytest.approx(counts["arrived"], abs=1e-9)
    assert m["time_in_system"]["n"] + m["time_in_system"]["censored"] == counts["arrived"]
    assert m["new_capabilities"] <= m["delivered"] <= m["needs_met"]
    components = sum(m["lead_time_components"].values())
    assert components == pytest.approx(m["lead_time"]["mean"], rel=1e-12)
    hidden = m["hidden_work"]
    assert m["hidden_work_share"] == pytest.approx(
        (hidden["rework"] + hidden["overhead"] + hidden["duplicate_builds"]) / hidden["all_effort"])
    assert 0.0 <= m["hidden_work_share"] <= 1.0


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_no_team_is_used_beyond_its_people(runs: dict[str, RunResult], case: tuple[Path, str]) -> None:
    """Utilisation of every team stays within [0, 1], including teams a reorganisation closed
    while their people finished the work in hand."""
    u = measure(runs[_ids(case)])["utilisation"]
    assert all(0.0 <= v <= 1.0 + 1e-9 for v in u["by_pool"].values())
    assert all(0.0 <= v <= 1.0 + 1e-9 for v in u["by_unit"].values())


def test_a_team_closed_by_a_reorganisation_counts_the_work_it_finished(
        runs: dict[str, RunResult]) -> None:
    """NHSD's digital team is closed at week 52 of reorganisation_2022, its people finishing work
    into the measured window: their work counts, against them."""
    result = runs["reorganisation_2022:internal_commissioning"]
    busy, available = measure(result)["utilisation"]["staff_weeks"]["NHSD/digital"]
    assert busy > 0 and available >= busy
    assert measure(result)["utilisation"]["by_pool"]["NHSD/digital"] > 0.5


def test_latency_leaves_out_items_released_without_a_forum(runs: dict[str, RunResult]) -> None:
    """Pandemic cells release priority items without any forum: they are counted beside the
    decision latency, not averaged into it as zeros."""
    m = measure(runs["nhs_england:pandemic_cells"])
    latency = m["decision_latency"]
    assert latency["ungated"] > 0 and latency["ungated_share"] > 0.1
    assert latency["n"] + latency["ungated"] > m["counts"]["delivered"]
    assert latency["median"] > 0.0


def test_littles_law_from_the_metrics_alone() -> None:
    """L = lambda W on the default runs, from metrics.json's numbers only.

    Items still in the system at the horizon are censored out of the time in
    system, and items that arrived in the warm-up count in the work in progress
    while present, so lambda W falls short of L by a few per cent; and since
    every finished item's whole time lies inside the window, L is never below
    the finished items' share of it (exactly).
    """
    for plan in load_plans(SHIPPED):
        gaps = []
        for seed in range(4):
            m = measure(simulate(plan, seed))
            weeks = plan.scenario.horizon_weeks - plan.scenario.warmup_weeks
            w, n = m["time_in_system"]["mean"], m["time_in_system"]["n"]
            assert m["wip"] >= n / weeks * w * (1 - 1e-12)
            gaps.append(m["wip"] / (m["counts"]["arrived"] / weeks * w) - 1.0)
        assert 0.0 < float(np.mean(gaps)) < 0.1, (plan.model, gaps)


def test_forum_alone_waits_half_a_cadence_in_the_components(tmp_path: Path) -> None:
    """A forum alone on the route: the forum-wait component is cadence / 2, the rest zero."""
    warmup = OFFSET + 12 * CADENCE
    plan = gate_plan(tmp_path, 1.0, warmup + 100 * CADENCE, warmup, cadence=CADENCE, offset=OFFSET)
    means = []
    for seed in range(20):
        m = measure(simulate(plan, seed))
        parts = m["lead_time_components"]
        assert parts["forum_wait"] == pytest.approx(m["lead_time"]["mean"])
        means.append(parts["forum_wait"])
    mean, low, high = t_interval(means)
    assert low <= CADENCE / 2 <= high, f"simulated {mean:.4f} [{low:.4f}, {high:.4f}]"
    assert high - low < 0.05 * CADENCE


def test_one_mmc_stage_waits_erlang_c_in_the_components(tmp_path: Path) -> None:
    """One M/M/c stage: the staff-wait component of items arriving in the middle of the run is
    Erlang C's mean wait; the work component is the mean effort over one person."""
    lam, mu, c, horizon = 2.0, 1.0, 3, 500.0
    plan = mmc_plan(tmp_path, lam, mu, c, horizon, warmup=horizon / 10)
    waits, works = [], []
    for seed in range(30):
        result = simulate(plan, seed)
        arrived = {i.id: i.arrival_week for i in result.initiatives}
        parts = [p for item, p in lead_time_parts(result.records).items()
                 if horizon / 10 <= arrived[item] < 0.9 * horizon]
        waits.append(float(np.mean([p["staff_wait"] for p in parts])))
        works.append(float(np.mean([p["work"] for p in parts])))
    for name, values, theory in (("staff wait", waits, erlang_c_wait(lam, mu, c)),
                                 ("work", works, 1.0 / mu)):
        mean, low, high = t_interval(values)
        assert low <= theory <= high, f"{name}: {mean:.4f} [{low:.4f}, {high:.4f}], theory {theory:.4f}"
        assert high - low < 0.3 * theory
