"""Calibration files as a user writes them: a model given as a file, found beside the calibration
file wherever the command is run from, and named at its own line when it is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgsim.cli import app
from orgsim.config.yamlio import ConfigError
from tiny import ROOT

SMALL = ROOT / "tests" / "data" / "calibration"

CALIBRATION = """\
# A calibration whose model is a file beside it.
# The comments push the keys down, so a wrong line is seen.

name: model_file
scenario: {scenario}
model: {model}
parameters:
  demand.ics_rate_per_week: {{low: 0.1, high: 1.0, source: test}}
targets:
  needs_met: {{observed: 20.0, sd: 2.0, source: test}}
"""
MODEL_LINE = 6


def _files(where: Path, model: str) -> Path:
    (where / "models").mkdir(parents=True)
    shutil.copy(SMALL / "small.yaml", where / "models" / "observed.yaml")
    path = where / "calibration.yaml"
    path.write_text(CALIBRATION.format(scenario=SMALL / "scenario.yaml", model=model))
    return path


def test_a_model_file_is_found_beside_the_calibration_file(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = _files(tmp_path / "cal", "models/observed.yaml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    done = CliRunner().invoke(app, ["validate", str(path)])
    assert done.exit_code == 0, done.output
    assert "observed under 'models/observed.yaml'" in done.stdout

    from orgsim.calibration.load import load_calibration

    setup = load_calibration(path)  # the pilot run too
    assert Path(setup.model).resolve() == (tmp_path / "cal" / "models" / "observed.yaml").resolve()


def test_a_missing_model_file_is_named_at_the_model_key(tmp_path: Path) -> None:
    path = _files(tmp_path, "models/missing.yaml")
    for command in ("validate", "calibrate"):
        done = CliRunner().invoke(app, [command, str(path), "--out", str(tmp_path / "results")]
                                  if command == "calibrate" else [command, str(path)])
        assert done.exit_code == 2 and "Traceback" not in done.output, done.output
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith(f"error: {path}:{MODEL_LINE}: model: no operating model file "), lines[0]
        assert "models/missing.yaml" in lines[0] and "models[0]" not in lines[0]
    assert not (tmp_path / "results").exists()


def _calibrate_model_numbers(where: Path) -> Path:
    """A tiny calibration of two numbers of the model: the ICS board's cadence, which decision
    latency pins down, and the HQ board's capacity, which nothing observed here depends on."""
    import yaml

    from orgsim.calibration.run import calibrate

    doc = {"name": "cadence", "scenario": str(SMALL / "scenario.yaml"), "model": "small",
           "parameters": {"model.forums.ics_board.cadence_weeks": {"low": 1, "high": 20, "source": "t"},
                          "model.forums.hq_board.capacity": {"low": 1, "high": 6, "source": "t"}},
           "targets": {"decision_latency_mean": {"observed": 5.4, "sd": 0.5, "source": "t"}},
           "method": {"population": 20, "generations": 3, "max_simulations": 200, "predictive": 4},
           "seed": 3, "horizon_weeks": 60, "warmup_weeks": 10}
    path = where / "calibration.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return calibrate(path, where / "out", backend="serial")


def test_a_calibrated_model_number_is_run_and_one_not_pinned_down_is_not(tmp_path: Path) -> None:
    import pandas as pd

    from orgsim.config.load import load_plan

    root = _calibrate_model_numbers(tmp_path)
    params = pd.read_csv(root / "parameters.csv").set_index("parameter")
    cadence, capacity = "model.forums.ics_board.cadence_weeks", "model.forums.hq_board.capacity"
    assert params.loc[cadence, "verdict"] == "pinned down", params
    assert params.loc[capacity, "verdict"] != "pinned down", params
    for label in ("mean", "mode"):
        scenario = root / f"scenario_{label}.yaml"
        plan = load_plan(scenario, "small")  # what `orgsim run scenario_mean.yaml -m small` runs
        assert plan.forums["ics_board"].cadence_weeks != 4  # the uncalibrated value
        assert plan.forums["hq_board"].capacity == 3  # not pinned down: the original's value
        text = scenario.read_text()
        assert "model.forums.hq_board.capacity: 3 kept (" in text and "not used)" in text
        assert f"model.forums.ics_board.cadence_weeks: {plan.forums['ics_board'].cadence_weeks:g}\n" in text
    mean = load_plan(root / "scenario_mean.yaml", "small").forums["ics_board"].cadence_weeks
    assert mean == round(params.loc[cadence, "mean"])  # whole weeks, as the model writes it
    assert mean > 5  # latency 5.4 weeks needs a cadence of about eight weeks

    moved = tmp_path / "moved"  # the results folder, moved as a whole, still runs
    root.rename(moved)
    out = tmp_path / "run"
    ran = CliRunner().invoke(app, ["run", str(moved / "scenario_mean.yaml"), "-m", "small", "--out", str(out),
                                   "-q"])
    assert ran.exit_code == 0, ran.output
    import yaml

    config = yaml.safe_load((out / "small" / "config.yaml").read_text())
    assert config["operating_model"]["forums"]["ics_board"]["cadence_weeks"] == mean


def test_an_operating_model_extends_a_file_relative_to_itself(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """As the calibrated model files do; a name is still looked up beside the scenario."""
    from orgsim.config.load import load_plan

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "faster.yaml").write_text(
        "extends: ../../original.yaml\nforums: {ics_board: {cadence_weeks: 2}}\n")
    shutil.copy(SMALL / "small.yaml", tmp_path / "original.yaml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    plan = load_plan(SMALL / "scenario.yaml", str(tmp_path / "a" / "b" / "faster.yaml"))
    assert plan.forums["ics_board"].cadence_weeks == 2 and plan.forums["hq_board"].capacity == 3
    (tmp_path / "a" / "b" / "faster.yaml").write_text("extends: ../missing.yaml\n")
    with pytest.raises(ConfigError, match=r"faster.yaml:1: extends: no operating model file .*a/missing"):
        load_plan(SMALL / "scenario.yaml", str(tmp_path / "a" / "b" / "faster.yaml"))
    monkeypatch.chdir(ROOT)  # a name, with the scenario given relative to here
    assert load_plan("configs/nhs_england.yaml", "pandemic_cells").model == "pandemic_cells"
