"""Money: funding rounds against theory, conservation of every envelope, no item paid twice.

A funding round alone is a reduction with a known answer: a bid waits for the
next award date (half the interval between rounds on average, for bids arriving
uniformly) plus the lag before the money is released, and the number of bids
funded at an award is binomial with the round's probability.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from scipy import stats

from orgsim.api import measure
from orgsim.config.load import load_plan, load_plans, load_scenario
from orgsim.config.money import YEAR_WEEKS
from orgsim.config.yamlio import ConfigError
from orgsim.domain import records as R
from orgsim.engine.run import RunResult, simulate
from orgsim.metrics.walk import COMPONENTS
from scenarios import Doc, first_week, load_pair, one_unit_scenario, route_model, t_interval, work_stage
from tiny import CONFIGS, SCENARIO, shipped_models, short_scenario

INTERVAL, OPENS, LAG = 13.0, 0.5, 4.0
MONEY_SCENARIOS = [CONFIGS / "scenarios" / f"{name}.yaml" for name in ("funding_devolved", "merger_2023")]


def round_plan(where: Path, p_funded: float = 1.0, envelope: float = 1e12, **round_keys: Any) -> Any:
    """One unit, ample staff, no forum: every item bids to round `r` when it arrives."""
    warmup = OPENS + 4 * INTERVAL
    last = warmup + 60 * INTERVAL
    sc = one_unit_scenario(1.0, {"kind": "fixed", "value": 0.01}, 1000, last + LAG + 2.0, warmup)
    sc["money"] = {
        "staff_cost_per_person_week": {"*": 1000.0},
        "non_staff_cost": {"t": {"kind": "fixed", "value": 5000.0}},
        "streams": {"pot": {"holder": "A", "kind": "revenue", "envelope": envelope, "round": "r"}},
        "rounds": {"r": {"interval_weeks": INTERVAL, "opens_week": OPENS, "lag_weeks": LAG,
                         "p_funded": p_funded, **round_keys}},
        "pay": [{"stream": "pot"}],
    }
    return load_pair(where, sc, route_model([work_stage()])), last


def bids_and_funding(result: RunResult, last: float) -> tuple[Any, Any, Any]:
    ev = result.events_frame()
    bid = first_week(ev, R.BID)
    bid = bid[(bid >= result.plan.scenario.warmup_weeks) & (bid <= last)]
    funded = first_week(ev, R.FUNDED).reindex(bid.index)
    return ev, bid, funded


def test_a_round_alone_waits_half_the_interval_plus_the_lag(tmp_path: Path) -> None:
    plan, last = round_plan(tmp_path)
    means, metric = [], []
    for seed in range(12):
        result = simulate(plan, seed)
        _, bid, funded = bids_and_funding(result, last)
        assert not funded.isna().any()
        means.append(float((funded - bid).mean()))
        metric.append(measure(result)["lead_time_components"]["funding_wait"])
    theory = INTERVAL / 2 + LAG
    mean, low, high = t_interval(means)
    assert low <= theory <= high, f"simulated {mean:.4f} [{low:.4f}, {high:.4f}], theory {theory}"
    assert high - low < 0.05 * theory
    assert t_interval(metric)[1] <= theory <= t_interval(metric)[2]  # the metric tells the same


def test_a_round_pays_at_its_next_award_date_after_the_lag(tmp_path: Path) -> None:
    """Path by path; a window shorter than the interval sends later bids to the next round."""
    plan, last = round_plan(tmp_path, window_weeks=6.0, award_weeks=8.0)
    _, bid, funded = bids_and_funding(simulate(plan, 5), last)
    k = np.ceil((bid - OPENS - 6.0) / INTERVAL).clip(lower=0)
    expected = OPENS + k * INTERVAL + 8.0 + LAG
    inside = expected < plan.scenario.horizon_weeks
    assert inside.sum() > 500 and np.allclose(funded[inside], expected[inside], atol=1e-9)
    assert funded[~inside].isna().all()


def test_a_round_funds_a_binomial_share(tmp_path: Path) -> None:
    p = 0.21  # Tech Fund 2 funded 47 of 226 bids
    plan, last = round_plan(tmp_path, p_funded=p)
    funded = bids = 0
    for seed in range(4):
        ev, bid, got = bids_and_funding(simulate(plan, seed), last)
        bids += len(bid)
        funded += int(got.notna().sum())
        refused = ev[(ev["kind"] == R.REJECTED) & ev["item"].isin(bid.index)]
        assert len(refused) == int(got.isna().sum())  # one bid each: refused means rejected
    test = stats.binomtest(funded, bids, p)
    assert test.pvalue > 0.001, (funded, bids)
    low, high = test.proportion_ci(0.95)
    assert high - low < 0.05


def test_a_round_s_record_in_the_metrics(tmp_path: Path) -> None:
    """The `rounds` block counts the round's bids after the warm-up, the share funded (binomial)
    and the weeks from a funded bid to its money (half the interval plus the lag)."""
    p = 0.21
    plan, _ = round_plan(tmp_path, p_funded=p)
    result = simulate(plan, 3)
    got = measure(result)["money"]["rounds"]["r"]
    ev = result.events_frame()
    after = ev[ev["week"] >= plan.scenario.warmup_weeks]
    bids = after[(after["kind"] == R.BID) & (after["stage"] == "round")]
    assert got["bids"] == len(bids) > 500
    funded = first_week(ev, R.FUNDED).reindex(bids["item"])
    decided = int(funded.notna().sum()) + int(ev[(ev["kind"] == R.UNFUNDED)
                                                 & ev["item"].isin(bids["item"])].shape[0])
    assert got["decided"] == decided
    assert got["funded_share"] == pytest.approx(funded.notna().sum() / decided, rel=1e-12)
    assert stats.binomtest(int(funded.notna().sum()), decided, p).pvalue > 0.001
    waits = (funded - bids.set_index("item")["week"]).dropna()
    assert got["weeks_to_money"] == pytest.approx(float(waits.mean()), rel=1e-9)
    assert got["weeks_to_money"] == pytest.approx(INTERVAL / 2 + LAG, rel=0.1)


# -- conservation --------------------------------------------------------------------------------
def all_mechanisms(where: Path) -> Path:
    """The shipped scenario (shortened) with every kind of stream, a round, and boards that wait."""
    money = {
        "financial_year_start_week": 10,
        "staff_cost_per_person_week": {"*": 1500.0, "ICS*": 1100.0},
        "non_staff_cost": {"*": {"kind": "lognormal", "mean": 60000.0, "cv": 1.0}},
        "streams": {
            "central": {"holder": "NHSEI", "kind": "revenue", "envelope": 4e6, "year_end": "lapse"},
            "capital": {"holder": "DHSC", "kind": "capital", "envelope": 3e6, "round": "fund"},
            "local": {"holder": "ICS*", "kind": "revenue", "envelope": 2e5, "year_end": "carry_over"},
        },
        "rounds": {"fund": {"interval_weeks": 26, "lag_weeks": 8, "p_funded": 0.6, "max_bids": 2}},
        "pay": [{"when": {"funding": "capital"}, "stream": "capital"},
                {"when": {"scope": "local", "origin_kind": "ics"}, "stream": "local",
                 "wait_for_round": "fund", "p_wait_for_round": 0.4},
                {"stream": "central"}],
    }
    return short_scenario(where, horizon=130.0, warmup=20.0, money=money)


def check_ledger(result: RunResult) -> dict[str, float]:
    """Replays every account; asserts no money is made or lost and no account goes below zero."""
    money = result.plan.scenario.money
    assert money is not None
    balance: dict[tuple[str, str], float] = {}
    given: Counter[tuple[str, float]] = Counter()
    for week, kind, _, unit, what, amount, _ in result.records:
        if kind not in R.LEDGER:
            continue
        key = (what, unit)
        held = balance.get(key, 0.0)
        if kind == R.ENVELOPE:
            balance[key] = held + amount
            given[(what, week)] += 1
        elif kind == R.SPENT:
            assert amount <= held + 1e-6, f"{key} spent {amount} holding {held}"
            balance[key] = held - amount
        elif kind == R.LAPSED:
            assert amount == pytest.approx(held, abs=1e-6)
            balance[key] = 0.0
        else:
            assert amount == pytest.approx(held, abs=1e-6)
    for (stream, _), holders in given.items():
        s = money.streams[stream]
        assert holders == (len(result.plan.scenario.ics_names()) if s.holder == "ICS*" else 1)
    return {f"{s}/{h}": v for (s, h), v in balance.items()}


def check_years(result: RunResult) -> None:
    """Per stream and financial year: envelope + carried in = spent + lapsed + carried out (+ left)."""
    m = measure(result)["money"]
    left = check_ledger(result)
    for stream, years in m["streams"].items():
        for year in years:
            came = year["envelope"] + year["carried_in"]
            went = year["spent"] + year["lapsed"] + year["carried_out"]
            if year["ended"] is None:  # the year under way at the horizon
                went += math.fsum(v for k, v in left.items() if k.startswith(f"{stream}/"))
            assert came == pytest.approx(went, rel=1e-9, abs=1e-3), (stream, year)
        assert years[0]["envelope"] > 0 or result.plan.scenario.money.streams[stream].envelope == 0


def check_paid_once(result: RunResult) -> None:
    ev = result.events_frame()
    for kind in (R.SPENT, R.FUNDED):
        paid = ev[ev["kind"] == kind]["item"]
        assert not paid.duplicated().any(), f"an item with two {kind} records"
    spent = ev[ev["kind"] == R.SPENT].set_index("item")["amount"]
    funded = ev[ev["kind"] == R.FUNDED].set_index("item")["amount"]
    assert set(funded.index) <= set(spent.index)
    assert np.allclose(funded, spent.reindex(funded.index))


@pytest.mark.parametrize("model", shipped_models())
def test_money_is_conserved_and_paid_once_under_every_model(tmp_path: Path, model: str) -> None:
    result = simulate(load_plan(all_mechanisms(tmp_path), model), 3)
    check_years(result)
    check_paid_once(result)
    kinds = set(result.events_frame()["kind"])
    assert {R.LAPSED, R.CARRIED, R.UNFUNDED, R.FUNDED} <= kinds  # every path was taken
    m = measure(result)
    assert m["lead_time_components"]["funding_wait"] > 0
    assert 0 < m["money"]["round_money_share"] < 1


@pytest.mark.parametrize("path", MONEY_SCENARIOS, ids=lambda p: p.stem)
def test_money_is_conserved_in_every_shipped_scenario_with_money(tmp_path: Path, path: Path) -> None:
    for plan in load_plans(path):
        result = simulate(plan, 1)
        if plan.scenario.money is not None and plan.scenario.money.streams:
            check_years(result)
            check_paid_once(result)
        assert measure(result)["money"]["staff_cost_per_year"] > 0


def test_the_parts_of_lead_time_still_add_up_with_money(tmp_path: Path) -> None:
    from orgsim.metrics.core import lead_time_parts

    result = simulate(load_plan(all_mechanisms(tmp_path), "internal_commissioning"), 4)
    parts = lead_time_parts(result.records)
    assert any(p["funding_wait"] > 0 for p in parts.values())
    for item, p in parts.items():
        assert math.fsum(p[c] for c in COMPONENTS) == pytest.approx(p["lead_time"], abs=1e-9), item


def test_a_tight_envelope_makes_items_wait_for_the_next_year(tmp_path: Path) -> None:
    sc = one_unit_scenario(0.5, {"kind": "fixed", "value": 1.0}, 100, 3 * YEAR_WEEKS, 0.0)
    sc["money"] = {"non_staff_cost": {"t": {"kind": "fixed", "value": 100.0}},
                   "streams": {"pot": {"holder": "A", "kind": "revenue", "envelope": 1000.0}},
                   "pay": [{"stream": "pot"}]}
    result = simulate(load_pair(tmp_path / "tight", sc, route_model([work_stage()])), 2)
    ev = result.events_frame()
    spent = ev[ev["kind"] == R.SPENT]
    years = np.floor(spent["week"] / YEAR_WEEKS)
    assert (spent.groupby(years)["amount"].sum() <= 1000.0 + 1e-9).all()
    assert len(spent) == 30  # ten items a year can be paid for, three years
    waited = first_week(ev, R.FUNDED) - first_week(ev, R.BID)
    assert waited.max() > 10
    assert set(np.round(first_week(ev, R.FUNDED)[waited > 0] % YEAR_WEEKS, 9)) == {0.0}  # at a new year
    check_ledger(result)


# -- opt-in: no money, no change ----------------------------------------------------------------
def test_staff_costs_alone_change_no_record(tmp_path: Path) -> None:
    plain = short_scenario(tmp_path / "plain", horizon=60.0, warmup=10.0)
    priced = short_scenario(tmp_path / "priced", horizon=60.0, warmup=10.0,
                            money={"staff_cost_per_person_week": {"*": 1200.0}})
    for model in ("internal_commissioning", "joined_up_planning"):
        a, b = simulate(load_plan(plain, model), 9), simulate(load_plan(priced, model), 9)
        assert a.records == b.records
        ma, mb = measure(a), measure(b)
        assert "money" not in ma and "funding_wait" not in ma["lead_time_components"]
        people = load_plan(plain, model).headcount() * load_scenario(plain)[0].scale.people_per_unit
        assert mb["money"]["staff_cost_per_year"] == pytest.approx(1200.0 * 52 * people, rel=1e-9)
        assert {k: v for k, v in mb.items() if k != "money"} == {
            **ma, "lead_time_components": {**ma["lead_time_components"], "funding_wait": 0.0}}


# -- people behind a unit of headcount -------------------------------------------------------------
def _priced(where: Path, money: Doc, **scale: float) -> Any:
    """One unit of 10 headcount units, items of 2 unit-weeks, 4 people a unit unless `scale` says."""
    sc = one_unit_scenario(0.2, {"kind": "fixed", "value": 2.0}, 10, 120.0, 20.0)
    sc["scale"] = {"people_per_unit": 4.0, **scale}
    sc["money"] = money
    return load_pair(where, sc, route_model([work_stage()]))


def test_a_unit_week_costs_its_people(tmp_path: Path) -> None:
    """Effort and headcount are in units of people_per_unit people: a unit-week of 4 people at
    100 pounds a person-week costs 400, in an item's price and in the staff cost alike."""
    plan = _priced(tmp_path, {"staff_cost_per_person_week": {"*": 100.0},
                              "streams": {"pot": {"holder": "A", "kind": "revenue", "envelope": 1e9}},
                              "pay": [{"stream": "pot"}]})
    assert plan.rates == {"A": 400.0}
    result = simulate(plan, 2)
    ev = result.events_frame()
    assert len(ev[ev["kind"] == R.SPENT]) > 5
    assert set(ev[ev["kind"] == R.SPENT]["amount"]) == {2.0 * 400.0}
    assert measure(result)["money"]["staff_cost_per_year"] == pytest.approx(100.0 * 4 * 52 * 10, rel=1e-9)


