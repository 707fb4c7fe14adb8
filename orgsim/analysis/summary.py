"""The statistics of a finished experiment, as DataFrames and as CSV files in `summary/`.

Tables (one row per model or pair, and outcome):

- `by_model`: each operating model pooled over every run (all design points
  and replications): mean, median and a t interval of the mean;
- `by_point`: the same per design point (empty for single-point designs);
- `paired`: every pair of models, paired by (point, replication), so both
  runs of a pair saw the same seed and the same demand;
- `sensitivity`: Morris or Sobol indices of the compared pair's difference;
- `robustness`: share of design points where each model is best;
- `regret`: each model's shortfall from the best model in the same scenario
  (design point and replication), mean, 90th percentile and maximum;
- `satisficing`: share of scenarios in which each model meets the experiment's thresholds;
- `paired_by_point`, `by_setting`, `switch_points`: the answer at each lever setting, each
  setting against today's, and where along a lever the answer changes (`whatif.py`,
  `switches.py`).

An experiment with levers is never pooled across its settings: every table above then
starts with `setting` and one column per lever, and pools only over the uncertainty
design's scenarios and the replications (its `regret` ranks every (setting, model) in
each scenario and replication).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pandas as pd

from orgsim.analysis.regret import REGRET, SATISFICING, regret, satisficing
from orgsim.analysis.robustness import COLUMNS as ROBUSTNESS
from orgsim.analysis.robustness import robustness
from orgsim.analysis.sensitivity import sensitivity
from orgsim.analysis.stats import mean_ci, paired
from orgsim.analysis.switches import COLUMNS as SWITCHES
from orgsim.analysis.switches import switch_points
from orgsim.analysis.whatif import (
    BY_SETTING,
    by_setting,
    paired_by_point,
    regret_by_setting,
    settings_of,
    with_settings,
)
from orgsim.analysis.whatif import PAIRED as PAIRED_BY
from orgsim.experiments.spec import OUTCOMES, Experiment
from orgsim.metrics.table import BETTER, COSTS
from orgsim.store.atomic import write_text

STATS = ["mean", "median", "ci_low", "ci_high", "n"]
BY_MODEL = ["model", "outcome", *STATS]
BY_POINT = ["point", *BY_MODEL]
PAIRED = ["model_a", "model_b", "outcome", "mean_diff", "ci_low", "ci_high", "n",
          "share_a_better", "share_b_better"]
SAMPLED = ("grid", "lhs", "morris", "sobol")
FLOAT_FORMAT = "%.10g"


@dataclass(frozen=True)
class Summary:
    """The tables of one experiment; column names are listed in this module's constants."""

    by_model: pd.DataFrame
    by_point: pd.DataFrame
    paired: pd.DataFrame
    sensitivity: pd.DataFrame
    robustness: pd.DataFrame
    regret: pd.DataFrame
    satisficing: pd.DataFrame
    paired_by_point: pd.DataFrame
    by_setting: pd.DataFrame
    switch_points: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Each table by its name (also its CSV file name)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def outcome_order(exp: Experiment, available: list[str]) -> list[str]:
    """The experiment's outcomes of interest first, then every other known outcome present."""
    ordered = list(dict.fromkeys([*exp.outcomes, *OUTCOMES]))
    return [o for o in ordered if o in available]


def _present(metrics: pd.DataFrame) -> list[str]:
    """The columns to summarise: without money in any run, none of the money outcomes."""
    priced = any(c in metrics and metrics[c].notna().any() for c in COSTS)
    return [c for c in metrics.columns if priced or c not in ("lead_time_funding_wait", *COSTS)]


def describe(metrics: pd.DataFrame, models: list[str], outcomes: list[str],
             by: list[str]) -> pd.DataFrame:
    """Mean, median and interval of each outcome per model (and per `by` columns)."""
    rows = []
    for key, group in metrics.groupby([*by, "model"], sort=True):
        labels = dict(zip([*by, "model"], key))
        for outcome in outcomes:
            est = mean_ci(group[outcome].to_numpy())
            rows.append({**labels, "outcome": outcome, "mean": est.mean, "median": est.median,
                         "ci_low": est.ci_low, "ci_high": est.ci_high, "n": est.n})
    table = pd.DataFrame(rows, columns=[*by, *BY_MODEL])
    return _sort(table, by, models, outcomes)


def _sort(table: pd.DataFrame, by: list[str], models: list[str],
          outcomes: list[str]) -> pd.DataFrame:
    """Models in the experiment's order, outcomes in reading order."""
    keys = table.assign(_m=table["model"].map(models.index),
                        _o=table["outcome"].map(outcomes.index))
    return keys.sort_values([*by, "_m", "_o"]).drop(columns=["_m", "_o"]).reset_index(drop=True)


