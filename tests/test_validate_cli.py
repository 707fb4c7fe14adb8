"""`orgsim validate` accepts the shipped configs and stays light; `orgsim run` refuses bad files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgsim.cli import app

ROOT = Path(__file__).resolve().parents[1]
MODELS = sorted((ROOT / "configs" / "operating_models").glob("*.yaml"))
HEAVY = ("mesa", "pandas", "matplotlib")


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_the_shipped_scenario_is_valid() -> None:
    result = CliRunner().invoke(app, ["validate", "configs/nhs_england.yaml"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: configs/nhs_england.yaml")


@pytest.mark.parametrize("path", MODELS, ids=[p.stem for p in MODELS])
def test_each_shipped_operating_model_is_valid(path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(path.relative_to(ROOT))])
    assert result.exit_code == 0, result.output
    assert f"operating model {path.stem!r}" in result.stdout


def test_validate_does_not_import_the_simulation_stack() -> None:
    script = (
        "import sys\n"
        "from orgsim.cli import app\n"
        "app(['validate', 'configs/nhs_england.yaml'], standalone_mode=False)\n"
        "app(['validate', 'configs/operating_models/pandemic_cells.yaml'], standalone_mode=False)\n"
        f"loaded = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("ok: ") == 2


@pytest.mark.parametrize("args", [
    ["tests/broken/probability.yaml"],
    ["tests/broken/base.yaml", "--model", "bad_cadence"],
], ids=["broken scenario", "broken model"])
def test_run_refuses_a_broken_file_and_writes_nothing(tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "orgsim.cli", "run", *args, "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_validate_counts_in_words(tmp_path: Path) -> None:
    """`1 model`, `1 replication`, `1 objective`: never `1 models`."""
    import yaml

    from orgsim.config.limits import count

    assert [count(1, "model"), count(2, "model"), count(3, "trajectory"), count(2, "day")] == \
        ["1 model", "2 models", "3 trajectories", "2 days"]
    exp = {"name": "one", "scenario": str(ROOT / "configs" / "nhs_england.yaml"),
           "models": ["joined_up_planning"], "replications": 1}
    (tmp_path / "one.yaml").write_text(yaml.safe_dump(exp))
    done = subprocess.run([sys.executable, "-m", "orgsim.cli", "validate", str(tmp_path / "one.yaml")],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "1 model, 1 replication)" in done.stdout, done.stderr
    opt = yaml.safe_load((ROOT / "experiments" / "optimise_joined_up.yaml").read_text())
    opt.update(scenario=str(ROOT / "configs" / "nhs_england.yaml"), objectives=opt["objectives"][:1])
    opt["levers"] = {k: v for k, v in list(opt["levers"].items())[4:5]}
    (tmp_path / "opt.yaml").write_text(yaml.safe_dump(opt))
    done = subprocess.run([sys.executable, "-m", "orgsim.cli", "validate", str(tmp_path / "opt.yaml")],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "1 lever, 1 objective," in done.stdout, done.stderr


def test_ctrl_c_in_any_command_is_one_line_and_status_130(capsys: pytest.CaptureFixture[str]) -> None:
    """A command without a message of its own for Ctrl-C (report, paper, run...) says one line."""
    import typer

    from orgsim.cli.app import friendly

    @friendly
    def command() -> None:
        raise KeyboardInterrupt

    with pytest.raises(typer.Exit) as stopped:
        command()
    assert stopped.value.exit_code == 130
    assert capsys.readouterr().err == ("interrupted: what was written is whole; run the command again "
                                       "to finish\n")
