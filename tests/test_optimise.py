"""The search against a problem whose optimum is known from queueing theory, its outputs used as
a user would (designs run as they are), resume after a kill, the same front on every backend,
and bad optimisation files refused before anything runs."""

from __future__ import annotations

import json
import math
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from stopping import ctrl_c

from orgsim.config.load import load_plan
from orgsim.config.yamlio import ConfigError
from orgsim.optimise import load, optimise
from scenarios import one_unit_scenario, route_model

ROOT = Path(__file__).resolve().parents[1]
LAM, MEAN_ONE, MEAN_TWO, PEOPLE = 2.0, 1.5, 1.0, 9


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of M/M/c (Erlang C); infinite when the queue is unstable."""
    a, rho = lam / mu, lam / (c * mu)
    if rho >= 1:
        return math.inf
    top = a**c / math.factorial(c) / (1.0 - rho)
    return top / (math.fsum(a**k / math.factorial(k) for k in range(c)) + top) / (c * mu - lam)


def lead_time(c_one: int, c_two: int) -> float:
    """Two M/M/c stations in series (a Jackson network): sojourn times add."""
    return (erlang_c_wait(LAM, 1 / MEAN_ONE, c_one) + MEAN_ONE
            + erlang_c_wait(LAM, 1 / MEAN_TWO, c_two) + MEAN_TWO)


def series_files(where: Path, horizon: float = 600.0, **search: Any) -> Path:
    """A unit with two teams in series and an optimisation that splits PEOPLE between them."""
    sc = one_unit_scenario(LAM, {"kind": "exponential", "mean": MEAN_ONE}, 1, horizon, horizon / 10,
                           variants=10_000, teams={"two": 1})
    sc["organisations"]["A"]["teams"] = {"one": 1, "two": 1}
    sc["demand"]["effort"] = {"one": {"kind": "exponential", "mean": MEAN_ONE},
                              "two": {"kind": "exponential", "mean": MEAN_TWO}}
    model = route_model([{"stage": {"unit": "A", "functions": ["one"], "kind": "assess"}},
                         {"stage": {"unit": "A", "functions": ["two"], "kind": "build"}}])
    model["name"] = "series"
    where.mkdir(parents=True, exist_ok=True)
    (where / "scenario.yaml").write_text(yaml.safe_dump(sc), encoding="utf-8")
    (where / "series.yaml").write_text(yaml.safe_dump(model), encoding="utf-8")
    opt = {"name": "series", "scenario": "scenario.yaml", "model": "series.yaml",
           "levers": {f"scenario.organisations.A.teams.{t}": {"low": 1, "high": PEOPLE - 1,
                                                             "integer": True} for t in ("one", "two")},
           "constraints": {"max_headcount": PEOPLE},
           "objectives": [{"outcome": "lead_time_mean", "sense": "min"}],
           "replications": 3, "seed": 4, "search": {"population": 8, "generations": 5, **search}}
    path = where / "optimise.yaml"
    path.write_text(yaml.safe_dump(opt, sort_keys=False), encoding="utf-8")
    return path


def test_cost_is_an_objective_traded_against_speed(tmp_path: Path) -> None:
    """Without a headcount limit, more people cost more and wait less: the front is that trade-off,
    and each design's staff cost is its headcount at the scenario's cost per person-week."""
    path = series_files(tmp_path / "in", horizon=300.0, population=8, generations=2)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    del doc["constraints"]
    doc["objectives"].append({"outcome": "staff_cost_per_year", "sense": "min"})
    doc["replications"] = 1
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    scenario = path.parent / "scenario.yaml"
    sc = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    sc["money"] = {"staff_cost_per_person_week": {"*": 1000.0}}
    scenario.write_text(yaml.safe_dump(sc), encoding="utf-8")
    root = optimise(path, tmp_path / "out", backend="serial")
    front = pd.read_csv(root / "front.csv")
    assert np.allclose(front["staff_cost_per_year"], front["headcount"] * 1000.0 * 52, rtol=1e-12)
    # Staff-weeks are added span by span, so equal headcounts can differ in the last digits (and
    # both stay on the front); per whole cost, paying more buys speed or it is not on the front.
    fastest = front.groupby(front["staff_cost_per_year"].round(2))["lead_time_mean"].min()
    assert len(fastest) >= 3 and fastest.is_monotonic_decreasing


def test_the_search_finds_the_erlang_c_optimum(tmp_path: Path) -> None:
    splits = {(c, PEOPLE - c): lead_time(c, PEOPLE - c) for c in range(1, PEOPLE)}
    best = min(splits, key=splits.__getitem__)
    runner_up = sorted(splits.values())[1]
    assert best == (5, 4) and runner_up > 1.05 * splits[best]  # the theory separates them
    root = optimise(series_files(tmp_path / "in"), tmp_path / "out", backend="serial")
    front = pd.read_csv(root / "front.csv")
    assert len(front) == 1
    found = front.iloc[0]
    assert (found["lever:scenario.organisations.A.teams.one"],
            found["lever:scenario.organisations.A.teams.two"]) == best
    assert found["headcount"] == PEOPLE
    assert found["lead_time_mean"] == pytest.approx(splits[best], rel=0.08)
    evaluations = pd.read_csv(root / "evaluations.csv")
    over = evaluations[evaluations["headcount"] > PEOPLE]
    assert len(over) and not over["feasible"].any()  # over budget: never feasible, never run
    curve = pd.read_csv(root / "convergence.csv")
    assert curve["hypervolume"].is_monotonic_increasing and curve["hypervolume"].iloc[-1] > 0
    assert (root / "plots" / "front.png").exists() and (root / "plots" / "convergence.svg").exists()
    # levers on the scenario: the design is a model file and a scenario file extending the original
    plan = load_plan(root / "designs" / "series_design_01_scenario.yaml",
                     str(root / "designs" / "series_design_01.yaml"))
    assert plan.units["A"].teams == {"one": best[0], "two": best[1]}


def test_a_robust_search_aggregates_over_samples_then_replications(tmp_path: Path) -> None:
    path = series_files(tmp_path / "in", horizon=80.0, population=4, generations=0)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc.update(uncertainties={"demand.national_rate_per_week": {"low": 1.0, "high": 2.0}},
               samples=3, replications=2)
    doc["objectives"] = [{"outcome": "lead_time_mean", "sense": "min", "over_replications": "mean",
                          "over_uncertainties": "p90"},
                         {"outcome": "needs_met", "sense": "max", "over_replications": "p50",
                          "over_uncertainties": "mean"}]
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    root = optimise(path, tmp_path / "out", backend="serial")
    evaluations = pd.read_csv(root / "evaluations.csv")
    one = evaluations[evaluations["feasible"]].iloc[0]
    runs = [json.loads(p.read_text())["row"] for p in sorted((root / "runs").glob(f"{one.digest}-*"))]
    assert len(runs) == 6  # 3 samples x 2 replications
    lead = np.array([r["lead_time_mean"] for r in runs]).reshape(3, 2)
    met = np.array([r["needs_met"] for r in runs]).reshape(3, 2)
    assert one.lead_time_mean == pytest.approx(np.percentile(lead.mean(axis=1), 90))
    assert one.needs_met == pytest.approx(np.median(met, axis=1).mean())
    rates = {round(r["arrived"]) for r in runs}
    assert len(rates) > 2  # the samples changed the demand; replications share seeds across samples


def test_a_design_file_runs_as_it_is(tmp_path: Path) -> None:
    """On the shipped joined-up model: the written design loads with `orgsim run`'s loader."""
    opt = {"name": "tiny_jup", "scenario": str(ROOT / "configs" / "nhs_england.yaml"),
           "model": "joined_up_planning",
           "levers": {"service_teams.factory.count": {"low": 5, "high": 11, "integer": True},
                      "forums.business_planning.cadence_weeks": {"low": 4, "high": 26},
                      "service_teams.factory.wip_limit": {"choices": [1, 2]}},
           "constraints": {"max_headcount": "as_configured"},
           "objectives": [{"outcome": "decision_latency_mean", "sense": "min"},
                          {"outcome": "needs_met", "sense": "max"}],
           "replications": 1, "horizon_weeks": 30, "warmup_weeks": 5,
           "search": {"population": 4, "generations": 1}}
    path = tmp_path / "opt.yaml"
    path.write_text(yaml.safe_dump(opt), encoding="utf-8")
    root = optimise(path, tmp_path / "out", backend="serial")
    designs = sorted((root / "designs").glob("*.yaml"))
    assert designs and len(designs) == len(pd.read_csv(root / "front.csv"))
    plan = load_plan(ROOT / "configs" / "nhs_england.yaml", str(designs[0]))
    assert plan.model == "joined_up_planning_design_01"
    base = load_plan(ROOT / "configs" / "nhs_england.yaml", "joined_up_planning")
    assert plan.headcount() == base.headcount()
    front = pd.read_csv(root / "front.csv")
    assert plan.teams["factory"].count == front.iloc[0]["lever:service_teams.factory.count"]
    from typer.testing import CliRunner

    from orgsim.cli import app

    ran = CliRunner().invoke(app, ["run", str(ROOT / "configs" / "nhs_england.yaml"), "-m",
                                   str(designs[0]), "--out", str(tmp_path / "run"), "--quiet"])
    assert ran.exit_code == 0, ran.output
    assert (tmp_path / "run" / "joined_up_planning_design_01" / "metrics.json").exists()
    experiment = {"name": "check", "scenario": str(ROOT / "configs" / "nhs_england.yaml"),
                  "models": [str(designs[0])], "replications": 1, "horizon_weeks": 20,
                  "warmup_weeks": 2}
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump(experiment), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "orgsim.cli", "experiment", str(tmp_path / "exp.yaml"),
                           "--out", str(tmp_path / "exp"), "--quiet", "--backend", "serial"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def _front(root: Path) -> pd.DataFrame:
    return pd.read_csv(root / "front.csv")


