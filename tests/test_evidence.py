"""The evidence ledger: every number behind a run, its kind and source; what it refuses and flags."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from orgsim.config.evidence import Evidence, arithmetic, matches, shares
from orgsim.config.ledger import load_ledger
from orgsim.config.load import load_scenario
from orgsim.config.yamlio import ConfigError
from tiny import ROOT

DEFAULT = ROOT / "configs" / "nhs_england.yaml"
ORGSIM = str(Path(sys.executable).parent / "orgsim")


def orgsim(*args: object, columns: int = 120) -> subprocess.CompletedProcess[str]:
    env = {"COLUMNS": str(columns), "PATH": "/usr/bin:/bin"}
    return subprocess.run([ORGSIM, *map(str, args)], capture_output=True, text=True, timeout=120,
                           env=env)


@pytest.fixture(scope="module")
def default() -> object:
    return load_ledger(DEFAULT)


def _copy(tmp_path: Path) -> Path:
    """The shipped configs in `tmp_path`, to be edited."""
    shutil.copytree(ROOT / "configs", tmp_path / "configs")
    return tmp_path / "configs" / "nhs_england.yaml"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_every_shipped_number_is_marked_and_matches_its_evidence(default: object) -> None:
    rows = default.rows  # type: ignore[attr-defined]
    assert {r.document for r in rows} == {"scenario", "internal_commissioning", "joined_up_planning",
                                          "merged_devolved", "pandemic_cells"}
    assert [r.path for r in rows if r.kind == "unmarked"] == []
    assert [(r.path, r.changed) for r in rows if r.changed] == []
    kinds = {r.path: r.kind for r in rows if r.document == "scenario"}
    assert kinds["ics.count"] == "observed"
    assert kinds["scale.people_per_unit"] == kinds["scale.cost_per_person_year"] == "derived"
    assert kinds["horizon_weeks"] == "setting"


@pytest.mark.parametrize("path", sorted((ROOT / "configs" / "scenarios").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_every_shipped_scenario_number_is_marked(path: Path) -> None:
    ledger = load_ledger(path)
    switched = [i.switch_model.to for i in load_scenario(path)[0].timeline if i.switch_model]
    assert set(switched) <= set(ledger.models)  # the models its timeline switches to are listed
    assert [(r.document, r.path) for r in ledger.rows if r.kind == "unmarked" or r.changed] == []


def test_defaults_the_file_does_not_write_are_listed(default: object) -> None:
    rows = {(r.document, r.path): r for r in default.rows}  # type: ignore[attr-defined]
    offset = rows[("internal_commissioning", "forums.nhsei_board.offset_weeks")]
    assert offset.value == 0 and offset.where == "default" and offset.kind == "assumption"
    written = rows[("scenario", "demand.ics_rate_per_week")]
    assert written.where.endswith("nhs_england.yaml:78") and written.value == 0.071


def test_derived_headcount_scale_is_the_published_arithmetic() -> None:
    sc, _ = load_scenario(DEFAULT)
    nhsd = sum(sc.organisations["NHSD"].teams.values())
    on_change = 3068 * (531 - 349) / 531  # employees x share of money not running existing services
    assert sc.scale.people_per_unit == pytest.approx(on_change / nhsd, rel=0.02)
    assert sc.scale.cost_per_person_year == pytest.approx(177_798_000 / 3068, abs=1)


def test_a_changed_number_shows_up_as_changed(tmp_path: Path, default: object) -> None:
    path = _copy(tmp_path)
    _edit(path, "count: 42 ", "count: 40 ")
    _edit(path, "people_per_unit: 15 ", "people_per_unit: 25 ")
    ledger = load_ledger(path, ["internal_commissioning"])
    changed = {r.path: r.changed for r in ledger.rows if r.changed}
    assert changed == {"ics.count": "the evidence gives 42, the file 40",
                       "scale.people_per_unit": "the evidence gives 15.02, the file 25"}
    before = shares(default.of("internal_commissioning"))  # type: ignore[attr-defined]
    after = shares(ledger.of("internal_commissioning"))
    assert after["observed"] == 0 and after["derived"] < before["derived"]
    assert after["assumption"] > before["assumption"]
    done = orgsim("evidence", path, "-m", "internal_commissioning", "-f", "csv")
    assert done.returncode == 0 and "CHANGED: the evidence gives 42, the file 40" in done.stdout
    table = orgsim("evidence", path, "-m", "internal_commissioning").stdout
    assert "changed since their evidence 2." in " ".join(table.split())


def test_an_unmarked_number_is_listed_as_an_unmarked_assumption(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    _edit(path, "  demand.p_priority: {kind: assumption, note: share of urgent items}\n", "")
    model = path.parent / "operating_models" / "internal_commissioning.yaml"
    _edit(model, "own_p_detect: 0.8 ", "own_p_detect: 0.8\nplanning_overhead: {NHSEI: 0.05}\n")
    ledger = load_ledger(path, ["internal_commissioning"])
    unmarked = [(r.document, r.path) for r in ledger.rows if r.kind == "unmarked"]
    assert unmarked == [("scenario", "demand.p_priority"),
                        ("internal_commissioning", "planning_overhead.NHSEI")]
    assert all(r.counted == "assumption" for r in ledger.rows if r.kind == "unmarked")
    text = " ".join(orgsim("evidence", path, "-m", "internal_commissioning").stdout.split())
    assert "demand.p_priority" in text and "unmarked 2," in text
    rows = list(csv.DictReader(io.StringIO(orgsim("evidence", path, "-m", "internal_commissioning",
                                                  "-f", "csv").stdout)))
    assert [r["path"] for r in rows if r["kind"] == "unmarked assumption"] == \
        ["demand.p_priority", "planning_overhead.NHSEI"]


def test_patterns_match_one_key_or_any_number() -> None:
    assert matches("themes.*.weight", ("themes", "ehr", "weight"))
    assert not matches("themes.*.weight", ("themes", "ehr", "value_per_week", "weight"))
    assert matches("**.stage.share", ("routes", "3", "steps", "1", "stage", "share"))
    assert matches("**.stage.share", ("stage", "share"))
    assert not matches("**.stage.share", ("routes", "3", "steps", "1", "stage", "staff"))


def test_the_most_literal_entry_covers_a_number(default: object) -> None:
    rows = {r.path: r for r in default.of()}  # type: ignore[attr-defined]
    assert "pinned down by calibration" in rows["organisations.NHSD.teams.digital"].note
    assert "calibration" not in rows["organisations.NHSD.teams.strategy"].note


def test_formulas_are_arithmetic_only() -> None:
    assert arithmetic("3068 * (531 - 349) / 531") == pytest.approx(1051.56, abs=0.01)
    assert arithmetic("-2 + 177_798_000 / 3068") == pytest.approx(57950.41, abs=0.01)
    for bad in ("__import__('os')", "2 ** 10", "x + 1", "1 / 0", "[1]"):
        with pytest.raises(ValueError):
            arithmetic(bad)


@pytest.mark.parametrize("entry, message", [
    ({"kind": "observed", "source": "wade-gery-2021"}, "needs its source and locator"),
    ({"kind": "derived", "source": "wade-gery-2021", "locator": "Rec. 4"}, "derivation in words"),
    ({"kind": "derived", "source": "wade-gery-2021", "locator": "Rec. 4", "derivation": "d",
      "formula": "2 * 3", "value": 7}, "value 7 is not what the formula gives (6)"),
    ({"kind": "assumption", "source": ["wade-gery-2021", "nobody-2020"]}, "unknown source 'nobody-2020'"),
])
def test_incomplete_entries_are_refused(entry: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Evidence.model_validate(entry)


def test_a_bad_entry_in_an_operating_model_is_refused_at_its_line(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    model = path.parent / "operating_models" / "merged_devolved.yaml"
    _edit(model, "  portfolios.*.p_detect:", "  portfolios.*.p_detekt:")
    line = model.read_text(encoding="utf-8").splitlines().index(
        next(x for x in model.read_text(encoding="utf-8").splitlines() if "p_detekt" in x)) + 1
    with pytest.raises(ConfigError) as err:
        load_ledger(path, ["merged_devolved"])
    assert str(err.value).startswith(f"{model}:{line}: evidence.portfolios.*.p_detekt: no number")
    done = orgsim("evidence", path, "-m", "merged_devolved")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {model}:{line}: ")


@pytest.mark.parametrize("columns", [80, 120])
def test_the_table_fits_the_terminal(columns: int) -> None:
    done = orgsim("evidence", DEFAULT, "-m", "joined_up_planning", columns=columns)
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= columns
    text = " ".join(done.stdout.split())
    assert "nhs_england with joined_up_planning: 172 numbers" in text
    assert "People on change work (units x 15 people a unit)" in text


def test_csv_and_markdown_hold_every_number(tmp_path: Path, default: object) -> None:
    done = orgsim("evidence", DEFAULT, "--format", "csv")
    table = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(table) == len(default.rows)  # type: ignore[attr-defined]
    assert {r["kind"] for r in table} == {"setting", "observed", "derived", "assumption"}
    out = tmp_path / "ledger.md"
    assert orgsim("evidence", DEFAULT, "-o", out).returncode == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert sum(line.startswith("| ") for line in lines) == len(table) + 2
    assert orgsim("evidence", DEFAULT, "--format", "xml").returncode == 2


def test_readme_quotes_the_default_shares(default: object) -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for line in default.summary():  # type: ignore[attr-defined]
        if " with " in line or "alone" in line:
            assert line in readme, line


def test_shipped_evidence_blocks_parse_as_yaml_mappings() -> None:
    for path in [DEFAULT, *sorted((ROOT / "configs" / "operating_models").glob("*.yaml"))]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data.get("evidence"), dict) and data["evidence"], path.name


def _experiment(kind: str = "lhs") -> object:
    from orgsim.experiments.spec import Experiment

    return Experiment.model_validate({
        "name": "x", "scenario": "s.yaml", "models": ["a", "b"], "design": {"kind": kind},
        "uncertainties": {"model.handoff.delay_weeks": {"low": 0, "high": 6},
                          "demand.ics_rate_per_week": {"low": 0.03, "high": 0.09}},
        "outcomes": ["lead_time_mean", "needs_met"]})


def _runs(lead: object, needs: object, n: int = 30, seed: int = 1) -> tuple[object, object]:
    """Design points with both uncertainties spread evenly; metrics of a and b at each."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    delay = rng.permutation(np.linspace(0, 6, n))
    rate = rng.permutation(np.linspace(0.03, 0.09, n))
    design = pd.DataFrame({"point": range(n), "model.handoff.delay_weeks": delay,
                           "demand.ics_rate_per_week": rate})
    rows = []
    for p in range(n):
        for rep in range(2):
            noise = rng.normal(0, 0.01)
            rows.append({"point": p, "replication": rep, "model": "b", "lead_time_mean": 10.0,
                         "needs_met": 5.0})
            rows.append({"point": p, "replication": rep, "model": "a",
                         "lead_time_mean": 10.0 + lead(delay[p]) + noise,  # type: ignore[operator]
                         "needs_met": 5.0 + needs(delay[p]) + noise})  # type: ignore[operator]
    return pd.DataFrame(rows), design


