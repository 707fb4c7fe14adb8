"""The verdict's rules on summary tables made by hand: every sentence comes from the numbers."""

from __future__ import annotations

import math

import pandas as pd

from orgsim.analysis.verdict import finding, number, verdict


def by_model(rows: list[tuple[str, str, float, float, float, float, int]]) -> pd.DataFrame:
    """(model, outcome, mean, median, ci_low, ci_high, n)."""
    return pd.DataFrame(rows, columns=["model", "outcome", "mean", "median", "ci_low", "ci_high", "n"])


def paired(rows: list[tuple[str, str, str, float, float, float, float, float]]) -> pd.DataFrame:
    """(model_a, model_b, outcome, mean_diff, ci_low, ci_high, share_a_better, share_b_better)."""
    frame = pd.DataFrame(rows, columns=["model_a", "model_b", "outcome", "mean_diff", "ci_low",
                                        "ci_high", "share_a_better", "share_b_better"])
    return frame.assign(n=30)


BY = by_model([
    ("a", "needs_met", 50.0, 50.0, 49.0, 51.0, 30), ("b", "needs_met", 55.0, 55.0, 54.0, 56.0, 30),
    ("c", "needs_met", 40.0, 40.0, 39.0, 41.0, 30),
    ("a", "lead_time_mean", 20.0, 25.0, 19.0, 21.0, 30), ("b", "lead_time_mean", 22.0, 18.0, 21.0, 23.0, 30),
    ("a", "lead_time_median", 25.0, 25.0, 24.0, 26.0, 30), ("b", "lead_time_median", 18.0, 18.0, 17, 19, 30),
    ("a", "lead_time_n", 12.0, 12.0, 11.0, 13.0, 30), ("b", "lead_time_n", 400.0, 400.0, 390, 410, 30),
    ("a", "decision_latency_mean", 5.0, 5.0, 4.0, 6.0, 30),
    ("b", "decision_latency_mean", 5.2, 5.2, 4.2, 6.2, 30),
    ("a", "decision_latency_ungated_share", 0.3, 0.3, 0.29, 0.31, 30),
    ("b", "decision_latency_ungated_share", 0.0, 0.0, 0.0, 0.0, 30),
    ("a", "in_system", 160.0, 160.0, 150.0, 170.0, 30), ("b", "in_system", 90.0, 90.0, 85, 95, 30),
    ("a", "rejected", 12.0, 12.0, 11.0, 13.0, 30), ("b", "rejected", 10.0, 10.0, 9.0, 11.0, 30),
])
PAIRED = paired([
    ("a", "b", "needs_met", -5.0, -5.5, -4.5, 0.1, 0.9),
    ("b", "c", "needs_met", 15.0, 14.0, 16.0, 1.0, 0.0),
    ("a", "b", "lead_time_mean", -2.0, -2.5, -1.5, 0.95, 0.05),
    ("a", "b", "lead_time_median", 7.0, 6.0, 8.0, 0.0, 1.0),
    ("a", "b", "decision_latency_mean", -0.2, -0.5, 0.1, 0.55, 0.45),
])


def test_the_best_model_its_lead_the_interval_and_the_share_of_paired_runs_won() -> None:
    f = finding(BY, PAIRED, "needs_met")
    assert f is not None and (f.best, f.runner_up, f.clear) == ("b", "a", True)
    # Stored as a - b: flipped to best minus runner-up.
    assert (f.diff, f.ci_low, f.ci_high, f.share_better) == (5.0, 4.5, 5.5, 0.9)
    assert f.sentence == ("Needs met: B (55 initiatives per quarter) is best, 5 higher than A (50) "
                          "(95% CI 4.5 to 5.5); better in 90% of paired runs.")


def test_lower_is_better_picks_the_smallest() -> None:
    f = finding(BY, PAIRED, "lead_time_mean")
    assert f is not None and (f.best, f.runner_up) == ("a", "b")
    assert "2 lower than B" in f.sentence


def test_an_interval_through_zero_is_no_clear_winner() -> None:
    f = finding(BY, PAIRED, "decision_latency_mean")
    assert f is not None and not f.clear
    assert f.sentence.startswith("Decision latency (mean): no clear winner.")


def test_outcomes_without_a_direction_get_no_finding() -> None:
    assert finding(BY, PAIRED, "decision_latency_ungated_share") is None


def test_warnings_mean_against_median_few_items_and_ungated_items() -> None:
    v = verdict(BY, PAIRED, ["needs_met", "lead_time_mean", "decision_latency_mean"], ("a", "b"))
    text = " ".join(v.warnings)
    assert "the typical item waits longer: its median is 25 weeks against 18 under B" in text
    assert "Lead time (mean) of A rests on few items (12 a run" in text
    assert "of B rests on few" not in text
    # A is not clearly best on decision latency, but it is ahead: its 30% ungated items are named.
    assert "A's decision latency counts only items that met a forum: 30%" in text
    # B's lead in needs met is mostly A's items still in the system at the horizon.
    assert "most of the lead of B over A is initiatives still in the system at the horizon " \
           "(90 against 160 a run), not fewer rejections (10 against 12)" in text


def test_trade_offs_name_where_each_of_the_pair_is_clearly_better() -> None:
    v = verdict(BY, PAIRED, ["needs_met", "lead_time_mean", "decision_latency_mean"], ("a", "b"))
    assert v.tradeoffs == ["A does clearly better on lead time (mean).",
                           "B does clearly better on needs met and lead time (median)."]


def test_one_replication_says_so_and_claims_nothing_clearly() -> None:
    one = BY.assign(n=1, ci_low=math.nan, ci_high=math.nan)
    flat = PAIRED.assign(ci_low=math.nan, ci_high=math.nan)
    v = verdict(one, flat, ["needs_met"], ("a", "b"))
    assert v.warnings[0].startswith("One replication per model")
    assert not v.findings[0].clear
    assert v.findings[0].sentence == ("Needs met: B (55 initiatives per quarter) is ahead of A (50) "
                                      "by 5, in one run each: no interval, and the difference may "
                                      "be chance.")
    assert v.tradeoffs == ["With one run per model no difference between A and B can be called clear."]


def test_numbers_are_never_in_exponent_form() -> None:
    assert [number(x) for x in (1_078_090.4, 0.3501, 12.345, 0.0, -4.5e-5)] == \
        ["1,078,090", "0.35", "12.3", "0", "-0.000045"]
