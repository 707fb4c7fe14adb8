"""The experiment runner: backends agree, killed sweeps resume, bad files are refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from stopping import ctrl_c

from orgsim.experiments.runner import run

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "configs" / "nhs_england.yaml"
ORGSIM = str(Path(sys.executable).parent / "orgsim")


def write_experiment(tmp: Path, **changes: object) -> Path:
    """A small, fast experiment file in `tmp` (30-week horizon, two models, LHS over two numbers)."""
    doc: dict[str, object] = {
        "name": "tiny", "scenario": str(SCENARIO),
        "models": ["internal_commissioning", "joined_up_planning"],
        "uncertainties": {"models.joined_up_planning.planning_overhead.TD": {"low": 0.0, "high": 0.4},
                          "demand.ics_rate_per_week": {"low": 0.04, "high": 0.08}},
        "design": {"kind": "lhs", "samples": 2}, "replications": 2, "seed": 3,
        "horizon_weeks": 30, "warmup_weeks": 5,
    }
    doc.update(changes)
    path = tmp / "tiny.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def same_results(a: Path, b: Path) -> None:
    assert (a / "metrics.csv").read_bytes() == (b / "metrics.csv").read_bytes()
    for table in ("metrics", "handoffs", "waits", "timeseries"):
        pd.testing.assert_frame_equal(pd.read_parquet(a / f"{table}.parquet"),
                                      pd.read_parquet(b / f"{table}.parquet"))


def test_backends_agree_byte_for_byte(tmp_path: Path) -> None:
    path = write_experiment(tmp_path)
    serial = run(path, tmp_path / "serial", backend="serial", workers=1)
    pool = run(path, tmp_path / "processes", backend="processes", workers=2)
    dask = run(path, tmp_path / "dask", backend="dask", workers=2)
    metrics = pd.read_parquet(serial / "metrics.parquet")
    assert len(metrics) == 2 * 2 * 2
    same_results(serial, pool)
    same_results(serial, dask)
    assert (serial / "metrics.parquet").read_bytes() == (dask / "metrics.parquet").read_bytes()


def test_every_model_sees_the_same_seeds_within_a_replication(tmp_path: Path) -> None:
    root = run(write_experiment(tmp_path), tmp_path / "out", backend="serial")
    m = pd.read_parquet(root / "metrics.parquet")
    seeds = m.groupby(["point", "replication"])["seed"].nunique()
    assert (seeds == 1).all()
    arrived = m.groupby(["point", "replication"])["arrived"].nunique()
    assert (arrived == 1).all()  # the same demand, so the same number of arrivals
    assert m.groupby("replication")["seed"].first().nunique() == 2


def test_a_killed_sweep_resumes_to_the_same_results(tmp_path: Path) -> None:
    path = write_experiment(tmp_path, design={"kind": "lhs", "samples": 6}, horizon_weeks=60)
    whole = run(path, tmp_path / "whole", backend="serial")
    out = tmp_path / "killed"
    proc = subprocess.Popen([ORGSIM, "experiment", str(path), "--backend", "serial", "--out", str(out),
                             "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and len(list((out / "runs").glob("*.json"))) < 5:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = len(list((out / "runs").glob("*.json")))
    assert 5 <= finished < 24, "the sweep should have been killed part-way"
    refused = subprocess.run([ORGSIM, "experiment", str(path), "--out", str(out), "--quiet"],
                             capture_output=True, text=True)
    assert refused.returncode == 2 and "--resume" in refused.stderr
    resumed = subprocess.run([ORGSIM, "experiment", str(path), "--backend", "processes", "--out",
                              str(out), "--resume", "--quiet"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    same_results(whole, out)


@pytest.mark.parametrize("changes, message", [
    ({"uncertainties": {"demand.no_such_rate": {"low": 0, "high": 1}}},
     "uncertainties.demand.no_such_rate: expected a number at this path in the scenario, found nothing"),
    ({"uncertainties": {"demand.ics_rate_per_week": {"low": 0.5, "high": 0.1}}},
     "uncertainties.demand.ics_rate_per_week: need low < high"),
    ({"models": ["internal_commissioning", "no_such_model"]},
     "models[1]: no operating model 'no_such_model'"),
    ({"uncertainties": {"models.joined_up_planning.planning_overhead.TD": {"low": 0.5, "high": 1.5}}},
     "must be <= 1, got 1.5"),
    ({"replications": 0}, "replications: must be > 0, got 0"),
])
def test_bad_experiment_files_get_one_clear_line(tmp_path: Path, changes: dict[str, object],
                                                 message: str) -> None:
    path = write_experiment(tmp_path, **changes)
    done = subprocess.run([ORGSIM, "validate", str(path)], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {path}:")
    assert message in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["compare_operating_models", "sensitivity", "planning_overhead_sweep",
                                  "board_cadence_and_capacity"])
def test_shipped_experiments_validate_and_a_reduced_version_runs(tmp_path: Path, name: str) -> None:
    shipped = ROOT / "experiments" / f"{name}.yaml"
    done = subprocess.run([ORGSIM, "validate", str(shipped)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    doc = yaml.safe_load(shipped.read_text())
    doc.update(scenario=str(SCENARIO), replications=1, horizon_weeks=20, warmup_weeks=4)
    if doc["design"]["kind"] in ("morris", "sobol", "lhs"):
        doc["design"]["samples"] = 2
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    root = run(path, tmp_path / "out", backend="processes", workers=2)
    metrics = pd.read_parquet(root / "metrics.parquet")
    points = len(pd.read_parquet(root / "design.parquet"))
    assert len(metrics) == points * len(doc["models"])
    assert set(metrics["model"]) == set(doc["models"])


def test_dask_joins_a_running_scheduler(tmp_path: Path) -> None:
    """`--scheduler ADDRESS` sends runs to an existing cluster (here one started by the test)."""
    from distributed import LocalCluster

    path = write_experiment(tmp_path, design={"kind": "lhs", "samples": 1})
    serial = run(path, tmp_path / "serial", backend="serial")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster:
        joined = run(path, tmp_path / "joined", backend="dask", workers=1,
                     scheduler=cluster.scheduler_address)
    same_results(serial, joined)


def test_a_sweep_can_vary_an_intervention_of_a_scenario_timeline(tmp_path: Path) -> None:
    """`timeline.0.switch_model.dip` addresses the first intervention's dip (lists by index)."""
    scenario = ROOT / "configs" / "scenarios" / "reorganisation_2022.yaml"
    path = write_experiment(tmp_path, scenario=str(scenario), models=["internal_commissioning"],
                            uncertainties={"timeline.0.switch_model.dip": {"values": [0.0, 0.6]}},
                            design={"kind": "grid"}, replications=1, horizon_weeks=104, warmup_weeks=20)
    root = run(path, tmp_path / "out", backend="serial", workers=1)
    design = pd.read_parquet(root / "design.parquet").set_index("point")
    metrics = pd.read_parquet(root / "metrics.parquet").set_index("point")
    dip = design["timeline.0.switch_model.dip"]
    assert sorted(dip) == [0.0, 0.6]
    slow, fast = metrics.loc[dip.idxmax(), "lead_time_mean"], metrics.loc[dip.idxmin(), "lead_time_mean"]
    assert slow > fast  # the same demand, a deeper dip after the reorganisation


