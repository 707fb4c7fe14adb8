"""The bottom line of a what-if experiment: per setting, against today, never a pooled winner.

Tables are made by hand (tests/whatif_data.py); every sentence is checked against the
numbers in them.
"""

from __future__ import annotations

import pandas as pd
from whatif_data import CADENCE, DIGITAL, OVERHEAD, board, sweep

from orgsim.analysis.bottom_line import bottom_line, intervals, lever_words, setting_text

PAIR = ("internal_commissioning", "joined_up_planning")


def test_the_switch_is_named_with_its_interpolated_value_and_the_winner_on_each_side() -> None:
    b = bottom_line(sweep(), list(PAIR), PAIR, ["lead_time_mean"])
    text = " ".join(b.findings)
    assert ("Lead time (mean): Joined up planning has the lower lead time (mean) while planning "
            "overhead stays below 0.45 (share of TD capacity; interpolated, 95% interval 0.42 to "
            "0.48); above that, Internal commissioning.") in text
    assert "Not sure" not in text  # both settings beside the switch have clear intervals
    # Today's setting (0.1): the paired difference there, not a pooled one (9 weeks, 7.5 to 10.5).
    assert ("At today's setting, Internal commissioning 33 and Joined up planning 24 weeks: Joined "
            "up planning by 9 weeks (95% CI 7.5 to 10.5, better in 100% of paired runs).") in text


def test_no_pooled_winner_is_named() -> None:
    text = " ".join(bottom_line(sweep(), list(PAIR), PAIR, ["lead_time_mean", "needs_met"]).findings)
    assert "is best" not in text and "over all runs" not in text
    assert "is better at every setting tried" not in text.split("Needs met")[0]


def test_one_winner_at_every_setting_says_so_with_the_range_of_its_lead() -> None:
    b = bottom_line(sweep(), list(PAIR), PAIR, ["needs_met"])
    assert b.findings[0] == ("Needs met: Joined up planning is better at every setting tried (7), "
                             "by 4 to 10 initiatives per quarter (each 95% CI excludes zero).")


def test_a_switch_without_an_estimate_is_placed_between_the_settings_tried() -> None:
    w = sweep()
    w.switches[["estimate", "estimate_low", "estimate_high"]] = float("nan")
    text = " ".join(bottom_line(w, list(PAIR), PAIR, ["lead_time_mean"]).findings)
    assert ("Joined up planning has the lower lead time (mean) while planning overhead stays at "
            "or below 0.4 (share of TD capacity; it switches between these settings); from 0.5, "
            "Internal commissioning.") in text


def test_two_switches_along_one_lever() -> None:
    w = sweep()
    back = w.switches.assign(low=0.55, high=0.6, before="internal_commissioning",
                             after="joined_up_planning", estimate=float("nan"))
    w.switches = pd.concat([w.switches, back], ignore_index=True)
    text = " ".join(bottom_line(w, list(PAIR), PAIR, ["lead_time_mean"]).findings)
    assert ("95% interval 0.42 to 0.48); above that, Internal commissioning while it stays at or "
            "below 0.55 (it switches between these settings); from 0.6, Joined up planning.") in text


def test_an_unsure_switch_says_so() -> None:
    w = sweep()
    w.switches["sure"] = False
    text = " ".join(bottom_line(w, list(PAIR), PAIR, ["lead_time_mean"]).findings)
    assert "Not sure: beside a switch, a setting's 95% CI includes zero" in text


def test_a_switch_only_away_from_today_is_counted_not_placed() -> None:
    w = sweep()
    w.switches["others"] = f"{DIGITAL}=48"
    w.baseline[DIGITAL] = 32
    text = " ".join(bottom_line(w, list(PAIR), PAIR, ["lead_time_mean"]).findings)
    assert "stays below" not in text
    assert "the answer also switches at 1 place(s) away from today's values" in text


def test_mixed_winners_without_a_placed_switch_are_counted() -> None:
    w = sweep()
    w.switches = w.switches.iloc[0:0]
    w.paired.loc[(w.paired["outcome"] == "lead_time_mean") & (w.paired["setting"] == 3),
                 ["better", "ci_low"]] = ["", -1.0]
    text = " ".join(bottom_line(w, list(PAIR), PAIR, ["lead_time_mean"]).findings)
    assert ("Internal commissioning is clearly better at 2 of 7 settings, Joined up planning at 4, "
            "neither at 1") in text


def test_a_model_the_levers_do_not_reach_gets_no_change_sentence() -> None:
    b = bottom_line(sweep(), list(PAIR), PAIR, ["lead_time_mean"])
    assert not any("under Internal commissioning" in f for f in b.findings)
    changes = [f for f in b.findings if "under Joined up planning" in f]
    assert changes == ["Lead time (mean) under Joined up planning (24 weeks at today's setting): "
                       "the best of 6 other settings, planning overhead 0 (share of TD capacity), "
                       "lowers it by 2 weeks (95% CI 1 to 3; better); the worst, planning overhead "
                       "0.6 (share of TD capacity), raises it by 15 weeks (95% CI 14 to 16; worse)."]


