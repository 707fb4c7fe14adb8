"""Exact specification: the whole event log of the tiny scenario, worked out by hand.

The tiny scenario (tests/data/tiny/) has two units, HQ (one strategy and one
digital person, half of whose time goes on planning, so work takes twice its
effort) and ICS01 (one strategy and one digital person at full pace), and three
initiatives of the same capability `triage/0`:

    id  week  route     effort (strategy, digital)  value/week
    0   0     national  1, 2                        1
    1   2     national  2, 2                        2
    2   12    local     1, 3                        4

The national route is: handoff to HQ (1 week, always misread: the next stage
redoes half its effort) -> duplicate check in HQ's portfolio -> HQ assesses the
strategy effort -> board (meets at weeks 2, 6, 10, ...; approves everything) ->
HQ builds the digital effort -> handoff back to the ICS (1 week, no rework) ->
delivered, then adopted by ICS01 after 2 + (6 - 2) * (1 - 0.5) = 4 weeks.
The local route is: check ICS01's own portfolio -> ICS01 builds everything,
digital first (functions in alphabetical order). The horizon is week 20.

Records at the same week appear in the order SimPy processes them: an event
scheduled earlier comes first, and a process carries on without yielding.
"""

from __future__ import annotations

import pytest

from orgsim.domain.records import Record
from tiny import run_tiny

Row = tuple[float, str, int, str, str, float, str]

# (week, kind, item, unit, what, amount, stage)
TINY_LOG: list[Row] = [
    # National candidate, so the national route; total effort 1 + 2.
    (0, "arrival", 0, "ICS01", "national", 3.0, ""),
    (1, "handoff", 0, "HQ", "ICS01", 1.0, ""),                  # 0 + 1 week delay
    (1, "rework", 0, "HQ", "ICS01", 0.5, ""),                   # p_rework 1: HQ misreads
    (1, "check", 0, "HQ", "HQ", 0.0, ""),                       # HQ's portfolio is empty
    (1, "stage_start", 0, "HQ", "strategy", 1.0, "assess"),     # HQ strategy is free; 1 + 0.5 redone
    (2, "arrival", 1, "ICS01", "national", 4.0, ""),            # effort 2 + 2
    (3, "handoff", 1, "HQ", "ICS01", 1.0, ""),                  # 2 + 1
    (3, "rework", 1, "HQ", "ICS01", 0.5, ""),
    (3, "check", 1, "HQ", "HQ", 1.0, ""),                       # 0 in progress; p_detect 1
    (3, "duplicate", 1, "HQ", "triage/0", 0.0, ""),             # of 0; 1 waits for 0's outcome
    (4, "stage_end", 0, "HQ", "strategy", 1.5, "assess"),       # 1 + 1.5 / (1 * 0.5 pace)
    (4, "rework_effort", 0, "HQ", "strategy", 0.5, "assess"),   # 0.5 * strategy effort 1, once done
    (4, "gate_queued", 0, "HQ", "board", 0.0, ""),              # meetings 2, 6, 10: next is 6
    (6, "approved", 0, "HQ", "board", 0.0, ""),                 # p_approve 1, no deferral
    (6, "released", 0, "ICS01", "national", 0.0, ""),           # last gate passed
    (6, "stage_start", 0, "HQ", "digital", 1.0, "build"),       # rework was used by the assessment
    (10, "stage_end", 0, "HQ", "digital", 2.0, "build"),        # 6 + 2 / 0.5
    (11, "handoff", 0, "ICS01", "HQ", 1.0, ""),                 # 10 + 1; p_rework 0 on the way back
    (11, "delivered", 0, "ICS01", "national", 3.0, ""),         # lead time 11
    # 0 is delivered, so 1 adopts it: 0.5 * 4 = 2 person-weeks of the ICS's digital person.
    (11, "stage_start", 1, "ICS01", "digital", 1.0, "reuse"),
    (12, "arrival", 2, "ICS01", "local", 4.0, ""),              # not national: local route
    (12, "check", 2, "ICS01", "ICS01", 0.0, ""),                # ICS01 sees only its own portfolio
    (12, "released", 2, "ICS01", "local", 0.0, ""),             # no gate: released after the check
    (13, "stage_end", 1, "ICS01", "digital", 2.0, "reuse"),     # 11 + 2; 2 has waited since 12
    (13, "reused", 1, "ICS01", "triage/0", 0.0, ""),            # reuse of item 0
    (13, "stage_start", 2, "ICS01", "digital", 1.0, "build"),   # the digital person is free
    (15, "adopted", 0, "ICS01", "triage/0", 0.0, ""),           # 11 + lag 4
    (16, "stage_end", 2, "ICS01", "digital", 3.0, "build"),     # 13 + 3 / 1
    (16, "stage_start", 2, "ICS01", "strategy", 1.0, "build"),  # functions in alphabetical order
    (17, "stage_end", 2, "ICS01", "strategy", 1.0, "build"),    # 16 + 1 / 1
    (17, "delivered", 2, "ICS01", "local", 4.0, ""),            # lead time 17 - 12 = 5
]

