"""The metric functions of orgsim.metrics.core on small record tables written by hand.

No simulation runs here: each table is a few records whose metrics can be
worked out on paper (MODEL.md §6), including the edges of the measured window.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from orgsim.domain.records import COLUMNS
from orgsim.metrics.core import (
    Window,
    benefit,
    compute,
    duplicate_builds,
    outcomes,
    summary,
    time_average_wip,
    utilisation,
)

Row = tuple[float, str, int, str, str, float, str]


def events(rows: list[Row]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=list(COLUMNS))


def items(rows: list[tuple[int, float, str, float]]) -> pd.DataFrame:
    """Initiatives as (id, arrival_week, capability_key, value_per_week)."""
    return pd.DataFrame(rows, columns=["id", "arrival_week", "capability_key", "value_per_week"])


def pools(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit", "pool", "people", "people_per_slot"])


def test_summary() -> None:
    empty = {"mean": None, "median": None, "p90": None, "n": 0}
    assert summary(pd.Series([], dtype=float)) == empty
    # p90 interpolates linearly: position 0.9 * 3 = 2.7, between 3 and 10.
    assert summary(pd.Series([3.0, 1.0, 10.0, 2.0])) == {
        "mean": 4.0, "median": 2.5, "p90": pytest.approx(3 + 0.7 * 7), "n": 4}


def test_outcomes_and_items_that_never_arrived() -> None:
    log = events([
        (0, "arrival", 0, "A", "r", 1, ""),
        (1, "arrival", 1, "A", "r", 1, ""),
        (2, "arrival", 2, "A", "r", 1, ""),
        (3, "rejected", 1, "A", "board", 0, ""),
        (5, "delivered", 0, "A", "local", 1, ""),
    ])
    out = outcomes(log, items([(0, 0, "k", 1), (1, 1, "k", 1), (2, 2, "j", 1), (3, 9, "j", 1)]))
    assert out.index.tolist() == [0, 1, 2]                     # 3 never arrived within the run
    assert out["outcome"].tolist() == ["delivered", "rejected", "in_system"]
    assert out["end_week"].iloc[:2].tolist() == [5, 3]
    assert math.isnan(out["end_week"].iloc[2])


def test_duplicate_builds() -> None:
    """A build duplicates when its key started building earlier and was not rejected by then."""
    log = events([
        (0, "stage_start", 2, "A", "strategy", 1, "assess"),  # assessment is not building
        (1, "stage_start", 0, "A", "digital", 1, "build"),    # first of key k
        (1, "stage_start", 1, "B", "digital", 1, "build"),    # same week, later record: duplicate
        (3, "stage_start", 2, "A", "digital", 1, "build"),    # key m: first build
        (3.5, "stage_start", 3, "B", "digital", 1, "build"),  # 2 not rejected yet: duplicate
        (4, "rejected", 2, "A", "board", 0, ""),              # 2 rejected after it began building
        (5, "stage_start", 4, "B", "digital", 1, "build"),    # 3 is still in progress: duplicate
        (6, "stage_start", 5, "C", "digital", 1, "build"),    # key z, alone
        (7, "stage_start", 0, "A", "data", 1, "build"),       # 0's second stage changes nothing
    ])
    keys = items([(0, 0, "k", 0), (1, 0, "k", 0), (2, 0, "m", 0), (3, 0, "m", 0),
                  (4, 0, "m", 0), (5, 0, "z", 0)])
    assert duplicate_builds(log, keys).sort_index().to_dict() == {
        0: False, 1: True, 2: False, 3: True, 4: True, 5: False}
    lone = events([
        (3, "stage_start", 2, "A", "digital", 1, "build"),
        (4, "rejected", 2, "A", "board", 0, ""),
        (5, "stage_start", 4, "B", "digital", 1, "build"),    # 2 was rejected before 4 began
    ])
    assert duplicate_builds(lone, keys).to_dict() == {2: False, 4: False}


def test_time_average_wip_is_clipped_to_the_window() -> None:
    out = pd.DataFrame({"arrival_week": [0.0, 5.0, 12.0, 18.0],
                        "end_week": [8.0, 15.0, math.nan, 30.0]})
    # Inside weeks 10..20: 0 (ended at 8), 5 (10..15), 8 (12..20, unfinished), 2 (18..20).
    assert time_average_wip(out, Window(10.0, 20.0)) == pytest.approx((0 + 5 + 8 + 2) / 10)


def test_utilisation_counts_people_per_slot_and_open_spans() -> None:
    log = events([
        (2, "stage_start", 0, "U", "digital", 2, "build"),
        (5, "stage_start", 1, "U", "team", 1, "build"),       # never ends: busy to the horizon
        (6, "stage_end", 0, "U", "digital", 8, "build"),
        (7, "stage_start", 0, "U", "digital", 1, "build"),    # a second stage of the same item
        (9, "stage_end", 0, "U", "digital", 2, "build"),
    ])
    staff = pools([("U", "digital", 4, 1.0), ("U", "team", 6, 3.0), ("V", "digital", 2, 1.0)])
    got = utilisation(log, staff, Window(0.0, 10.0))
    # digital: 2 people * 4 weeks + 1 * 2 = 10 of 40; team: 3 people * 5 weeks = 15 of 60.
    assert got["by_pool"] == {"U/digital": pytest.approx(0.25), "U/team": pytest.approx(0.25),
                              "V/digital": 0.0}
    assert got["overall"] == pytest.approx(25 / 120)
    clipped = utilisation(log, staff, Window(4.0, 10.0))      # digital: 2 * 2 + 1 * 2 = 6 of 24
    assert clipped["by_pool"]["U/digital"] == pytest.approx(6 / 24)


def test_benefit_counts_local_reused_and_adopted_products() -> None:
    log = events([
        (10, "delivered", 3, "ICS01", "local", 1, ""),        # 3 is not among the measured items
        (12, "reused", 1, "ICS02", "k", 0, ""),
        (14, "delivered", 2, "ICS01", "national", 1, ""),     # national: counts once adopted
        (15, "adopted", 2, "ICS01", "k", 0, ""),
        (16, "delivered", 0, "ICS01", "local", 1, ""),
        (18, "adopted", 2, "ICS02", "k", 0, ""),
    ])
    out = pd.DataFrame({"value_per_week": [2.0, 1.0, 3.0]}, index=[0, 1, 2])
    assert benefit(log, out, Window(0.0, 20.0)) == pytest.approx(2 * 4 + 1 * 8 + 3 * 5 + 3 * 2)


# A run measured over weeks 10..30.
LOG: list[Row] = [
    (5, "arrival", 0, "ICS01", "national", 3, ""),            # in the warm-up
    (6, "stage_start", 0, "HQ", "digital", 1, "build"),
    (10, "arrival", 1, "ICS01", "national", 4, ""),
    (10, "stage_end", 0, "HQ", "digital", 3, "build"),
    (11, "handoff", 1, "HQ", "ICS01", 1, ""),
    (11, "rework", 1, "HQ", "ICS01", 0.25, ""),
    (12, "released", 1, "ICS01", "national", 0, ""),
    (12, "rework_effort", 1, "HQ", "digital", 1, "build"),
    (12, "stage_start", 1, "HQ", "digital", 2, "build"),
    (14, "arrival", 2, "ICS02", "local", 1, ""),
    (15, "delivered", 0, "ICS01", "national", 3, ""),
    (16, "stage_end", 1, "HQ", "digital", 4, "build"),
    (16, "delivered", 1, "ICS01", "national", 4, ""),
    (18, "rejected", 2, "ICS02", "board", 2, ""),
    (20, "arrival", 3, "ICS01", "national", 2, ""),
    (20, "adopted", 1, "ICS01", "k", 0, ""),
    (21, "arrival", 4, "ICS02", "local", 1, ""),
    (21, "check", 4, "ICS02", "ICS02", 1, ""),
    (22, "released", 3, "ICS01", "national", 0, ""),
    (22, "stage_start", 3, "HQ", "digital", 1, "build"),      # still building at the horizon
    (23, "stage_start", 4, "ICS02", "digital", 1, "reuse"),
    (25, "stage_end", 4, "ICS02", "digital", 0.5, "reuse"),
    (25, "reused", 4, "ICS02", "k", 1, ""),
]


def test_compute_on_a_hand_made_log() -> None:
    table = items([(0, 5, "k", 1), (1, 10, "k", 2), (2, 14, "b", 1), (3, 20, "c", 1),
                   (4, 21, "k", 3)])
    staff = pools([("HQ", "digital", 2, 1.0), ("ICS02", "digital", 1, 1.0)])
    m = compute(events(LOG), table, staff, Window(10.0, 30.0))
    assert m["counts"] == {"arrived": 4, "delivered": 1, "reused": 1, "rejected": 1, "in_system": 1}
    # Released: 1 at 12 (arrived 10), 3 at 22 (arrived 20).
    assert m["decision_latency"] == {"mean": 2.0, "median": 2.0, "p90": 2.0, "n": 2}
    assert m["lead_time"] == {"mean": 6.0, "median": 6.0, "p90": 6.0, "n": 1}   # 16 - 10
    quarters = 20 / 13
    assert m["throughput"] == pytest.approx(2 / quarters)    # deliveries at 15 and 16 count
    assert m["reused"] == pytest.approx(1 / quarters)
    assert m["duplication_rate"] == 1.0                      # 1 began building while 0 was live
    assert (m["duplicates_built"], m["duplicates_avoided"]) == (1, 1)
    assert m["wip"] == pytest.approx((5 + 6 + 4 + 10 + 4) / 20)   # 0 from 10; 3 stays in
    assert m["handoffs_per_item"] == 1.0
    assert m["rework_share"] == pytest.approx(1 / 4.5)       # rework 1 of effort 4 + 0.5
    assert m["benefit"] == pytest.approx(2 * 10 + 3 * 5)    # adoption of 1 at 20, reuse by 4 at 25
    assert m["rejected"] == 1
    # HQ: 2 people 12..16 and 1 person 22..30 = 16 of 40; ICS02: 2 of 20; 0's build is before 10.
    assert m["utilisation"] == {
        "overall": pytest.approx(18 / 60),
        "by_pool": {"HQ/digital": pytest.approx(0.4), "ICS02/digital": pytest.approx(0.1)}}