def test_a_verdict_that_flips_within_an_assumption_is_found() -> None:
    from orgsim.analysis.flips import flips

    metrics, design = _runs(lambda d: d - 3.0, lambda d: 1.0)  # a is faster below 3 weeks' delay
    found = flips(metrics, design, _experiment(), ["lead_time_mean", "needs_met"],  # type: ignore[arg-type]
                  {"model.handoff.delay_weeks", "demand.ics_rate_per_week"})
    assert [(f.outcome, f.uncertainty, f.better_low, f.better_high) for f in found] == [
        ("lead_time_mean", "model.handoff.delay_weeks", "a", "b")]
    assert found[0].low_end == 2 and found[0].high_end == 4
    assert found[0].diff_low < 0 < found[0].diff_high


def test_no_flip_when_only_observed_numbers_move_it_or_it_is_noise() -> None:
    from orgsim.analysis.flips import flips

    metrics, design = _runs(lambda d: d - 3.0, lambda d: 1.0)
    exp = _experiment()
    assert flips(metrics, design, exp, ["lead_time_mean"], {"demand.ics_rate_per_week"}) == []  # type: ignore[arg-type]
    metrics, design = _runs(lambda d: 0.0, lambda d: 0.0)  # the two models alike: noise only
    assert flips(metrics, design, exp, ["lead_time_mean", "needs_met"],  # type: ignore[arg-type]
                 {"model.handoff.delay_weeks", "demand.ics_rate_per_week"}) == []


