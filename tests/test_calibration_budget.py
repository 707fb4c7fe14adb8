"""A calibration's budget is a cap, the same after a resume; its report says how far it converged,
warns when the final tolerance is still far from the observed ranges; the method sets the schedule."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from typer.testing import CliRunner

from orgsim.calibration.log import Log
from orgsim.calibration.run import PREDICTIVE_CALL, calibrate
from orgsim.cli import app
from tiny import ROOT

SMALL = ROOT / "tests" / "data" / "calibration" / "scenario.yaml"
TARGETS = {"needs_met": {"observed": 18.0, "sd": 1.5, "source": "t"},
           "utilisation.by_pool.ICS01/digital": {"observed": 0.25, "sd": 0.05, "source": "t"}}


def _write(where: Path, method: dict[str, Any]) -> Path:
    doc = {"name": "budget", "scenario": str(SMALL), "model": "small",
           "parameters": {"demand.ics_rate_per_week": {"low": 0.1, "high": 1.0, "source": "t"},
                          "ics.teams.digital": {"low": 2, "high": 16, "source": "t"}},
           "targets": TARGETS, "method": {"predictive": 3, **method}, "seed": 11,
           "horizon_weeks": 60, "warmup_weeks": 10}
    path = where / "calibration.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _sampled(root: Path) -> list[str]:
    """Keys of the simulations the inference ran (not the posterior predictive check's)."""
    log = Log(root / "simulations.log")
    log.close()
    return [k for k in log.done if not k.startswith(f"c{PREDICTIVE_CALL}-")]


CAPPED = {"population": 10, "generations": 10, "max_simulations": 75}


def test_max_simulations_is_a_cap_and_a_resumed_calibration_stops_at_the_same_place(tmp_path: Path) -> None:
    path = _write(tmp_path, CAPPED)
    root = calibrate(path, tmp_path / "whole", backend="serial")
    manifest = json.loads((root / "manifest.json").read_text())
    ran = _sampled(root)
    assert len(ran) <= 75 and manifest["simulations"] == len(ran), (len(ran), manifest)
    assert manifest["stopped_by"].startswith("the simulation budget"), manifest
    populations = pd.read_csv(root / "populations.csv")
    assert populations["samples"].sum() + 10 <= 75  # the prior sample, then whole generations

    half = tmp_path / "half"  # as if killed halfway: the first half of the simulations, logged
    whole = Log(root / "simulations.log")
    whole.close()
    partial = Log(half / "simulations.log")
    for key in ran[: len(ran) // 2]:
        partial.add(key, whole.done[key])
    partial.close()
    resumed = calibrate(path, half, backend="processes", workers=2, resume=True)
    again = json.loads((resumed / "manifest.json").read_text())
    assert again["resumed_from"] == len(ran) // 2 and again["simulations"] == manifest["simulations"]
    for name in ("ensemble.parquet", "populations.csv", "parameters.csv"):
        assert (resumed / name).read_bytes() == (root / name).read_bytes(), name
    assert sorted(_sampled(resumed)) == sorted(ran)


def test_the_method_sets_the_tolerance_schedule_and_the_report_warns_when_it_stays_loose(
        tmp_path: Path) -> None:
    path = _write(tmp_path, {"population": 10, "generations": 5, "tolerance": [40.0, 30.0],
                             "max_simulations": 200})
    done = CliRunner().invoke(app, ["calibrate", str(path), "--out", str(tmp_path / "out"), "-q",
                                    "--backend", "serial"])
    assert done.exit_code == 0, done.output
    populations = pd.read_csv(tmp_path / "out" / "populations.csv")
    assert populations["epsilon"].tolist() == [40.0, 30.0]  # the schedule given, then it stops
    assert populations["acceptance_rate"].between(0, 1).all()
    assert "2 generations of at most 2" in done.stdout and "final 30" in done.stdout
    assert "warning: the final tolerance, 30 (about 21 standard deviations a target)" in done.stderr
    html = (tmp_path / "out" / "report.html").read_text()
    assert "Convergence" in html and "Warning: the final tolerance" in html
    assert "stopped by the most generations (2)" in html


def test_a_converged_calibration_is_not_warned_about(tmp_path: Path) -> None:
    from orgsim.calibration.report import convergence

    path = _write(tmp_path, {"population": 10, "generations": 3, "tolerance": {"quantile": 0.4},
                             "max_simulations": 200})
    root = calibrate(path, tmp_path / "out", backend="serial")
    populations = pd.read_csv(root / "populations.csv")
    final = populations["epsilon"].iloc[-1]  # within two standard deviations a target, over two targets
    assert populations["epsilon"].is_monotonic_decreasing and final <= 2 * math.sqrt(2), final
    said, warned = convergence(root)
    assert warned is None and "Acceptance rate of the last generation" in said, said


def test_a_budget_that_runs_out_in_the_first_generation_is_named_and_its_simulations_kept(
        tmp_path: Path) -> None:
    path = _write(tmp_path, {"population": 10, "max_simulations": 20})  # the prior sample, then 10
    done = CliRunner().invoke(app, ["calibrate", str(path), "--out", str(tmp_path / "out"), "-q",
                                    "--backend", "serial"])
    assert done.exit_code == 2, done.output
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}:"), done.stderr
    assert "method.max_simulations: the budget of 20 simulations ran out before the first generation" \
        in lines[0]
    assert len(_sampled(tmp_path / "out")) == 20  # kept, and no more than allowed
