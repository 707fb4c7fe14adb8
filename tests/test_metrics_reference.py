"""orgsim's metrics against a second implementation written from the definitions alone
(`reference_metrics.py`, plain pandas), on every shipped operating model and scenario at
two seeds: the two must agree on every metric they both compute."""

from __future__ import annotations

from pathlib import Path

import pytest
from reference_metrics import reference, reference_money, summarise

from orgsim.api import measure
from orgsim.config.load import load_plans
from orgsim.engine.run import simulate
from scenarios import SHIPPED
from tiny import CONFIGS

CASES = [(SHIPPED, p.model, seed) for p in load_plans(SHIPPED) for seed in (1, 2)] + \
    [(path, p.model, 1) for path in sorted((CONFIGS / "scenarios").glob("*.yaml"))
     for p in load_plans(path)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0].stem}:{c[1]}:{c[2]}")
def test_metrics_agree_with_a_plain_reimplementation(case: tuple[Path, str, int]) -> None:
    path, model, seed = case
    plan = next(p for p in load_plans(path) if p.model == model)
    result = simulate(plan, seed)
    sc = plan.scenario
    m = measure(result)
    ref = reference(result.events_frame(), result.initiatives_frame(), result.pools_frame(),
                    sc.warmup_weeks, sc.horizon_weeks)
    approx = pytest.approx
    assert m["counts"] == {k: ref[k] for k in ("arrived", "delivered", "reused", "rejected", "in_system")}
    for name, values in (("decision_latency", ref["latency"]), ("lead_time", ref["lead"]),
                         ("time_in_system", ref["time_in_system"])):
        got = m[name]
        assert (got["mean"], got["median"], got["p90"]) == approx(summarise(values), rel=1e-9), name
        assert got["n"] == len(values), name
    assert m["decision_latency"]["ungated"] == ref["ungated"]
    for name in ("needs_met", "new_capabilities", "duplication_rate", "rework_share",
                 "handoffs_per_item", "wip", "benefit"):
        assert m[name] == approx(ref[name], rel=1e-9), name
    assert m["duplicates_built"] == ref["duplicates_built"]
    got = m["utilisation"]["by_pool"]
    assert set(got) == set(ref["utilisation"])
    for team, value in ref["utilisation"].items():
        assert got[team] == approx(value, rel=1e-9, abs=1e-12), team
    if result.prices is None:
        assert "money" not in m
        return
    money = reference_money(result.events_frame(), result.initiatives_frame(), result.pools_frame(),
                            result.prices.rates, result.prices.non_staff, sc.warmup_weeks, sc.horizon_weeks)
    for name, value in money.items():
        assert m["money"][name] == (None if value is None else approx(value, rel=1e-9)), name
