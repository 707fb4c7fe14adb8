"""The summary of an experiment as a table for the terminal, fitted to its width.

Wide terminals get one row per outcome and a column per model; narrower ones one row
per outcome and model, so nothing wraps mid-number. Every estimate and its interval
share one precision (`orgsim.analysis.numbers`).
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from orgsim.analysis.numbers import estimate
from orgsim.experiments.spec import Experiment
from orgsim.metrics.table import LABELS

BORDER = 3  # characters a column adds to a rich table: padding and its rule


def _cells(exp: Experiment, summary: Any, outcome: str) -> list[tuple[str, str, str]]:
    """(model or pair, mean, interval) for each model, then the compared pair's difference."""
    by = summary.by_model.set_index(["outcome", "model"])
    rows = []
    for m in exp.models:
        if (outcome, m) in by.index:
            r = by.loc[(outcome, m)]
            rows.append((m, *estimate(r["mean"], r["ci_low"], r["ci_high"])))
    pair = exp.pair
    if pair is not None and len(summary.paired):
        diffs = summary.paired.set_index(["model_a", "model_b", "outcome"])
        key, flipped = (pair[0], pair[1], outcome), (pair[1], pair[0], outcome)
        if key in diffs.index or flipped in diffs.index:
            sign = 1.0 if key in diffs.index else -1.0
            d = diffs.loc[key if sign > 0 else flipped]
            lo, hi = sorted((sign * d["ci_low"], sign * d["ci_high"]))
            rows.append((f"{pair[0]} - {pair[1]}", *estimate(sign * d["mean_diff"], lo, hi, sign=True)))
    return rows


def _header(name: str) -> str:
    """A model's name, or a pair `a - b` on two lines."""
    return name.replace(" - ", "\n- ")


def _wide(exp: Experiment, rows: dict[str, list[tuple[str, str, str]]], title: str) -> Table:
    table = Table(title=title)
    table.add_column("outcome", no_wrap=True)
    table.add_column("unit", style="dim")
    for name, _, _ in next(iter(rows.values()), []):
        table.add_column(_header(name), justify="right", no_wrap=True)
    for outcome, cells in rows.items():
        label, unit = LABELS.get(outcome, (outcome, ""))
        table.add_row(label, unit, *(f"{m} {ci}".strip() for _, m, ci in cells))
    return table


def _long(rows: dict[str, list[tuple[str, str, str]]], title: str) -> Table:
    table = Table(title=title)
    names = [n for cells in rows.values() for n, _, _ in cells if " - " not in n]
    table.add_column("outcome", ratio=1)
    table.add_column("model", min_width=max(map(len, names), default=5), no_wrap=True)
    table.add_column("mean", justify="right", no_wrap=True)
    table.add_column("95% CI", justify="right", no_wrap=True)
    for outcome, cells in rows.items():
        label, unit = LABELS.get(outcome, (outcome, ""))
        for i, (name, mean, ci) in enumerate(cells):
            first = label if i == 0 else (f"[dim]{unit}[/]" if i == 1 else "")
            table.add_row(first, _header(name), mean, ci)
        table.add_section()
    return table


def _width(exp: Experiment, rows: dict[str, list[tuple[str, str, str]]]) -> int:
    """Characters the wide table needs."""
    cols = [max(len(LABELS.get(o, (o, ""))[0]) for o in rows), max(len(LABELS.get(o, ("", ""))[1])
                                                                   for o in rows)]
    for i, (name, _, _) in enumerate(next(iter(rows.values()), [])):
        header = max(len(line) for line in _header(name).splitlines())
        cols.append(max(header, *(len(f"{c[i][1]} {c[i][2]}") for c in rows.values())))
    total = 1  # the table's last rule
    for width in cols:
        total += width + BORDER
    return total


def summary_table(exp: Experiment, summary: Any, width: int) -> Table:
    """The outcomes of interest with their 95% intervals, fitted to `width` characters."""
    rows = {o: _cells(exp, summary, o) for o in exp.outcomes}
    title = f"{exp.name}: mean [95% CI] over {exp.replications:,} replications"
    if _width(exp, rows) <= width:
        return _wide(exp, rows, title)
    return _long(rows, title)
