"""Calibration: known parameters recovered, bad files refused, same bytes on any backend and after a kill."""

from __future__ import annotations

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
from typer.testing import CliRunner

from orgsim.api import measure
from orgsim.calibration import summary as S
from orgsim.calibration.log import finished
from orgsim.calibration.run import calibrate
from orgsim.calibration.spec import Prior
from orgsim.calibration.targets import values
from orgsim.cli import app
from orgsim.config.load import load_plan
from orgsim.engine.run import simulate
from tiny import ROOT

SMALL = ROOT / "tests" / "data" / "calibration" / "scenario.yaml"
TRUTH = {"demand.ics_rate_per_week": 0.4, "ics.teams.digital": 6, "adoption.max_weeks": 30}
PRIORS = {"demand.ics_rate_per_week": (0.1, 1.0), "ics.teams.digital": (2, 16),
          "adoption.max_weeks": (10, 60)}  # the last moves only benefit, which no target measures
TARGETS = {"needs_met": 0.05, "utilisation.overall": 0.05}  # sd: this share of the true value


def _observed_at_truth(where: Path) -> dict[str, float]:
    """The targets the model itself produces at TRUTH (mean of four seeds)."""
    doc = yaml.safe_load(SMALL.read_text())
    doc["demand"]["ics_rate_per_week"] = TRUTH["demand.ics_rate_per_week"]
    doc["ics"]["teams"]["digital"] = TRUTH["ics.teams.digital"]
    doc["adoption"]["max_weeks"] = TRUTH["adoption.max_weeks"]
    doc["operating_models_dir"] = str(SMALL.parent)
    path = where / "truth.yaml"
    path.write_text(yaml.safe_dump(doc))
    plan = load_plan(path, "small")
    runs = [values(measure(simulate(plan, seed)), list(TARGETS)) for seed in (101, 102, 103, 104)]
    return {t: float(np.mean([r[t] for r in runs])) for t in TARGETS}


def _write(where: Path, targets: dict[str, dict[str, Any]], method: dict[str, Any],
           parameters: dict[str, dict[str, Any]] | None = None) -> Path:
    doc = {"name": "recovery", "scenario": str(SMALL), "model": "small",
           "parameters": parameters or {p: {"low": lo, "high": hi, "source": "test"}
                                        for p, (lo, hi) in PRIORS.items()},
           "targets": targets, "method": method, "seed": 5}
    path = where / "calibration.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def test_known_parameters_are_recovered(tmp_path: Path) -> None:
    """Targets made by the model at known values: the informative parameters' 90% posterior intervals
    hold the truth and are at most half their prior's width; the uninformative one stays wide."""
    observed = _observed_at_truth(tmp_path)
    targets = {t: {"observed": v, "sd": share * v, "source": "the model at TRUTH"}
               for (t, share), v in zip(TARGETS.items(), observed.values())}
    path = _write(tmp_path, targets, {"population": 60, "generations": 6, "max_simulations": 1500,
                                      "predictive": 10})
    root = calibrate(path, tmp_path / "out", backend="processes", workers=2)
    ensemble = pd.read_parquet(root / "ensemble.parquet")
    w = ensemble["weight"].to_numpy()
    for name, (low, high) in PRIORS.items():
        x = ensemble[name].to_numpy()
        ratio = S.width_ratio(Prior(low=low, high=high, source=""), x, w)
        if name == "adoption.max_weeks":
            assert ratio > 0.75, f"{name}: no target measures it, yet its interval shrank to {ratio:.2f}"
            continue
        lo, hi = S.weighted_quantile(x, w, 0.05), S.weighted_quantile(x, w, 0.95)
        assert lo <= TRUTH[name] <= hi, f"{name}: truth {TRUTH[name]} outside [{lo:.3g}, {hi:.3g}]"
        assert ratio <= 0.5, f"{name}: 90% interval {ratio:.2f} of the prior's width"
    params = pd.read_csv(root / "parameters.csv").set_index("parameter")
    assert params.loc["adoption.max_weeks", "verdict"] == "not pinned down"
    assert (root / "scenario_mean.yaml").exists() and (root / "scenario_mode.yaml").exists()


GOOD_TARGETS = {"needs_met": {"observed": 20.0, "sd": 1.0, "source": "test"}}