# The same with a board that never approves (p_approve 0) and rejects after one deferral.
REJECT_LOG: list[Row] = [
    (0, "arrival", 0, "ICS01", "national", 3.0, ""),            # as TINY_LOG up to week 4
    (1, "handoff", 0, "HQ", "ICS01", 1.0, ""),
    (1, "rework", 0, "HQ", "ICS01", 0.5, ""),
    (1, "check", 0, "HQ", "HQ", 0.0, ""),
    (1, "stage_start", 0, "HQ", "strategy", 1.0, "assess"),
    (2, "arrival", 1, "ICS01", "national", 4.0, ""),
    (3, "handoff", 1, "HQ", "ICS01", 1.0, ""),
    (3, "rework", 1, "HQ", "ICS01", 0.5, ""),
    (3, "check", 1, "HQ", "HQ", 1.0, ""),
    (3, "duplicate", 1, "HQ", "triage/0", 0.0, ""),             # 1 waits for 0's outcome
    (4, "stage_end", 0, "HQ", "strategy", 1.5, "assess"),
    (4, "rework_effort", 0, "HQ", "strategy", 0.5, "assess"),
    (4, "gate_queued", 0, "HQ", "board", 0.0, ""),
    (6, "deferred", 0, "HQ", "board", 1.0, ""),                 # p_approve 0: first deferral
    (10, "rejected", 0, "HQ", "board", 1.0, ""),                # 1 deferral = max_deferrals
    # 0 is rejected, so 1 goes on with its own route; its handoff's rework is still due.
    (10, "stage_start", 1, "HQ", "strategy", 1.0, "assess"),    # HQ strategy free since 4
    (12, "arrival", 2, "ICS01", "local", 4.0, ""),
    (12, "check", 2, "ICS01", "ICS01", 0.0, ""),
    (12, "released", 2, "ICS01", "local", 0.0, ""),
    (12, "stage_start", 2, "ICS01", "digital", 1.0, "build"),   # no reuse work: no wait
    (15, "stage_end", 2, "ICS01", "digital", 3.0, "build"),     # 12 + 3
    (15, "stage_start", 2, "ICS01", "strategy", 1.0, "build"),
    # Two events at 16: 1's was scheduled at week 10, 2's at week 15, so 1's comes first.
    (16, "stage_end", 1, "HQ", "strategy", 3.0, "assess"),      # 10 + (2 + 1 redone) / 0.5
    (16, "rework_effort", 1, "HQ", "strategy", 1.0, "assess"),  # 0.5 * 2
    (16, "gate_queued", 1, "HQ", "board", 0.0, ""),             # next meeting 18
    (16, "stage_end", 2, "ICS01", "strategy", 1.0, "build"),    # 15 + 1
    (16, "delivered", 2, "ICS01", "local", 4.0, ""),            # lead time 4
    (18, "deferred", 1, "HQ", "board", 1.0, ""),                # next meeting 22 > horizon 20
]


def _compare(actual: tuple[Record, ...], expected: list[Row]) -> None:
    got = [tuple(r) for r in actual]
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g == e, f"record {i}: got {g}, expected {e}"
    extra = got[len(expected):]
    assert len(got) == len(expected), f"got {len(got)} records, expected {len(expected)}: {extra}"


def test_tiny_log_is_exactly_the_hand_worked_one() -> None:
    result, _ = run_tiny("tiny")
    _compare(result.records, TINY_LOG)


def test_tiny_reject_log_is_exactly_the_hand_worked_one() -> None:
    result, _ = run_tiny("tiny_reject")
    _compare(result.records, REJECT_LOG)


def test_tiny_series_show_adoption_and_work_in_progress() -> None:
    """Samples at weeks without events: wip, busy staff and the ICS's maturity."""
    result, _ = run_tiny("tiny")
    by_week = result.timeseries.set_index("week")
    assert [by_week.at[w, "wip"] for w in (5.0, 14.0, 18.0)] == [2, 1, 0]
    assert by_week.at[14.0, "mean_ics_maturity"] == 0.5      # before adoption
    assert by_week.at[16.0, "mean_ics_maturity"] == 0.75     # + maturity_gain 0.25 at week 15
    assert by_week.at[8.0, "staff_busy"] == 1.0               # HQ's digital person, weeks 6 to 10


