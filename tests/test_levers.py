"""Levers and baselines in experiment files: checked, typed, gridded and run with common seeds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from orgsim.config.yamlio import ConfigError
from orgsim.experiments.levers import notes, settings
from orgsim.experiments.points import load_experiment, plans
from orgsim.experiments.runner import prepare, run
from tiny import short_scenario, write_variant

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "configs" / "nhs_england.yaml"
ORGSIM = str(Path(sys.executable).parent / "orgsim")
OVERHEAD = "models.joined_up_planning.planning_overhead.TD"
DIGITAL = "organisations.NHSD.teams.digital"
DELAY = "model.handoff.delay_weeks"


def write(tmp: Path, **changes: Any) -> Path:
    doc: dict[str, Any] = {
        "name": "levers", "scenario": str(SCENARIO),
        "models": ["internal_commissioning", "joined_up_planning"],
        "levers": {OVERHEAD: {"values": [0.0, 0.3], "label": "planning overhead"},
                   DIGITAL: {"values": [40, 48]}},
        "replications": 2, "seed": 4, "horizon_weeks": 24, "warmup_weeks": 4,
    }
    doc.update(changes)
    doc = {k: v for k, v in doc.items() if v is not None}
    path = tmp / "levers.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ORGSIM, "validate", str(path)], capture_output=True, text=True)


def test_a_value_keeps_the_type_the_schema_gives_its_field(tmp_path: Path) -> None:
    """The models write `delay_weeks: 3` and `cadence_weeks: 13`; 2.67 and 11.33 stay themselves
    (they were rounded to 3.0 and 11.0), and a headcount stays a whole number."""
    cadence = "models.joined_up_planning.forums.business_planning.cadence_weeks"
    bases = load_experiment(write(tmp_path, levers=None))
    got = plans(bases, {DELAY: 2.67, cadence: 11.33, DIGITAL: 40})
    ju = got["joined_up_planning"]
    assert ju.operating_model.handoff.delay_weeks == pytest.approx(2.67)
    assert got["internal_commissioning"].operating_model.handoff.delay_weeks == pytest.approx(2.67)
    assert ju.operating_model.forums["business_planning"].cadence_weeks == pytest.approx(11.33)
    team = ju.scenario.organisations["NHSD"].teams["digital"]
    assert team == 40 and isinstance(team, int)


@pytest.mark.parametrize("key, doc, where", [
    ("levers", {DIGITAL: {"values": [40, 42.5]}}, "levers.organisations.NHSD.teams.digital.values[1]"),
    ("uncertainties", {DIGITAL: {"values": [30.5]}}, "uncertainties.organisations.NHSD.teams.digital"
                                                     ".values"),
])
def test_a_fraction_for_a_whole_number_field_is_refused(tmp_path: Path, key: str, doc: dict[str, Any],
                                                         where: str) -> None:
    changes: dict[str, Any] = {key: doc}
    if key == "uncertainties":
        changes.update(levers=None, design={"kind": "grid"})
    done = validate(write(tmp_path, **changes))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{where}: " in done.stderr and "is not a whole number" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_range_over_a_whole_number_field_is_sampled_in_whole_numbers(tmp_path: Path) -> None:
    sweep = prepare(write(tmp_path, levers={DIGITAL: {"low": 40, "high": 50}}, design={"kind": "grid",
                          "levels": 4},
                          uncertainties={"model.forums.ics_board.capacity": {"low": 2, "high": 9}}))
    assert [s[DIGITAL] for s in sweep.settings] == [32, 40, 43, 47, 50]  # today's 32 added
    assert all(isinstance(s[DIGITAL], int) for s in sweep.settings)
    assert sorted(sweep.matrix[:, 0]) == [2, 4, 7, 9]  # 2, 4.33, 6.67, 9 rounded


def test_uncertainties_without_a_design_are_refused_before_anything_runs(tmp_path: Path) -> None:
    """They were accepted by validate, and `experiment` ended in a traceback after making its
    results folder."""
    path = write(tmp_path, levers=None, uncertainties={"demand.ics_rate_per_week": {
        "low": 0.06, "high": 0.08, "source": "assumption"}})
    done = validate(path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {path}:")
    assert "design 'single'" in done.stderr and "levers:" in done.stderr
    out = tmp_path / "out"
    ran = subprocess.run([ORGSIM, "experiment", str(path), "--out", str(out), "-q"],
                         capture_output=True, text=True)
    assert ran.returncode == 2 and "Traceback" not in ran.stderr and not out.exists()


@pytest.mark.parametrize("changes, message", [
    ({"uncertainties": {OVERHEAD: {"low": 0.0, "high": 0.2}}, "design": {"kind": "lhs"}},
     "is also an uncertainty"),
    ({"baseline": {"demand.ics_rate_per_week": 0.1}},
     "baseline: demand.ics_rate_per_week is not one of the levers"),
    ({"levers": {"organisations.NHSD.teams.digitl": {"values": [1, 2]}}}, "expected a number"),
    ({"baseline": {OVERHEAD: 1.5}}, "must be <= 1"),
])
def test_bad_levers_get_one_clear_line(tmp_path: Path, changes: dict[str, Any], message: str) -> None:
    done = validate(write(tmp_path, **changes))
    assert done.returncode == 2, done.stdout
    assert message in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_validate_names_levers_and_settings_and_notes_mix_ups(tmp_path: Path) -> None:
    done = validate(write(tmp_path, levers={DIGITAL: {"values": [40, 48]},
                                            "demand.ics_rate_per_week": {"values": [0.05, 0.1]}}))
    assert done.returncode == 0, done.stderr
    first, *rest = done.stdout.splitlines()
    assert "2 levers (9 settings) x single design" in first  # 32 (today), 40, 48 x 0.05, 0.071, 0.1
    assert len(rest) == 1 and rest[0].startswith("note: ") and "levers.demand.ics_rate_per_week" in rest[0]
    sweep = tmp_path / "overhead_as_uncertainty.yaml"  # a choice written as a fact of the world
    sweep.write_text(f"name: old_style\nscenario: {ROOT / 'configs' / 'nhs_england.yaml'}\n"
                     "models: [internal_commissioning, joined_up_planning]\n"
                     "uncertainties:\n"
                     "  models.joined_up_planning.planning_overhead.TD: "
                     "{values: [0.0, 0.3], source: 'assumption: none to a third'}\n"
                     "design: {kind: grid}\n", encoding="utf-8")
    said = notes(load_experiment(sweep))
    assert len(said) == 1 and "a planning overhead, which a team chooses" in said[0]
    assert said[0].startswith(f"{sweep}:5: ")
    assert not notes(load_experiment(ROOT / "experiments" / "planning_overhead_sweep.yaml"))


def test_the_baseline_defaults_to_the_scenario_and_joins_the_grid(tmp_path: Path) -> None:
    bases = load_experiment(write(tmp_path))
    assert bases.exp.baseline == {OVERHEAD: 0.1, DIGITAL: 32}
    grid = settings(bases)
    assert [(s[OVERHEAD], s[DIGITAL]) for s in grid][:4] == [(0.0, 32), (0.0, 40), (0.0, 48), (0.1, 32)]
    assert len(grid) == 9
    given = load_experiment(write(tmp_path, baseline={OVERHEAD: 0.3})).exp.baseline
    assert given == {OVERHEAD: 0.3, DIGITAL: 32}


def test_settings_cross_scenarios_with_common_seeds(tmp_path: Path) -> None:
    path = write(tmp_path, levers={DIGITAL: {"values": [40, 32]}}, design={"kind": "grid"},
                 uncertainties={"demand.ics_rate_per_week": {"values": [0.05, 0.08], "source": "x"}})
    root = run(path, tmp_path / "out", backend="serial")
    m = pd.read_parquet(root / "metrics.parquet")
    assert len(m) == 2 * 2 * 2 * 2
    assert {"setting", "scenario", DIGITAL} <= set(m.columns)
    assert m.groupby("point")[["setting", "scenario"]].nunique().eq(1).all().all()
    assert (m.groupby("replication")["seed"].nunique() == 1).all()  # every setting and model
    same = m.groupby(["scenario", "replication"])["arrived"].nunique()
    assert (same == 1).all()  # the same demand at every setting
    design = pd.read_parquet(root / "design.parquet")
    assert list(design.columns) == ["point", "setting", "scenario", DIGITAL, "demand.ics_rate_per_week"]
    assert list(design[DIGITAL]) == [32, 32, 40, 40]
    paired = pd.read_csv(root / "summary" / "paired_by_point.csv") if (root / "summary").exists() \
        else None
    assert paired is None  # run() alone does not summarise


def test_an_experiment_without_levers_writes_what_it_wrote(tmp_path: Path) -> None:
    path = write(tmp_path, levers=None, design={"kind": "grid"},
                 uncertainties={"demand.ics_rate_per_week": {"values": [0.05, 0.08], "source": "x"}})
    root = run(path, tmp_path / "out", backend="serial")
    m = pd.read_parquet(root / "metrics.parquet")
    assert "setting" not in m and "scenario" not in m
    assert list(pd.read_parquet(root / "design.parquet").columns) == ["point", "demand.ics_rate_per_week"]


def test_a_lever_on_a_model_path_edits_only_that_model(tmp_path: Path) -> None:
    bases = load_experiment(write(tmp_path))
    got = plans(bases, {OVERHEAD: 0.3})
    assert got["joined_up_planning"].operating_model.planning_overhead["TD"] == pytest.approx(0.3)
    assert got["internal_commissioning"].operating_model.planning_overhead.get("TD", 0.0) != 0.3
    with pytest.raises(ConfigError):
        plans(bases, {OVERHEAD: 1.5})


def test_a_lever_on_models_that_disagree_today_needs_a_baseline(tmp_path: Path) -> None:
    scenario = short_scenario(tmp_path / "configs")
    write_variant(scenario, "slow_handoffs", "joined_up_planning",
                  handoff={"delay_weeks": 5, "p_rework": 0.3, "rework_fraction": 0.25})
    path = write(tmp_path, scenario=str(scenario), models=["joined_up_planning", "slow_handoffs"],
                 levers={DELAY: {"values": [1, 2]}})
    done = validate(path)
    assert done.returncode == 2
    assert "levers.model.handoff.delay_weeks: the compared models have different values here " \
           "(joined_up_planning: 3, slow_handoffs: 5); say which is today's under `baseline:`" \
           in done.stderr
    fixed = write(tmp_path, scenario=str(scenario), models=["joined_up_planning", "slow_handoffs"],
                  levers={DELAY: {"values": [1, 2]}}, baseline={DELAY: 3})
    assert validate(fixed).returncode == 0


def test_summarise_says_what_intervals_cover_when_nothing_uncertain_varied(tmp_path: Path) -> None:
    path = write(tmp_path, levers=None, models=["internal_commissioning"], horizon_weeks=12,
                 warmup_weeks=2)
    root = run(path, tmp_path / "out", backend="serial")
    shown = subprocess.run([ORGSIM, "summarise", str(root)], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    assert "Means and 95% intervals over 2 replications; the intervals cover run-to-run " \
           "randomness under the stated assumptions only" in text


def test_an_experiment_without_levers_keeps_its_hash() -> None:
    """Results folders written before levers existed are still recognised (summarise, report and
    --resume compare this hash with the one their manifest recorded)."""
    from orgsim.experiments.runner import as_json, experiment_sha256
    from orgsim.experiments.spec import Experiment

    exp = Experiment.model_validate({"name": "x", "scenario": "s.yaml", "models": ["a", "b"],
                                     "replications": 3})
    assert experiment_sha256(exp) == "ca234e4071c22db45a859956df8839f3195bd6437242012de599a52b83392530"
    assert "levers" not in as_json(exp) and "baseline" not in as_json(exp)
