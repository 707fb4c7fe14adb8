"""Scenario discovery: PRIM against the published result of Bryant and Lempert (2010), a planted
box found again, cases of interest as expressions, and `orgsim discover` as a user runs it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from orgsim.analysis.cases import CasesError, cases, wide
from orgsim.analysis.discovery import DiscoveryError, Question, discover, sentence
from orgsim.analysis.prim import cut_point, prim
from orgsim.cli import app

DATA = Path(__file__).resolve().parent / "data" / "prim" / "bryant_lempert_2010.csv"


def test_cut_points_fall_between_distinct_values() -> None:
    assert cut_point(np.arange(10.0), 0.9) == 8.5 and cut_point(np.arange(10.0), 0.1) == 0.5
    ties = np.array([1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9], dtype=float)
    assert cut_point(ties, 0.9) == 8.5 and cut_point(ties, 0.1) == 1.5
    assert cut_point(np.array([1.0]), 0.1) == 1.0


def test_prim_reproduces_the_published_box_of_bryant_and_lempert() -> None:
    """Box 21 of the peeling trajectory with a peeling alpha of 0.1 (tests/data/prim/README.md)."""
    data = pd.read_csv(DATA)
    found = prim(data.iloc[:, :9], data["Greater than 90%"].to_numpy(), peel_alpha=0.1)
    trajectory = found.trajectory()
    assert (trajectory.loc[0, "n"], trajectory.loc[0, "k"]) == (882, 89)
    box = trajectory.loc[21]
    assert box.coverage == pytest.approx(0.752809, abs=1e-6)
    assert box.density == pytest.approx(0.770115, abs=1e-6)
    assert box.mass == pytest.approx(0.0986395, abs=1e-6) and box.res_dim == 4
    limits = found.limits(21).set_index("uncertainty")
    published = {"Total biomass": (450.0, 755.799988, None, 4.716968553178765e-06),
                 "Demand elasticity": (-0.422, -0.202, 1.1849299115762218e-16, None),
                 "Biomass backstop price": (150.049995, 199.600006, 3.515112530263049e-11, None),
                 "Cellulosic cost": (72.650002, 133.699997, 0.15741333528927348, None)}
    assert set(limits.index) == set(published)
    for name, (low, high, qp_low, qp_high) in published.items():
        row = limits.loc[name]
        assert (row.low, row.high) == (pytest.approx(low, abs=1e-5), pytest.approx(high, abs=1e-5))
        for got, want in ((row.qp_low, qp_low), (row.qp_high, qp_high)):
            assert np.isnan(got) if want is None else got == pytest.approx(want, rel=1e-6)
    last = trajectory.iloc[-1]  # the published end of the trajectory
    assert (last.mass, last.coverage, last.density, last.res_dim) == (
        pytest.approx(0.05102040816326531), pytest.approx(0.5056179775280899), 1.0, 6)


def test_prim_finds_a_planted_box() -> None:
    rng = np.random.default_rng(11)
    x = pd.DataFrame(rng.random((2000, 4)), columns=["a", "b", "c", "d"])
    y = ((x["a"] > 0.6) & (x["c"] < 0.3)).to_numpy(dtype=float)
    found = prim(x, y)
    t = found.trajectory()
    best = int(t.index[(t.density == 1.0)].min())
    limits = found.limits(best).set_index("uncertainty")
    assert set(limits.index) == {"a", "c"} and t.loc[best, "coverage"] > 0.8
    assert limits.loc["a", "low"] == pytest.approx(0.6, abs=0.03)
    assert limits.loc["c", "high"] == pytest.approx(0.3, abs=0.03)
    assert (t.density.diff().dropna() >= 0).all()  # peeling and pasting only ever raise density


def metrics() -> pd.DataFrame:
    rows = [{"point": p, "replication": r, "model": m, "seed": r,
             "lead_time_mean": float(p + r + (2 if m == "B" else 0)),
             "needs_met": float(10 * p - r) if m == "A" else np.nan if p == 2 else 5.0}
            for p in range(3) for r in range(2) for m in ("A", "B")]
    return pd.DataFrame(rows)


def test_cases_are_paired_runs_or_point_means() -> None:
    m = metrics()
    assert list(wide(m, "runs").index.names) == ["point", "replication"]
    runs = cases(m, "A.needs_met > B.needs_met")  # A: 0,-1,10,9,20,19; B: 5,5,5,5,nan,nan
    assert runs.tolist() == [False, False, True, True, False, False]  # no value: not a case
    means = cases(m, "A.needs_met >= 9.5 and not B.lead_time_mean > 4", on="means")
    assert means.tolist() == [False, True, False]
    assert cases(m, "(A.lead_time_mean - B.lead_time_mean) * -1 == 2").all()


@pytest.mark.parametrize(("expression", "message"), [
    ("A.needs_mte > 1", "unknown outcome 'needs_mte'; did you mean 'needs_met'"),
    ("C.needs_met > 1", "unknown operating model 'C'"),
    ("needs_met > 1", "say which model"),
    ("A.needs_met", "is not a condition"),
    ("open('x') or A.needs_met > 1", "cannot use"),
    ("A.needs_met >", "cannot read"),
])
def test_bad_expressions_say_what_is_wrong(expression: str, message: str) -> None:
    with pytest.raises(CasesError, match=message):
        cases(metrics(), expression)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from decision_data import sampled_results

    return sampled_results(tmp_path_factory.mktemp("discovery"))


LOSES = "joined_up_planning.lead_time_mean > internal_commissioning.lead_time_mean"
CADENCE = "models.joined_up_planning.forums.business_planning.cadence_weeks"


def test_discover_tells_when_joined_up_planning_loses_on_lead_time(results: Path) -> None:
    done = CliRunner().invoke(app, ["discover", str(results), "--cases", LOSES, "--label",
                                    "Joined-up planning loses on lead time"])
    assert done.exit_code == 0, done.output
    assert "Joined-up planning loses on lead time mainly when business planning cadence" in done.output
    for name in ("trajectory.csv", "box.csv", "cart.csv", "discovery.json"):
        assert (results / "discovery" / name).exists()
    box = pd.read_csv(results / "discovery" / "box.csv").set_index("uncertainty")
    assert box.loc[CADENCE, "low"] > box.loc[CADENCE, "explored_low"]  # a slow planning cycle
    assert (results / "plots" / "discovery_tradeoff.png").exists()
    assert not (results / "plots" / "discovery_tradeoff.pdf").exists()  # PNG unless --formats asks
    from orgsim.report import write_report

    html = write_report(results).read_text(encoding="utf-8")
    assert 'id="discovery"' in html and '<figure id="plot-discovery_box">' in html
    assert "loses on lead time mainly when" in html
    assert 'id="regret"' in html and "Regret and satisficing" in html  # from the same summary
    for name in ("regret", "satisficing"):
        assert f'<figure id="plot-{name}">' in html
        assert (results / "plots" / f"{name}.png").stat().st_size > 1000


def test_the_chosen_box_is_the_users(results: Path) -> None:
    found = discover(results, Question(LOSES), box=1, write=False)
    assert found.box == 1 and found.trajectory.loc[1, "res_dim"] == len(found.limits)
    with pytest.raises(DiscoveryError, match="--box 99: the trajectory has boxes 0 to"):
        discover(results, Question(LOSES), box=99, write=False)
    with pytest.raises(DiscoveryError, match="none of the 24 scenarios is a case of interest"):
        discover(results, Question("joined_up_planning.needs_met < 0"), write=False)
    means = discover(results, Question(LOSES, on="means"), write=False)
    assert means.scenarios == 12


def test_sentence_names_sure_limits_first() -> None:
    trajectory = pd.DataFrame([{"id": 0, "coverage": 1.0, "density": 0.2, "mass": 1.0},
                               {"id": 1, "coverage": 0.8, "density": 0.6, "mass": 0.25}])
    limits = pd.DataFrame([
        {"uncertainty": "models.m.planning_overhead.TD", "low": 0.2, "high": 0.6,
         "explored_low": 0.0, "explored_high": 0.6, "qp_low": 0.2, "qp_high": np.nan},
        {"uncertainty": "models.m.forums.plan.cadence_weeks", "low": 2.0, "high": 20.0,
         "explored_low": 2.0, "explored_high": 40.0, "qp_low": np.nan, "qp_high": 0.001}])
    text = sentence(Question("m.x > 1", label="M loses"), trajectory, 1, limits, 0.2)
    assert text.startswith("M loses mainly when plan cadence weeks (M) is below 20; less surely, "
                           "when planning overhead TD (M) is above 0.2.")
    assert "holds 80% of the cases of interest, and 60% of the scenarios in it" in text


def test_discover_on_a_folder_without_what_it_needs(tmp_path: Path, results: Path) -> None:
    done = CliRunner().invoke(app, ["discover", str(tmp_path), "--cases", LOSES])
    assert done.exit_code == 2 and "no experiment.json, metrics.parquet, design.parquet" in done.output
    bad = CliRunner().invoke(app, ["discover", str(results), "--cases", "joined_up.needs_met < 3"])
    assert bad.exit_code == 2 and "--cases: unknown operating model 'joined_up'" in bad.output
    alpha = CliRunner().invoke(app, ["discover", str(results), "--cases", LOSES, "--peel-alpha", "2"])
    assert alpha.exit_code == 2 and "--peel-alpha" in alpha.output


@pytest.mark.parametrize("command", ["summarise", "report"])
def test_analysis_commands_name_what_a_folder_lacks(tmp_path: Path, results: Path,
                                                    command: str) -> None:
    import shutil

    partial = tmp_path / "partial"
    shutil.copytree(results, partial)
    (partial / "experiment.json").unlink()
    done = CliRunner().invoke(app, [command, str(partial)])
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert "experiment" in done.output and str(partial) in done.output


def test_inputs_keep_whose_they_are() -> None:
    from orgsim.analysis.discovery import _condition, describe

    assert describe("organisations.NHSD.teams.digital") == "NHSD digital team"
    assert describe("ics.teams.data") == "ICS data team"
    assert describe("models.m.forums.plan.cadence_weeks") == "plan cadence weeks (M)"
    assert _condition("organisations.NHSD.teams.digital", 40.0, None) == "NHSD digital team is above 40"


def test_a_limit_between_two_grid_values_says_so() -> None:
    from orgsim.analysis.discovery import _condition, grid_of

    x = pd.DataFrame({"organisations.NHSD.teams.digital": [10.0, 20.0, 30.0, 40.0] * 8,
                      "demand.rate": np.linspace(0, 1, 32)})
    grid = grid_of(x)
    assert grid == {"organisations.NHSD.teams.digital": [10.0, 20.0, 30.0, 40.0]}  # 32 values: no grid
    assert _condition("organisations.NHSD.teams.digital", 25.0, None, grid) == \
        "NHSD digital team is above 25 (between the sampled 20 and 30)"
    assert _condition("organisations.NHSD.teams.digital", 20.0, None, grid) == \
        "NHSD digital team is above 20"  # a sampled value: nothing to add


@pytest.fixture()
def fresh(results: Path, tmp_path: Path) -> Path:
    """A copy of the results without a discovery."""
    import shutil

    folder = tmp_path / "fresh"
    shutil.copytree(results, folder, ignore=shutil.ignore_patterns("discovery", "plots"))
    return folder


def test_discover_prints_readable_tables_and_the_tree(fresh: Path) -> None:
    done = CliRunner().invoke(app, ["discover", str(fresh), "--cases", LOSES])
    assert done.exit_code == 0, done.output
    for raw in ("Empty DataFrame", "NaN", "nan", "e-0", "e+0", "DataFrame"):
        assert raw not in done.output, raw
    assert "PRIM's trajectory" in done.output and "chosen" in done.output
    assert "Classification tree (CART)" in done.output  # the tree's result is printed too
    import re

    shares = re.findall(r"\d+\.\d%", done.output)
    assert shares and all(len(s.split(".")[1]) == 2 for s in shares)  # one decimal, then %
    assert "between the sampled" in done.output  # LHS of 12 points: limits sit between samples


def test_a_second_discovery_does_not_replace_the_first(fresh: Path) -> None:
    first = CliRunner().invoke(app, ["discover", str(fresh), "--cases", LOSES])
    assert first.exit_code == 0, first.output
    before = (fresh / "discovery" / "discovery.json").read_text(encoding="utf-8")
    other = "joined_up_planning.needs_met > internal_commissioning.needs_met"
    second = CliRunner().invoke(app, ["discover", str(fresh), "--cases", other])
    assert second.exit_code == 2 and "holds a discovery already" in second.output
    assert "--overwrite" in second.output and LOSES in second.output
    assert (fresh / "discovery" / "discovery.json").read_text(encoding="utf-8") == before
    third = CliRunner().invoke(app, ["discover", str(fresh), "--cases", other, "--overwrite"])
    assert third.exit_code == 0, third.output
    assert other in (fresh / "discovery" / "discovery.json").read_text(encoding="utf-8")


def test_an_empty_box_prints_none() -> None:
    from orgsim.analysis.discovery import Discovery
    from orgsim.analysis.discovery_tables import box_table, cart_table
    from orgsim.analysis.numbers import p_value

    empty = pd.DataFrame(columns=["uncertainty", "low", "high", "explored_low", "explored_high",
                                  "qp_low", "qp_high"])
    found = Discovery(Question("m.x > 1"), pd.DataFrame(), 0, empty, empty.iloc[:0, :0], 1, 2, "")
    assert str(box_table(found)).startswith("Box 0: none")
    assert "none" in str(cart_table(found))
    assert (p_value(9.182194e-09), p_value(np.nan), p_value(0.25)) == ("< 0.001", "-", "0.250")


def test_discover_draws_pdf_and_svg_when_asked_and_refuses_an_unknown_format(fresh: Path) -> None:
    folder = fresh
    done = CliRunner().invoke(app, ["discover", str(folder), "--cases", LOSES, "--formats", "svg,pdf"])
    assert done.exit_code == 0, done.output
    assert {p.suffix for p in (folder / "plots").glob("discovery_tradeoff.*")} == {".png", ".pdf", ".svg"}
    done = CliRunner().invoke(app, ["discover", str(folder), "--cases", LOSES, "--formats", "gif"])
    assert done.exit_code == 2 and "--formats: expected a comma-separated list of png" in done.output
