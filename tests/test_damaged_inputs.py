"""The corpus of damaged and absurd inputs (tests/damaged/), fed to every command that reads them.

Each must be refused with one line naming the file (and, for configuration, the line),
exit status 2 and no traceback, before anything runs or is written.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "damaged"
TINY = ROOT / "tests" / "data" / "tiny" / "scenario.yaml"
ORGSIM = str(Path(sys.executable).parent / "orgsim")

# file -> (line, what the message says)
CONFIGS: dict[str, tuple[int, str]] = {
    "nan_rate.yaml": (6, "demand.ics_rate_per_week: expected a finite number, found nan"),
    "inf_rate.yaml": (6, "demand.national_rate_per_week: expected a finite number, found inf"),
    "inf_headcount.yaml": (7, "organisations.HQ.teams.strategy: expected a finite number, found inf"),
    "model_twice.yaml": (4, "operating_models: 'tiny' is listed twice"),
    "horizon_huge.yaml": (4, "horizon_weeks: a run of 1,000,000,000 weeks is longer than a run can "
                          "hold; the limit is 5,218 weeks"),
    "demand_huge.yaml": (4, "is 2,000,010 initiatives; the limit is 200,000 initiatives"),
    "ics_huge.yaml": (4, "ics: the number of ICSs is 1,000,000,000 ICSs; the limit is 10,000 ICSs"),
    "experiment_nan_value.yaml": (6, "uncertainties.organisations.HQ.teams.digital.values[1]: expected "
                                  "a finite number, found nan"),
    "experiment_inf_horizon.yaml": (4, "horizon_weeks: expected a finite number, found inf"),
    "experiment_model_twice.yaml": (3, "models: 'tiny' is listed twice"),
    "experiment_replications_huge.yaml": (4, "replications: the experiment (1 design point x "
                                          "1,000,000,000 replications x 2 models) is 2,000,000,000 "
                                          "runs; the limit is 100,000 runs"),
    "experiment_lhs_huge.yaml": (6, "design: the experiment (1,000,000,000 design points x 1 "
                                 "replication x 1 model) is 1,000,000,000 runs; the limit is 100,000"),
    "experiment_grid_huge.yaml": (9, "is 8,000,000,000 runs; the limit is 100,000 runs"),
    "experiment_horizon_huge.yaml": (4, "horizon_weeks: a run of 1,000,000,000 weeks"),
    "experiment_typo.yaml": (4, "replicatons: unknown key 'replicatons'; did you mean 'replications'?"),
    "money_negative_envelope.yaml": (6, "money.streams.central.envelope: must be >= 0, got -5000000"),
    "money_nan_cost.yaml": (6, "money.staff_cost_per_person_week.HQ: expected a finite number, found nan"),
    "money_missing_stream.yaml": (9, "money.pay[0].stream: unknown funding stream 'capitol' "
                                  "(known: central)"),
    "evidence_unknown_source.yaml": (6, "evidence.ics.count.source: unknown source 'nobody-2020'"),
    "evidence_unknown_kind.yaml": (5, "evidence.horizon_weeks.kind: expected 'observed', 'derived', "
                                   "'assumption' or 'setting', found 'guessed'"),
    "evidence_no_such_path.yaml": (6, "evidence.demand.ics_rate_per_wek: no number at this path; "
                                   "expected the dotted path of a number in this file"),
    "evidence_bad_formula.yaml": (10, "evidence.ics.count.formula: formula \"__import__('os').getcwd()\" "
                                  "is not arithmetic"),
    "calibration_model_missing.yaml": (4, "model: no operating model file "),  # + BESIDE
    "calibration_budget_small.yaml": (9, "method.max_simulations: 60 cannot fill a first generation of "
                                      "population 50: it needs at least 100"),
    "calibration_tolerance_rising.yaml": (11, "method.tolerance: each generation's must be below the "
                                          "last's, got 4, 2, 3"),
    "experiment_path_typo.yaml": (6, "uncertainties.models.tiny.forums.bord.cadence_weeks: expected a "
                                  "number at this path in operating model 'tiny', found nothing: no "
                                  "'bord' under forums; did you mean 'board'?"),
}
# file -> every problem in it, in file order: (line, what the message says)
SEVERAL: dict[str, list[tuple[int, str]]] = {
    "experiment_several_problems.yaml": [(5, "replications: must be > 0, got -1"),
                                         (6, "horizon_weeks: expected a number, found 'ten'"),
                                         (7, "design.samples: must be > 0, got 0")],
}
BESIDE = {"calibration_model_missing.yaml": "damaged/configs/observed_model.yaml"}
RUNNERS = {"experiment": "experiment", "calibration": "calibrate"}  # by the file name's first word


def orgsim(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ORGSIM, *map(str, args)], capture_output=True, text=True, timeout=300,
                          cwd=cwd)


def refused(done: subprocess.CompletedProcess[str], file: Path | str) -> str:
    """The one line of a refusal that names `file`."""
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: {file}"), lines[0]
    return lines[0]


def test_the_corpus_lists_every_file() -> None:
    assert sorted(p.name for p in (CORPUS / "configs").glob("*.yaml")) == sorted([*CONFIGS, *SEVERAL])


@pytest.mark.parametrize("name", sorted(SEVERAL))
def test_every_problem_of_a_file_is_told_each_at_its_line(tmp_path: Path, name: str) -> None:
    path = CORPUS / "configs" / name
    for args in (["validate", path], ["experiment", path, "--out", tmp_path / "out", "-q"]):
        done = orgsim(*args)
        assert done.returncode == 2 and "Traceback" not in done.stderr + done.stdout
        lines = done.stderr.strip().splitlines()
        assert lines[0].startswith("error: ") and "more problem" not in done.stderr
        assert len(lines) == len(SEVERAL[name]), done.stderr
        for got, (line, message) in zip(lines, SEVERAL[name]):
            assert got.removeprefix("error: ") == f"{path}:{line}: {message}"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_every_command_refuses_a_damaged_configuration_at_its_line(tmp_path: Path, name: str) -> None:
    path = CORPUS / "configs" / name
    line, message = CONFIGS[name]
    runner = RUNNERS.get(name.split("_")[0], "run")
    for args in (["validate", path], [runner, path, "--out", tmp_path / "out", "-q"]):
        err = refused(orgsim(*args), f"{path}:{line}: ")
        assert message in err and BESIDE.get(name, "") in err
    assert not (tmp_path / "out").exists()


def test_the_other_kind_of_file_is_named_with_the_command_that_takes_it(tmp_path: Path) -> None:
    exp = ROOT / "experiments" / "compare_operating_models.yaml"
    scenario = ROOT / "configs" / "nhs_england.yaml"
    model = ROOT / "configs" / "operating_models" / "joined_up_planning.yaml"
    err = refused(orgsim("run", exp, "--out", tmp_path / "a"), exp)
    assert f"this is an experiment file, not a scenario file; run it with `orgsim experiment {exp}`" in err
    done = orgsim("experiment", scenario, "--out", tmp_path / "b")
    err = refused(done, scenario)
    assert f"this is a scenario file, not an experiment file; run it with `orgsim run {scenario}`" in err
    assert "runs" not in done.stderr.split("error:")[0]  # no progress bar before it
    err = refused(orgsim("run", model, "--out", tmp_path / "c"), model)
    assert f"run it with `orgsim run SCENARIO --model {model}`" in err
    assert not [p for p in tmp_path.iterdir()]


# Damaged results folders -------------------------------------------------------------------------

def _rehash(root: Path, table: str) -> None:
    """Record `table`'s new hash, so the check that is meant to catch the damage is the one reached."""
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["tables_sha256"][table] = hashlib.sha256((root / f"{table}.parquet").read_bytes()).hexdigest()
    (root / "manifest.json").write_text(json.dumps(manifest))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _write(text: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(text)
    return write


def _garbage(path: Path) -> None:
    path.write_bytes(b"PAR1" + b"\x00\xff" * 300 + b"PAR1")


def _drop_column(column: str) -> Callable[[Path], None]:
    def drop(path: Path) -> None:
        pd.read_parquet(path).drop(columns=[column]).to_parquet(path, index=False)
    return drop


EXPERIMENT_DAMAGE: dict[str, tuple[str, Callable[[Path], None], str]] = {
    # case: (file damaged, how, what the message says)
    "metrics empty": ("metrics.parquet", _empty, "is empty (0 bytes)"),
    "metrics truncated": ("metrics.parquet", _truncated, "is not a readable Parquet table"),
    "metrics garbage": ("metrics.parquet", _garbage, "is not a readable Parquet table"),
    "metrics missing": ("metrics.parquet", lambda p: p.unlink(), "missing"),
    "metrics without a column": ("metrics.parquet", _drop_column("lead_time_mean"),
                                 "has no column 'lead_time_mean'"),
    "design truncated": ("design.parquet", _truncated, "is not a readable Parquet table"),
    "experiment.json missing": ("experiment.json", lambda p: p.unlink(), "missing"),
    "experiment.json truncated": ("experiment.json", _truncated, "is not readable JSON"),
    "experiment.json not an experiment": ("experiment.json", _write('{"name": 3}'),
                                          "not an experiment"),
    "manifest.json missing": ("manifest.json", lambda p: p.unlink(), "missing"),
    "manifest.json truncated": ("manifest.json", _truncated, "is not readable JSON"),
}


@pytest.fixture(scope="module")
def experiment_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("exp")
    doc = {"name": "small", "scenario": str(TINY), "models": ["tiny", "tiny_reject"], "replications": 2}
    (where / "small.yaml").write_text(yaml.safe_dump(doc))
    done = orgsim("experiment", where / "small.yaml", "--out", where / "out", "--backend", "serial", "-q")
    assert done.returncode == 0, done.stderr
    return where / "out"


@pytest.mark.parametrize("case", sorted(EXPERIMENT_DAMAGE))
def test_summarise_and_report_refuse_a_damaged_results_folder(tmp_path: Path, experiment_results: Path,
                                                              case: str) -> None:
    out = tmp_path / "out"
    shutil.copytree(experiment_results, out)
    name, damage, message = EXPERIMENT_DAMAGE[case]
    damage(out / name)
    if name.endswith(".parquet") and (out / name).exists() and "column" in case:
        _rehash(out, name.removesuffix(".parquet"))
    for command in ("summarise", "report"):
        assert message in refused(orgsim(command, out), out / name)
    assert not (out / "report.html").exists()


def test_an_experiment_in_which_nothing_arrives_is_refused_by_summarise_and_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = orgsim("experiment", CORPUS / "no_arrivals" / "experiment.yaml", "--out", out, "--backend",
                  "serial")
    assert "no initiative arrived in any run" in refused(done, out / "metrics.parquet")
    for command in ("summarise", "report"):
        assert "no initiative arrived" in refused(orgsim(command, out), out / "metrics.parquet")


def test_summarise_and_report_name_a_folder_that_is_not_results(tmp_path: Path) -> None:
    for command in ("summarise", "report"):
        assert "no such folder" in refused(orgsim(command, tmp_path / "nothing"), tmp_path / "nothing")
    assert "experiment.json: missing" in refused(orgsim("summarise", tmp_path), tmp_path)
    err = refused(orgsim("report", tmp_path), tmp_path)  # report also takes a run's folder
    assert "neither an experiment's results folder" in err and "`orgsim run`" in err
    assert [p.name for p in tmp_path.iterdir()] == []


RUN_DAMAGE: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "events empty": ("events.parquet", _empty, "is empty (0 bytes)"),
    "events truncated": ("events.parquet", _truncated, "is not a readable Parquet table"),
    "events garbage": ("events.parquet", _garbage, "is not a readable Parquet table"),
    "events without a column": ("events.parquet", _drop_column("kind"), "has no column 'kind'"),
    "initiatives missing": ("initiatives.parquet", lambda p: p.unlink(), "missing"),
    "initiatives truncated": ("initiatives.parquet", _truncated, "is not a readable Parquet table"),
    "initiatives without a column": ("initiatives.parquet", _drop_column("capability_key"),
                                     "has no column 'capability_key'"),
    "manifest truncated": ("manifest.json", _truncated, "is not readable JSON"),
    "config garbage": ("config.yaml", _write("scenario: [unclosed\n"),
                       "is not readable YAML"),
}
RUN_COMMANDS = (["replay", "{dir}"], ["replay", "{dir}", "--initiative", "1"],
                ["replay", "{dir}", "--animate", "{tmp}/flow.gif"], ["workshop", "--run-dir", "{dir}"])