def test_same_front_on_every_backend_and_after_a_kill(tmp_path: Path) -> None:
    path = series_files(tmp_path / "in", horizon=120.0, generations=1)
    serial = optimise(path, tmp_path / "serial", backend="serial")
    for backend in ("processes", "dask"):
        other = optimise(path, tmp_path / backend, backend=backend, workers=2)  # type: ignore[arg-type]
        pd.testing.assert_frame_equal(_front(serial), _front(other))
        assert (serial / "evaluations.csv").read_bytes() == (other / "evaluations.csv").read_bytes()
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "orgsim.cli", "optimise", str(path), "--out", str(out), "--quiet",
           "--backend", "serial"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "runs").glob("[!.]*.json"))) < 10:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = {p.name: p.read_bytes() for p in (out / "runs").glob("[!.]*.json")}  # not a cut write
    assert 10 <= len(before) and not (out / "front.csv").exists()
    again = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)
    assert again.returncode == 2 and "--resume" in again.stderr
    resumed = subprocess.run([*cmd, "--resume"], cwd=tmp_path, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    after = {p.name: p.read_bytes() for p in (out / "runs").glob("[!.]*.json")}
    assert all(after[name] == data for name, data in before.items())  # nothing finished was lost
    assert (out / "evaluations.csv").read_bytes() == (serial / "evaluations.csv").read_bytes()


def test_ctrl_c_says_what_was_kept_and_the_command_that_resumes(tmp_path: Path) -> None:
    path = series_files(tmp_path / "in", horizon=120.0, generations=1)
    runs = tmp_path / "results" / "series" / "runs"  # no --out: results/NAME, from the working folder
    err = ctrl_c([sys.executable, "-m", "orgsim.cli", "optimise", str(path), "--workers", "2"],
                 lambda: len(list(runs.glob("[!.]*.json"))) >= 6, cwd=tmp_path)
    kept = len(list(runs.glob("[!.]*.json")))
    assert kept >= 6 and not (runs.parent / "front.csv").exists()
    assert f"interrupted: {kept} runs finished and are saved in results/series/runs" in err, err
    command = err.split("To continue: ", 1)[1].strip()
    assert command == f"orgsim optimise {path} --resume --out results/series"
    resumed = subprocess.run([sys.executable, "-m", "orgsim.cli", *shlex.split(command)[1:], "--quiet"],
                             cwd=tmp_path, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    manifest = json.loads((runs.parent / "manifest.json").read_text())
    assert manifest["resumed_from_runs"] == kept and (runs.parent / "front.csv").exists()


def _refused(tmp_path: Path, edit: Any) -> str:
    path = series_files(tmp_path, horizon=60.0)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load(path)
    return str(err.value)


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda d: d["levers"].update({"scenario.organisations.A.teams.three": {"low": 1, "high": 2}}),
     r"optimise.yaml:\d+: levers.scenario.organisations.A.teams.three: no setting at this path"),
    (lambda d: d["levers"].update({"routes.0.name": {"low": 1, "high": 2}}),
     r"levers.routes.0.name: expected a number at this path .* found 'only'"),
    (lambda d: d["levers"]["scenario.organisations.A.teams.one"].update(low=-2),
     r"levers.scenario.organisations.A.teams.one: -2 is not a valid setting"),
    (lambda d: d["constraints"].update(max_headcount=1),
     r"constraints.max_headcount: no design fits a headcount of 1: the smallest .* has 2"),
    (lambda d: d["search"].update(population=4000, generations=1000),
     r"search: this budget could need 12,012,000 runs"),
    (lambda d: d["objectives"][0].update(over_replications="p100"),
     r"objectives\[0\].*expected mean or p1 to p99"),
    (lambda d: d["objectives"][0].update(sense="least"), r"objectives\[0\].sense"),
    (lambda d: d.update(samples=3), r"samples > 1 needs uncertainties"),
    (lambda d: d["objectives"].append({"outcome": "cost_per_need_met", "sense": "min"}),
     r"objectives\[1\].outcome: cost_per_need_met needs a scenario with money"),
])
def test_bad_optimisation_files_are_refused_before_anything_runs(tmp_path: Path, edit: Any,
                                                                 expected: str) -> None:
    import re

    message = _refused(tmp_path, edit)
    assert re.search(expected, message), message


