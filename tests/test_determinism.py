"""Determinism and common random numbers (MODEL.md §3 and §6; STYLE.md habit 2).

The same seed must give the same bytes whatever the process or its hash seed;
different seeds must give different results; and the demand must depend on the
seed alone, never on the operating model.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from orgsim.api import measure
from orgsim.config.load import load_plan, load_plans
from orgsim.engine.run import RunResult, simulate
from orgsim.store.rundir import metrics_json, write_run
from tiny import ROOT, short_scenario

MODELS = ["internal_commissioning", "joined_up_planning"]
TABLES = ("events", "initiatives", "pools", "timeseries")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return short_scenario(tmp_path_factory.mktemp("det"), horizon=60.0, warmup=10.0)


def _cli_run(scenario: Path, out: Path, hash_seed: str) -> None:
    """`orgsim run` in a fresh interpreter with its own PYTHONHASHSEED."""
    script = Path(sys.executable).with_name("orgsim")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "orgsim.cli"]
    args = command + ["run", str(scenario), "--seed", "11", "--out", str(out), "-q"]
    for m in MODELS:
        args += ["--model", m]
    # PYTHONPATH: run this source tree, whatever copy of orgsim is installed.
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_same_seed_gives_identical_files(scenario: Path, tmp_path: Path) -> None:
    """Two `orgsim run` processes (different hash seeds) and this process write the same results."""
    _cli_run(scenario, tmp_path / "a", "1")
    _cli_run(scenario, tmp_path / "b", "2")
    for model in MODELS:
        a, b = tmp_path / "a" / model, tmp_path / "b" / model
        for text in ("metrics.json", "config.yaml"):
            assert (a / text).read_bytes() == (b / text).read_bytes(), f"{model} {text}"
        for table in TABLES:
            name = f"{table}.parquet"
            pd.testing.assert_frame_equal(pd.read_parquet(a / name), pd.read_parquet(b / name),
                                          obj=f"{model} {table}")
        here = simulate(load_plan(scenario, model), 11)
        assert metrics_json(measure(here)).encode() == (a / "metrics.json").read_bytes(), model


def test_no_state_leaks_between_runs(scenario: Path, tmp_path: Path) -> None:
    """A run is the same before and after other runs in the same process."""
    plans = load_plans(scenario, MODELS)
    first = simulate(plans[0], 5)
    simulate(plans[1], 5)
    simulate(plans[1], 6)
    again = simulate(plans[0], 5)
    assert first.records == again.records
    pd.testing.assert_frame_equal(first.timeseries, again.timeseries)
    one = write_run(tmp_path / "1", first, measure(first))
    two = write_run(tmp_path / "2", again, measure(again))
    assert (one / "metrics.json").read_bytes() == (two / "metrics.json").read_bytes()


def test_different_seeds_differ(scenario: Path) -> None:
    plan = load_plan(scenario, MODELS[0])
    a, b = simulate(plan, 1), simulate(plan, 2)
    assert a.initiatives != b.initiatives
    assert a.records != b.records
    assert metrics_json(measure(a)) != metrics_json(measure(b))


def _arrivals(result: RunResult) -> pd.Series:
    events = result.events_frame()
    return events[events["kind"] == "arrival"].set_index("item")["week"].sort_index()


def test_demand_is_common_to_every_operating_model(scenario: Path) -> None:
    """Common random numbers: one seed, one demand, whatever the operating model does with it."""
    plans = load_plans(scenario)
    assert len(plans) == 4
    for seed in (3, 4):
        runs = [simulate(p, seed) for p in plans]
        frames = [r.initiatives_frame() for r in runs]
        assert len(frames[0]) > 50
        for plan, run, frame in zip(plans, runs, frames):
            pd.testing.assert_frame_equal(frame, frames[0], obj=plan.model)
            arrived = _arrivals(run)
            assert arrived.index.tolist() == frame["id"].tolist(), plan.model
            assert (arrived.to_numpy() == frame["arrival_week"].to_numpy()).all(), plan.model
    a, b = simulate(plans[1], 3).initiatives_frame(), simulate(plans[1], 4).initiatives_frame()
    assert len(a) != len(b) or not a.equals(b)