def test_ctrl_c_says_what_was_kept_and_the_command_that_resumes(tmp_path: Path) -> None:
    path = write_experiment(tmp_path, design={"kind": "lhs", "samples": 6}, horizon_weeks=60)
    out = tmp_path / "stopped"
    err = ctrl_c([ORGSIM, "experiment", str(path), "--out", str(out), "--workers", "2"],
                 lambda: len(list((out / "runs").glob("p*.json"))) >= 3)
    kept = len(list((out / "runs").glob("p*.json")))
    assert 3 <= kept < 24
    assert f"interrupted: {kept} of 24 runs finished and are saved in {out / 'runs'}" in err
    command = err.split("To continue: ", 1)[1].strip()
    assert command == f"orgsim experiment {path} --resume --out {out}"
    resumed = subprocess.run([ORGSIM, *command.split()[1:], "--quiet"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert len(pd.read_parquet(out / "metrics.parquet")) == 24


POOL_STOPPED_BY_CTRL_C = """
import sys, time
from orgsim.experiments.backends import outputs

if __name__ == "__main__":  # Dask starts its workers afresh: they import this file
    try:
        for _ in outputs([0.0, 30.0], sys.argv[1], 2, fn=time.sleep):
            print("one done", flush=True)  # the other worker now sleeps 30 s, or waits for work
    except KeyboardInterrupt:
        print("stopped", flush=True)
        sys.exit(130)
"""


@pytest.mark.parametrize("backend", ["processes", "dask"])
def test_ctrl_c_is_the_parents_to_handle_and_stops_the_pool_at_once(tmp_path: Path, backend: str) -> None:
    """Ctrl-C reaches the whole process group: a worker waiting for work between two runs would
    print a KeyboardInterrupt traceback if it did not leave Ctrl-C to the parent, and a worker
    that ignores it must still be stopped by the parent, not left to finish its run (Dask gives
    a worker 4 seconds to finish before it kills it)."""
    script = tmp_path / "pool.py"
    script.write_text(POOL_STOPPED_BY_CTRL_C)
    proc = subprocess.Popen([sys.executable, str(script), backend], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, cwd=ROOT)
    assert proc.stdout is not None and proc.stdout.readline() == "one done\n"
    time.sleep(0.3)  # the worker that made the short run is back waiting for work
    started = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out) == (130, "stopped\n"), err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert time.monotonic() - started < 15, "the 30-second run was waited for"
    with pytest.raises(ProcessLookupError):  # no worker outlives the command (a killed one: 3 s to go)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            os.killpg(proc.pid, 0)
            time.sleep(0.1)


def test_a_long_sweep_says_how_long_before_it_starts(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from orgsim.experiments import eta, runner

    text = eta.estimate(1.2, 80_000, 2)
    assert text is not None and "80,000 runs to make" in text and "about 13 hours" in text
    assert eta.estimate(0.5, 20, 2) is None  # ten seconds: nothing to say
    assert eta.duration(90) == "about 2 minutes" and eta.duration(3 * 86400) == "about 3 days"
    said: list[tuple[str, object]] = []

    class Listening:
        def say(self, text: str) -> None:
            said.append(("say", text))

        def start(self, total: int, done: int) -> None:
            said.append(("start", (total, done)))

        def advance(self) -> None:
            said.append(("advance", None))

    monkeypatch.setattr(runner, "estimate", lambda per_run, remaining, at_once:
                        eta.estimate(per_run, remaining, at_once, long=0.0))
    root = run(write_experiment(tmp_path), tmp_path / "out", backend="serial", progress=Listening())
    assert said[0][0] == "say" and "7 runs to make: the first took" in str(said[0][1])
    assert said[1] == ("start", (8, 1))  # the timed first run is kept and counted
    assert [k for k, _ in said[2:]] == ["advance"] * 7
    assert len(pd.read_parquet(root / "metrics.parquet")) == 8
