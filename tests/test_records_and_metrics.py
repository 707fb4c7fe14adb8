"""The metrics of orgsim.metrics.core on small logs of records written by hand.

No simulation runs here: each log is a few records whose metrics can be worked
out on paper from the definitions (orgsim.metrics.table.DEFINITIONS),
including the edges of the measured window.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pytest

from orgsim.domain.records import COLUMNS
from orgsim.metrics.core import ItemRow, PoolRow, Window, compute, compute_frames, duplicate_builds, summary

Row = tuple[float, str, int, str, str, float, str]


def events(rows: list[Row]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=list(COLUMNS))


def items(rows: Sequence[tuple[int, float, str, float]]) -> list[ItemRow]:
    """Initiatives as (id, arrival_week, capability_key, value_per_week)."""
    return [ItemRow(i, key, value) for i, _, key, value in rows]


def test_summary() -> None:
    empty = {"mean": None, "median": None, "p90": None, "n": 0}
    assert summary([]) == empty
    # p90 interpolates linearly: position 0.9 * 3 = 2.7, between 3 and 10.
    assert summary([3.0, 1.0, 10.0, 2.0]) == {
        "mean": 4.0, "median": 2.5, "p90": pytest.approx(3 + 0.7 * 7), "n": 4}


def test_counts_leave_out_items_that_never_arrived() -> None:
    log: list[Row] = [
        (0, "arrival", 0, "A", "r", 1, ""),
        (1, "arrival", 1, "A", "r", 1, ""),
        (2, "arrival", 2, "A", "r", 1, ""),
        (3, "rejected", 1, "A", "board", 0, ""),
        (5, "delivered", 0, "A", "local", 1, ""),
    ]
    table = items([(0, 0, "k", 1), (1, 1, "k", 1), (2, 2, "j", 1), (3, 9, "j", 1)])
    m = compute(log, table, [], Window(0.0, 13.0))
    assert m["counts"] == {"arrived": 3, "delivered": 1, "reused": 0, "rejected": 1, "in_system": 1}
    assert m["time_in_system"] == {"mean": 3.5, "median": 3.5, "p90": pytest.approx(4.7), "n": 2,
                                   "censored": 1}
    assert m["needs_met"] == 1.0 and m["delivered"] == 1.0   # one quarter


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
    keys = pd.DataFrame({"id": range(6), "capability_key": ["k", "k", "m", "m", "m", "z"]})
    assert duplicate_builds(log, keys).sort_index().to_dict() == {
        0: False, 1: True, 2: False, 3: True, 4: True, 5: False}
    lone = events([
        (3, "stage_start", 2, "A", "digital", 1, "build"),
        (4, "rejected", 2, "A", "board", 0, ""),
        (5, "stage_start", 4, "B", "digital", 1, "build"),    # 2 was rejected before 4 began
    ])
    assert duplicate_builds(lone, keys).to_dict() == {2: False, 4: False}


def test_time_average_wip_is_clipped_to_the_window() -> None:
    log: list[Row] = [
        (0, "arrival", 0, "A", "r", 1, ""), (5, "arrival", 1, "A", "r", 1, ""),
        (8, "delivered", 0, "A", "local", 1, ""), (12, "arrival", 2, "A", "r", 1, ""),
        (15, "delivered", 1, "A", "local", 1, ""), (18, "arrival", 3, "A", "r", 1, ""),
    ]
    m = compute(log, items([(i, 0, "k", 0) for i in range(4)]), [], Window(10.0, 20.0))
    # Inside weeks 10..20: 0 (ended at 8), 5 (10..15), 8 (12..20, unfinished), 2 (18..20).
    assert m["wip"] == pytest.approx((0 + 5 + 8 + 2) / 10)


def test_utilisation_counts_people_per_slot_and_open_spans() -> None:
    log: list[Row] = [
        (0, "arrival", 0, "U", "r", 1, ""), (0, "arrival", 1, "U", "r", 1, ""),
        (2, "stage_start", 0, "U", "digital", 2, "build"),
        (5, "stage_start", 1, "U", "team", 1, "build"),       # never ends: busy to the horizon
        (6, "stage_end", 0, "U", "digital", 8, "build"),
        (7, "stage_start", 0, "U", "digital", 1, "build"),    # a second stage of the same item
        (9, "stage_end", 0, "U", "digital", 2, "build"),
    ]
    staff = [PoolRow("U", "digital", 4, 1.0), PoolRow("U", "team", 6, 3.0), PoolRow("V", "digital", 2, 1.0)]
    got = compute(log, items([(0, 0, "k", 0), (1, 0, "j", 0)]), staff, Window(0.0, 10.0))["utilisation"]
    # digital: 2 people * 4 weeks + 1 * 2 = 10 of 40; team: 3 people * 5 weeks = 15 of 60.
    assert got["by_pool"] == {"U/digital": pytest.approx(0.25), "U/team": pytest.approx(0.25),
                              "V/digital": 0.0}
    assert got["by_unit"] == {"U": pytest.approx(25 / 100), "V": 0.0}
    assert got["overall"] == pytest.approx(25 / 120)
    clipped = compute(log, items([(0, 0, "k", 0), (1, 0, "j", 0)]), staff, Window(4.0, 10.0))
    assert clipped["utilisation"]["by_pool"]["U/digital"] == pytest.approx(6 / 24)   # 2 * 2 + 1 * 2


def test_people_who_leave_count_until_their_work_is_done() -> None:
    """A team closed while its people finish their work: they are available while they work."""
    log: list[Row] = [
        (0, "arrival", 0, "U", "r", 1, ""),
        (1, "stage_start", 0, "U", "digital", 2, "build"),
        (4, "staffing", -1, "U", "digital", 0.0, ""),         # the team is closed at week 4
        (6, "stage_end", 0, "U", "digital", 10, "build"),     # its two people finish at 6
    ]
    got = compute(log, items([(0, 0, "k", 0)]), [PoolRow("U", "digital", 3, 1.0)], Window(0.0, 10.0))
    # Busy 2 * 5 = 10; available 3 * 4 (weeks 0..4) + 2 * 2 (the two still at work) = 16.
    assert got["utilisation"]["by_pool"]["U/digital"] == pytest.approx(10 / 16)
    assert got["utilisation"]["staff_weeks"]["U/digital"] == [pytest.approx(10), pytest.approx(16)]


def test_benefit_counts_each_product_once_per_unit_within_the_window() -> None:
    log: list[Row] = [(0.0, "arrival", i, "ICS01", "r", 1.0, "") for i in range(5)]
    log += [
        (10, "delivered", 3, "ICS01", "local", 1, ""),        # from 10: 10 weeks, value 1
        (12, "reused", 1, "ICS02", "k", 2, ""),               # ICS02 uses product 2 from 12
        (14, "delivered", 2, "ICS01", "national", 1, ""),     # national: counts once adopted
        (15, "adopted", 2, "ICS01", "k", 0, ""),              # ICS01 uses 2 from 15
        (16, "delivered", 0, "ICS01", "local", 1, ""),
        (18, "adopted", 2, "ICS02", "k", 0, ""),              # ICS02 already uses 2: not again
        (19, "reused", 4, "ICS01", "k", 2, ""),               # nor ICS01, by reusing it
    ]
    table = items([(0, 0, "a", 2.0), (1, 0, "k", 5.0), (2, 0, "k", 3.0), (3, 0, "b", 1.0),
                   (4, 0, "k", 7.0)])
    got = compute(log, table, [], Window(0.0, 20.0))["benefit"]
    # 3: 1 * 10; 2 at ICS02: 3 * 8; 2 at ICS01: 3 * 5; 0: 2 * 4. A reuse is worth the product.
    assert got == pytest.approx(10 + 24 + 15 + 8)
    # In a window from week 15, only the weeks from 15 count: 5 + 15 + 15 + 8.
    assert compute(log, table, [], Window(15.0, 20.0))["benefit"] == pytest.approx(5 + 15 + 15 + 8)


# A run measured over weeks 10..30.
LOG: list[Row] = [
    (5, "arrival", 0, "ICS01", "national", 3, ""),            # in the warm-up
    (6, "stage_start", 0, "HQ", "digital", 1, "build"),
    (10, "arrival", 1, "ICS01", "national", 4, ""),
    (10, "stage_end", 0, "HQ", "digital", 3, "build"),
    (11, "handoff", 1, "HQ", "ICS01", 1, ""),
    (11, "rework", 1, "HQ", "ICS01", 0.25, ""),
    (11, "gate_queued", 1, "HQ", "board", 0, ""),
    (12, "approved", 1, "HQ", "board", 0, ""),
    (12, "released", 1, "ICS01", "national", 0, ""),
    (12, "stage_start", 1, "HQ", "digital", 2, "build"),
    (14, "arrival", 2, "ICS02", "local", 1, ""),
    (15, "delivered", 0, "ICS01", "national", 3, ""),
    (16, "stage_end", 1, "HQ", "digital", 4, "build"),
    (16, "rework_effort", 1, "HQ", "digital", 1, "build"),
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
TABLE: list[tuple[int, float, str, float]] = [
    (0, 5, "k", 1), (1, 10, "k", 2), (2, 14, "b", 1), (3, 20, "c", 1), (4, 21, "k", 3)]
STAFF = [PoolRow("HQ", "digital", 2, 1.0), PoolRow("ICS02", "digital", 1, 1.0)]


def test_compute_on_a_hand_made_log() -> None:
    m = compute(LOG, items(TABLE), STAFF, Window(10.0, 30.0))
    assert m["counts"] == {"arrived": 4, "delivered": 1, "reused": 1, "rejected": 1, "in_system": 1}
    # Released: 1 at 12 after a forum (arrived 10); 3 at 22 without one.
    assert m["decision_latency"] == {"mean": 2.0, "median": 2.0, "p90": 2.0, "n": 1,
                                     "ungated": 1, "ungated_share": 0.5}
    assert m["lead_time"] == {"mean": 6.0, "median": 6.0, "p90": 6.0, "n": 1}   # 16 - 10
    # 1: handoff 10..11, forum 11..12, work 12..16 of which 1 of 4 person-weeks was redone.
    assert m["lead_time_components"] == {"forum_wait": 1.0, "staff_wait": 0.0, "work": 3.0,
                                         "rework": 1.0, "handoff_delay": 1.0,
                                         "duplicate_wait": 0.0, "other": 0.0}
    quarters = 20 / 13
    assert m["needs_met"] == pytest.approx(2 / quarters)     # 1 delivered, 4 reused
    assert m["delivered"] == pytest.approx(1 / quarters)
    assert m["new_capabilities"] == 0.0                      # 1 built what 0 was building
    assert m["reused"] == pytest.approx(1 / quarters)
    assert m["duplication_rate"] == 1.0                      # 1 began building while 0 was live
    assert (m["duplicates_built"], m["duplicates_avoided"]) == (1, 1)
    assert m["wip"] == pytest.approx((5 + 6 + 4 + 10 + 4) / 20)   # 0 from 10; 3 stays in
    assert m["handoffs_per_item"] == 1.0
    assert m["rework_share"] == pytest.approx(1 / 4.5)       # rework 1 of effort 4 + 0.5
    # Held: 1's 2 people for 4 weeks (8) and 4's reuse (2); 3 has not finished. Effort 4.5:
    # overhead 10 - 4.5; rework 1; 1 was a duplicate build of 4 person-weeks, 3 of them new.
    assert m["hidden_work"] == {"rework": 1.0, "overhead": 5.5, "duplicate_builds": 3.0,
                                "all_effort": 10.0}
    assert m["hidden_work_share"] == pytest.approx(9.5 / 10)
    # Adoption of 1 by ICS01 from 20 (value 2, 10 weeks); reuse of 1 by ICS02 from 25 (2, 5 weeks);
    # 0's local... 0 is national: no adoption recorded, no benefit.
    assert m["benefit"] == pytest.approx(2 * 10 + 2 * 5)
    assert m["rejected"] == 1
    # HQ: 2 people 12..16 and 1 person 22..30 = 16 of 40; ICS02: 2 of 20; 0's build is before 10.
    assert m["utilisation"]["overall"] == pytest.approx(18 / 60)
    assert m["utilisation"]["by_pool"] == {"HQ/digital": pytest.approx(0.4),
                                           "ICS02/digital": pytest.approx(0.1)}


def test_compute_frames_reads_a_run_folders_tables() -> None:
    """The tables of a run folder give exactly what the records give."""
    frames = compute_frames(events(LOG), pd.DataFrame(TABLE, columns=["id", "arrival_week",
                            "capability_key", "value_per_week"]),
                            pd.DataFrame(STAFF), Window(10.0, 30.0))
    assert frames == compute(LOG, items(TABLE), STAFF, Window(10.0, 30.0))


def test_every_outcome_is_named_labelled_directed_defined_and_listed_for_experiments() -> None:
    from orgsim.experiments.spec import OUTCOMES
    from orgsim.metrics.table import BETTER, DEFINITIONS, LABELS, flat

    names = set(flat(compute(LOG, items(TABLE), STAFF, Window(10.0, 30.0))))
    assert names == set(OUTCOMES) == set(BETTER) == set(LABELS) == set(DEFINITIONS)


def test_a_withdrawn_wait_stays_with_what_the_item_waited_for() -> None:
    """The definitions of forum wait and staff wait: a wait ended by a `withdrawn` record (a
    reorganisation closed the forum or team) counts as forum wait at a forum, staff wait at a team."""
    from orgsim.metrics.core import lead_time_parts

    log: list[Row] = [
        (0, "arrival", 1, "A", "r", 1, ""), (0, "gate_queued", 1, "A", "F", 0, ""),
        (0, "arrival", 2, "A", "r", 1, ""), (0, "released", 2, "A", "", 0, ""),
        (3, "withdrawn", 2, "A", "digital", 1, "staff"),  # 2's team was closed
        (4, "withdrawn", 1, "A", "F", 0, "forum"),  # 1's forum was abolished
        (4, "gate_queued", 1, "A", "G", 0, ""), (5, "stage_start", 2, "B", "digital", 1, "build"),
        (6, "approved", 1, "A", "G", 0, ""), (6, "released", 1, "A", "", 0, ""),
        (7, "stage_end", 2, "B", "digital", 2, "build"), (7, "delivered", 2, "A", "local", 1, ""),
        (8, "stage_start", 1, "A", "digital", 1, "build"), (10, "stage_end", 1, "A", "digital", 2, "build"),
        (10, "delivered", 1, "A", "local", 1, ""),
    ]
    parts = lead_time_parts(log)
    assert parts[1]["forum_wait"] == 6 and parts[1]["staff_wait"] == 2 and parts[1]["other"] == 0
    assert parts[2]["staff_wait"] == 5 and parts[2]["forum_wait"] == 0 and parts[2]["work"] == 2


def test_the_definitions_say_what_the_code_counts() -> None:
    """Hidden work's duplicate builds are their build person-weeks less rework; a reuse earns the
    original's value; a duplicate is one started while another of its key was building or live
    and not rejected; handoffs per item count the delivered items that arrived after the warm-up."""
    from orgsim.metrics.core import flag_duplicates
    from orgsim.metrics.table import DEFINITIONS

    assert "build person-weeks less the rework within them" in DEFINITIONS["hidden_work_share"]
    assert "original product's value per week" in DEFINITIONS["benefit"]
    assert "had not been rejected by the week this one's build started" in \
        DEFINITIONS["duplicates_built"]
    assert "arrived after the warm-up and was delivered" in DEFINITIONS["handoffs_per_item"]
    key = {1: "k", 2: "k", 3: "k", 4: "k"}
    # 1 builds from week 2 and is rejected at 5; 2 starts at 5 (1 is gone by then), 3 at 6 (2 is on).
    flags = flag_duplicates([(1, 2.0), (2, 5.0), (3, 6.0)], key, {1: 5.0})
    assert flags == {1: False, 2: False, 3: True}
    # Hidden work: a duplicate's build effort (3 person-weeks, 1 of them redone) adds 2, not 3.
    log: list[Row] = [
        (0, "arrival", 1, "HQ", "r", 2, ""), (0, "stage_start", 1, "HQ", "digital", 1, "build"),
        (2, "stage_end", 1, "HQ", "digital", 2, "build"), (2, "delivered", 1, "HQ", "local", 2, ""),
        (0, "arrival", 2, "HQ", "r", 2, ""), (1, "stage_start", 2, "HQ", "digital", 1, "build"),
        (4, "stage_end", 2, "HQ", "digital", 3, "build"),
        (4, "rework_effort", 2, "HQ", "digital", 1, "build"),
        (4, "delivered", 2, "HQ", "local", 2, ""),
    ]
    log.sort(key=lambda r: r[0])
    m = compute(log, [ItemRow(1, "k", 1.0), ItemRow(2, "k", 5.0)], [PoolRow("HQ", "digital", 2, 1.0)],
                Window(0.0, 10.0))
    hidden = m["hidden_work"]
    assert (hidden["rework"], hidden["duplicate_builds"], hidden["overhead"]) == (1.0, 2.0, 0.0)
    assert m["hidden_work_share"] == pytest.approx(3.0 / 5.0)  # held: 2 + 3 staff-weeks
    assert m["handoffs_per_item"] == 0.0


def test_a_reuse_earns_the_original_products_value_once_per_unit() -> None:
    log: list[Row] = [
        (0, "arrival", 1, "HQ", "r", 1, ""), (0, "stage_start", 1, "HQ", "digital", 1, "build"),
        (1, "arrival", 2, "ICS01", "r", 1, ""), (1, "arrival", 3, "HQ", "r", 1, ""),
        (2, "stage_end", 1, "HQ", "digital", 1, "build"), (2, "delivered", 1, "HQ", "local", 1, ""),
        (4, "reused", 2, "ICS01", "k", 1, ""),  # ICS01 starts using product 1
        (5, "reused", 3, "HQ", "k", 1, ""),  # HQ, its builder, uses it already
    ]
    items_ = [ItemRow(1, "k", 1.0), ItemRow(2, "k", 5.0), ItemRow(3, "k", 7.0)]
    m = compute(log, items_, [PoolRow("HQ", "digital", 1, 1.0)], Window(0.0, 10.0))
    assert m["benefit"] == pytest.approx(1.0 * (10 - 2) + 1.0 * (10 - 4))  # not 5 or 7 a week
