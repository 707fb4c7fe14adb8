"""Validation against theory (MODEL.md §7): reductions of the model whose answer is known.

Each statistical test compares the mean over independent replications (seeds
0, 1, ..., fixed for reproducibility) with the theoretical value through a
Student-t 95% confidence interval, and checks that the interval is narrow
enough for the comparison to mean something.
"""

from __future__ import annotations

import heapq
import math
from pathlib import Path

import numpy as np
import pytest

from orgsim.api import measure
from orgsim.config.load import load_plans
from orgsim.config.plan import Plan
from orgsim.domain import records as R
from orgsim.engine.run import RunResult, simulate
from orgsim.metrics.core import Window, compute
from scenarios import (
    SHIPPED,
    Doc,
    final_week,
    first_week,
    forum,
    gate_plan,
    load_pair,
    mmc_plan,
    one_unit_scenario,
    route_model,
    shipped_copy,
    t_interval,
    times_in_system,
    waits,
    work_stage,
)


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of an M/M/c queue, Wq = C(c, a) / (c mu - lam) with a = lam / mu.

    C(c, a) = (a^c / c!) / (1 - rho) / (sum_{k<c} a^k / k! + (a^c / c!) / (1 - rho)),
    rho = a / c, is the Erlang C probability of waiting (Gross, Shortle, Thompson and
    Harris, Fundamentals of Queueing Theory, 4th ed., Wiley 2008, section 2.3).
    """
    a, rho = lam / mu, lam / (c * mu)
    assert rho < 1, "unstable queue"
    top = a**c / math.factorial(c) / (1.0 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


def fcfs_waits(arrivals: np.ndarray, services: np.ndarray, c: int) -> np.ndarray:
    """Waits in a first-come first-served c-server queue (Kiefer-Wolfowitz recursion)."""
    free = [0.0] * c
    out = np.empty(len(arrivals))
    for i, (a, s) in enumerate(zip(arrivals, services)):
        start = max(a, heapq.heappop(free))
        out[i] = start - a
        heapq.heappush(free, start + s)
    return out


def test_erlang_c_formula_matches_closed_forms() -> None:
    """M/M/1: rho / (mu - lam); M/M/2: rho^2 / (mu (1 - rho^2)) with rho = lam / (2 mu)."""
    assert erlang_c_wait(0.5, 1.0, 1) == pytest.approx(0.5 / 0.5)
    rho = 1.5 / 4.0
    assert erlang_c_wait(1.5, 2.0, 2) == pytest.approx(rho**2 / (2.0 * (1 - rho**2)))


@pytest.mark.parametrize("effort", [{"kind": "exponential", "mean": 1.0},
                                    {"kind": "lognormal", "mean": 1.0, "cv": 1.5}])
def test_one_stage_is_a_fcfs_multi_server_queue(tmp_path: Path, effort: dict[str, object]) -> None:
    """Path by path, the one-stage reduction waits exactly as a FCFS c-server queue would."""
    sc = one_unit_scenario(2.5, effort, 3, 200.0, 0.0)
    result = simulate(load_pair(tmp_path, sc, route_model([work_stage()])), 7)
    items = result.initiatives
    arrivals = np.array([i.arrival_week for i in items])
    expected = fcfs_waits(arrivals, np.array([i.total_effort for i in items]), 3)
    started = first_week(result.events_frame(), R.STAGE_START)
    got = started.reindex(range(len(items))).to_numpy() - arrivals
    done = ~np.isnan(got)
    assert done.sum() > 400
    assert np.allclose(got[done], expected[done], atol=1e-9)


MMC = [  # (lam, mu, c, horizon): 1000 arrivals a replication
    (0.5, 1.0, 1, 2000.0),
    (2.0, 1.0, 3, 500.0),
]


@pytest.mark.parametrize(("lam", "mu", "c", "horizon"), MMC)
def test_mmc_mean_wait_matches_erlang_c(tmp_path: Path, lam: float, mu: float, c: int,
                                        horizon: float) -> None:
    """Poisson arrivals, exponential effort, c staff, no gate: the mean wait is Erlang C's.

    The first and last tenth of each run are left out: the start is empty, not
    stationary, and the last arrivals might not all be served by the horizon.
    """
    plan = mmc_plan(tmp_path, lam, mu, c, horizon, warmup=horizon / 10)
    means = []
    for seed in range(30):
        w = waits(simulate(plan, seed), before=horizon * 0.9)
        assert not w.isna().any(), "an arrival of the measured window was never served"
        means.append(w.mean())
    theory = erlang_c_wait(lam, mu, c)
    mean, low, high = t_interval(means)
    assert low <= theory <= high, (
        f"simulated {mean:.4f} [{low:.4f}, {high:.4f}], Erlang C {theory:.4f}")
    assert high - low < 0.3 * theory, "interval too wide to test anything"


CADENCE, OFFSET = 4.33, 0.5


def aligned_gate(where: Path, **gate: object) -> tuple[Plan, float]:
    """A forum alone, meeting at OFFSET + k * CADENCE; warm-up ends at a meeting.

    Returns the plan and its last meeting before the horizon: arrivals from the
    warm-up to that meeting cover whole cycles, so their phase is uniform.
    """
    warmup = OFFSET + 12 * CADENCE
    last = warmup + 100 * CADENCE
    plan = gate_plan(where, 1.0, last + 1.0, warmup, cadence=CADENCE, offset=OFFSET, **gate)
    return plan, last


def test_gate_alone_adds_half_a_cadence(tmp_path: Path) -> None:
    """Poisson arrivals wait for the next meeting: cadence / 2 on average (MODEL.md §7)."""
    plan, last = aligned_gate(tmp_path)
    means = []
    for seed in range(20):
        result = simulate(plan, seed)
        latency = measure(result)["decision_latency"]
        assert latency["n"] == sum(1 for i in result.initiatives
                                   if plan.scenario.warmup_weeks <= i.arrival_week <= last)
        means.append(latency["mean"])
    mean, low, high = t_interval(means)
    assert low <= CADENCE / 2 <= high, f"simulated {mean:.4f} [{low:.4f}, {high:.4f}]"
    assert high - low < 0.05 * CADENCE


def test_gate_alone_waits_for_the_next_meeting(tmp_path: Path) -> None:
    """Path by path: each item is released at the first meeting after it arrives."""
    plan, _ = aligned_gate(tmp_path)
    ev = simulate(plan, 3).events_frame()
    arrived, released = first_week(ev, R.ARRIVAL), first_week(ev, R.RELEASED)
    expected = OFFSET + np.ceil((arrived - OFFSET) / CADENCE) * CADENCE
    assert len(released) > 400
    assert np.allclose(released, expected.reindex(released.index), atol=1e-9)


def test_deferrals_are_geometric(tmp_path: Path) -> None:
    """Approval with p at each meeting, rejection after m deferrals (ample capacity).

    P(rejected) = (1 - p)^(m + 1); an approved item waits cadence / 2 plus
    cadence times its deferrals K, with P(K = k | approved) proportional to
    (1 - p)^k p for k = 0..m.
    """
    p, m = 0.6, 2
    plan, last = aligned_gate(tmp_path, p_approve=p, max_deferrals=m)
    weights = np.array([(1 - p) ** k * p for k in range(m + 1)])
    theory_latency = CADENCE / 2 + CADENCE * float(weights @ np.arange(m + 1) / weights.sum())
    shares, latencies = [], []
    for seed in range(20):
        ev = simulate(plan, seed).events_frame()
        arrived = first_week(ev, R.ARRIVAL)
        arrived = arrived[(arrived >= plan.scenario.warmup_weeks) & (arrived <= last - m * CADENCE)]
        decided = ev[ev["kind"].isin([R.APPROVED, R.REJECTED])]
        ends = decided.set_index("item").reindex(arrived.index)
        assert not ends["kind"].isna().any(), "an item of the measured window was never decided"
        shares.append(float((ends["kind"] == R.REJECTED).mean()))
        ok = ends["kind"] == R.APPROVED
        latencies.append(float((ends["week"][ok] - arrived[ok]).mean()))
    for name, values, theory in [("rejected share", shares, (1 - p) ** (m + 1)),
                                 ("latency", latencies, theory_latency)]:
        mean, low, high = t_interval(values)
        assert low <= theory <= high, (
            f"{name}: simulated {mean:.4f} [{low:.4f}, {high:.4f}], theory {theory:.4f}")
        assert high - low < 0.25 * theory, f"{name}: interval too wide"


# -- Little's law -----------------------------------------------------------------
def little_gap(result: RunResult, window: Window) -> tuple[float, float, int]:
    """L and lambda W over `window`, where W is the whole time in system of the window's arrivals.

    L is the `wip` metric over the window. The run must go on past the window's
    end so that its arrivals leave; any that has not is counted until the
    horizon, and their number is returned third.
    """
    ev = result.events_frame()
    wip = compute(result.records, result.initiatives, result.pools, window)["wip"]
    w = times_in_system(result, before=window.horizon)
    unfinished = int(final_week(ev).reindex(w.index).isna().sum())
    return wip, len(w) / window.length * float(w.mean()), unfinished


def stationary_plan(where: Path, horizon: float, warmup: float) -> Plan:
    """A gate with deferrals, a handoff with rework and a two-person stage, all stationary."""
    sc = one_unit_scenario(0.5, {"kind": "exponential", "mean": 2.0}, 2, horizon, warmup,
                           teams={"other": 1})
    sc["organisations"]["B"] = {"kind": "national_body", "teams": {"work": 2}}
    steps: list[Doc] = [{"gate": "g"}, {"handoff": {"to": "B", "delay_weeks": 1.0, "p_rework": 0.3,
                                         "rework_fraction": 0.5}}, work_stage("B")]
    forums = {"g": forum(4.0, capacity=3, p_approve=0.8, max_deferrals=1)}
    return load_pair(where, sc, route_model(steps, forums=forums))


def test_littles_law_in_steady_state(tmp_path: Path) -> None:
    """L = lambda W (Little 1961) when the system is stationary.

    Over a finite window, L - lambda W is (time spent in the window by items
    that arrived before it - time spent after it by items that arrived in it)
    / window length: zero in expectation in steady state, a sampling error
    otherwise. Runs continue 200 weeks past the window so that W is not censored.
    """
    window = Window(100.0, 900.0)
    plan = stationary_plan(tmp_path, window.horizon + 200.0, window.warmup)
    gaps, wips = [], []
    for seed in range(20):
        wip, lam_w, unfinished = little_gap(simulate(plan, seed), window)
        assert unfinished == 0
        gaps.append(wip - lam_w)
        wips.append(wip)
    mean, low, high = t_interval(gaps)
    assert low <= 0.0 <= high, f"L - lambda W = {mean:.4f} [{low:.4f}, {high:.4f}]"
    assert high - low < 0.05 * float(np.mean(wips))


SHIPPED_MODELS = [p.model for p in load_plans(SHIPPED)]


@pytest.mark.parametrize("model", SHIPPED_MODELS)
def test_littles_law_on_the_shipped_window(shipped_runs: dict[str, RunResult], model: str) -> None:
    """The sample-path form of Little's law holds exactly over the measured window.

    L T = sum over items of the time each spends in the system within the
    window, counting items present at the warm-up and those still present at
    the horizon (Kim and Whitt, Statistical analysis with Little's law,
    Operations Research 61(4), 2013). L is the `wip` metric; the times come
    from each item's arrival and final records.
    """
    result = shipped_runs[model]
    sc = result.plan.scenario
    ev = result.events_frame()
    start = first_week(ev, R.ARRIVAL)
    end = final_week(ev).reindex(start.index).fillna(math.inf)
    inside = (np.minimum(end, sc.horizon_weeks) - np.maximum(start, sc.warmup_weeks)).clip(lower=0)
    wip = measure(result)["wip"]
    assert wip > 0
    assert wip == pytest.approx(inside.sum() / (sc.horizon_weeks - sc.warmup_weeks), rel=1e-9)


def test_littles_law_in_the_shipped_scenario(tmp_path: Path) -> None:
    """L = lambda W within sampling error on the shipped scenario, every operating model.

    As in `test_littles_law_in_steady_state`; the runs go on three more years
    so that the window's arrivals are followed to their end (a few very large
    items are still at work then: counted until the horizon, they lower lambda W
    by well under one item, far less than the gaps seen).
    """
    window = Window(52.0, 260.0)
    path = shipped_copy(tmp_path, lambda d: d.update(horizon_weeks=window.horizon + 156.0))
    failures = []
    for plan in load_plans(path):
        gaps = [wip - lam_w for wip, lam_w, _ in
                (little_gap(simulate(plan, seed), window) for seed in range(10))]
        mean, low, high = t_interval(gaps)
        if not low <= 0.0 <= high:
            failures.append(f"{plan.model}: L - lambda W = {mean:.2f} [{low:.2f}, {high:.2f}]")
    assert not failures, "; ".join(failures)