@pytest.mark.parametrize("targets, parameters, expected", [
    ({"needs_mett": {"observed": 20.0, "sd": 1.0, "source": "t"}}, None, "unknown metric 'needs_mett'"),
    ({"utilisation.by_pool.NHSD/digital": {"observed": 0.5, "sd": 0.1, "source": "t"}}, None,
     "utilisation.by_pool has no 'NHSD/digital'"),
    ({"utilisation.overall": {"observed": 1.4, "sd": 0.1, "source": "t"}}, None,
     "outside what the model can produce"),
    (GOOD_TARGETS, {"demand.ics_rate_per_week": {"low": 0.5, "high": 0.5, "source": "t"}},
     "empty prior range"),
    ({"needs_met": {"observed": float("nan"), "sd": 1.0, "source": "t"}}, None, "finite number"),
    (GOOD_TARGETS, {"demand.no_such_rate": {"low": 0.1, "high": 0.5, "source": "t"}},
     "expected a number at this path"),
], ids=["unknown metric", "unknown team", "outside the model", "empty prior", "NaN", "unknown path"])
def test_bad_calibration_files_get_one_line_and_exit_2(tmp_path: Path, targets: Any, parameters: Any,
                                                       expected: str) -> None:
    path = _write(tmp_path, targets, {"population": 10}, parameters)
    result = CliRunner().invoke(app, ["calibrate", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert lines[0].startswith(f"error: {path}:"), lines[0]  # file and line of the bad value
    assert not (tmp_path / "out" / "simulations.log").exists()


QUICK = {"population": 12, "generations": 2, "max_simulations": 200, "predictive": 4}
QUICK_TARGETS = {"needs_met": {"observed": 20.0, "sd": 2.0, "source": "t"},
                 "utilisation.by_pool.ICS01/digital": {"observed": 0.25, "sd": 0.05, "source": "t"}}
OUTPUTS = ("ensemble.parquet", "simulated.parquet", "parameters.csv", "targets.csv", "scenario_mean.yaml")


def _outputs(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in OUTPUTS}


def test_same_bytes_on_every_backend_and_after_a_kill(tmp_path: Path) -> None:
    path = _write(tmp_path, QUICK_TARGETS, QUICK)
    serial = _outputs(calibrate(path, tmp_path / "serial", backend="serial"))
    assert _outputs(calibrate(path, tmp_path / "processes", backend="processes", workers=2)) == serial

    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "orgsim.cli", "calibrate", str(path), "--out", str(out),
                             "--backend", "serial", "-q"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    log = out / "simulations.log"
    deadline = time.monotonic() + 60
    while (not log.exists() or log.stat().st_size < 20_000) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert log.stat().st_size > 0, "killed before any simulation finished"
    refused = CliRunner().invoke(app, ["calibrate", str(path), "--out", str(out), "-q"])
    assert refused.exit_code == 2 and "--resume" in refused.stderr
    result = CliRunner().invoke(app, ["calibrate", str(path), "--out", str(out), "--resume", "-q",
                                      "--backend", "processes"])
    assert result.exit_code == 0, result.output
    manifest = yaml.safe_load((out / "manifest.json").read_text())
    assert manifest["resumed_from"] > 0
    assert _outputs(out) == serial
    assert (out / "report.html").exists() and (out / "plots" / "prior_posterior.pdf").exists()


def test_ctrl_c_says_what_was_kept_and_the_command_that_resumes(tmp_path: Path) -> None:
    path = _write(tmp_path, QUICK_TARGETS, {"population": 10, "generations": 1, "max_simulations": 60,
                                            "predictive": 2})
    out = tmp_path / "stopped"
    log = out / "simulations.log"
    err = ctrl_c([sys.executable, "-m", "orgsim.cli", "calibrate", str(path), "--out", str(out),
                  "--backend", "serial"], lambda: finished(log) >= 5)
    kept = finished(log)
    assert kept >= 5 and not (out / "ensemble.parquet").exists()
    assert f"interrupted: {kept} simulations finished and are saved in {log}" in err, err
    command = err.split("To continue: ", 1)[1].strip()
    assert command == f"orgsim calibrate {path} --resume --out {out} --backend serial"
    result = CliRunner().invoke(app, [*shlex.split(command)[1:], "-q"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((out / "manifest.json").read_text())["resumed_from"] == kept
    assert (out / "ensemble.parquet").exists()


def _ensemble_experiment(where: Path, ensemble: str) -> Path:
    doc = {"name": "from_ensemble", "scenario": str(SMALL), "models": ["small"],
           "uncertainties": {"from": ensemble}, "replications": 4, "seed": 9, "horizon_weeks": 60,
           "warmup_weeks": 10}
    path = where / "experiment.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def test_an_experiment_drawing_from_an_ensemble_gives_the_same_bytes_for_the_same_seed(
        tmp_path: Path) -> None:
    ensemble = pd.DataFrame({"particle": range(5), "weight": [0.1, 0.2, 0.3, 0.2, 0.2],
                             "demand.ics_rate_per_week": [0.2, 0.3, 0.4, 0.5, 0.6],
                             "ics.teams.digital": [3.0, 5.0, 7.0, 9.0, 11.0]})
    ensemble.to_parquet(tmp_path / "ensemble.parquet", index=False)
    path = _ensemble_experiment(tmp_path, "ensemble.parquet")
    from orgsim.experiments.runner import run

    a = run(path, tmp_path / "a", backend="serial")
    b = run(path, tmp_path / "b", backend="processes", workers=2)
    for name in ("metrics.parquet", "draws.parquet"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    drawn = pd.read_parquet(a / "draws.parquet")
    assert drawn["demand.ics_rate_per_week"].nunique() > 1, "every replication drew the same set"
    assert set(drawn["ics.teams.digital"]) <= set(ensemble["ics.teams.digital"])
    arrived = pd.read_parquet(a / "metrics.parquet").sort_values("replication")["arrived"].to_numpy()
    rates = drawn.sort_values("replication")["demand.ics_rate_per_week"].to_numpy()
    assert np.corrcoef(arrived, rates)[0, 1] > 0.5, "the drawn demand rates did not reach the runs"


def test_an_experiment_naming_a_missing_ensemble_gets_one_line_and_exit_2(tmp_path: Path) -> None:
    path = _ensemble_experiment(tmp_path, "nowhere/ensemble.parquet")
    result = CliRunner().invoke(app, ["experiment", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {path}:") and "no ensemble file" in result.stderr


def test_the_calibrated_point_is_a_scenario_that_extends_the_original(tmp_path: Path) -> None:
    path = _write(tmp_path, QUICK_TARGETS, {**QUICK, "generations": 1, "predictive": 1})
    root = calibrate(path, tmp_path / "out", backend="serial")
    params = pd.read_csv(root / "parameters.csv").set_index("parameter")
    means, pinned = params["mean"], params["verdict"] == "pinned down"
    text = (root / "scenario_mean.yaml").read_text()
    assert "extends: " in text and "posterior mean" in text
    plan = load_plan(root / "scenario_mean.yaml", "small")  # runs as any scenario does
    original = load_plan(SMALL, "small").scenario
    rate = "demand.ics_rate_per_week"  # set only when pinned down, else the original's value kept
    assert plan.scenario.demand.ics_rate_per_week == pytest.approx(
        means[rate] if pinned[rate] else original.demand.ics_rate_per_week, 1e-5)
    assert plan.scenario.ics is not None and original.ics is not None
    digital = "ics.teams.digital"
    assert plan.scenario.ics.teams["digital"] == (round(means[digital]) if pinned[digital]
                                                  else original.ics.teams["digital"])
    for name in params.index[~pinned]:
        assert f"#   {name}: " in text and "kept (" in text
    assert plan.scenario.themes.keys() == load_plan(SMALL, "small").scenario.themes.keys()


def test_calibration_plots_take_data_and_return_figures() -> None:
    from orgsim.plots import calibration as plots

    rng = np.random.default_rng(1)
    ensemble = pd.DataFrame({"weight": np.full(30, 1 / 30),
                             "demand.ics_rate_per_week": rng.uniform(0.1, 1, 30),
                             "organisations.HQ.teams.digital": rng.uniform(2, 16, 30)})
    priors = {"demand.ics_rate_per_week": (0.1, 1.0, "loguniform"),
              "organisations.HQ.teams.digital": (2.0, 16.0, "uniform")}
    fig, axes = plots.marginals(ensemble, priors, {"demand.ics_rate_per_week": "pinned down"})
    assert len(axes) == 2 and "pinned down" in axes[0].get_title()
    fig, axes = plots.pairs(ensemble, list(priors))
    assert axes.shape == (2, 2) and axes[1, 0].get_xlabel() == "ics_rate_per_week"
    simulated = pd.DataFrame({"stage": ["prior", "posterior"] * 5, "target": "needs_met",
                              "simulated": rng.uniform(10, 30, 10)})
    fig, axes = plots.predictive(simulated, pd.DataFrame({"target": ["needs_met"], "observed": [20.0],
                                                          "sd": [2.0]}))
    assert len(axes) == 1 and axes[0].get_title() == "needs_met"
