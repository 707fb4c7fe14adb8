"""The verdict of an experiment in words, generated from its summary tables by fixed rules.

For each outcome of interest: which operating model is best, by how much over
the next best, the 95% interval of that paired difference and the share of
paired runs it wins; for the compared pair, the trade-offs (where each is
clearly better); and warnings the statistics raise (a difference within the
noise, mean and median disagreeing, few items behind a figure, a latency that
leaves many items out, a single replication). No sentence is written for a
particular operating model: every one comes from these rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orgsim.metrics.table import BETTER, COSTS, LABELS

FEW_ITEMS = 30  # per run: below this, a per-item statistic rests on few items
UNGATED = 0.10  # share of released items without a forum above which latency is qualified
PER_ITEM = ("decision_latency", "lead_time", "time_in_system")


@dataclass(frozen=True)
class Finding:
    """The best model on one outcome, against the next best."""

    outcome: str
    best: str
    best_mean: float
    runner_up: str | None
    runner_mean: float
    diff: float  # best minus runner-up, paired
    ci_low: float
    ci_high: float
    share_better: float  # share of paired runs in which best did better
    clear: bool  # the interval of the difference excludes zero

    @property
    def sentence(self) -> str:
        label, unit = _label(self.outcome)
        best = f"{name(self.best)} ({number(self.best_mean)} {unit})"
        if self.runner_up is None:
            return f"{label}: {best}; no other model to compare."
        runner = f"{name(self.runner_up)} ({number(self.runner_mean)})"
        if not math.isfinite(self.ci_low):
            return (f"{label}: {best} is ahead of {runner} by {number(abs(self.diff))}, in one run "
                    "each: no interval, and the difference may be chance.")
        interval = f"95% CI {number(self.ci_low)} to {number(self.ci_high)}"
        if not self.clear:
            return (f"{label}: no clear winner. {best} and {runner} differ by "
                    f"{number(abs(self.diff))}, within the noise ({interval}).")
        share = self.share_better
        wins = f"; better in {share:.0%} of paired runs" if math.isfinite(share) else ""
        return (f"{label}: {best} is best, {number(abs(self.diff))} {_direction(self.outcome)} than "
                f"{runner} ({interval}){wins}.")


@dataclass(frozen=True)
class Verdict:
    findings: list[Finding]
    tradeoffs: list[str]
    warnings: list[str]


def name(model: str) -> str:
    """`two_tier_model` -> `Two tier model`, as the plots label models."""
    text = model.replace("_", " ")
    return text[:1].upper() + text[1:]


def number(value: float) -> str:
    """Three significant figures, thousands separated, never in exponent form."""
    if not math.isfinite(value):
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return np.format_float_positional(value, precision=3, unique=True, fractional=False, trim="-")


def _label(outcome: str) -> tuple[str, str]:
    return LABELS.get(outcome, (outcome, ""))


def _direction(outcome: str) -> str:
    return "lower" if BETTER.get(outcome, 0) < 0 else "higher"


def _pair(paired: pd.DataFrame, a: str, b: str, outcome: str) -> tuple[float, float, float, float]:
    """Mean, interval and share-a-better of `a - b` on `outcome`, whichever way it is stored."""
    rows = paired[(paired["outcome"] == outcome) & (paired["model_a"] == a) & (paired["model_b"] == b)]
    if len(rows):
        r = rows.iloc[0]
        return float(r.mean_diff), float(r.ci_low), float(r.ci_high), float(r.share_a_better)
    rows = paired[(paired["outcome"] == outcome) & (paired["model_a"] == b) & (paired["model_b"] == a)]
    if not len(rows):
        return math.nan, math.nan, math.nan, math.nan
    r = rows.iloc[0]
    return -float(r.mean_diff), -float(r.ci_high), -float(r.ci_low), float(r.share_b_better)


def finding(by_model: pd.DataFrame, paired: pd.DataFrame, outcome: str) -> Finding | None:
    """The best model on `outcome` (None when the outcome has no direction or no values)."""
    direction = BETTER.get(outcome, 0)
    means = by_model[by_model["outcome"] == outcome].set_index("model")["mean"].dropna()
    if direction == 0 or means.empty:
        return None
    ranked = (means * direction).sort_values(ascending=False, kind="stable").index.tolist()
    best = ranked[0]
    if len(ranked) == 1:
        return Finding(outcome, best, float(means[best]), None, math.nan, math.nan, math.nan,
                       math.nan, math.nan, True)
    runner = ranked[1]
    diff, low, high, share = _pair(paired, best, runner, outcome)
    clear = math.isfinite(low) and (low > 0 or high < 0)
    if not math.isfinite(low):  # one replication: say which is ahead, not that it is clearly so
        clear = False
    return Finding(outcome, best, float(means[best]), runner, float(means[runner]), diff, low, high,
                   share, clear)


def verdict(by_model: pd.DataFrame, paired: pd.DataFrame, outcomes: list[str],
            pair: tuple[str, str] | None) -> Verdict:
    """Findings on `outcomes`, trade-offs of `pair`, and warnings."""
    findings = [f for o in outcomes if (f := finding(by_model, paired, o)) is not None]
    return Verdict(findings, tradeoffs(by_model, paired, pair, outcomes),
                   warnings(by_model, findings))


def tradeoffs(by_model: pd.DataFrame, paired: pd.DataFrame, pair: tuple[str, str] | None,
              outcomes: list[str]) -> list[str]:
    """Where each model of the compared pair is clearly better (paired 95% CI excluding zero)."""
    if pair is None:
        return []
    present = set(by_model["outcome"])
    extra = [o for o in LABELS if o.startswith("lead_time_") and o not in ("lead_time_mean",)]
    extra += list(COSTS)  # what it costs (not a number in runs without money: never a trade-off)
    candidates = [o for o in dict.fromkeys([*outcomes, "decision_latency_median", "lead_time_median",
                                            "time_in_system_mean", "hidden_work_share", *extra])
                  if o in present and BETTER.get(o, 0) != 0]
    wins: dict[str, list[str]] = {pair[0]: [], pair[1]: []}
    for o in candidates:
        diff, low, high, _ = _pair(paired, pair[0], pair[1], o)
        if not math.isfinite(low) or low <= 0 <= high:
            continue
        better = pair[0] if diff * BETTER[o] > 0 else pair[1]
        wins[better].append(_short(o))
    out = []
    for model, which in wins.items():
        if which:
            out.append(f"{name(model)} does clearly better on " + _listed(which) + ".")
    if not any(wins.values()):
        single = not math.isfinite(_pair(paired, pair[0], pair[1], candidates[0])[1]) if candidates \
            else False
        out.append(f"With one run per model no difference between {name(pair[0])} and "
                   f"{name(pair[1])} can be called clear." if single else
                   f"{name(pair[0])} and {name(pair[1])} differ clearly on none of these outcomes.")
    return out


def _short(outcome: str) -> str:
    """An outcome's label inside a sentence: `time waiting for a forum` for a lead time part."""
    label = _label(outcome)[0]
    if label.startswith("Lead time: "):
        return "time " + label.removeprefix("Lead time: ") if "waiting" in label else \
            label.removeprefix("Lead time: ") + " time"
    return label[:1].lower() + label[1:]


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def warnings(by_model: pd.DataFrame, findings: list[Finding]) -> list[str]:
    """What a careful reader should know before acting on the findings."""
    cell = by_model.set_index(["outcome", "model"])
    out: list[str] = []
    runs = int(by_model["n"].max()) if len(by_model) else 0
    if runs < 2:
        out.append("One replication per model: no confidence intervals, and any difference may be "
                   "luck. Run an experiment with replications before drawing conclusions.")
    for f in findings:
        if f.runner_up is None:
            continue
        out += _mean_and_median(cell, f) + _few_items(cell, f) + _ungated(cell, f) + _censored(cell, f)
        if f.clear and _overlap(cell, f):
            out.append(f"{_label(f.outcome)[0]}: the confidence intervals of {name(f.best)} and "
                       f"{name(f.runner_up)} overlap, yet the paired comparison (same demand in "
                       "both) separates them.")
    return out


