"""What a new user meets first: the progress bar, the summary table, help, names, replay's output,
the results and experiments READMEs, and the two make commands."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rich.console import Console

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny" / "scenario.yaml"
SCENARIO = ROOT / "configs" / "nhs_england.yaml"
ORGSIM = str(Path(sys.executable).parent / "orgsim")
COMMANDS = ("validate", "run", "experiment", "summarise", "report", "replay", "workshop", "discover",
            "optimise", "paper", "describe")


def orgsim(*args: object, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run([ORGSIM, *map(str, args)], capture_output=True, text=True, timeout=300, env=env)


def test_the_progress_bar_labels_its_times_and_shows_no_unknown_count() -> None:
    from orgsim.cli import _Bar

    console = Console(record=True, force_terminal=True, width=120)
    bar = _Bar(quiet=False, console=console)
    before = console.export_text()
    bar.start(40, 10)
    bar.advance()
    console.print(bar.progress.make_tasks_table(bar.progress.tasks))
    bar.stop()
    text = console.export_text()
    assert "0/?" not in before + text and "preparing" not in text
    line = next(li for li in text.splitlines() if "11/40" in li)
    assert re.search(r"elapsed \d+:\d\d:\d\d, left \d+:\d\d:\d\d", line), line


@pytest.mark.parametrize("mean, low, high, shown", [
    (1078090.4, 1052313.2, 1103867.9, ("1,078,090", "[1,052,313, 1,103,868]")),
    (12.345, 11.9, 12.8, ("12.35", "[11.90, 12.80]")),
    (7.93, 6.99, 8.87, ("7.93", "[6.99, 8.87]")),
    (-7.6, -11.2, -3.9, ("-7.6", "[-11.2, -3.9]")),
    (0.21637, 0.21331, 0.21948, ("0.2164", "[0.2133, 0.2195]")),
    (-10836.2, -16972.0, -4700.4, ("-10,836", "[-16,972, -4,700]")),
    (5.0, 5.0, 5.0, ("5.00", "[5.00, 5.00]")),
])
def test_an_estimate_and_its_interval_share_one_precision(mean: float, low: float, high: float,
                                                          shown: tuple[str, str]) -> None:
    from orgsim.analysis.numbers import estimate

    assert estimate(mean, low, high) == shown


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("exp")
    doc = {"name": "four_models", "scenario": str(SCENARIO), "replications": 2, "seed": 4,
           "models": ["internal_commissioning", "joined_up_planning", "merged_devolved", "pandemic_cells"],
           "horizon_weeks": 40, "warmup_weeks": 4}
    (where / "four.yaml").write_text(yaml.safe_dump(doc))
    done = orgsim("experiment", where / "four.yaml", "--out", where / "out", "-q")
    assert done.returncode == 0, done.stderr
    return where / "out"


@pytest.mark.parametrize("columns", [80, 100, 240])
def test_the_summary_table_fits_the_terminal(results: Path, columns: int) -> None:
    done = orgsim("summarise", results, columns=columns)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(map(len, lines)) <= columns
    assert not re.search(r"\de[+-]\d", done.stdout)
    assert "…" not in done.stdout  # nothing cut off
    for model in ("internal_commissioning", "joined_up_planning", "merged_devolved", "pandemic_cells"):
        assert model in done.stdout
    number = r"([+-]?[\d,]+(?:\.\d+)?)"
    intervals = re.findall(rf"{number}(?: | │ +)\[{number}, {number}\]", done.stdout)
    assert len(intervals) >= 6 * 5  # every model and the compared pair, for each outcome
    for estimate_and_interval in intervals:
        places = {len(x.split(".")[1]) if "." in x else 0 for x in estimate_and_interval}
        assert len(places) == 1, estimate_and_interval


def test_help_shows_no_python_types_and_cuts_nothing_off() -> None:
    top = orgsim("--help")
    assert top.returncode == 0
    listed = top.stdout.split("Commands:")[1]
    assert "..." not in listed and all(c in listed for c in COMMANDS)
    for command in COMMANDS:
        text = orgsim(command, "--help").stdout
        assert not re.search(r"<[a-z_\[\], |]+>", text), (command, text)
        assert "..." not in text.replace("[ARGS]...", ""), (command, text)


def test_version() -> None:
    from orgsim.store.provenance import identity

    done = orgsim("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"orgsim {identity()}"


def test_quiet_says_it_drops_the_summary_table() -> None:
    text = " ".join(orgsim("experiment", "--help", columns=200).stdout.split())
    assert re.search(r"-q, --quiet\s+No progress bar and no summary table", text)


def test_a_wrong_model_name_gets_a_did_you_mean_and_each_folder_once(tmp_path: Path) -> None:
    done = orgsim("run", SCENARIO, "-m", "joined_up_planing", "--out", tmp_path / "out")
    assert done.returncode == 2
    err = done.stderr
    assert "did you mean 'joined_up_planning'?" in err
    folder = str(ROOT / "configs" / "operating_models")
    assert err.count("configs/operating_models") == 1, err
    assert folder in err or "configs/operating_models" in err


def test_the_same_model_given_twice_is_refused(tmp_path: Path) -> None:
    path = ROOT / "configs" / "operating_models" / "joined_up_planning.yaml"
    done = orgsim("run", SCENARIO, "-m", "joined_up_planning", "-m", path, "--out", tmp_path / "out")
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1
    assert "operating model 'joined_up_planning' is given twice" in done.stderr


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    done = orgsim("run", SCENARIO, "-m", "internal_commissioning", "--out", out, "-q")
    assert done.returncode == 0, done.stderr
    return out / "internal_commissioning"


def test_piped_replay_has_no_trailing_spaces(recorded: Path) -> None:
    for args in ([], ["--to", "30"], ["--initiative", "3"]):
        done = orgsim("replay", recorded, *args)
        assert done.returncode == 0, done.stderr
        assert len(done.stdout.splitlines()) > 3
        padded = [line for line in done.stdout.splitlines() if line != line.rstrip()]
        assert not padded, padded[:3]


def test_replay_initiative_says_where_ids_come_from_and_takes_a_capability_key(recorded: Path) -> None:
    import pandas as pd

    text = " ".join(orgsim("replay", "--help", columns=200).stdout.split())
    assert "initiatives.parquet" in text and "capability key" in text
    items = pd.read_parquet(recorded / "initiatives.parquet")
    counts = items["capability_key"].value_counts()
    single, shared = counts[counts == 1].index[0], counts[counts > 1].index[0]
    done = orgsim("replay", recorded, "--initiative", single)
    assert done.returncode == 0, done.stderr
    item = int(items.loc[items["capability_key"] == single, "id"].iloc[0])
    assert done.stdout.startswith(f"Initiative {item}: {single}")
    done = orgsim("replay", recorded, "--initiative", shared)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1
    assert f"{counts[shared]} initiatives build {shared}: " in done.stderr and "pass one id" in done.stderr


def test_the_results_and_experiments_readmes_describe_what_is_there() -> None:
    results = (ROOT / "results" / "README.md").read_text()
    experiments = (ROOT / "experiments" / "README.md").read_text()
    assert "latest" not in results and "Until the experiment runner lands" not in experiments
    for name in ("report.html", "summary/", "metrics.parquet", "design.parquet", "experiment.json",
                 "manifest.json", "runs/", "events.parquet", "comparison.csv", ".orgsim.lock"):
        assert name in results, name
    for path in (ROOT / "experiments").glob("*.yaml"):
        assert f"`{path.name}`" in experiments, path.name
    from orgsim.experiments.spec import Experiment

    for key in Experiment.model_fields:
        assert f"`{key}`" in experiments, key


def _make(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=120)


def test_make_run_installs_only_what_running_needs_and_make_test_the_rest(tmp_path: Path) -> None:
    venv = f"VENV={tmp_path / 'venv'}"
    run = _make("-n", "run", venv).stdout
    test = _make("-n", "test", venv).stdout
    assert "pip install" in run and "[dev]" not in run and "playwright" not in run.lower()
    assert "'.[dev]'" in test
    dev = yaml.safe_load("[]")  # the dev extra holds the test tools, and the run needs none of them
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    dev = [d.split(">")[0].split("=")[0].split("[")[0] for d in project["optional-dependencies"]["dev"]]
    runtime = " ".join(project["dependencies"])
    assert {"pytest", "playwright", "mypy", "ruff"} <= set(dev)
    assert not [d for d in dev if d in runtime]


@pytest.mark.skipif(os.geteuid() != 0, reason="the chromium target calls sudo when not root")
def test_make_test_waits_for_the_apt_lock(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    fake = tmp_path / "apt-get"
    fake.write_text(f"""#!/bin/sh