def paired_table(metrics: pd.DataFrame, models: list[str], outcomes: list[str]) -> pd.DataFrame:
    """Paired differences `model_a - model_b` for every unordered pair, in the models' order."""
    keyed = metrics.set_index(["point", "replication", "model"])[outcomes]
    rows = []
    for a, b in itertools.combinations(models, 2):
        both = keyed.xs(a, level="model").merge(keyed.xs(b, level="model"), left_index=True,
                                                right_index=True, suffixes=("_a", "_b"))
        for outcome in outcomes:
            res = paired(both[f"{outcome}_a"], both[f"{outcome}_b"], BETTER.get(outcome, 0))
            rows.append({"model_a": a, "model_b": b, "outcome": outcome, **asdict(res)})
    return pd.DataFrame(rows, columns=PAIRED)


def _load(root: Path) -> tuple[Experiment, pd.DataFrame, pd.DataFrame]:
    exp = Experiment.model_validate_json((root / "experiment.json").read_text(encoding="utf-8"))
    metrics = pd.read_parquet(root / "metrics.parquet")
    design = pd.read_parquet(root / "design.parquet")
    return exp, metrics, design


def summarise(results_dir: Path, write: bool = True) -> Summary:
    """Summarise the experiment in `results_dir`; with `write`, also save `summary/<table>.csv`."""
    root = Path(results_dir)
    summary = summary_of(*_load(root))
    if write:
        save(summary, root / "summary")
    return summary


def summary_of(exp: Experiment, metrics: pd.DataFrame, design: pd.DataFrame) -> Summary:
    """The tables of an experiment's metrics [point, replication, model, outcomes...]."""
    models = [m for m in exp.models if m in set(metrics["model"])]
    metrics = metrics[metrics["model"].isin(models)]
    outcomes = outcome_order(exp, _present(metrics))
    settings = settings_of(design, exp)
    metrics = with_settings(metrics, design, exp)
    whatif = {"paired_by_point": paired_by_point(metrics, settings, exp, outcomes),
              "by_setting": by_setting(metrics, settings, exp, outcomes)}
    whatif["switch_points"] = switch_points(whatif["paired_by_point"], metrics, exp)
    if exp.levers:
        return _per_setting(exp, metrics, design, settings, models, outcomes, whatif)
    several = exp.design.kind in SAMPLED and metrics["point"].nunique() > 1
    return Summary(
        by_model=describe(metrics, models, outcomes, []),
        by_point=describe(metrics, models, outcomes, ["point"]) if several
        else pd.DataFrame(columns=BY_POINT),
        paired=paired_table(metrics, models, outcomes),
        sensitivity=sensitivity(metrics, design, exp, outcomes),
        robustness=robustness(metrics, models, outcomes) if several
        else pd.DataFrame(columns=ROBUSTNESS),
        regret=regret(metrics, models, outcomes),
        satisficing=satisficing(metrics, models, exp.satisficing),
        **whatif,
    )


def _per_setting(exp: Experiment, metrics: pd.DataFrame, design: pd.DataFrame,
                 settings: pd.DataFrame, models: list[str], outcomes: list[str],
                 whatif: dict[str, pd.DataFrame]) -> Summary:
    """The tables of an experiment with levers: each computed within each setting."""
    several = metrics["scenario"].nunique() > 1

    def each(table: Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
        parts = []
        for setting, runs in metrics.groupby("setting", sort=True):
            part = table(runs, design[design["setting"] == setting])
            parts.append(part.assign(setting=setting))
        joined = pd.concat(parts, ignore_index=True)
        return settings.merge(joined, on="setting", how="inner")

    return Summary(
        by_model=each(lambda m, d: describe(m, models, outcomes, [])),
        by_point=describe(metrics, models, outcomes, ["point"]),
        paired=each(lambda m, d: paired_table(m, models, outcomes)),
        sensitivity=each(lambda m, d: sensitivity(m, d, exp, outcomes)),
        robustness=each(lambda m, d: robustness(m, models, outcomes)) if several
        else pd.DataFrame(columns=[*settings.columns, *ROBUSTNESS]),
        regret=regret_by_setting(metrics, settings, exp, outcomes),
        satisficing=each(lambda m, d: satisficing(m, models, exp.satisficing)),
        **whatif,
    )


def save(summary: Summary, folder: Path) -> None:
    """Write each table as CSV; the same tables always give the same bytes."""
    for name, table in summary.tables().items():
        text = table.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
        write_text(folder / f"{name}.csv", text)


def load(results_dir: Path) -> Summary:
    """Read the tables `summarise` wrote, without recomputing them (a table an older version did
    not write is read as empty)."""
    folder = Path(results_dir) / "summary"
    empty = {"regret": REGRET, "satisficing": SATISFICING, "paired_by_point": ["setting", *PAIRED_BY],
             "by_setting": ["setting", *BY_SETTING], "switch_points": SWITCHES}
    return Summary(**{f.name: pd.read_csv(folder / f"{f.name}.csv")
                      if (folder / f"{f.name}.csv").exists() or f.name not in empty
                      else pd.DataFrame(columns=empty[f.name]) for f in fields(Summary)})


__all__ = ["Summary", "load", "outcome_order", "paired_table", "save", "summarise", "summary_of"]