def _value(cell: pd.DataFrame, outcome: str, model: str, column: str = "mean") -> float:
    try:
        return float(cell.loc[(outcome, model), column])
    except KeyError:
        return math.nan


def _mean_and_median(cell: pd.DataFrame, f: Finding) -> list[str]:
    base = next((b for b in PER_ITEM if f.outcome == f"{b}_mean"), None)
    if base is None or f.runner_up is None:
        return []
    median = f"{base}_median"
    mine, theirs = _value(cell, median, f.best), _value(cell, median, f.runner_up)
    if not (math.isfinite(mine) and math.isfinite(theirs)) or mine <= theirs:
        return []
    label = _label(median)[0].split(" (")[0].lower()
    return [f"{name(f.best)} has the lower {label} on average, but the typical item waits longer: "
            f"its median is {number(mine)} weeks against {number(theirs)} under "
            f"{name(f.runner_up)}, so a few long waits drive the mean."]


def _few_items(cell: pd.DataFrame, f: Finding) -> list[str]:
    base = next((b for b in PER_ITEM if f.outcome.startswith(b + "_")), None)
    if base is None:
        return []
    counts = {m: _value(cell, f"{base}_n", m) for m in (f.best, f.runner_up) if m is not None}
    few = {m: n for m, n in counts.items() if math.isfinite(n) and n < FEW_ITEMS}
    return [f"{_label(f.outcome)[0]} of {name(m)} rests on few items ({number(n)} a run on "
            "average): treat it with care." for m, n in few.items()]


