"""The rows of the bottom line's tables: numbers read from the per-setting tables as they stand."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from whatif_data import OVERHEAD, sweep

from orgsim.analysis.outcome_rows import outcome_rows, reached

PAIR = ("internal_commissioning", "joined_up_planning")


def test_rows_carry_the_tables_numbers_setting_by_setting() -> None:
    w = sweep()
    rows = outcome_rows(w, list(PAIR), PAIR, "lead_time_mean")
    assert [r.values for r in rows] == [(v,) for v in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)]
    assert [r.today for r in rows] == [False, True, False, False, False, False, False]
    assert rows[0].means == {PAIR[0]: 33, PAIR[1]: 22}
    assert set(rows[0].changes) == {PAIR[1]}  # the levers do not reach internal commissioning
    assert (rows[0].changes[PAIR[1]].diff, rows[0].changes[PAIR[1]].low) == (-2, -3)
    assert rows[0].pair is not None and (rows[0].pair.diff, rows[0].pair.high) == (11, 12.5)
    assert [r.best for r in rows] == [PAIR[1]] * 5 + [PAIR[0]] * 2
    assert all(r.unclear_of == () for r in rows)
    assert not reached(w, PAIR[0]) and reached(w, PAIR[1])


def _three() -> SimpleNamespace:
    """One setting, three models: c has the lowest lead time, clearly ahead of a, not of b."""
    by = pd.DataFrame({"setting": 0, OVERHEAD: 0.1, "model": ["a", "b", "c"],
                       "outcome": "lead_time_mean", "mean": [30.0, 21.0, 20.0],
                       "baseline_mean": [30.0, 21.0, 20.0], "mean_diff": 0.0, "ci_low": 0.0,
                       "ci_high": 0.0, "win_share": 0.0, "n": 10, "is_baseline": True})
    paired = pd.DataFrame({"setting": 0, OVERHEAD: 0.1, "outcome": "lead_time_mean",
                           "a": ["a", "a", "b"], "b": ["b", "c", "c"], "mean_a": [30.0, 30.0, 21.0],
                           "mean_b": [21.0, 20.0, 20.0], "mean_diff": [9.0, 10.0, 1.0],
                           "ci_low": [8.0, 9.0, -0.5], "ci_high": [10.0, 11.0, 2.5],
                           "win_share_a": 0.0, "n": 10, "better": ["b", "c", ""]})
    return SimpleNamespace(levers=[OVERHEAD], by_setting=by, paired=paired)


def test_with_three_models_the_best_is_named_with_those_it_is_not_clearly_ahead_of() -> None:
    (row,) = outcome_rows(_three(), ["a", "b", "c"], ("a", "b"), "lead_time_mean")
    assert row.best == "c" and row.unclear_of == ("b",)
    assert row.pair is not None and row.pair.diff == 9.0  # the compared pair, a - b
    assert row.changes == {}  # one setting: nothing to compare with today
    from orgsim.report.whatif import _better

    assert _better(row, two=False) == "C ahead, not clearly of B"  # the report's "better here"