@pytest.fixture(scope="module")
def recorded_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("run")
    done = orgsim("run", TINY, "--out", where / "out", "-q")
    assert done.returncode == 0, done.stderr
    return where / "out" / "tiny"


def _run_commands(run_dir: Path, tmp: Path) -> list[list[str]]:
    return [[a.format(dir=run_dir, tmp=tmp) for a in args] for args in RUN_COMMANDS]


@pytest.mark.parametrize("case", sorted(RUN_DAMAGE))
def test_replay_and_the_workshop_refuse_a_damaged_run(tmp_path: Path, recorded_run: Path, case: str) -> None:
    run_dir = tmp_path / "tiny"
    shutil.copytree(recorded_run, run_dir)
    name, damage, message = RUN_DAMAGE[case]
    damage(run_dir / name)
    for args in _run_commands(run_dir, tmp_path):
        assert message in refused(orgsim(*args), run_dir / name)
    assert not (tmp_path / "flow.gif").exists()


def test_replay_and_the_workshop_refuse_a_run_in_which_nothing_arrives(tmp_path: Path) -> None:
    done = orgsim("run", CORPUS / "no_arrivals" / "scenario.yaml", "--out", tmp_path / "out", "-q")
    assert done.returncode == 0, done.stderr
    run_dir = tmp_path / "out" / "tiny"
    for args in _run_commands(run_dir, tmp_path):
        assert "no initiative arrived in this run" in refused(orgsim(*args), run_dir / "events.parquet")