def test_assumption_only_uncertainties_follow_the_ledger(default: object) -> None:
    from orgsim.config.ledger import assumption_only

    paths = ["demand.ics_rate_per_week", "ics.count", "scale.people_per_unit",
             "model.handoff.delay_weeks", "models.joined_up_planning.planning_overhead.TD"]
    assert assumption_only(default, paths) == {  # type: ignore[arg-type]
        "demand.ics_rate_per_week", "model.handoff.delay_weeks",
        "models.joined_up_planning.planning_overhead.TD"}


CALIBRATION = ROOT / "configs" / "calibration" / "nhs_stylised_facts.yaml"


def test_the_held_out_figure_is_predicted_by_each_ensemble_member() -> None:
    import pandas as pd

    from orgsim.calibration.holdout import predict
    from orgsim.calibration.load import load_calibration

    setup = load_calibration(CALIBRATION, pilot=False)
    assert "people.NHSX" in setup.cal.holdout and "people.NHSX" not in setup.cal.targets
    mid = setup.midpoint()
    members = [dict(mid, **{"organisations.NHSX.teams.digital": d}) for d in (8, 15, 40)]
    ensemble = pd.DataFrame([{"weight": w, **m} for w, m in zip((0.2, 0.6, 0.2), members)])
    held = predict(setup, ensemble).set_index("figure").loc["people.NHSX"]
    others = 20 + 6 + 6 + 15  # NHSX's strategy, clinical, operational and data units
    assert held["predicted"] == (others + 15) * 15  # the weighted median member: 930 people
    assert (held["predicted_low"], held["predicted_high"]) == ((others + 8) * 15, (others + 40) * 15)
    assert held["observed"] == 900 and bool(held["overlaps"])


