"""What-if answers: each lever setting on its own, pooled only over the uncertain numbers.

A setting is one combination of lever values; a scenario one point of the uncertainty
design. Every (setting, scenario, replication) ran every model with the same seed, so
differences are paired twice over: between models at one setting, and between a setting
and the baseline (today's setting) for one model. Nothing here pools across settings.

- `paired_by_point`: per setting, outcome and pair of models, the mean of `a - b` with its
  95% t interval, the share of pairs in which `a` is better, and the better side when the
  interval excludes zero;
- `by_setting`: per setting, model and outcome, the mean against the baseline setting's
  mean, paired by (scenario, replication);
- `regret_by_setting`: each (setting, model) against the best (setting, model) of the same
  scenario and replication: the regret of a choice across the uncertain numbers.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgsim.analysis.regret import regret_of
from orgsim.analysis.stats import paired
from orgsim.experiments.spec import Experiment
from orgsim.metrics.table import BETTER

PAIRED = ["outcome", "a", "b", "mean_a", "mean_b", "mean_diff", "ci_low", "ci_high",
          "win_share_a", "n", "better"]
BY_SETTING = ["model", "outcome", "mean", "baseline_mean", "mean_diff", "ci_low", "ci_high",
              "win_share", "n", "is_baseline"]
REGRET = ["model", "outcome", "mean_regret", "p90_regret", "max_regret", "share_best", "n"]
PAIR_KEYS = ["scenario", "replication"]


def lever_columns(exp: Experiment) -> list[str]:
    return ["setting", *exp.levers]


def settings_of(design: pd.DataFrame, exp: Experiment) -> pd.DataFrame:
    """One row per setting: its id and lever values (one setting, 0, without levers)."""
    if not exp.levers or "setting" not in design:
        return pd.DataFrame({"setting": [0]})
    return design.drop_duplicates("setting").sort_values("setting")[lever_columns(exp)] \
        .reset_index(drop=True)


def with_settings(metrics: pd.DataFrame, design: pd.DataFrame, exp: Experiment) -> pd.DataFrame:
    """The metrics with `setting` and `scenario` columns (setting 0 and scenario = point without
    levers), whatever version of the runner wrote them."""
    if "setting" in metrics and "scenario" in metrics:
        return metrics
    if exp.levers and "setting" in design:
        ids = design.set_index("point")[["setting", "scenario"]]
        return metrics.join(ids, on="point")
    return metrics.assign(setting=0, scenario=metrics["point"])


def pairs(exp: Experiment) -> list[tuple[str, str]]:
    """Every pair of models in their order, the compared pair the way round `compare` says."""
    out = list(itertools.combinations(exp.models, 2))
    if exp.pair is not None and exp.pair not in out:
        out[out.index((exp.pair[1], exp.pair[0]))] = exp.pair
    return out


def _side(keyed: pd.DataFrame, model: str) -> pd.DataFrame:
    return keyed.xs(model, level="model")


def _aligned(keyed: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    return _pair(_side(keyed, a), _side(keyed, b))


def _pair(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Rows of `a` and `b` with the same index side by side, columns suffixed `_a` and `_b`."""
    return a.merge(b, left_index=True, right_index=True, how="inner", suffixes=("_a", "_b"))