echo "$@" >> {calls}
n=$(wc -l < {calls})
if [ "$n" -le 2 ]; then
  echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2
  exit 100
fi
echo done
""")
    fake.chmod(0o755)
    args = ["chromium", "CHROMIUM=no-such-browser-here", f"APT_GET={fake}", "APT_PAUSE=0.1", "APT_WAIT=30"]
    done = _make(*args)
    assert done.returncode == 0, done.stderr
    lines = calls.read_text().splitlines()
    assert len(lines) == 4 and lines[2].endswith("update") and lines[3].endswith("install -y chromium")
    assert "another package manager holds apt's lock" in done.stderr
    calls.unlink()
    fake.write_text(f"#!/bin/sh\necho \"$@\" >> {calls}\necho 'E: Unable to locate package' >&2\nexit 100\n")
    done = _make(*args)
    assert done.returncode != 0 and len(calls.read_text().splitlines()) == 1  # other failures stop at once


def test_values_compared_side_by_side_share_one_precision() -> None:
    from orgsim.analysis.numbers import row_of

    assert row_of([12.5, 8.845, 4.205, 13.2]) == ["12.5", "8.8", "4.2", "13.2"]
    assert row_of([1776111.4, 1203423.0]) == ["1,776,111", "1,203,423"]
    assert row_of([272.0, 74.0, float("nan")]) == ["272", "74", "-"]


@pytest.mark.parametrize("columns", [80, 200])
def test_the_comparison_table_of_a_run_fits_the_terminal(tmp_path: Path, columns: int) -> None:
    done = orgsim("run", SCENARIO, "--out", tmp_path / "out", "-q", columns=columns)
    assert done.returncode == 0, done.stderr
    assert max(map(len, done.stdout.splitlines())) <= columns
    assert "…" not in done.stdout and not re.search(r"\de[+-]\d", done.stdout)
    for model in ("internal_commissioning", "joined_up_planning", "merged_devolved", "pandemic_cells"):
        assert model in done.stdout