def test_each_setting_against_today_in_the_outcomes_unit() -> None:
    b = bottom_line(board(), ["internal_commissioning"], None, ["lead_time_mean", "needs_met"])
    assert b.today.startswith("Today: Internal commissioning, with NHSEI board cadence 4.33 (weeks), "
                              "NHSD digital team 32 (people).")
    assert b.findings[0] == (
        "Lead time (mean) under Internal commissioning (30 weeks at today's setting): NHSD digital team 48 "
        "(people) changes it by -0.5 weeks, within the noise (95% CI -1.2 to 0.2); NHSEI board "
        "cadence 2.17 (weeks) lowers it by 2 weeks (95% CI 1.4 to 2.6; better); NHSEI board "
        "cadence 2.17 (weeks), NHSD digital team 48 (people) lowers it by 2.8 weeks (95% CI 2.2 "
        "to 3.4; better).")
    assert "NHSD digital team 48 (people) raises it by 1 initiatives per quarter (95% CI 0.2 to " \
           "1.8; better)" in b.findings[1]


def test_what_the_intervals_cover() -> None:
    assert "run-to-run randomness only: 20 replications" in intervals(1, 20)
    assert "not cover uncertainty in the assumptions" in intervals(1, 20)
    assert "pool 5 replications over 8 scenarios of the uncertain numbers" in intervals(8, 5)
    assert "drawing its uncertain numbers from the calibrated ensemble" in intervals(1, 20, True)
    assert "run-to-run randomness only" in intervals(4, 20, False)
    assert intervals(1, 1).startswith("One run per setting and model: there are no intervals")
    assert bottom_line(board(scenarios=8), ["internal_commissioning"], None,
                       ["lead_time_mean"]).intervals == intervals(8, 20)


def test_lever_labels_in_words() -> None:
    assert lever_words("planning overhead (share of capacity)") == ("planning overhead",
                                                                   "share of capacity")
    assert lever_words("cadence") == ("cadence", "")
    assert setting_text({CADENCE: 2.17, OVERHEAD: 0.1}, {CADENCE: "board (weeks)"}) == \
        f"board 2.17 (weeks), {OVERHEAD} 0.1"


def test_pairs_stored_the_other_way_round_are_read_as_a_minus_b() -> None:
    w = sweep()
    p = w.paired
    w.paired = p.assign(a=p["b"], b=p["a"], mean_a=p["mean_b"], mean_b=p["mean_a"],
                        mean_diff=-p["mean_diff"], ci_low=-p["ci_high"], ci_high=-p["ci_low"],
                        win_share_a=1 - p["win_share_a"])
    assert isinstance(w.paired, pd.DataFrame)
    assert bottom_line(w, list(PAIR), PAIR, ["lead_time_mean", "needs_met"]).findings == \
        bottom_line(sweep(), list(PAIR), PAIR, ["lead_time_mean", "needs_met"]).findings


def test_only_worse_settings_are_named_as_the_worst_of_all_and_the_rest_counted() -> None:
    w = sweep()
    b = w.by_setting
    gains = (b["model"] == "joined_up_planning") & (b["mean_diff"] < 0)
    w.by_setting.loc[gains, ["ci_low", "ci_high"]] = [-3.0, 1.0]  # the one better setting unclear
    said = [f for f in bottom_line(w, list(PAIR), PAIR, ["lead_time_mean"]).findings
            if "under Joined up planning" in f][0]
    assert "the worst of 6 other settings, planning overhead 0.6" in said
    assert said.endswith("; 1 of them changes it only within the noise.")
    assert "the best" not in said


def test_findings_are_grouped_by_outcome_in_the_order_of_interest() -> None:
    b = bottom_line(sweep(), list(PAIR), PAIR, ["needs_met", "lead_time_mean"])
    assert list(b.by_outcome) == ["needs_met", "lead_time_mean"]
    assert [f for said in b.by_outcome.values() for f in said] == b.findings


def test_in_short_each_setting_names_what_it_clearly_improves_or_worsens() -> None:
    b = bottom_line(board(), ["internal_commissioning"], None, ["lead_time_mean", "needs_met"])
    assert b.short == ["In short, under Internal commissioning against today: NHSD digital team 48 "
                       "(people): better on needs met (no clear change on the other 1); NHSEI "
                       "board cadence 2.17 (weeks): better on lead time (mean) (no clear change on "
                       "the other 1); NHSEI board cadence 2.17 (weeks), NHSD digital team 48 "
                       "(people): better on lead time (mean) and needs met."]
    # Settings moving one lever come before those moving two.
    assert b.findings[0].index("NHSD digital team 48 (people) changes") < \
        b.findings[0].index("NHSEI board cadence 2.17 (weeks) lowers")
    assert bottom_line(sweep(), list(PAIR), PAIR, ["lead_time_mean"]).short == []  # 6 settings
