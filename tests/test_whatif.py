"""The what-if tables on made-up results whose answer is known exactly.

Three models, lead time (lower is better) along a lever x, with a second lever y:
a = x + 3 y, b = 5, c = 10 - x, plus a little noise. For y = 0 a is best below x = 5 and
c above; for y = 1, a below x = 2, b from 2 to 5, c above.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from orgsim.analysis.discovery import DiscoveryError, Question, discover
from orgsim.analysis.summary import summary_of
from orgsim.analysis.terminal import pooled_over, setting_tables, switch_table
from orgsim.experiments.spec import Experiment

X, Y = "models.a.x", "models.a.y"
XS = [0, 1, 2, 3, 4, 6, 7, 8]


def experiment(models: list[str], **changes: object) -> Experiment:
    doc: dict[str, object] = {
        "name": "made_up", "scenario": "s.yaml", "models": models, "replications": 3, "seed": 2,
        "levers": {X: {"values": XS}, Y: {"values": [0, 1]}}, "baseline": {X: 3, Y: 0},
        "uncertainties": {"demand.u": {"values": [0.0, 1.0], "source": "assumption"}},
        "design": {"kind": "grid"}, "outcomes": ["lead_time_mean"],
    }
    doc.update(changes)
    return Experiment.model_validate(doc)


def made_up(exp: Experiment, noise: float = 0.01) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Design and metrics of `exp`: every setting x 2 scenarios x 3 replications x model."""
    rng = np.random.default_rng(0)
    settings = [(x, y) for x in XS for y in (0, 1)]
    design, rows = [], []
    for s, (x, y) in enumerate(settings):
        for sc in (0, 1):
            point = s * 2 + sc
            design.append({"point": point, "setting": s, "scenario": sc, X: x, Y: y, "demand.u": sc})
            for r in range(exp.replications):
                base = {"a": x + 3 * y, "b": 5.0, "c": 10.0 - x}
                for m in exp.models:
                    rows.append({"point": point, "replication": r, "model": m, "seed": r,
                                 "setting": s, "scenario": sc, X: x, Y: y,
                                 "lead_time_mean": base[m] + sc * 0.1 + noise * rng.standard_normal()})
    return pd.DataFrame(design), pd.DataFrame(rows)


@pytest.fixture(scope="module")
def three() -> tuple[Experiment, object]:
    exp = experiment(["a", "b", "c"])
    design, metrics = made_up(exp)
    return exp, summary_of(exp, metrics, design)


def test_paired_by_point_answers_each_setting_on_its_own(three: tuple[Experiment, object]) -> None:
    exp, summary = three
    table = summary.paired_by_point  # type: ignore[attr-defined]
    assert list(table.columns[:3]) == ["setting", X, Y]
    ab = table[(table["a"] == "a") & (table["b"] == "b")].set_index([X, Y])
    assert len(ab) == 16 and (ab["n"] == 6).all()
    for (x, y), row in ab.iterrows():
        assert row["mean_diff"] == pytest.approx(x + 3 * y - 5, abs=0.05)
        assert row["ci_low"] <= x + 3 * y - 5 <= row["ci_high"] or abs(row["ci_high"] - row["ci_low"]) < 0.1
        if x + 3 * y != 5:
            assert row["better"] == ("a" if x + 3 * y < 5 else "b")
            assert row["win_share_a"] == (1.0 if x + 3 * y < 5 else 0.0)
    assert set(zip(table["a"], table["b"])) == {("a", "b"), ("a", "c"), ("b", "c")}


def test_nothing_is_pooled_across_settings(three: tuple[Experiment, object]) -> None:
    _, summary = three
    by_model = summary.by_model  # type: ignore[attr-defined]
    assert list(by_model.columns[:3]) == ["setting", X, Y]
    assert len(by_model[(by_model["model"] == "a") & (by_model["outcome"] == "lead_time_mean")]) == 16
    assert list(summary.paired.columns[:3]) == ["setting", X, Y]  # type: ignore[attr-defined]
    regret = summary.regret  # type: ignore[attr-defined]
    best = regret[regret["share_best"] == 1.0]
    assert list(zip(best[X], best[Y], best["model"])) == [(0, 0, "a")]  # a at x = 0, y = 0: 0 weeks
    worst = regret.sort_values("max_regret").iloc[-1]
    assert (worst[X], worst[Y], worst["model"]) == (8, 1, "a")  # 8 + 3 weeks against 0
    assert worst["mean_regret"] == pytest.approx(11.0, abs=0.05)