def test_the_cost_of_a_person_defaults_to_the_scenario_scale(tmp_path: Path) -> None:
    """A money block that prices no unit takes scale.cost_per_person_year / 52 a person-week."""
    assert _priced(tmp_path / "a", {}, cost_per_person_year=5200.0).rates == {"A": 100.0 * 4}
    assert _priced(tmp_path / "b", {}).rates == {}  # nothing to price people with
    named = {"staff_cost_per_person_week": {"ICS*": 3.0}}  # A not named: the scale's cost
    assert _priced(tmp_path / "c", named, cost_per_person_year=5200.0).rates == {"A": 400.0}
    sc = one_unit_scenario(0.2, {"kind": "fixed", "value": 2.0}, 10, 120.0, 20.0)
    sc["scale"] = {"people_per_unit": 4.0, "cost_per_person_year": 5200.0}
    assert load_pair(tmp_path / "d", sc, route_model([work_stage()])).rates == {}  # no money block


def test_the_default_scenario_has_no_money(tmp_path: Path) -> None:
    assert load_scenario(SCENARIO)[0].money is None


# -- interventions and checks --------------------------------------------------------------------
def test_pay_from_moves_items_to_another_stream(tmp_path: Path) -> None:
    sc = one_unit_scenario(0.5, {"kind": "fixed", "value": 1.0}, 100, 100.0, 0.0)
    sc["money"] = {"streams": {"old": {"holder": "A", "kind": "revenue", "envelope": 1e9},
                               "new": {"holder": "A", "kind": "revenue", "envelope": 1e9}},
                   "pay": [{"stream": "old"}]}
    sc["timeline"] = [{"week": 40, "money": {"stream": "old", "pay_from": "new"}},
                      {"week": 40, "money": {"stream": "old", "envelope": 0}}]
    result = simulate(load_pair(tmp_path, sc, route_model([work_stage()])), 1)
    ev = result.events_frame()
    spent = ev[ev["kind"] == R.SPENT]
    assert set(spent[spent["week"] < 40]["what"]) == {"old"}
    assert set(spent[spent["week"] >= 40]["what"]) == {"new"}
    envelopes = ev[(ev["kind"] == R.ENVELOPE) & (ev["what"] == "old")]
    assert list(envelopes["amount"]) == [1e9, 0.0]  # the new envelope from the next year


