"""What-if sweeps whose answer is known from queueing theory: the winner flips where theory says.

Each sweep compares two one-unit operating models on the same demand (common random
numbers) while a lever moves one of them past the point where the other becomes better:

- a forum meeting every T weeks against a fixed handoff delay D: Poisson arrivals wait T/2
  for the next meeting on average, so the forum is faster while T < 2 D;
- M/M/c staffing against a fixed delay D: c people keep the mean wait for staff at Erlang
  C's Wq(c), so the pooled team is faster once Wq(c) < D;
- a fixed handoff delay D as the lever against a forum of cadence T (two cadences, so the
  switch is found along one lever at each value of the other): the flip is at D = T/2.

With ample staff and fixed effort the lead time of a route is its wait plus one week of
work, so the paired difference of lead times is the difference of the waits.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_theory import erlang_c_wait

from orgsim.analysis.summary import summarise
from orgsim.experiments.runner import run
from scenarios import Doc, forum, one_unit_scenario, work_stage, write_yaml

ORGSIM = str(Path(sys.executable).parent / "orgsim")
FIXED = {"kind": "fixed", "value": 1.0}
NO_REWORK = {"p_rework": 0.0, "rework_fraction": 0.0}


def _model(name: str, steps: list[Doc], forums: Doc | None = None, delay: float = 2) -> Doc:
    return {"name": name, "forums": forums or {}, "handoff": {"delay_weeks": delay, **NO_REWORK},
            "routes": [{"name": "only", "scope": "local", "steps": steps}]}


def gated(cadence: float) -> Doc:
    """Unit A's forum, then A's work."""
    return _model("gated", [{"gate": "g"}, work_stage("A")], forums={"g": forum(cadence)})


def relayed(delay: float, to: str = "B") -> Doc:
    """A handoff to unit `to` with a fixed delay, then its work (written as a whole number when
    it is one, as a user would)."""
    written = int(delay) if float(delay).is_integer() else delay
    return _model("relayed", [{"handoff": {"to": to}}, work_stage(to)], delay=written)


def sweep(where: Path, models: list[Doc], levers: Doc, effort: Doc = FIXED, staff: int = 60,
          rate: float = 2.0, horizon: float = 130.0, warmup: float = 10.0,
          replications: int = 5, **keys: Any) -> pd.DataFrame:
    """Run an experiment of `models` (first minus second) over `levers`; paired_by_point's
    lead-time rows."""
    sc = one_unit_scenario(rate, effort, staff, horizon, warmup)
    sc["organisations"]["B"] = {"kind": "national_body", "teams": {"work": 60}}
    sc["operating_models_dir"] = "models"
    write_yaml(where / "scenario.yaml", sc)
    for m in models:
        write_yaml(where / "models" / f"{m['name']}.yaml", m)
    exp = {"name": "theory", "scenario": "scenario.yaml", "models": [m["name"] for m in models],
           "levers": levers, "replications": replications, "seed": 5,
           "outcomes": ["lead_time_mean"], **keys}
    write_yaml(where / "experiment.yaml", exp)
    root = run(where / "experiment.yaml", where / "results", backend="serial")
    summary = summarise(root)
    table = summary.paired_by_point
    return table[table["outcome"] == "lead_time_mean"].reset_index(drop=True)


def switches(where: Path) -> pd.DataFrame:
    table = pd.read_csv(where / "results" / "summary" / "switch_points.csv")
    return table[table["outcome"] == "lead_time_mean"].reset_index(drop=True)


def check_sides(table: pd.DataFrame, lever: str, flip: float, theory: Any, margin: float) -> None:
    """Away from the flip (more than `margin`), the sign is theory's and the CI excludes zero."""
    for row in table.itertuples():
        value = table.loc[row.Index, lever]
        expected = theory(value)
        assert row.ci_low <= expected + 0.35 and expected - 0.35 <= row.ci_high, (value, row)
        if abs(value - flip) > margin:
            assert math.copysign(1, row.mean_diff) == math.copysign(1, expected), (value, row)
            assert row.ci_low > 0 or row.ci_high < 0, f"{lever}={value}: CI includes zero: {row}"
            assert row.better == (row.a if expected < 0 else row.b)


CADENCE = "models.gated.forums.g.cadence_weeks"