def test_by_setting_is_against_the_baseline(three: tuple[Experiment, object]) -> None:
    _, summary = three
    table = summary.by_setting  # type: ignore[attr-defined]
    a = table[(table["model"] == "a") & (table["outcome"] == "lead_time_mean")].set_index([X, Y])
    assert a.loc[(3, 0), "is_baseline"] and a["is_baseline"].sum() == 1
    assert a.loc[(3, 0), "mean_diff"] == 0
    assert a.loc[(8, 1), "mean_diff"] == pytest.approx(8 + 3 - 3, abs=0.05)
    assert a.loc[(8, 1), "win_share"] == 0.0 and a.loc[(0, 0), "win_share"] == 1.0
    assert a.loc[(8, 1), "baseline_mean"] == pytest.approx(3.05, abs=0.05)


def test_switch_points_name_the_interval_and_estimate_it(three: tuple[Experiment, object]) -> None:
    _, summary = three
    table = summary.switch_points  # type: ignore[attr-defined]
    lead = table[(table["outcome"] == "lead_time_mean") & (table["lever"] == X)]
    best = lead[lead["kind"] == "best model"].set_index("others")
    y0 = best.loc[f"{Y}=0"]
    # y = 0: a below 5, c above, a tie with b and c at exactly 5 (not sampled)
    assert (y0["low"], y0["high"], y0["before"], y0["after"]) == (4, 6, "a", "c")
    assert y0["estimate"] == pytest.approx(5, abs=0.05) and y0["sure"]
    assert y0["estimate_low"] <= 5 <= y0["estimate_high"]
    # y = 1: a = x + 3 is best below x = 2 (where it ties with b), then b (5) until x = 5, then c
    y1 = best.loc[[f"{Y}=1"]]
    assert len(y1) == 2
    first, second = y1.iloc[0], y1.iloc[1]
    assert (first["before"], first["after"]) == ("a", "b") and first["low"] in (1, 2)
    assert first["high"] == first["low"] + 1 and not first["sure"]  # a tie at x = 2
    assert (second["low"], second["high"], second["before"], second["after"]) == (4, 6, "b", "c")
    sign = lead[lead["kind"] == "sign of a - b"].set_index("others")
    assert (sign.loc[f"{Y}=0", "before"], sign.loc[f"{Y}=0", "after"]) == ("a better", "b better")
    # along y (two values), no interpolation
    assert table[table["lever"] == Y]["estimate"].isna().all()


def test_switch_points_are_reproducible_and_two_models_have_no_sign_rows() -> None:
    exp = experiment(["a", "c"])
    design, metrics = made_up(exp)
    first = summary_of(exp, metrics, design).switch_points
    again = summary_of(exp, metrics, design).switch_points
    pd.testing.assert_frame_equal(first, again)
    assert set(first["kind"]) == {"best model"}


def test_a_switch_within_noise_is_not_sure() -> None:
    exp = experiment(["a", "b"])
    design, metrics = made_up(exp, noise=3.0)
    table = summary_of(exp, metrics, design).switch_points
    assert len(table) and not table[table["lever"] == X]["sure"].all()


def render(tables: list[object], width: int = 100) -> str:
    console = Console(record=True, width=width)
    for t in tables:
        console.print(t)
    return console.export_text()


def test_the_terminal_shows_each_setting_and_the_switches(three: tuple[Experiment, object]) -> None:
    exp, summary = three
    exp = exp.model_copy(update={"compare": ("a", "c")})
    text = render([*setting_tables(exp, summary, 100), switch_table(exp, summary)])
    assert "Lead time (mean), weeks: a - c" in text
    assert "Where the answer switches" in text and "4 and 6" in text
    assert all(len(line) <= 100 for line in text.splitlines())
    narrow = render(setting_tables(exp, summary, 60), 60)
    assert all(len(line) <= 60 for line in narrow.splitlines())
    assert "over 2 scenarios of the uncertain numbers x 3 replications" in pooled_over(exp, 2)
    fixed = exp.model_copy(update={"uncertainties": {}})
    assert "run-to-run randomness" in pooled_over(fixed, 1)