def _sides(both: pd.DataFrame, outcomes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The `_a` and `_b` columns of `outcomes` as two arrays (pairs x outcomes)."""
    return (both[[f"{o}_a" for o in outcomes]].to_numpy(dtype=float),
            both[[f"{o}_b" for o in outcomes]].to_numpy(dtype=float))


def _compare(xs: np.ndarray, ys: np.ndarray, better: int) -> dict[str, Any]:
    """Means of both sides over the pairs kept, the paired difference and its interval."""
    keep = ~(np.isnan(xs) | np.isnan(ys))
    res = paired(xs, ys, better)
    return {"mean_a": float(xs[keep].mean()) if keep.any() else math.nan,
            "mean_b": float(ys[keep].mean()) if keep.any() else math.nan,
            "mean_diff": res.mean_diff, "ci_low": res.ci_low, "ci_high": res.ci_high,
            "win_share": res.share_a_better, "n": res.n}


def _better(row: dict[str, Any], better: int, a: str, b: str) -> str:
    """The better side's name when the interval excludes zero (and the outcome has a direction)."""
    low, high = row["ci_low"], row["ci_high"]
    if better == 0 or not (low > 0 or high < 0):
        return ""
    return a if better * row["mean_diff"] > 0 else b


def _framed(rows: list[dict[str, Any]], settings: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["setting", *columns])
    return settings.merge(table, on="setting", how="inner")


def paired_by_point(metrics: pd.DataFrame, settings: pd.DataFrame, exp: Experiment,
                    outcomes: list[str]) -> pd.DataFrame:
    """One row per setting x outcome x pair of models (see the module docstring)."""
    keyed = metrics.set_index(["setting", *PAIR_KEYS, "model"])[outcomes]
    rows = []
    for a, b in pairs(exp):
        both = _aligned(keyed, a, b)
        for setting, group in both.groupby(level="setting", sort=True):
            xs, ys = _sides(group, outcomes)
            for i, outcome in enumerate(outcomes):
                better = BETTER.get(outcome, 0)
                row = _compare(xs[:, i], ys[:, i], better)
                row["win_share_a"] = row.pop("win_share")
                rows.append({"setting": setting, "outcome": outcome, "a": a, "b": b, **row,
                             "better": _better(row, better, a, b)})
    return _framed(rows, settings, PAIRED)


def baseline_setting(settings: pd.DataFrame, exp: Experiment) -> int:
    """The id of the setting whose lever values are the baseline's (0 without levers)."""
    if not exp.levers:
        return 0
    match = np.ones(len(settings), dtype=bool)
    for path, value in exp.baseline.items():
        match &= np.isclose(settings[path].to_numpy(dtype=float), float(value))
    found = settings.loc[match, "setting"]
    if found.empty:
        raise ValueError("no setting has the baseline's lever values")
    return int(found.iloc[0])


def by_setting(metrics: pd.DataFrame, settings: pd.DataFrame, exp: Experiment,
               outcomes: list[str]) -> pd.DataFrame:
    """Each setting against the baseline setting, per model and outcome (empty without levers)."""
    if not exp.levers:
        return pd.DataFrame(columns=[*lever_columns(exp), *BY_SETTING])
    base = baseline_setting(settings, exp)
    keyed = metrics.set_index(["model", "setting", *PAIR_KEYS])[outcomes]
    rows = []
    for model in exp.models:
        runs = keyed.xs(model, level="model")
        today = runs.xs(base, level="setting")
        for setting, group in runs.groupby(level="setting", sort=True):
            xs, ys = _sides(_pair(group.droplevel("setting"), today), outcomes)
            for i, outcome in enumerate(outcomes):
                row = _compare(xs[:, i], ys[:, i], BETTER.get(outcome, 0))
                rows.append({"setting": setting, "model": model, "outcome": outcome,
                             "mean": row["mean_a"], "baseline_mean": row["mean_b"],
                             **{k: row[k] for k in ("mean_diff", "ci_low", "ci_high", "win_share",
                                                    "n")},
                             "is_baseline": setting == base})
    return _framed(rows, settings, BY_SETTING)


def regret_by_setting(metrics: pd.DataFrame, settings: pd.DataFrame, exp: Experiment,
                      outcomes: list[str]) -> pd.DataFrame:
    """Each (setting, model)'s shortfall from the best (setting, model) of the same scenario and
    replication: mean, 90th percentile and maximum over them, and the share in which it is best."""
    rows = []
    for outcome in (o for o in outcomes if BETTER.get(o, 0) != 0):
        wide = metrics.pivot_table(index=PAIR_KEYS, columns=["setting", "model"], values=outcome,
                                   aggfunc="first", dropna=False).dropna()
        gaps = regret_of(wide, BETTER[outcome])
        for (setting, model), gap in gaps.items():
            g = gap.to_numpy(dtype=float)
            stats = {"mean_regret": float(np.mean(g)), "p90_regret": float(np.percentile(g, 90)),
                     "max_regret": float(np.max(g)), "share_best": float(np.mean(g == 0))} \
                if len(g) else dict.fromkeys(("mean_regret", "p90_regret", "max_regret",
                                              "share_best"), math.nan)
            rows.append({"setting": setting, "model": model, "outcome": outcome, **stats,
                         "n": len(g)})
    table = _framed(rows, settings, REGRET)
    order = {m: i for i, m in enumerate(exp.models)}
    return table.assign(_m=table["model"].map(order)).sort_values(["outcome", "setting", "_m"]) \
        .drop(columns="_m").reset_index(drop=True)


@dataclass(frozen=True)
class WhatIf:
    """The what-if tables of an experiment with levers, as the report reads them."""

    levers: list[str]
    labels: dict[str, str]
    baseline: dict[str, float]
    paired: pd.DataFrame
    by_setting: pd.DataFrame
    switches: pd.DataFrame
    scenarios: int
    replications: int
    uncertain: bool  # whether any uncertainty was varied (else intervals cover run-to-run randomness only)


def read_whatif(root: Path) -> WhatIf | None:
    """The what-if tables `orgsim summarise` wrote in `root/summary`, or None for an experiment
    without levers."""
    root = Path(root)
    exp = Experiment.model_validate_json((root / "experiment.json").read_text(encoding="utf-8"))
    if not exp.levers:
        return None
    folder = root / "summary"
    design = pd.read_parquet(root / "design.parquet", columns=["scenario"])
    return WhatIf(list(exp.levers), {p: lever.label for p, lever in exp.levers.items()},
                  dict(exp.baseline), pd.read_csv(folder / "paired_by_point.csv"),
                  pd.read_csv(folder / "by_setting.csv"), pd.read_csv(folder / "switch_points.csv"),
                  int(design["scenario"].nunique()), exp.replications,
                  bool(exp.uncertainties) or exp.ensemble is not None)


__all__ = ["WhatIf", "baseline_setting", "by_setting", "paired_by_point", "pairs", "read_whatif",
           "regret_by_setting", "settings_of", "with_settings"]