def _bad(tmp_path: Path, money: Doc) -> str:
    sc = one_unit_scenario(0.5, {"kind": "fixed", "value": 1.0}, 1, 20.0, 0.0)
    sc["money"] = money
    with pytest.raises(ConfigError) as err:
        load_pair(tmp_path, sc, route_model([work_stage()]))
    return str(err.value)


def test_money_cross_references_are_checked(tmp_path: Path) -> None:
    stream = {"holder": "A", "kind": "revenue", "envelope": 1.0}
    assert "a round awards the money of exactly one stream" in _bad(tmp_path, {
        "streams": {"s": stream}, "rounds": {"r": {"interval_weeks": 4, "p_funded": 0.5}}})
    assert "unknown unit 'B'" in _bad(tmp_path, {"streams": {"s": {**stream, "holder": "B"}}})
    assert "no cost given for A" in _bad(tmp_path, {"staff_cost_per_person_week": {"ICS*": 3.0}})
    assert "window_weeks (9) must not exceed interval_weeks (4)" in _bad(tmp_path, {
        "rounds": {"r": {"interval_weeks": 4, "window_weeks": 9, "p_funded": 0.5}}})


# -- exact specification ------------------------------------------------------------------------
TINY_MONEY = {
    "financial_year_start_week": 14,   # the run starts 38 weeks into a year: 14/52 of its envelope
    "staff_cost_per_person_week": {"HQ": 100.0, "ICS*": 10.0},
    "non_staff_cost": {"triage": {"kind": "fixed", "value": 50.0}},
    "streams": {"pot": {"holder": "HQ", "kind": "revenue", "envelope": 1040.0}},
    "pay": [{"stream": "pot"}],
}