def test_forum_against_a_handoff_delay_flips_at_twice_the_delay(tmp_path: Path) -> None:
    """Lead time (forum) - lead time (handoff) = T/2 - D: the forum wins while T < 2 D = 7."""
    delay = 3.5
    table = sweep(tmp_path, [gated(4), relayed(delay)],
                  {CADENCE: {"values": [2, 4, 6, 8, 10, 12], "label": "forum cadence (weeks)"}})
    assert list(table[CADENCE]) == [2, 4, 6, 8, 10, 12]
    assert (table["n"] == 5).all()
    check_sides(table, CADENCE, 2 * delay, lambda t: t / 2 - delay, margin=0.5)
    found = switches(tmp_path)
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["low"], row["high"]) == (6, 8)
    assert (row["before"], row["after"]) == ("gated", "relayed")
    assert row["kind"] == "best model" and bool(row["sure"])
    assert row["estimate_low"] <= 2 * delay <= row["estimate_high"]
    assert abs(row["estimate"] - 2 * delay) < 0.5
    shown = subprocess.run([ORGSIM, "summarise", str(tmp_path / "results")], capture_output=True,
                           text=True, env={**os.environ, "COLUMNS": "90"})
    assert shown.returncode == 0, shown.stderr
    lines = [line for line in shown.stdout.splitlines() if not line.startswith("tables written to")]
    assert all(len(line) <= 90 for line in lines)  # the folder's path, last, may be longer
    assert "the answer at each setting of its levers" in shown.stdout
    assert "run-to-run randomness" in shown.stdout  # nothing uncertain was varied
    assert "forum cadence" in shown.stdout and "6 and 8" in shown.stdout
    assert "Regret" not in shown.stdout and "theory: mean [95% CI]" not in shown.stdout  # no pooled table


TEAM = "organisations.A.teams.work"


def test_erlang_c_staffing_against_a_fixed_delay(tmp_path: Path) -> None:
    """M/M/c (lambda 1.5, mu 1) against a fixed 0.45-week delay: two people wait Wq = 1.29 weeks
    (the delay wins), three 0.16 and four 0.03 (the team wins)."""
    delay = 0.45
    expo = {"kind": "exponential", "mean": 1.0}
    table = sweep(tmp_path, [_model("pooled", [work_stage("A")]), relayed(delay)],
                  {TEAM: {"values": [2, 3, 4]}}, effort=expo, rate=1.5, horizon=310.0,
                  replications=6, baseline={TEAM: 3})
    assert [erlang_c_wait(1.5, 1.0, c) > delay for c in (2, 3, 4)] == [True, False, False]
    check_sides(table, TEAM, 2.5, lambda c: erlang_c_wait(1.5, 1.0, int(c)) - delay, margin=0)
    found = switches(tmp_path)
    assert len(found) == 1 and (found.loc[0, "low"], found.loc[0, "high"]) == (2, 3)
    assert math.isnan(found.loc[0, "estimate"])  # three values are too few to interpolate
    by_setting = pd.read_csv(tmp_path / "results" / "summary" / "by_setting.csv")
    pooled = by_setting[(by_setting["model"] == "pooled") & (by_setting["outcome"] == "lead_time_mean")]
    assert list(pooled["is_baseline"]) == [False, True, False]
    two = pooled.iloc[0]  # one person fewer than today: longer waits, surely
    assert two["ci_low"] > 0 and two["win_share"] < 0.5


DELAY = "models.relayed.handoff.delay_weeks"


def test_a_handoff_delay_lever_flips_at_half_the_cadence_for_each_cadence(tmp_path: Path) -> None:
    """The delay as the lever (a float field the model wrote as `2`), at two cadences: the forum
    wins once D > T/2, between 2.5 and 4 for T = 6 and between 4 and 5.5 for T = 9."""
    table = sweep(tmp_path, [gated(6), relayed(2)],
                  {DELAY: {"values": [1, 2.5, 4, 5.5, 7]}, CADENCE: {"values": [6, 9]}},
                  baseline={DELAY: 2.5, CADENCE: 6})
    for cadence in (6, 9):
        check_sides(table[table[CADENCE] == cadence], DELAY, cadence / 2,
                    lambda d, t=cadence: t / 2 - d, margin=0.5)
    found = switches(tmp_path)
    along = found[found["lever"] == DELAY].set_index("others")
    assert set(along.index) == {f"{CADENCE}=6", f"{CADENCE}=9"}
    for cadence, interval in ((6, (2.5, 4)), (9, (4, 5.5))):
        row = along.loc[f"{CADENCE}={cadence}"]
        assert (row["low"], row["high"]) == interval
        assert (row["before"], row["after"]) == ("relayed", "gated") and bool(row["sure"])
        assert row["estimate_low"] <= cadence / 2 <= row["estimate_high"]
    # along the cadence, the switch happens only where D sits between T/2 at 6 and at 9
    across = found[found["lever"] == CADENCE]
    assert set(across["others"]) == {f"{DELAY}=4"}


@pytest.mark.parametrize("values", [[2.5, 4.5]])
def test_a_non_integral_value_of_a_float_field_is_kept(tmp_path: Path, values: list[float]) -> None:
    """A delay of 2.5 reaches the run as 2.5 although the model wrote `2` (it was rounded to 2)."""
    table = sweep(tmp_path, [gated(6), relayed(2)], {DELAY: {"values": values}}, replications=2,
                  horizon=60.0)
    design = pd.read_parquet(tmp_path / "results" / "design.parquet")
    assert sorted(design[DELAY]) == [2, 2.5, 4.5]  # the model's own 2 is today's setting
    mean = table.set_index(DELAY)["mean_b"]
    assert mean[2.5] - mean[2] == pytest.approx(0.5, abs=1e-9)
