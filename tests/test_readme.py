"""The README's YAML examples are real: each loads, checks and runs against the shipped configuration."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from orgsim.config.load import load_plan, load_plans
from orgsim.engine.run import simulate

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)


def _block(key: str) -> dict:
    found = [yaml.safe_load(b) for b in BLOCKS if re.search(rf"^{key}:", b, re.M)]
    assert found, f"no README example with {key!r}"
    return found[0]


def test_the_operating_model_example_runs(tmp_path: Path) -> None:
    path = tmp_path / "portfolio_office.yaml"
    path.write_text(yaml.safe_dump(_block("routes")), encoding="utf-8")
    plan = load_plan(ROOT / "configs" / "nhs_england.yaml", str(path))
    assert simulate(plan).records


def test_the_timeline_example_runs(tmp_path: Path) -> None:
    doc = _block("timeline")
    doc["extends"] = str(ROOT / "configs" / "nhs_england.yaml")
    doc["operating_models_dir"] = str(ROOT / "configs" / "operating_models")
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    (plan,) = load_plans(path)
    assert len(plan.timeline) == len(doc["timeline"])
    kinds = [r.stage for r in simulate(plan).records if r.kind == "intervention"]
    assert kinds == ["switch_model", "demand", "forum", "staff", "forum"]


def test_the_readme_defines_each_metric_as_the_code_does() -> None:
    """Every metric row of the README's table carries the definition the report prints."""
    from orgsim.metrics.table import DEFINITIONS, LABELS

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    text = text.split("| outcome | unit | definition |", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `([a-z_0-9]+)` \| ([^|]+) \| (.+) \|$", text, flags=re.MULTILINE)
    assert len(rows) > 20
    for name, unit, definition in rows:
        assert name in DEFINITIONS, f"README names an unknown metric {name}"
        assert definition == DEFINITIONS[name], name
        assert unit.strip() == LABELS[name][1], name


def test_the_optimisation_and_satisficing_examples_load(tmp_path: Path) -> None:
    from orgsim.experiments.spec import Experiment
    from orgsim.optimise import load

    doc = _block("objectives")
    doc["scenario"] = str(ROOT / "configs" / "nhs_england.yaml")
    path = tmp_path / "optimise.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    problem = load(path)
    assert problem.budget == load_plan(ROOT / "configs" / "nhs_england.yaml",
                                       "joined_up_planning").headcount()
    assert problem.samples.shape == (4, 1)
    exp = Experiment.model_validate({"name": "x", "scenario": "s.yaml", "models": ["a"],
                                     **_block("satisficing")})
    assert exp.satisficing["needs_met"].above == 55


def test_the_what_if_example_is_the_shipped_experiment() -> None:
    """The worked example (levers and a baseline) is the shipped file, which checks whole."""
    from orgsim.experiments.points import load_experiment

    doc = _block("baseline")
    shipped = ROOT / "experiments" / f"{doc['name']}.yaml"
    file = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    assert {k: v for k, v in file.items() if k != "description"} == doc
    bases = load_experiment(shipped)
    assert bases.exp.baseline == doc["baseline"] and len(bases.exp.levers) == 2