def test_the_cli_reports_a_bad_file_in_one_line(tmp_path: Path) -> None:
    path = series_files(tmp_path)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["constraints"]["max_headcount"] = 1
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "orgsim.cli", "optimise", str(path)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ") and "optimise.yaml:" in done.stderr
    assert not (tmp_path / "results").exists()


def test_a_choice_lever_can_be_a_whole_list_of_staff_transfers(tmp_path: Path) -> None:
    """How staff are transferred, as a choice between two lists of transfers."""
    moves = [[{"from": "NHSEI", "to": "TD", "share": 0.5,
               "functions": ["clinical", "operational", "data"]}],
             [{"from": "NHSEI", "to": "TD", "share": 0.4}]]
    opt = {"name": "transfers", "scenario": str(ROOT / "configs" / "nhs_england.yaml"),
           "model": "joined_up_planning", "levers": {"structure.transfers": {"choices": moves}},
           "constraints": {"max_headcount": "as_configured"},
           "objectives": [{"outcome": "needs_met", "sense": "max"}]}
    path = tmp_path / "opt.yaml"
    path.write_text(yaml.safe_dump(opt), encoding="utf-8")
    problem = load(path)
    plans = [problem.plan(problem.decode(np.array([x])), 0) for x in (0.5, 1.5)]
    assert [p.units["NHSEI"].teams["clinical"] for p in plans] == [13, 15]  # 25 less half, less 40%
    assert [p.units["NHSEI"].teams["strategy"] for p in plans] == [30, 18]  # moved in the second only
    assert {p.headcount() for p in plans} == {problem.budget}


def test_validate_checks_the_shipped_optimisation_and_stops_there() -> None:
    done = subprocess.run([sys.executable, "-m", "orgsim.cli", "validate",
                           str(ROOT / "experiments" / "optimise_joined_up.yaml")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: ") and "optimisation 'optimise_joined_up'" in done.stdout
    assert done.stderr == ""


def test_the_front_plot_draws_a_search_that_found_nothing_feasible() -> None:
    from orgsim.plots.optimise import pareto

    evaluations = pd.DataFrame({"feasible": [False, False], "needs_met": [np.nan, np.nan],
                                "lead_time_mean": [np.nan, np.nan]})
    fig, axes = pareto(evaluations, evaluations.iloc[:0],
                       [("lead_time_mean", "min"), ("needs_met", "max")])
    assert len(axes) == 2
