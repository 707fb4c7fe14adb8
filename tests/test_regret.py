"""Regret and satisficing on paired runs, against hand-computed answers; the experiment file's
thresholds are checked like every other key; the summary and CLI show both (the report's section
is checked in test_discovery.py, on the same experiment, to write one report only)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from orgsim.analysis.regret import ALL, REGRET, SATISFICING, regret, satisficing
from orgsim.experiments.spec import Experiment, Threshold

LEAD = {"A": [10, 12, 11, 9, 20, 15], "B": [11, 12, 14, 8, 25, 16], "C": [5, 6, 7, 8, 9, 10]}
MET = {"A": [3, 3, 4, 5, 1, 2], "B": [2, 3, 5, 4, 1, 1], "C": [1, 1, 1, 1, 1, 1]}


def hand_metrics() -> pd.DataFrame:
    """Two points x three replications x three models, rows shuffled."""
    rows = [{"point": i // 3, "replication": i % 3, "model": m, "seed": i % 3,
             "lead_time_mean": float(LEAD[m][i]), "needs_met": float(MET[m][i]),
             "utilisation": 0.1 * i} for m in "ABC" for i in range(6)]
    return pd.DataFrame(rows).sample(frac=1.0, random_state=3).reset_index(drop=True)


def test_regret_is_the_shortfall_from_the_best_model_of_the_same_run() -> None:
    table = regret(hand_metrics(), ["A", "B", "C"], ["lead_time_mean", "needs_met", "utilisation"])
    assert list(table.columns) == REGRET
    assert "utilisation" not in set(table.outcome)  # no direction, nothing to regret
    cell = table.set_index(["outcome", "model"])
    a = cell.loc[("lead_time_mean", "A")]  # lower is better; C is best in every run (ties B in one)
    gaps = np.array([5, 6, 4, 1, 11, 5], dtype=float)
    assert a.mean_regret == pytest.approx(gaps.mean()) and a.max_regret == 11
    assert a.p90_regret == pytest.approx(8.5) and a.share_best == 0 and a.n == 6
    c = cell.loc[("lead_time_mean", "C")]
    assert (c.mean_regret, c.max_regret, c.share_best) == (0, 0, 1)
    assert cell.loc[("lead_time_mean", "B")].share_best == pytest.approx(1 / 6)
    met = cell.xs("needs_met", level="outcome")  # higher is better: best of A, B in each run
    assert met.max_regret.to_dict() == {"A": 1.0, "B": 1.0, "C": 4.0}
    assert met.loc["A"].mean_regret == pytest.approx(1 / 6)
    assert (table[["mean_regret", "p90_regret", "max_regret"]] >= 0).all().all()


def test_regret_leaves_out_runs_where_a_model_has_no_value() -> None:
    metrics = hand_metrics()
    metrics.loc[(metrics.model == "C") & (metrics.point == 1), "lead_time_mean"] = np.nan
    a = regret(metrics, ["A", "B", "C"], ["lead_time_mean"]).set_index("model").loc["A"]
    assert a.n == 3 and a.max_regret == 6
    assert regret(metrics, ["A"], ["lead_time_mean"]).empty  # one model: nothing to compare with


def test_satisficing_shares_of_runs_and_of_point_means() -> None:
    thresholds = {"needs_met": Threshold(above=2), "lead_time_mean": Threshold(below=12)}
    table = satisficing(hand_metrics(), ["A", "B", "C"], thresholds)
    assert list(table.columns) == SATISFICING
    cell = table.set_index(["criterion", "model"])
    assert cell.loc[(ALL, "A")].share_runs == pytest.approx(3 / 6)  # runs 0, 2 and 3
    assert cell.loc[(ALL, "B")].share_runs == pytest.approx(1 / 6)  # run 3 only
    assert cell.loc[(ALL, "C")].share_runs == 0
    assert cell.loc[("lead_time_mean < 12", "C")].share_runs == 1
    # point means: A (11, 3.33) meets both at point 0 and (14.67, 2.67) neither at point 1
    assert cell.loc[(ALL, "A")].share_points == 0.5 and cell.loc[(ALL, "A")].n_points == 2
    assert satisficing(hand_metrics(), ["A"], {}).empty


def test_a_missing_value_does_not_satisfice() -> None:
    assert not Threshold(below=8).met(math.nan) and not Threshold(above=1).met(math.nan)
    assert Threshold(below=8).met(7.9) and not Threshold(below=8).met(8.0)


BASE = {"name": "x", "scenario": "s.yaml", "models": ["A", "B"]}


@pytest.mark.parametrize(("satisficing", "message"), [
    ({"needs_met": {"below": 1, "above": 2}}, "either below or above"),
    ({"needs_met": {}}, "either below or above"),
    ({"needs_met": {"under": 3}}, "Extra inputs"),
    ({"needs_mett": {"above": 3}}, "needs_mett"),
])
def test_bad_thresholds_are_refused(satisficing: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Experiment.model_validate({**BASE, "satisficing": satisficing})


# --- in the summary, the CLI and the report ---------------------------------------------------

@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from decision_data import sampled_results

    return sampled_results(tmp_path_factory.mktemp("regret"))


def test_summarise_prints_and_writes_regret_and_satisficing(results: Path) -> None:
    from typer.testing import CliRunner

    from orgsim.analysis import load
    from orgsim.cli import app

    done = CliRunner().invoke(app, ["summarise", str(results)])
    assert done.exit_code == 0, done.output
    assert "Regret" in done.output and "decision_latency_mean < 12" in done.output
    saved = load(results)
    assert list(saved.regret.columns) == REGRET
    assert set(saved.satisficing.criterion) == {"decision_latency_mean < 12", "needs_met > 20", ALL}
    assert (saved.regret.n == 24).all()  # 12 points x 2 replications, every one paired
    (results / "summary" / "regret.csv").unlink()  # a folder summarised by an older version
    assert load(results).regret.empty
