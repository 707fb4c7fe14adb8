"""`orgsim report` on the folder `orgsim run` writes: one replication per model, said so plainly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from orgsim.cli import app
from orgsim.config.load import load_plan
from orgsim.metrics.flows import service_teams, waits
from orgsim.metrics.table import flat
from orgsim.report.data import kind_of, read
from tiny import SCENARIO, short_scenario

MODELS = ["internal_commissioning", "pandemic_cells"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("run")
    scenario = short_scenario(where, horizon=60.0, warmup=10.0)
    out = where / "run"
    args = ["run", str(scenario), "--out", str(out), "--quiet", "--seed", "5"]
    result = CliRunner().invoke(app, args + [a for m in MODELS for a in ("-m", m)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def html(run_dir: Path) -> str:
    result = CliRunner().invoke(app, ["report", str(run_dir), "--formats", "png,pdf,svg"])
    assert result.exit_code == 0, result.output
    return (run_dir / "report.html").read_text(encoding="utf-8")


def test_report_says_one_replication_without_intervals(html: str) -> None:
    assert "<h1>Run: run</h1>" in html
    headline = html[html.index('<section id="headline">'):html.index('<section id="paired">')]
    assert "One run per operating model" in headline and "without a confidence" in headline
    assert all(f"{m} (n=1)" in headline for m in MODELS)
    table = headline[headline.index("<table>"):headline.index("</table>")]
    assert "[" not in table  # values alone: no interval brackets


def test_report_has_every_figure(run_dir: Path, html: str) -> None:
    names = set(re.findall(r'<figure id="plot-([^"]+)"', html))
    expected = {"headline", "distributions", "over_time", "paired_differences",
                *(f"{kind}_{m}" for kind in ("flows", "structure") for m in MODELS)}
    assert expected <= names
    for name in expected:
        assert (run_dir / "plots" / f"{name}.pdf").exists()
    svg = (run_dir / "plots" / "headline.svg").read_text(encoding="utf-8")
    assert "without confidence intervals" in svg


def test_run_reader_gives_what_an_experiment_reader_would(run_dir: Path) -> None:
    """One metrics row per model from metrics.json; waits with service teams apart, as in a sweep."""
    assert kind_of(run_dir) == "run"
    inputs = read(run_dir)
    assert inputs.kind == "run" and list(inputs.exp.models) == MODELS
    assert inputs.exp.replications == 1 and inputs.manifest["replication_seeds"] == [5]
    for model in MODELS:
        row = inputs.metrics.set_index("model").loc[model]
        metrics = json.loads((run_dir / model / "metrics.json").read_text(encoding="utf-8"))
        assert row[list(flat(metrics))].to_dict() == pytest.approx(flat(metrics), nan_ok=True)
        plan = load_plan(SCENARIO, model)
        events = pd.read_parquet(run_dir / model / "events.parquet")
        mine = inputs.tables["waits"].query("model == @model").drop(
            columns=["point", "replication", "model"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, waits(events, service_teams(plan)))
    assert "cells" in set(inputs.tables["waits"]["team"])
    assert set(inputs.plans) == set(MODELS) and not inputs.problems
    by_model = inputs.summary.by_model
    assert (by_model["n"] == 1).all() and by_model["ci_low"].isna().all()


def test_report_on_a_folder_that_is_neither(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(app, ["report", str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert result.output.startswith("error:") and "Traceback" not in result.output


def test_run_whose_files_moved_still_reports(run_dir: Path, tmp_path: Path) -> None:
    """Configuration files gone: the report says so and keeps every figure the runs allow."""
    import shutil

    moved = tmp_path / "moved"
    shutil.copytree(run_dir, moved, ignore=shutil.ignore_patterns("plots", "report.html"))
    for manifest in moved.glob("*/manifest.json"):
        doc = json.loads(manifest.read_text(encoding="utf-8"))
        doc["source_files"] = [str(tmp_path / "gone" / "scenario.yaml"), str(tmp_path / "m.yaml")]
        manifest.write_text(json.dumps(doc), encoding="utf-8")
    inputs = read(moved)
    assert inputs.problems and "no longer exists" in inputs.problems[0] and not inputs.plans
    assert "cells" in set(inputs.tables["waits"]["team"])  # from the run's own config.yaml
    result = CliRunner().invoke(app, ["report", str(moved)])
    assert result.exit_code == 0, result.output
    html = (moved / "report.html").read_text(encoding="utf-8")
    assert 'id="plot-headline"' in html and 'id="plot-flows_pandemic_cells"' in html
