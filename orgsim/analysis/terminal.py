"""The summary of an experiment as a table for the terminal, fitted to its width.

Wide terminals get one row per outcome and a column per model; narrower ones one row
per outcome and model, so nothing wraps mid-number. Every estimate and its interval
share one precision (`orgsim.analysis.numbers`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.table import Table

from orgsim.analysis.numbers import decimals, estimate, number
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


def lever_name(exp: Experiment, path: str) -> str:
    """A lever's label, or its path in words (`planning overhead TD (Joined up planning)`)."""
    from orgsim.analysis.discovery import describe

    label = exp.levers[path].label if path in exp.levers else ""
    return label or describe(path)


def _value(v: Any) -> str:
    return f"{float(v):g}"


def pooled_over(exp: Experiment, scenarios: int) -> str:
    """What the intervals of an experiment cover, in words."""
    reps = f"{exp.replications:,} replication{'s' if exp.replications != 1 else ''}"
    if exp.uncertainties or exp.ensemble is not None:
        what = "draws of the calibrated ensemble" if exp.ensemble is not None else \
            f"{scenarios:,} scenario{'s' if scenarios != 1 else ''} of the uncertain numbers"
        return f"pooled over {what} x {reps}"
    return (f"over {reps}; the intervals cover run-to-run randomness under the stated assumptions "
            "only, not uncertainty in the assumptions (no uncertain number was varied)")


def setting_tables(exp: Experiment, summary: Any, width: int) -> list[Table]:
    """One table per outcome of interest: the compared pair at each setting, never pooled across;
    each model's mean is shown too where the terminal is wide enough."""
    pair = exp.pair
    table = summary.paired_by_point
    if pair is None or not len(table):
        return []
    out = []
    for outcome in exp.outcomes:
        rows = table[(table["outcome"] == outcome) & (table["a"] == pair[0]) & (table["b"] == pair[1])]
        if len(rows):
            wide = _setting_table(exp, pair, outcome, rows, True)
            out.append(wide if _needs(wide) <= width else _setting_table(exp, pair, outcome, rows, False))
    return out


def _needs(table: Table) -> int:
    """Characters `table` needs on one line per row."""
    from rich.console import Console
    from rich.measure import Measurement

    console = Console(width=10_000)
    return Measurement.get(console, console.options, table).maximum


def _setting_table(exp: Experiment, pair: tuple[str, str], outcome: str, rows: pd.DataFrame,
                   wide: bool) -> Table:
    label, unit = LABELS.get(outcome, (outcome, ""))
    t = Table(title=f"{label}, {unit}: {pair[0]} - {pair[1]}" if unit else label,
              title_justify="left")
    for path in exp.levers:
        t.add_column(lever_name(exp, path), justify="right", max_width=24)
    if wide:
        t.add_column(pair[0], justify="right", no_wrap=True)
        t.add_column(pair[1], justify="right", no_wrap=True)
    t.add_column("difference [95% CI]", justify="right", no_wrap=True)
    t.add_column("better", no_wrap=True)
    for d in rows.to_dict("records"):
        diff, ci = estimate(d["mean_diff"], d["ci_low"], d["ci_high"], sign=True)
        means = [number(d[k], decimals(d[k])) for k in ("mean_a", "mean_b")] if wide else []
        better = d["better"] if isinstance(d["better"], str) else ""
        t.add_row(*(_value(d[p]) for p in exp.levers), *means, f"{diff} {ci}".strip(), better)
    return t


def _others(exp: Experiment, text: str) -> str:
    """`path=6; path=2` with each lever named as the tables name it."""
    parts = (p.partition("=") for p in text.split("; ") if p)
    return "; ".join(f"{lever_name(exp, path)} = {value}" for path, _, value in parts)


def switch_table(exp: Experiment, summary: Any) -> Table | None:
    """Where the answer changes along each lever (None when it never does)."""
    rows = summary.switch_points
    rows = rows[rows["outcome"].isin(exp.outcomes)] if len(rows) else rows
    if not len(rows):
        return None
    several = len(exp.levers) > 1
    t = Table(title="Where the answer switches along a lever", title_justify="left")
    for name in ("lever", *(["others"] if several else []), "outcome", "between", "switch", "sure",
                 "estimate [95% CI]"):
        t.add_column(name, overflow="fold", no_wrap=name in ("between", "sure"))
    for r in rows.to_dict("records"):
        est = "" if pd.isna(r["estimate"]) else (
            f"{r['estimate']:.3g} [{r['estimate_low']:.3g}, {r['estimate_high']:.3g}]"
            if not pd.isna(r["estimate_low"]) else f"{r['estimate']:.3g}")
        others = _others(exp, r["others"]) if isinstance(r["others"], str) else ""
        t.add_row(lever_name(exp, r["lever"]), *([others] if several else []),
                  LABELS.get(r["outcome"], (r["outcome"],))[0],
                  f"{_value(r['low'])} and {_value(r['high'])}", f"{r['before']} -> {r['after']}",
                  "yes" if r["sure"] in (True, "True", "true") else "no", est)
    return t