def test_discovery_takes_levers_as_inputs_and_one_setting(tmp_path: Path) -> None:
    exp = experiment(["a", "c"])
    design, metrics = made_up(exp)
    (tmp_path / "experiment.json").write_text(json.dumps(exp.model_dump(mode="json")))
    design.to_parquet(tmp_path / "design.parquet")
    metrics.to_parquet(tmp_path / "metrics.parquet")
    found = discover(tmp_path, Question("a.lead_time_mean > c.lead_time_mean", mass_min=0.1),
                     write=False)
    assert X in set(found.limits["uncertainty"])  # a loses where x is high
    at = discover(tmp_path, Question("a.lead_time_mean > c.lead_time_mean", mass_min=0.1,
                                     setting=f"{Y}=1"), write=False)
    assert at.scenarios == 8 * 2 * 3 and at.sentence.startswith(f"At {Y}=1: ")
    with pytest.raises(DiscoveryError, match="was run at 0, 1, not 2"):
        discover(tmp_path, Question("a.lead_time_mean > 1", setting=f"{Y}=2"), write=False)
    with pytest.raises(DiscoveryError, match="PATH a lever"):
        discover(tmp_path, Question("a.lead_time_mean > 1", setting="demand.u=1"), write=False)


def test_sensitivity_is_computed_at_each_setting() -> None:
    """The difference A - B is s x1 + (2 - s) x2 at setting s: Morris's mu* says so, setting by
    setting (pooled over settings it would say 0.5 and 1.5 for both)."""
    from orgsim.experiments.design import sample

    exp = Experiment.model_validate({
        "name": "known", "scenario": "none.yaml", "models": ["A", "B"], "replications": 1,
        "levers": {"models.A.s": {"values": [0, 1, 2]}}, "baseline": {"models.A.s": 0},
        "uncertainties": {f"demand.x{i}": {"low": 0.0, "high": 1.0} for i in (1, 2)},
        "design": {"kind": "morris", "samples": 6}, "outcomes": ["needs_met"]})
    x = sample(exp, 3)
    design, rows = [], []
    for s in (0, 1, 2):
        for sc, (x1, x2) in enumerate(x):
            point = s * len(x) + sc
            design.append({"point": point, "setting": s, "scenario": sc, "models.A.s": s,
                           "demand.x1": x1, "demand.x2": x2})
            for m, value in (("A", s * x1 + (2 - s) * x2), ("B", 0.0)):
                rows.append({"point": point, "replication": 0, "model": m, "seed": 0, "setting": s,
                             "scenario": sc, "models.A.s": s, "needs_met": value})
    table = summary_of(exp, pd.DataFrame(rows), pd.DataFrame(design)).sensitivity
    met = table[table["outcome"] == "needs_met"].set_index(["models.A.s", "uncertainty"])["mu_star"]
    for s in (0, 1, 2):
        assert met[(s, "demand.x1")] == pytest.approx(s, abs=1e-9)
        assert met[(s, "demand.x2")] == pytest.approx(2 - s, abs=1e-9)


def test_read_whatif_gives_the_report_what_summarise_wrote(tmp_path: Path) -> None:
    from orgsim.analysis.summary import summarise
    from orgsim.analysis.whatif import read_whatif

    exp = experiment(["a", "c"], levers={X: {"values": XS, "label": "x in words"}, Y: {"values": [0, 1]}})
    design, metrics = made_up(exp)
    (tmp_path / "experiment.json").write_text(json.dumps(exp.model_dump(mode="json")))
    design.to_parquet(tmp_path / "design.parquet")
    metrics.to_parquet(tmp_path / "metrics.parquet")
    summary = summarise(tmp_path)
    found = read_whatif(tmp_path)
    assert found is not None
    assert found.levers == [X, Y] and found.labels == {X: "x in words", Y: ""}
    assert found.baseline == {X: 3, Y: 0} and found.scenarios == 2 and found.replications == 3
    assert found.uncertain
    assert len(found.paired) == len(summary.paired_by_point) and len(found.switches) > 0
    assert list(found.by_setting.columns) == list(summary.by_setting.columns)
    plain = Experiment.model_validate({"name": "plain", "scenario": "s.yaml", "models": ["a"]})
    (tmp_path / "experiment.json").write_text(json.dumps(plain.model_dump(mode="json")))
    assert read_whatif(tmp_path) is None
