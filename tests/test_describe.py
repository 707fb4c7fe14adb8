"""`orgsim describe`: the ODD protocol and STRESS-ABS checklist, every number from the resolved
configuration with its source, so that a changed number in YAML changes the text."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgsim.cli import app
from orgsim.config.load import load_plan
from orgsim.describe import describe
from orgsim.describe.cite import comment
from tiny import SCENARIO, TINY_SCENARIO, shipped_models, short_scenario

ODD = ["## 1. Purpose and patterns", "## 2. Entities, state variables and scales",
       "## 3. Process overview and scheduling", "## 4. Design concepts", "## 5. Initialisation",
       "## 6. Input data", "## 7. Submodels", "## STRESS-ABS checklist"]
STRESS = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "3.1", "3.2", "3.3", "3.4", "4.1",
          "4.2", "4.3", "5.1", "5.2", "5.3", "5.4", "6.1"]


@pytest.fixture(scope="module")
def default() -> str:
    return describe(SCENARIO)


def test_default_scenario_has_every_element_and_checklist_item(default: str) -> None:
    positions = [default.index(h) for h in ODD]
    assert positions == sorted(positions)
    checklist = default[default.index("## STRESS-ABS checklist"):]
    for item in STRESS:
        assert re.search(rf"^\| {re.escape(item)} [A-Z]", checklist, re.M), item
    for model in shipped_models():
        assert f"### Units under `{model}`" in default and f"Operating model `{model}`" in default
    assert "grimm-2020" in default and "monks-2019" in default


@pytest.mark.parametrize("model", shipped_models())
def test_each_shipped_model_numbers_come_from_its_resolved_plan(model: str) -> None:
    done = CliRunner().invoke(app, ["describe", str(SCENARIO), "-m", model])
    assert done.exit_code == 0, done.output
    text, plan = done.output, load_plan(SCENARIO, model)
    assert f"Headcount in all: {plan.headcount()} people." in text
    for name, f in plan.forums.items():  # each forum's row, with the source its file gives
        row = next(line for line in text.splitlines() if line.startswith(f"| {name} |"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[2:7] == [f"{f.cadence_weeks:g}", f"{f.offset_weeks:g}", str(f.capacity),
                              f"{f.p_approve:g}", str(f.max_deferrals)], row
        assert f.source in cells[7] and re.search(r"\.yaml:\d+\)$", cells[7]), row
    for unit in plan.units.values():
        if not unit.is_ics:
            assert f"| {unit.name} | {unit.kind} | " in text
    for team in plan.teams.values():
        assert f"{team.count} service teams `{team.name}` in {team.unit}" in text
    assert f"with probability {plan.operating_model.own_p_detect:g} (" in text


def _changed(tmp_path: Path) -> tuple[str, str]:
    """The description of a copy of the default scenario, before and after two numbers change."""
    scenario = short_scenario(tmp_path, horizon=260.0, warmup=52.0)
    before = describe(scenario, ["internal_commissioning"])
    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(text.replace("ics_rate_per_week: 0.071", "ics_rate_per_week: 0.123"),
                        encoding="utf-8")
    model = tmp_path / "operating_models" / "internal_commissioning.yaml"
    model.write_text(model.read_text(encoding="utf-8").replace(
        "nhsei_board:               {unit: NHSEI, cadence_weeks: 4.33",
        "nhsei_board:               {unit: NHSEI, cadence_weeks: 6.5"), encoding="utf-8")
    return before, describe(scenario, ["internal_commissioning"])


def test_a_changed_number_in_yaml_changes_the_text(tmp_path: Path) -> None:
    before, after = _changed(tmp_path)
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len(changed) == 4, changed  # the two lines that hold the numbers, before and after
    rate = "| arrivals per ICS per week (Poisson) | {} |"
    assert any(rate.format("0.123") in line for line in changed if line[0] == "+")
    assert any(rate.format("0.071") in line for line in changed if line[0] == "-")
    assert any(line.startswith("+| nhsei_board | NHSEI | 6.5 |") for line in changed)


def test_values_not_written_say_they_are_defaults_and_comments_are_sources(default: str) -> None:
    row = next(line for line in default.splitlines() if line.startswith("| ics_board | origin |"))
    assert "| 0 |" in row  # offset_weeks, not written in the file
    tiny = describe(TINY_SCENARIO)  # it leaves the demand rates out
    assert "| arrivals per ICS per week (Poisson) | 0.1 | orgsim's default (docs/configuration.md) |" in tiny
    assert "| 0.071 | between three and four initiatives a year per ICS; narrowed by calibration" in default
    assert comment('a: "x # not a comment"  # the comment') == "the comment"
    assert comment("a: 1") == "" and comment("  b: {x: 1}   # assumption") == "assumption"


def test_unknown_model_and_wrong_file_get_one_line(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["describe", str(SCENARIO), "-m", "joined_up_planing"])
    assert done.exit_code == 2 and "did you mean 'joined_up_planning'" in done.output
    assert "Traceback" not in done.output
    experiment = Path(__file__).resolve().parents[1] / "experiments" / "compare_operating_models.yaml"
    done = CliRunner().invoke(app, ["describe", str(experiment)])
    assert done.exit_code == 2 and len(done.output.strip().splitlines()) == 1


def test_out_writes_the_file(tmp_path: Path, default: str) -> None:
    done = CliRunner().invoke(app, ["describe", str(SCENARIO), "--out", str(tmp_path / "odd.md")])
    assert done.exit_code == 0 and (tmp_path / "odd.md").read_text(encoding="utf-8") == default


def test_a_timeline_is_described_with_its_numbers_and_sources() -> None:
    text = describe(SCENARIO.parent / "scenarios" / "reorganisation_2022.yaml")
    row = next(line for line in text.splitlines() if line.startswith("| 52 | NHSX and NHSD join"))
    assert "switch_model: to joined_up_planning" in row
    assert re.search(r"dip 0\.2 \(assumption: a fifth of capacity[^|]*reorganisation_2022\.yaml:\d+\)\)", row)
    assert re.search(r"duration_weeks 26 \(assumption: two quarters[^|]*\)", row)
