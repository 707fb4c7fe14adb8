"""Report sections for decisions under uncertainty: regret and satisficing (and discovery)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from orgsim.metrics.table import LABELS
from orgsim.report.html import paragraph, table


def _label(outcome: str) -> str:
    return LABELS.get(outcome, (outcome, ""))[0]


def regret(summary: Any, outcomes: list[str], levers: bool = False) -> str:
    """Regret per model on the outcomes of interest: 90th percentile and maximum, mean beside."""
    r = getattr(summary, "regret", pd.DataFrame())
    if not len(r):
        return ""
    shown = r[r["outcome"].isin(outcomes)] if r["outcome"].isin(outcomes).any() else r
    rows = [[_label(x.outcome), LABELS.get(x.outcome, ("", ""))[1], x.model, x.mean_regret,
             x.p90_regret, x.max_regret, x.share_best, x.n] for x in shown.itertuples()]
    best = ("the best model at the best lever setting (every setting and model compared, today's "
            "setting shown)" if levers else "the best model")
    return (paragraph(f"Regret is a model's shortfall from {best} in the same scenario (the "
                      "same design point and the same replication seed, so the same demand), in the "
                      "outcome's units; 0 means it was the best there. A model with a low maximum "
                      "regret is a safe choice whatever the assumptions turn out to be.")
            + table(["outcome", "unit", "model", "mean regret", "90th percentile", "maximum",
                     "share best", "scenarios"], rows))


def satisficing(summary: Any) -> str:
    """The share of scenarios in which each model meets every threshold of the experiment."""
    s = getattr(summary, "satisficing", pd.DataFrame())
    if not len(s):
        return ""
    rows = [[x.criterion, x.model, f"{x.share_runs:.0%}", x.n_runs, f"{x.share_points:.0%}",
             x.n_points] for x in s.itertuples()]
    return (paragraph("Satisficing: the share of scenarios in which each model is good enough, "
                      "meeting the thresholds the experiment file sets (each alone, and all of "
                      "them together). Runs are single scenarios; design points are judged on their "
                      "replication mean.")
            + table(["threshold", "model", "runs meeting it", "runs", "design points meeting it",
                     "design points"], rows, numeric=False))


def discovery(found: Any) -> str:
    """The question, the sentence, the chosen box, the trajectory and the tree's leaves."""
    if found is None:
        return ""
    q = found.question
    from orgsim.analysis.discovery import describe

    head = paragraph(found.sentence)
    unit = "scenarios (design point and replication)" if q.on == "runs" \
        else "design points (replication means)"
    how = paragraph(f"Cases of interest: {q.expression} ({found.cases} of {found.scenarios} {unit}). "
                    f"PRIM peeled {q.peel_alpha:g} of the box at each step (pasting {q.paste_alpha:g}, "
                    f"smallest box {q.mass_min:g} of the data); box {found.box} was chosen "
                    "(`orgsim discover --box N` picks another).", "muted")
    limits = [[describe(r.uncertainty), r.low, r.high, r.explored_low, r.explored_high,
               _p(r.qp_low), _p(r.qp_high)] for r in found.limits.itertuples()]
    box = table(["uncertainty", "box from", "box to", "explored from", "explored to",
                 "quasi-p (lower)", "quasi-p (upper)"], limits)
    t = found.trajectory
    trajectory = table(["box", "coverage", "density", "mass", "inputs restricted", "phase"],
                       [[r.id, r.coverage, r.density, r.mass, r.res_dim, r.phase]
                        for r in t.itertuples()])
    leaves = table(["leaf", "coverage", "density", "mass", "rule"],
                   [[r.leaf, r.coverage, r.density, r.mass, r.rule] for r in found.cart.itertuples()])
    from orgsim.report.html import collapsed

    marked = any("*" in str(rule) for rule in found.cart["rule"])
    note = paragraph("* halfway between two sampled values: the limit could lie anywhere between "
                     "them.", "muted") if marked else ""
    return (head + how + box + collapsed("Every box on PRIM's trajectory", trajectory)
            + paragraph("A classification tree (CART) as a second view: each leaf is a box.")
            + leaves + note)


def _p(value: float) -> str:
    """A quasi-p-value as the terminal shows it (never in exponent form)."""
    from orgsim.analysis.numbers import p_value

    return "–" if pd.isna(value) else p_value(value)


def discovery_figures(found: Any) -> list[Any]:
    """The discovery plots, declared (`orgsim.report.drawing.Declared`); none without a discovery."""
    if found is None:
        return []
    from orgsim.analysis.discovery import describe
    from orgsim.plots.discovery import box_limits, tradeoff
    from orgsim.report.drawing import declare

    labels = {u: describe(u) for u in found.limits["uncertainty"]}
    return [declare("discovery_tradeoff", "Scenario discovery: coverage and density", "Every box of "
                    "PRIM's trajectory; the chosen box ringed; the classification tree's leaves as "
                    "squares.", tradeoff, found.trajectory, found.box, found.cart),
            declare("discovery_box", "Scenario discovery: the chosen box", "The chosen box on each "
                    "input it restricts, within the range the experiment explored.",
                    box_limits, found.limits, labels)]


def save_discovery_plots(found: Any, folder: Path, formats: Sequence[str] = ("png",)) -> list[Path]:
    """Write the discovery plots in `folder` as PNG, and PDF and SVG if asked (atomically, as the report)."""
    from orgsim.plots.export import save

    return [path for d in discovery_figures(found)
            for path in save(d.figure(), folder, d.name, formats).values()]