def test_the_tiny_log_with_money(tmp_path: Path) -> None:
    """tests/test_exact_log.py's tiny scenario with one stream held by HQ, worked out by hand.

    Week 0: 1040 x 14/52 = 280 pounds. Item 0 is released at week 6; its build is HQ's 2
    digital person-weeks at 100 plus 50 = 250, paid at once (30 left). Item 1 is reuse and never
    paid for. Item 2 is released at 12 and costs ICS01's 4 person-weeks at 10 plus 50 = 90: it
    waits for the year starting at week 14 (30 lapse, 1040 come), then builds from 14 to 18.
    """
    from test_exact_log import TINY_LOG

    from orgsim.metrics.core import lead_time_parts
    from tiny import TINY_DIR

    doc = {"extends": str(TINY_DIR / "scenario.yaml"), "operating_models_dir": str(TINY_DIR),
           "money": TINY_MONEY}
    path = tmp_path / "tiny_money.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    result = simulate(load_plan(path, "tiny"))
    upto = TINY_LOG.index((12, "released", 2, "ICS01", "local", 0.0, ""))
    before = TINY_LOG[:upto + 1]
    at_six = before.index((6, "released", 0, "ICS01", "national", 0.0, "")) + 1
    expected = [(0, "envelope", -1, "HQ", "pot", 280.0, ""), *before[:at_six],
                (6, "bid", 0, "HQ", "pot", 250.0, "stream"), (6, "spent", 0, "HQ", "pot", 250.0, ""),
                (6, "funded", 0, "HQ", "pot", 250.0, "stream"), *before[at_six:],
                (12, "bid", 2, "HQ", "pot", 90.0, "stream"),
                (13, "stage_end", 1, "ICS01", "digital", 2.0, "reuse"),
                (13, "reused", 1, "ICS01", "triage/0", 0.0, ""),
                (14, "lapsed", -1, "HQ", "pot", 30.0, ""), (14, "envelope", -1, "HQ", "pot", 1040.0, ""),
                (14, "spent", 2, "HQ", "pot", 90.0, ""), (14, "funded", 2, "HQ", "pot", 90.0, "stream"),
                (14, "stage_start", 2, "ICS01", "digital", 1.0, "build"),
                (15, "adopted", 0, "ICS01", "triage/0", 0.0, ""),
                (17, "stage_end", 2, "ICS01", "digital", 3.0, "build"),
                (17, "stage_start", 2, "ICS01", "strategy", 1.0, "build"),
                (18, "stage_end", 2, "ICS01", "strategy", 1.0, "build"),
                (18, "delivered", 2, "ICS01", "local", 4.0, "")]
    assert [tuple(r) for r in result.records] == expected
    parts = lead_time_parts(result.records)[2]
    assert parts == pytest.approx({"lead_time": 6.0, "forum_wait": 0.0, "staff_wait": 0.0, "work": 4.0,
                                   "rework": 0.0, "handoff_delay": 0.0, "duplicate_wait": 0.0,
                                   "funding_wait": 2.0, "other": 0.0})


def test_costs_are_common_random_numbers_and_runs_repeat(tmp_path: Path) -> None:
    """Every operating model sees the same prices and board choices; the same seed, the same records."""
    path = all_mechanisms(tmp_path)
    results = {m: simulate(load_plan(path, m), 6) for m in ("internal_commissioning", "merged_devolved")}
    a, b = results.values()
    assert a.prices is not None and b.prices is not None
    assert a.prices.non_staff == b.prices.non_staff and len(a.prices.non_staff) == len(a.initiatives)
    assert a.initiatives == b.initiatives
    again = simulate(load_plan(path, "internal_commissioning"), 6)
    assert again.records == a.records
    assert simulate(load_plan(path, "internal_commissioning"), 7).records != a.records