def _ungated(cell: pd.DataFrame, f: Finding) -> list[str]:
    if not f.outcome.startswith("decision_latency_"):
        return []
    share = _value(cell, "decision_latency_ungated_share", f.best)
    if not math.isfinite(share) or share <= UNGATED:
        return []
    return [f"{name(f.best)}'s decision latency counts only items that met a forum: {share:.0%} of "
            "its released items met none (they are left out, not counted as instant decisions)."]


def _censored(cell: pd.DataFrame, f: Finding) -> list[str]:
    """Needs met counts arrivals met by the horizon: a lead in it can be speed, not capacity.

    With the same arrivals (same demand), needs met times quarters differs between two
    models by the difference in rejections plus the difference in items still in the
    system at the horizon; when the latter is most of it, both meet demand at about the
    same rate and the one ahead is faster.
    """
    if f.outcome != "needs_met" or f.runner_up is None or not f.clear:
        return []
    held = [_value(cell, "in_system", m) for m in (f.best, f.runner_up)]
    rejected = [_value(cell, "rejected", m) for m in (f.best, f.runner_up)]
    if not all(map(math.isfinite, (*held, *rejected))):
        return []
    censored, refused = held[1] - held[0], rejected[1] - rejected[0]
    if censored <= 0 or censored < abs(refused):
        return []
    return [f"Needs met: most of the lead of {name(f.best)} over {name(f.runner_up)} is initiatives "
            f"still in the system at the horizon ({number(held[0])} against {number(held[1])} a "
            f"run), not fewer rejections ({number(rejected[0])} against {number(rejected[1])}): "
            "both meet demand at about the same rate once running, and the one ahead meets it "
            "sooner (see needs met over time)."]


def _overlap(cell: pd.DataFrame, f: Finding) -> bool:
    if f.runner_up is None:
        return False
    a = (_value(cell, f.outcome, f.best, "ci_low"), _value(cell, f.outcome, f.best, "ci_high"))
    b = (_value(cell, f.outcome, f.runner_up, "ci_low"), _value(cell, f.outcome, f.runner_up, "ci_high"))
    return all(map(math.isfinite, (*a, *b))) and a[0] <= b[1] and b[0] <= a[1]
