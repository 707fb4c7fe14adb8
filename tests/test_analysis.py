"""The statistics of experiments: intervals against their nominal coverage, paired
differences, win shares and robustness against hand-computed answers, and the
Morris and Sobol wiring on functions whose sensitivities are known."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from orgsim.analysis import load, mean_ci, paired, summarise
from orgsim.analysis.robustness import robustness
from orgsim.analysis.summary import BY_MODEL, BY_POINT, PAIRED, paired_table
from orgsim.experiments.design import sample
from orgsim.experiments.runner import run
from orgsim.experiments.spec import Experiment
from orgsim.metrics.table import BETTER

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "configs" / "nhs_england.yaml"
MODELS = ["internal_commissioning", "joined_up_planning"]
UNCERTAIN = ["models.joined_up_planning.planning_overhead.TD", "demand.ics_rate_per_week"]


# --- confidence intervals -------------------------------------------------------------------

@pytest.mark.parametrize(("draw", "mean", "n", "skew_allowance"), [
    (lambda rng, shape: rng.normal(3.0, 2.0, shape), 3.0, 10, 0.0),
    # The t interval undercovers skewed data by a term of order skewness/sqrt(n).
    (lambda rng, shape: rng.exponential(2.0, shape), 2.0, 40, 0.025),
], ids=["normal", "exponential"])
def test_ci_covers_the_true_mean_at_the_nominal_rate(draw, mean, n, skew_allowance) -> None:
    trials = 4000
    samples = draw(np.random.default_rng(20240601), (trials, n))
    covered = [e.ci_low <= mean <= e.ci_high for e in map(mean_ci, samples)]
    coverage = float(np.mean(covered))
    binomial = 4 * math.sqrt(0.95 * 0.05 / trials)
    assert abs(coverage - 0.95) <= binomial + skew_allowance, coverage


def test_ci_matches_the_t_interval_and_drops_nans() -> None:
    x = np.array([1.0, 4.0, 2.5, np.nan, 7.0])
    est = mean_ci(x)
    low, high = stats.t.interval(0.95, 3, loc=3.625, scale=stats.sem([1.0, 4.0, 2.5, 7.0]))
    assert (est.n, est.mean, est.median) == (4, 3.625, 3.25)
    assert est.ci_low == pytest.approx(low) and est.ci_high == pytest.approx(high)
    one = mean_ci([5.0])
    assert one.mean == 5.0 and one.n == 1 and math.isnan(one.ci_low) and math.isnan(one.ci_high)
    assert mean_ci([]).n == 0


# --- paired differences and win shares ------------------------------------------------------

def hand_metrics() -> pd.DataFrame:
    """Two points x three replications x three models, rows shuffled."""
    lead = {"A": [10, 12, 11, 9, 20, 15], "B": [11, 12, 14, 8, 25, 16], "C": [5, 6, 7, 8, 9, 10]}
    met = {"A": [3, 3, 4, 5, 1, 2], "B": [2, 3, 5, 4, 1, 1], "C": [1, 1, 1, 1, 1, 1]}
    rows = [{"point": i // 3, "replication": i % 3, "model": m, "seed": i % 3,
             "lead_time_mean": float(lead[m][i]), "needs_met": float(met[m][i]),
             "utilisation": 0.1 * i} for m in "ABC" for i in range(6)]
    return pd.DataFrame(rows).sample(frac=1.0, random_state=3).reset_index(drop=True)


def test_paired_differences_pair_runs_by_point_and_replication() -> None:
    table = paired_table(hand_metrics(), ["A", "B", "C"], ["lead_time_mean", "needs_met",
                                                              "utilisation"])
    assert list(table.columns) == PAIRED
    assert list(zip(table.model_a, table.model_b)) == [("A", "B")] * 3 + [("A", "C")] * 3 \
        + [("B", "C")] * 3
    row = table[(table.model_a == "A") & (table.model_b == "B")].set_index("outcome")
    diff = np.array([-1, 0, -3, 1, -5, -1], dtype=float)
    low, high = stats.t.interval(0.95, 5, loc=diff.mean(), scale=stats.sem(diff))
    lead = row.loc["lead_time_mean"]
    assert lead.mean_diff == pytest.approx(diff.mean()) and lead.n == 6
    assert (lead.ci_low, lead.ci_high) == (pytest.approx(low), pytest.approx(high))
    # lower lead time is better: A is lower in 4 pairs, higher in 1, tied in 1
    assert lead.share_a_better == pytest.approx(4 / 6)
    assert lead.share_b_better == pytest.approx(1 / 6)
    met = row.loc["needs_met"]  # higher is better: A higher in 3, lower in 1, tied in 2
    assert met.share_a_better == pytest.approx(3 / 6)
    assert met.share_b_better == pytest.approx(1 / 6)
    util = row.loc["utilisation"]
    assert BETTER["utilisation"] == 0 and util.mean_diff == pytest.approx(0.0)
    assert math.isnan(util.share_a_better) and math.isnan(util.share_b_better)


def test_paired_drops_pairs_with_a_missing_side() -> None:
    res = paired([1.0, np.nan, 3.0, 4.0], [0.0, 1.0, np.nan, 5.0], better=-1)
    assert res.n == 2 and res.mean_diff == pytest.approx(0.0)
    assert (res.share_a_better, res.share_b_better) == (0.5, 0.5)


def test_robustness_counts_best_models_and_splits_ties() -> None:
    means = {  # point -> (A, B, C) replication means
        "lead_time_mean": [(1, 2, 3), (2, 1, 3), (1, 1, 3), (5, 4, 3)],
        "needs_met": [(1, 2, 3), (2, 1, 3), (1, 1, 3), (5, 4, 3)],
    }
    rows = [{"point": p, "replication": 0, "model": m, "utilisation": 0.5,
             **{o: float(means[o][p][i]) for o in means}}
            for p in range(4) for i, m in enumerate("ABC")]
    table = robustness(pd.DataFrame(rows), ["A", "B", "C"], ["lead_time_mean", "needs_met",
                                                              "utilisation"])
    assert list(table.columns) == ["outcome", "model", "share_best", "n"]
    shares = table.set_index(["outcome", "model"]).share_best
    assert shares["lead_time_mean"].tolist() == pytest.approx([1.5 / 4, 1.5 / 4, 1 / 4])
    assert shares["needs_met"].tolist() == pytest.approx([1 / 4, 0, 3 / 4])
    assert "utilisation" not in set(table.outcome) and set(table.n) == {4}


# --- sensitivity wiring on known functions --------------------------------------------------

def fake_results(root: Path, kind: str, samples: int, replications: int = 2) -> Experiment:
    """A results directory for y_A - y_B = 5 x1 + x2 + 0 x3 plus common noise that cancels."""
    exp = Experiment.model_validate({
        "name": "known", "scenario": "none.yaml", "models": ["A", "B"],
        "uncertainties": {f"demand.x{i}": {"low": 0.0, "high": 1.0} for i in (1, 2, 3)},
        "design": {"kind": kind, "samples": samples}, "replications": replications, "seed": 5})
    x = sample(exp, 11)
    noise = np.random.default_rng(0).normal(0.0, 3.0, (len(x), replications))
    rows = [{"point": p, "replication": r, "model": m, "seed": r,
             "needs_met": (5 * x[p, 0] + x[p, 1] if m == "A" else 0.0) + noise[p, r],
             "lead_time_mean": 2.0 + noise[p, r]}
            for p in range(len(x)) for r in range(replications) for m in ("A", "B")]
    design = pd.DataFrame(x, columns=list(exp.uncertainties))
    design.insert(0, "point", range(len(x)))
    root.mkdir(parents=True, exist_ok=True)
    design.iloc[::-1].to_parquet(root / "design.parquet", index=False)  # order must not matter
    pd.DataFrame(rows).to_parquet(root / "metrics.parquet", index=False)
    (root / "experiment.json").write_text(json.dumps(exp.model_dump(mode="json")))
    return exp


def test_morris_ranks_a_known_linear_function(tmp_path: Path) -> None:
    fake_results(tmp_path, "morris", 10)
    table = summarise(tmp_path, write=False).sensitivity
    assert list(table.columns) == ["outcome", "uncertainty", "mu", "mu_star", "mu_star_conf",
                                   "sigma"]
    met = table[table.outcome == "needs_met"].set_index("uncertainty")
    assert met.mu_star.tolist() == pytest.approx([5.0, 1.0, 0.0], abs=1e-9)
    assert met.sigma.tolist() == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)
    flat = table[table.outcome == "lead_time_mean"]  # the difference is constant
    assert flat.mu_star.tolist() == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)


def test_sobol_decomposes_a_known_linear_function(tmp_path: Path) -> None:
    fake_results(tmp_path, "sobol", 256)
    table = summarise(tmp_path, write=False).sensitivity
    assert list(table.columns) == ["outcome", "uncertainty", "S1", "S1_conf", "ST", "ST_conf"]
    met = table[table.outcome == "needs_met"].set_index("uncertainty")
    assert met.S1.tolist() == pytest.approx([25 / 26, 1 / 26, 0.0], abs=0.08)
    assert met.ST.tolist() == pytest.approx([25 / 26, 1 / 26, 0.0], abs=0.08)
    assert met.S1.idxmax() == "demand.x1" and met.ST.idxmin() == "demand.x3"
    assert table[table.outcome == "lead_time_mean"].S1.isna().all()  # nothing to decompose


def test_sensitivity_tables_are_reproducible(tmp_path: Path) -> None:
    fake_results(tmp_path, "sobol", 64)
    summarise(tmp_path)
    first = (tmp_path / "summary" / "sensitivity.csv").read_bytes()
    summarise(tmp_path)
    assert (tmp_path / "summary" / "sensitivity.csv").read_bytes() == first


# --- a real experiment, end to end ----------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Experiment]:
    folder = tmp_path_factory.mktemp("tiny_experiment")
    spec = tiny_spec("lhs", samples=3, replications=2)
    (folder / "tiny.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    out = run(folder / "tiny.yaml", out=folder / "results", backend="serial")
    return out, Experiment.model_validate(spec)


def tiny_spec(kind: str, samples: int, replications: int) -> dict:
    """The small LHS experiment of the examples, on a 40-week horizon."""
    return {"name": "tiny", "scenario": str(SCENARIO), "models": MODELS,
            "uncertainties": {UNCERTAIN[0]: {"low": 0.0, "high": 0.5},
                              UNCERTAIN[1]: {"low": 0.03, "high": 0.09}},
            "design": {"kind": kind, "samples": samples}, "replications": replications,
            "horizon_weeks": 40, "warmup_weeks": 8, "seed": 1}


def test_summarise_a_real_experiment(tiny_results: tuple[Path, Experiment]) -> None:
    root, exp = tiny_results
    summary = summarise(root)
    outcomes = summary.by_model.outcome.unique().tolist()
    assert outcomes[:len(exp.outcomes)] == exp.outcomes
    assert list(summary.by_model.columns) == BY_MODEL and list(summary.by_point.columns) == BY_POINT
    assert len(summary.by_model) == 2 * len(outcomes)
    assert len(summary.by_point) == 3 * 2 * len(outcomes)
    assert set(summary.by_model.n) <= set(range(7)) and summary.by_model.n.max() == 6
    inside = summary.by_model.dropna(subset=["ci_low"])
    assert ((inside.ci_low <= inside["mean"]) & (inside["mean"] <= inside.ci_high)).all()
    assert len(summary.paired) == len(outcomes) and summary.sensitivity.empty
    ranked = [o for o in outcomes if BETTER[o] != 0]
    assert len(summary.robustness) == 2 * len(ranked)
    sums = summary.robustness.groupby("outcome").share_best.sum(min_count=1)
    assert np.allclose(sums.dropna(), 1.0)


def test_summary_files_are_byte_identical_and_reload(tiny_results: tuple[Path, Experiment]) -> None:
    root, _ = tiny_results
    summary = summarise(root)
    names = ["by_model", "by_point", "paired", "sensitivity", "robustness"]
    first = {n: (root / "summary" / f"{n}.csv").read_bytes() for n in names}
    summarise(root)
    assert {n: (root / "summary" / f"{n}.csv").read_bytes() for n in names} == first
    again = load(root)
    for name, table in summary.tables().items():
        assert list(getattr(again, name).columns) == list(table.columns), name
    pd.testing.assert_frame_equal(again.by_model, summary.by_model, check_dtype=False, rtol=1e-9)


def test_morris_on_a_real_experiment(tmp_path: Path) -> None:
    spec = tiny_spec("morris", samples=2, replications=1)
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    summary = summarise(run(tmp_path / "m.yaml", out=tmp_path / "results", backend="serial"))
    table = summary.sensitivity
    assert len(table) == summary.by_model.outcome.nunique() * len(UNCERTAIN)
    met = table[table.outcome == "needs_met"]
    assert met.uncertainty.tolist() == UNCERTAIN and met.mu_star.notna().all()
    assert (met.mu_star >= met.mu.abs() - 1e-12).all()
    assert len(summary.robustness.groupby("outcome")) == sum(
        BETTER[o] != 0 for o in summary.by_model.outcome.unique())


def test_single_design_has_no_point_sensitivity_or_robustness_tables(tmp_path: Path) -> None:
    exp = Experiment.model_validate({"name": "one", "scenario": "s.yaml", "models": ["A", "B"],
                                     "replications": 3})
    metrics = hand_metrics()
    metrics = metrics[metrics.point == 0].drop(columns="utilisation")
    pd.DataFrame({"point": [0]}).to_parquet(tmp_path / "design.parquet", index=False)
    metrics.to_parquet(tmp_path / "metrics.parquet", index=False)
    (tmp_path / "experiment.json").write_text(json.dumps(exp.model_dump(mode="json")))
    summary = summarise(tmp_path)
    assert summary.by_model.model.tolist() == ["A", "A", "B", "B"]  # C is not in the experiment
    assert summary.by_model.outcome.tolist() == ["needs_met", "lead_time_mean"] * 2  # default order
    assert set(summary.by_model.n) == {3} and len(summary.paired) == 2
    for name in ("by_point", "sensitivity", "robustness"):
        assert getattr(summary, name).empty
        header = (tmp_path / "summary" / f"{name}.csv").read_text().strip()
        assert header == ",".join(getattr(summary, name).columns)
