"""Report sections about the design and the results tables."""

from __future__ import annotations

from typing import Any

import pandas as pd

from orgsim.config.limits import count
from orgsim.metrics.table import COSTS, DEFINITIONS, LABELS
from orgsim.report.data import Inputs, shown
from orgsim.report.html import collapsed, fmt, frame_table, pairs, paragraph, table
from orgsim.store.provenance import LIBRARIES

VERSIONS = ("orgsim", "python", *LIBRARIES)

def _label(outcome: str) -> tuple[str, str]:
    return LABELS.get(outcome, (outcome, ""))


SINGLE = ("One run per operating model: each value is that run's, without a confidence "
          "interval. A difference between models may be chance; an experiment with replications "
          "gives intervals.")


def _ci(mean: float, low: float, high: float) -> str:
    if pd.isna(low) and pd.isna(high):
        return fmt(mean)
    return f"{fmt(mean)} [{fmt(low)}, {fmt(high)}]"


def _share(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.0%}"


def _workers(n: Any) -> str:
    return count(n, "worker") if isinstance(n, int) else "? workers"


def _kind(design: Any) -> str:
    detail = {"lhs": count(design.samples, "sample"),
              "morris": f"{count(design.samples, 'trajectory')}, {count(design.levels, 'level')}",
              "sobol": f"base sample {design.samples}",
              "grid": f"{count(design.levels, 'level')} per range"}.get(design.kind)
    return f"{design.kind}, {detail}" if detail else design.kind


def design(inputs: Inputs) -> str:
    exp, m = inputs.exp, inputs.manifest
    items = [("design", _kind(exp.design)),
             ("design points", fmt(m.get("design_points", len(inputs.design)))),
             ("replications per point", fmt(exp.replications)),
             ("operating models", ", ".join(exp.models)),
             ("compared pair (A minus B)", " minus ".join(exp.pair) if exp.pair else "–"),
             ("runs", fmt(m.get("runs", len(inputs.metrics)))),
             ("root seed", str(m.get("root_seed", "–"))),
             ("design seed", str(m.get("design_seed", "–"))),
             ("replication seeds", ", ".join(str(s) for s in m.get("replication_seeds", []))),
             ("experiment file", _file(m.get("experiment_file"), inputs)) if inputs.kind != "run"
             else ("written by", "orgsim run: one replication per operating model"),
             ("scenario file", _file(inputs.scenario_path, inputs)),
             ("software", ", ".join(f"{k} {m[k]}" for k in VERSIONS if m.get(k))),
             ("orgsim", made_by(m)),
             ("git commit", str(m.get("git_commit") or "–") + (" (uncommitted changes)"
                                                              if m.get("git_dirty") else "")),
             ("command", " ".join(m.get("command_line") or []) or "–"),
             ("run", _times(m))]
    out = pairs(items)
    if exp.design.kind != "single" and len(inputs.design):
        out += collapsed(f"Design points ({len(inputs.design)})", frame_table(inputs.design))
    return out


def made_by(m: dict[str, Any]) -> str:
    """The orgsim that made the results: version, short commit and "dirty" (older manifests: version)."""
    return str(m.get("orgsim_identity") or m.get("orgsim") or "unknown")


def _times(m: dict[str, Any]) -> str:
    """First start to last finish; how many times it was started when it was resumed."""
    text = (f"{m.get('started_utc', '?')} to {m.get('finished_utc', 'unfinished')}, "
            f"backend {m.get('backend', '?')}, {m.get('workers', '?')} workers")
    starts = len(m.get("sessions") or [])
    if starts > 1:
        text += f"; started {starts} times (resumed), last at {m.get('last_started_utc', '?')}"
    return text


def _file(path: Any, inputs: Inputs) -> str:
    """A configuration file, relative to the results folder."""
    return "–" if not path else shown(path, inputs.root)