def test_the_calibration_report_sets_the_prediction_beside_the_published_figure() -> None:
    import pandas as pd

    from orgsim.calibration.report import held_out

    held = pd.DataFrame([{"figure": "people.NHSX", "observed": 900, "low": 800, "high": 1000,
                          "predicted": 1300, "predicted_low": 1200, "predicted_high": 1400,
                          "overlaps": False, "source": "hoeksma-2021, para. 2"}])
    text = held_out(held)
    assert "people.NHSX: published 900 (range 800 to 1,000; hoeksma-2021, para. 2); the calibrated " \
           "model predicts 1,300 (90% of the ensemble 1,200 to 1,400)" in text
    assert "misses the published range" in text
    assert "no out-of-sample check" in held_out(pd.DataFrame())


def test_a_held_out_name_that_is_not_a_unit_is_refused_at_its_line(tmp_path: Path) -> None:
    doc = yaml.safe_load(CALIBRATION.read_text(encoding="utf-8"))
    doc["scenario"] = str(DEFAULT)
    doc["holdout"] = {"people.NHSZ": {"observed": 900, "low": 800, "high": 1000, "source": "t"}}
    path = tmp_path / "calibration.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    line = path.read_text(encoding="utf-8").splitlines().index("  people.NHSZ:") + 1
    done = orgsim("validate", path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {path}:{line}: holdout.people.NHSZ: expected people.UNIT")


def test_a_target_can_read_the_time_series_at_the_horizon() -> None:
    import math

    import pandas as pd

    from orgsim.calibration import targets as T

    series = pd.DataFrame({"week": [0.0, 1.0, 2.0], "mean_ics_maturity": [0.5, 0.52, 0.55]})
    assert T.value({}, "series.mean_ics_maturity", {}, series) == 0.55
    assert math.isnan(T.value({}, "series.mean_ics_maturity", {}, None))
    assert T.problem({}, "series.mean_ics_maturity", series) is None
    assert "no column 'maturity'" in str(T.problem({}, "series.maturity", series))
    assert T.bounds("series.mean_ics_maturity") == (0.0, 1.0)


def test_the_maturity_calibration_targets_the_published_rating() -> None:
    from orgsim.calibration.load import load_calibration

    setup = load_calibration(ROOT / "configs" / "calibration" / "ics_maturity.yaml")  # with the pilot
    target = setup.cal.targets["series.mean_ics_maturity"]
    assert target.observed == pytest.approx((2.4 - 1) / 4)
    assert "hsj-2023" in target.source


def test_the_default_maturity_meets_the_published_rating_and_stays_below_one() -> None:
    """The default start and gain give the calibration's target at its week, and no ICS tops out.

    With the earlier defaults (0.2 to 0.8, 0.01 a product) the mean was 1.0 by week 130.
    """
    from orgsim.calibration.load import load_calibration
    from orgsim.config.load import load_plan
    from orgsim.engine.run import simulate

    setup = load_calibration(ROOT / "configs" / "calibration" / "ics_maturity.yaml")
    target = setup.cal.targets["series.mean_ics_maturity"]
    plan = load_plan(DEFAULT, setup.cal.model)
    series = simulate(plan, 2021).timeseries.set_index("week")["mean_ics_maturity"]
    assert plan.scenario.horizon_weeks > setup.cal.horizon_weeks
    assert target.low <= series.at[setup.cal.horizon_weeks] <= target.high
    assert series.max() < 0.6  # five years on, the ICSs are still far from fully mature


def test_a_file_that_replaces_its_bases_timeline_is_not_held_to_the_bases_entries(tmp_path: Path) -> None:
    """funding_devolved marks `timeline.3.week`; a file extending it with one entry has no such number."""
    base = ROOT / "configs" / "scenarios" / "funding_devolved.yaml"
    child = {"extends": str(base), "name": "one_change",
             "timeline": [{"week": 10, "money": {"stream": "ics_digital", "envelope": 1.0}}]}
    path = tmp_path / "child.yaml"
    path.write_text(yaml.safe_dump(child), encoding="utf-8")
    sc, _ = load_scenario(path)
    assert len(sc.timeline) == 1 and "timeline.3.week" in sc.evidence  # inherited, covering nothing
    child["evidence"] = {"timeline.2.week": {"kind": "setting"}}  # its own entry must name a number
    path.write_text(yaml.safe_dump(child), encoding="utf-8")
    with pytest.raises(ConfigError, match="no number at this path"):
        load_scenario(path)
