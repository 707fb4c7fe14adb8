"""Every figure of a report, declared in one place: name, heading, caption, plot and its data.

Nothing is drawn here: `orgsim.report.drawing` draws the declared figures in parallel,
saves them (PNG at 300 dpi; PDF and SVG when asked) and reuses unchanged ones. A new
figure is one more `declare(...)` in the generators below.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from orgsim import plots
from orgsim.experiments.progress import Progress
from orgsim.report.data import Inputs, headcount, run_counts
from orgsim.report.drawing import Declared, Plot, declare, declared, draw_all

Drawn = Iterator[Declared | tuple[str, str, str, Any]]  # a (name, heading, caption, figure) is drawn at once

__all__ = ["Plot", "declared_figures", "draw"]


def _outcomes(inputs: Inputs) -> list[str]:
    present = set(inputs.summary.by_model["outcome"])
    return [o for o in inputs.exp.outcomes if o in present]


def declared_figures(inputs: Inputs) -> Drawn:
    """Every figure the results allow, in the order of the report."""
    colours = plots.model_colours(inputs.exp.models)
    outcomes = _outcomes(inputs)
    if inputs.whatif is not None:
        from orgsim.report.whatif import figures as whatif_figures

        every = inputs.every_setting if inputs.every_setting is not None else inputs.metrics
        yield from whatif_figures(inputs.whatif, every, outcomes, colours)
    yield from _outcome_plots(inputs, outcomes, colours)
    yield from _time_and_staff(inputs)
    yield from _paired(inputs, outcomes, colours)
    yield from _uncertainty(inputs, outcomes, colours)
    yield from _flows(inputs, colours)
    yield from _structures(inputs, colours)


def _outcome_plots(inputs: Inputs, outcomes: list[str], colours: dict[str, str]) -> Drawn:
    by_model, ts = inputs.summary.by_model, inputs.tables["timeseries"]
    if len(by_model):
        yield declare("headline", "Headline outcomes", "Mean over all runs of each operating model with "
                      "its 95% confidence interval.", plots.headline, by_model, outcomes, colours)
    if len(inputs.metrics):
        yield declare("distributions", "Decision latency and lead time", "Each run's median, mean and "
                      "90th percentile over its initiatives.",
                      plots.distributions, inputs.metrics, colours=colours)
    if len(ts):
        warmup = inputs.exp.warmup_weeks
        if warmup is None and inputs.scenario is not None:
            warmup = inputs.scenario.warmup_weeks
        yield declare("over_time", "Work in progress and needs met over time", "Mean over runs and the "
                      "band from the 10th to the 90th percentile of runs.",
                      plots.over_time, ts, warmup, colours)


def _time_and_staff(inputs: Inputs) -> Drawn:
    """Where the time goes, and utilisation by organisation and team."""
    from orgsim.metrics.walk import COMPONENTS

    by_model, models = inputs.summary.by_model, list(inputs.exp.models)
    present = set(by_model["outcome"])
    shown = [c for c in COMPONENTS if f"lead_time_{c}" in present]
    if shown:
        yield declare("time_goes", "Where the time goes", "Each part of the mean lead time of delivered "
                      "initiatives, and the share of staff time that is hidden work (rework, planning and "
                      "coordination overhead, duplicate builds).",
                      plots.time_goes, by_model, models, shown)
    staff = inputs.tables.get("staff")
    if staff is not None and len(staff):
        sc = inputs.scenario
        prefix = sc.ics.prefix if sc is not None and sc.ics is not None else "ICS"
        yield declare("utilisation", "Utilisation by organisation and team", "Busy over available "
                      "staff-weeks of each team in the measured window, over every run of each model; the "
                      "ICSs' teams pooled. A dash: the model has no such team.",
                      plots.utilisation, plots.utilisation_table(staff, prefix))


def oriented(paired: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """The rows of pair (a, b) as `a - b`, flipping rows stored as `b - a`."""
    rows = paired[(paired["model_a"] == a) & (paired["model_b"] == b)]
    if len(rows):
        return rows
    rows = paired[(paired["model_a"] == b) & (paired["model_b"] == a)]
    return rows.assign(model_a=a, model_b=b, mean_diff=-rows["mean_diff"], ci_low=-rows["ci_high"],
                       ci_high=-rows["ci_low"], share_a_better=rows["share_b_better"],
                       share_b_better=rows["share_a_better"])


def _paired(inputs: Inputs, outcomes: list[str], colours: dict[str, str]) -> Drawn:
    paired, pair, by_model = inputs.summary.paired, inputs.exp.pair, inputs.summary.by_model
    if not len(paired) or pair is None:
        return
    yield declare("paired_differences", "Paired differences", "The compared pair, run by run (same "
                  "seed, same demand).", plots.forest, oriented(paired, *pair), by_model, outcomes,
                  colours)
    if len(paired[["model_a", "model_b"]].drop_duplicates()) > 1:
        yield declare("paired_differences_all", "Paired differences, every pair", "Every pair of "
                      "operating models on the outcomes of interest.",
                      plots.forest, paired, by_model, outcomes, colours)


def _uncertainty(inputs: Inputs, outcomes: list[str], colours: dict[str, str]) -> Drawn:
    sens, robust = inputs.summary.sensitivity, inputs.summary.robustness
    if len(sens) and sens.drop(columns=["outcome", "uncertainty"]).notna().any().any():
        yield declare("sensitivity", "Sensitivity", "How much each uncertainty moves the difference "
                      "between the compared models.",
                      plots.sensitivity, sens, outcomes, inputs.exp.pair)
    if len(robust):
        ranked = [o for o in outcomes if o in set(robust["outcome"])]
        yield declare("robustness", "Robustness", "Share of design points where each model has the best "
                      "mean.", plots.robustness, robust, ranked, colours)
    yield from _decision(inputs, outcomes, colours)
    from orgsim.analysis.discovery import load as load_discovery
    from orgsim.report.decision import discovery_figures

    yield from discovery_figures(load_discovery(inputs.root))


def _decision(inputs: Inputs, outcomes: list[str], colours: dict[str, str]) -> Drawn:
    """Regret and satisficing, when the summary has them (an experiment's, not a single run's)."""
    from orgsim.plots.regret import regret, satisficing

    if inputs.kind != "experiment":
        return

    table = getattr(inputs.summary, "regret", pd.DataFrame())
    shown = [o for o in outcomes if len(table) and o in set(table["outcome"])]
    if shown:
        best = "the best model and lever setting" if inputs.whatif is not None else "the best model"
        yield declare("regret", "Regret", f"Each model's shortfall from {best} in the same scenario "
                      "(design point and replication): 90th percentile, maximum and mean.",
                      regret, table, shown, colours)
    met = getattr(inputs.summary, "satisficing", pd.DataFrame())
    if len(met):
        yield declare("satisficing", "Satisficing", "Share of scenarios in which each model meets the "
                      "experiment's thresholds.", satisficing, met, colours)


def _flows(inputs: Inputs, colours: dict[str, str]) -> Drawn:
    """One flow picture per model, arrow widths on one scale so pictures can be compared."""
    handoffs, waits = inputs.tables["handoffs"], inputs.tables["waits"]
    if not len(handoffs) and not len(waits):
        return
    runs = run_counts(inputs.metrics)
    sc = inputs.scenario
    prefix = sc.ics.prefix if sc is not None and sc.ics is not None else "ICS"
    models = inputs.exp.models
    edges = [plots.flow_tables(handoffs, waits, m, runs.get(m), prefix)[0] for m in models]
    widest = max((e["per_run"].max() for e in edges if len(e)), default=None)
    for model in models:
        yield declare(f"flows_{model}", f"Flow of work: {model}", "Mean handoffs per run between "
                      "organisations (one arrow scale for every model), and mean waits for a forum's "
                      "decision and for staff.",
                      plots.flows, handoffs, waits, model, runs.get(model), prefix, colours, widest)


def _structures(inputs: Inputs, colours: dict[str, str]) -> Drawn:
    """One structure per model, on one headcount scale."""
    tables = {m: headcount(p) for m, p in inputs.plans.items()}
    longest = max((t.groupby("bar")["headcount"].sum().max() for t in tables.values() if len(t)),
                  default=None)
    for model, table in tables.items():
        yield declare(f"structure_{model}", f"Organisation structure: {model}", "Headcount by unit and "
                      "function in the scenario as configured (design points may change it).",
                      plots.structure, table, model, longest, colours.get(model))


def draw(inputs: Inputs, folder: Path, formats: Sequence[str] = ("png",), workers: int = 2,
         progress: Progress | None = None) -> list[Plot]:
    """Draw and save every figure as `<name>.<format>` in `folder` (PNG at 300 dpi), `workers` at
    a time, reusing unchanged ones; each keeps a screen-resolution PNG to embed."""
    return draw_all(declared_figures(inputs), folder, formats, workers, progress)


def _drawn(inputs: Inputs) -> Iterator[tuple[str, str, str, Any]]:
    """(name, heading, caption, figure) of every figure, drawn here one by one."""
    for d in map(declared, declared_figures(inputs)):
        yield d.name, d.heading, d.caption, d.figure()