def test_tiny_metrics_by_hand() -> None:
    """Every metric of the tiny run, from TINY_LOG (window: weeks 0 to 20)."""
    _, m = run_tiny("tiny")
    assert m["counts"] == {"arrived": 3, "delivered": 2, "reused": 1, "rejected": 0, "in_system": 0}
    # Released after a forum: 0 at 6 (arrived 0). 2 was released at 12 with no forum on its
    # route: beside the latency, not averaged in as 0; 1 was reused before any release.
    assert m["decision_latency"] == {"mean": 6.0, "median": 6.0, "p90": 6.0, "n": 1,
                                     "ungated": 1, "ungated_share": 0.5}
    # Delivered: 0 after 11 weeks, 2 after 5; p90 of (5, 11) = 5 + 0.9 * 6.
    assert m["lead_time"] == {"mean": 8.0, "median": 8.0, "p90": pytest.approx(10.4), "n": 2}
    # 0: handoffs 0..1 and 10..11, assessment 1..4 (a third of it rework), board 4..6, build 6..10.
    # 2: the ICS's digital person is busy with 1's reuse 12..13, then builds 13..16 and 16..17.
    assert m["lead_time_components"] == {
        "forum_wait": 1.0, "staff_wait": 0.5, "work": 5.0, "rework": 0.5, "handoff_delay": 1.0,
        "duplicate_wait": 0.0, "other": 0.0}
    # Outcomes: 0 after 11, 1 reused after 11 (2..13), 2 after 5.
    assert m["time_in_system"] == {"mean": 9.0, "median": 11.0, "p90": 11.0, "n": 3, "censored": 0}
    quarters = 20 / 13
    assert m["needs_met"] == pytest.approx(3 / quarters)     # two delivered and one reused
    assert m["delivered"] == pytest.approx(2 / quarters)
    assert m["new_capabilities"] == pytest.approx(1 / quarters)  # 2 built what 0 had built
    assert m["reused"] == pytest.approx(1 / quarters)
    # Build effort: 0 builds 2 (first of its key); 2 builds 3 + 1 while 0 is live.
    assert m["duplication_rate"] == pytest.approx(4 / 6)
    assert (m["duplicates_built"], m["duplicates_avoided"]) == (1, 1)
    # In the system: 0 for 0..11, 1 for 2..13, 2 for 12..17: (11 + 11 + 5) / 20.
    assert m["wip"] == pytest.approx(27 / 20)
    assert m["handoffs_per_item"] == 1.0                      # 0 had two handoffs, 2 none
    # Rework 0.5 of all effort 1.5 + 2 (item 0) + 2 (reuse) + 3 + 1 (item 2) = 9.5.
    assert m["rework_share"] == pytest.approx(0.5 / 9.5)
    # Staff-weeks held: HQ's half-pace people 3 + 4 for 3.5 of effort; the ICS 2 + 3 + 1.
    # Hidden: rework 0.5, overhead 13 - 9.5, and 2's duplicate build of 4.
    assert m["hidden_work"] == {"rework": 0.5, "overhead": 3.5, "duplicate_builds": 4.0,
                                "all_effort": 13.0}
    assert m["hidden_work_share"] == pytest.approx(8 / 13)
    # ICS01 uses product 0 from 13 (1 reuses it: 0's value 1 for 7 weeks) and its adoption at
    # 15 is the same product and unit, not counted again; local 2 from 17: 4 * 3.
    assert m["benefit"] == pytest.approx(7 + 12)
    assert m["rejected"] == 0
    # Busy weeks: HQ strategy 1..4, HQ digital 6..10, ICS01 digital 11..16, ICS01 strategy 16..17.
    assert m["utilisation"]["by_pool"] == {
        "HQ/strategy": pytest.approx(3 / 20), "HQ/digital": pytest.approx(4 / 20),
        "ICS01/strategy": pytest.approx(1 / 20), "ICS01/digital": pytest.approx(5 / 20)}
    assert m["utilisation"]["by_unit"] == {"HQ": pytest.approx(7 / 40), "ICS01": pytest.approx(6 / 40)}
    assert m["utilisation"]["overall"] == pytest.approx(13 / 80)


def test_tiny_reject_metrics_by_hand() -> None:
    """Rejection, an item still waiting at the horizon, a build that duplicates nothing built."""
    _, m = run_tiny("tiny_reject")
    assert m["counts"] == {"arrived": 3, "delivered": 1, "reused": 0, "rejected": 1, "in_system": 1}
    # Only 2 is released, on a route with no forum: no decision latency at all.
    assert m["decision_latency"] == {"mean": None, "median": None, "p90": None, "n": 0,
                                     "ungated": 1, "ungated_share": 1.0}
    assert m["lead_time"]["mean"] == 4.0
    assert m["time_in_system"]["censored"] == 1 and m["time_in_system"]["n"] == 2
    assert m["duplication_rate"] == 0.0 and m["duplicates_built"] == 0   # 0 never started building
    assert m["wip"] == pytest.approx((10 + 18 + 4) / 20)     # 1 is still in at the horizon
    assert m["handoffs_per_item"] == 0.0                     # the only delivered item is local
    assert m["rework_share"] == pytest.approx((0.5 + 1.0) / (1.5 + 3.0 + 3.0 + 1.0))
    assert m["benefit"] == pytest.approx(4 * (20 - 16))
    assert m["rejected"] == 1