def headline(summary: Any, exp: Any) -> str:
    by = summary.by_model
    if not len(by):
        return paragraph("No runs to summarise.")
    models = list(dict.fromkeys(by["model"]))
    cells = by.set_index(["outcome", "model"])[["mean", "ci_low", "ci_high"]]
    n = by.groupby("model")["n"].max()

    def rows(outcomes: list[str]) -> list[list[str]]:
        return [[*_label(o), *(_ci(*cells.loc[(o, m)]) for m in models), DEFINITIONS.get(o, "")]
                for o in outcomes]

    order = list(dict.fromkeys(by["outcome"]))
    header = ["outcome", "unit", *(f"{m} (n={n[m]})" for m in models), "definition"]
    if n.max() <= 1:  # one run per model: its values, and no interval to give
        cells = cells.assign(ci_low=float("nan"), ci_high=float("nan"))
        return (paragraph(SINGLE, "note")
                + table(header, rows([o for o in exp.outcomes if o in order]), numeric=False)
                + collapsed("All outcomes", table(header, rows(order), numeric=False)))
    return (paragraph("Mean over all runs of each model, with the 95% confidence interval of "
                      "the mean in brackets.")
            + table(header, rows([o for o in exp.outcomes if o in order]), numeric=False)
            + collapsed("All outcomes", table(header, rows(order), numeric=False)))


def paired(summary: Any, exp: Any) -> str:
    p = summary.paired
    if not len(p):
        return paragraph("Only one operating model: no paired differences.")
    if exp.pair:  # the compared pair first
        first = (p["model_a"] == exp.pair[0]) & (p["model_b"] == exp.pair[1])
        p = pd.concat([p[first], p[~first]], ignore_index=True)

    def rows(frame: pd.DataFrame) -> list[list[Any]]:
        return [[r.model_a, r.model_b, *_label(r.outcome), _ci(r.mean_diff, r.ci_low, r.ci_high),
                 r.n, _share(r.share_a_better), _share(r.share_b_better)]
                for r in frame.itertuples()]

    header = ["A", "B", "outcome", "unit", "A minus B [95% CI]", "pairs", "A better", "B better"]
    note = ("Runs are paired by design point and replication: both models of a pair saw the same "
            "seed and the same demand. 'A better' is the share of pairs in which A did better.")
    if p["n"].max() <= 1:
        note += " With one pair of runs there is no interval: each difference is that pair's."
    return (paragraph(note) + table(header, rows(p[p["outcome"].isin(exp.outcomes)]))
            + collapsed("All outcomes and pairs", table(header, rows(p))))


def sensitivity(summary: Any, exp: Any) -> str:
    s = summary.sensitivity
    if not len(s) or s.drop(columns=["outcome", "uncertainty"]).isna().all().all():
        return ""
    pair = " minus ".join(exp.pair) if exp.pair else "the compared pair"
    frame = s.assign(outcome=[_label(o)[0] for o in s["outcome"]])
    return (paragraph(f"Indices of the replication-mean difference {pair} at each design point "
                      f"({exp.design.kind}).") + frame_table(frame, limit=200))


def robustness(summary: Any) -> str:
    r = summary.robustness
    if not len(r):
        return ""
    wide = r.pivot_table(index="outcome", columns="model", values="share_best", sort=False)
    rows = [[_label(o)[0], *(_share(v) for v in wide.loc[o])] for o in wide.index]
    return (paragraph("Share of design points at which each model has the best replication mean "
                      "(ties shared).") + table(["outcome", *wide.columns], rows))


COST_OUTCOMES = ("lead_time_funding_wait", *COSTS)


def costs(summary: Any) -> str:
    """What each model costs (only for runs whose scenario has money in it; empty otherwise)."""
    by = summary.by_model
    if not len(by):
        return ""
    priced = by[by["outcome"].isin(COST_OUTCOMES) & by["mean"].notna()]
    if not len(priced) or not priced["outcome"].isin(COSTS).any():
        return ""
    models = list(dict.fromkeys(by["model"]))
    cells = priced.set_index(["outcome", "model"])[["mean", "ci_low", "ci_high"]]
    order = [o for o in COST_OUTCOMES if o in set(priced["outcome"])]
    rows = [[*_label(o), *(_ci(*cells.loc[(o, m)]) if (o, m) in cells.index else "–" for m in models),
             DEFINITIONS.get(o, "")] for o in order]
    header = ["outcome", "unit", *models, "definition"]
    note = ("Pounds from the scenario's money block: each organisation's cost per person (per "
            "person-week, or scale.cost_per_person_year / 52) times the people behind a unit of "
            "headcount, each "
            "initiative's cost beyond staff time, and the funding streams' ledgers in the records. "
            "Mean over the runs of each model, with the 95% confidence interval of the mean where "
            "there are several runs.")
    return paragraph(note) + table(header, rows, numeric=False)
