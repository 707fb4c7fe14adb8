"""The shipped configuration: every file loads, every operating model runs, golden outputs.

Golden outputs are regression pins, not validation: they say the numbers have
not changed, not that they are right (theory tests do that). Each is the
`metrics.json` of one shipped operating model on the shipped scenario cut to
60 weeks (10 of warm-up) at seed 2021. After an intended change, regenerate
them with

    ORGSIM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_shipped_configs.py

and review the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from orgsim.api import measure
from orgsim.cli import app
from orgsim.config.load import load_plan, load_plans, load_scenario
from orgsim.engine.run import simulate
from orgsim.store.rundir import metrics_json
from tiny import CONFIGS, SCENARIO, shipped_models, short_scenario

GOLDEN = Path(__file__).resolve().parent / "golden"
GOLDEN_SEED = 2021
UPDATE = os.environ.get("ORGSIM_UPDATE_GOLDEN") == "1"
HOW = ("If the change is intended, regenerate with `ORGSIM_UPDATE_GOLDEN=1 .venv/bin/python "
       "-m pytest tests/test_shipped_configs.py` and review the diff of tests/golden/")
YAML_FILES = sorted(CONFIGS.rglob("*.yaml"))


@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return short_scenario(tmp_path_factory.mktemp("shipped"), horizon=60.0, warmup=10.0)


def _is_model(path: Path) -> bool:
    return path.parent.name == "operating_models"


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(CONFIGS)))
def test_every_yaml_file_loads(path: Path) -> None:
    if _is_model(path):
        plan = load_plan(SCENARIO, str(path))
        assert plan.model == path.stem and plan.routes
    elif path.parent.name == "calibration":
        from orgsim.calibration.load import load_calibration

        setup = load_calibration(path)  # with the pilot run that checks every target's name
        assert setup.targets and setup.parameters
    else:
        sc, _ = load_scenario(path)
        assert {p.model for p in load_plans(path)} == set(sc.operating_models)
    result = CliRunner().invoke(app, ["validate", str(path), "--scenario", str(SCENARIO)])
    assert result.exit_code == 0, result.output


def test_the_scenario_runs_every_shipped_model() -> None:
    sc, _ = load_scenario(SCENARIO)
    assert sorted(sc.operating_models) == shipped_models()


def test_headcount_is_the_same_under_every_model() -> None:
    """Staff are re-assigned, never created (MODEL.md §2), so comparisons are fair."""
    counts = {p.model: p.headcount() for p in load_plans(SCENARIO)}
    assert len(set(counts.values())) == 1, counts


@pytest.mark.parametrize("model", shipped_models())
def test_every_model_runs_briefly(short: Path, model: str) -> None:
    """Counts add up, every item ends at most once, and work gets done."""
    result = simulate(load_plan(short, model), 1)
    m = measure(result)
    counts = m["counts"]
    assert counts["arrived"] > 20
    ends = ("delivered", "reused", "rejected", "in_system")
    assert counts["arrived"] == sum(counts[k] for k in ends)
    events = result.events_frame()
    final = events[events["kind"].isin(["delivered", "reused", "rejected"])]
    assert not final["item"].duplicated().any()
    assert (events["kind"] == "arrival").sum() == len(result.initiatives)
    assert counts["delivered"] > 0 and m["needs_met"] > 0 and 0 < m["utilisation"]["overall"] < 1


def _differences(golden: Any, now: Any, path: str = "") -> list[str]:
    if isinstance(golden, dict) and isinstance(now, dict):
        return [d for k in sorted(set(golden) | set(now))
                for d in _differences(golden.get(k), now.get(k), f"{path}.{k}" if path else k)]
    return [] if golden == now else [f"{path}: golden {golden!r}, now {now!r}"]


@pytest.mark.parametrize("model", shipped_models())
def test_golden_metrics(short: Path, model: str) -> None:
    text = metrics_json(measure(simulate(load_plan(short, model), GOLDEN_SEED)))
    path = GOLDEN / f"{model}.json"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden output {path}; create it: {HOW}"
    golden = path.read_text(encoding="utf-8")
    if golden != text:
        diffs = _differences(json.loads(golden), json.loads(text)) or ["formatting differs"]
        pytest.fail(f"{model}: metrics differ from {path.name} at {len(diffs)} place(s): "
                    + "; ".join(diffs[:8]) + f". {HOW}", pytrace=False)


def test_no_stale_golden_files() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == shipped_models(), HOW
