"""The front as a user reads it: headcount as an objective against lead time, each objective's
spread over replications and which designs are within noise of the best, design files that still
run after the folders holding them are moved."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from test_optimise import PEOPLE, lead_time, series_files
from typer.testing import CliRunner

from orgsim.config.load import load_plan
from orgsim.optimise import optimise, spread
from orgsim.optimise.spec import Objective

LEVERS = ("scenario.organisations.A.teams.one", "scenario.organisations.A.teams.two")


def _headcount_against_lead_time(where: Path) -> Path:
    path = series_files(where, horizon=150.0, population=10, generations=3)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["constraints"] = {}  # no budget: headcount is what is traded
    doc["objectives"] = [{"outcome": "headcount", "sense": "min"},
                         {"outcome": "lead_time_mean", "sense": "min"}]
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def test_a_headcount_against_lead_time_front_with_the_spread_of_each_objective(tmp_path: Path) -> None:
    root = optimise(_headcount_against_lead_time(tmp_path / "in"), tmp_path / "out", backend="serial")
    front = pd.read_csv(root / "front.csv").sort_values("headcount")
    assert len(front) >= 3
    people = front[list(f"lever:{lever}" for lever in LEVERS)].sum(axis=1)
    assert (front["headcount"] == people).all()
    assert front["headcount"].is_monotonic_increasing and front["headcount"].is_unique
    assert front["lead_time_mean"].is_monotonic_decreasing  # more people, shorter lead time
    assert front["headcount"].min() < PEOPLE - 1  # the search went below the people of a fixed budget
    # the spread: headcount has none; lead time's interval holds its value
    assert (front["headcount_ci_low"] == front["headcount"]).all()
    assert front["headcount_near_best"].tolist() == [True] + [False] * (len(front) - 1)
    assert (front["lead_time_mean_ci_low"] <= front["lead_time_mean"]).all()
    assert (front["lead_time_mean"] <= front["lead_time_mean_ci_high"]).all()
    assert (front["lead_time_mean_ci_high"] > front["lead_time_mean_ci_low"]).all()
    best = front["lead_time_mean"].idxmin()
    assert bool(front.loc[best, "lead_time_mean_near_best"])
    slowest = front["lead_time_mean"].idxmax()  # fewest people: far slower, beyond noise
    assert not bool(front.loc[slowest, "lead_time_mean_near_best"])
    theory = [lead_time(int(a), int(b)) for a, b in zip(front[f"lever:{LEVERS[0]}"],
                                                       front[f"lever:{LEVERS[1]}"])]
    stable = [i for i, t in enumerate(theory) if math.isfinite(t)]
    found = front["lead_time_mean"].to_numpy()[stable]
    assert np.allclose(found, np.array(theory)[stable], rtol=0.25), (found, theory)


OBJECTIVE = Objective(outcome="lead_time_mean", sense="min")


def test_designs_within_noise_of_the_best_are_told_apart_by_pairing_their_runs() -> None:
    rng = np.random.default_rng(0)
    shared = rng.normal(10.0, 3.0, size=(1, 8))  # each replication's seed moves every design alike
    best = shared.copy()
    shifted = shared + 0.2  # worse by a little, in every replication
    noisy = shared + 0.05 * np.array([1.0, -1.0] * 4)  # the same, up to noise that averages out
    assert spread.near(shifted, best, OBJECTIVE) is False  # paired: a consistent gap is a gap
    low, high = spread.interval(shifted, OBJECTIVE)
    assert low < shifted.mean() < high and high - low > 10 * 0.2  # alone, each interval is wide
    assert spread.near(noisy, best, OBJECTIVE) is True
    assert spread.near(best[:, :1], best[:, :1], OBJECTIVE) is None  # one replication: cannot tell
    p90 = Objective(outcome="lead_time_mean", sense="min", over_replications="p90")
    assert spread.near(shifted, best, p90, seed=1) is False
    assert spread.near(best, best, p90, seed=1) is True
    low, high = spread.interval(best, p90, seed=1)
    assert low <= np.percentile(best, 90) <= high


def test_design_files_run_after_the_project_is_moved(tmp_path: Path) -> None:
    project = tmp_path / "project"
    path = series_files(project / "in", horizon=60.0, population=4, generations=0)
    root = optimise(path, project / "results" / "series", backend="serial")
    text = (root / "designs" / "series_design_01_scenario.yaml").read_text()
    assert "extends: ../../../in/scenario.yaml" in text and str(tmp_path) not in text
    moved = tmp_path / "elsewhere" / "project"
    moved.parent.mkdir()
    shutil.move(str(project), str(moved))
    designs = moved / "results" / "series" / "designs"
    plan = load_plan(designs / "series_design_01_scenario.yaml", str(designs / "series_design_01.yaml"))
    front = pd.read_csv(moved / "results" / "series" / "front.csv")
    assert plan.units["A"].teams == {"one": front.iloc[0][f"lever:{LEVERS[0]}"],
                                     "two": front.iloc[0][f"lever:{LEVERS[1]}"]}
    from orgsim.cli import app

    ran = CliRunner().invoke(app, ["run", str(designs / "series_design_01_scenario.yaml"), "-m",
                                   str(designs / "series_design_01.yaml"), "--out", str(tmp_path / "run"),
                                   "-q"])
    assert ran.exit_code == 0, ran.output


def test_validate_takes_headcount_as_an_objective_and_names_a_misspelt_one(tmp_path: Path) -> None:
    from orgsim.cli import app

    path = _headcount_against_lead_time(tmp_path)
    done = CliRunner().invoke(app, ["validate", str(path)])
    assert done.exit_code == 0 and done.stdout.startswith("ok: "), done.output
    path.write_text(path.read_text(encoding="utf-8").replace("outcome: headcount", "outcome: headcont"),
                    encoding="utf-8")
    done = CliRunner().invoke(app, ["validate", str(path)])
    assert done.exit_code == 2 and "did you mean 'headcount'?" in done.stderr, done.output
