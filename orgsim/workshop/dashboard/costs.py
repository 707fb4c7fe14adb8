"""What each run has cost so far: the report's "What it costs" while the runs play.

The figures are the cost outcomes of `orgsim.metrics.core.compute` over the
records so far, with the measured window ending at the week shown, so at the
horizon they are the run's own cost outcomes (the definitions in
`orgsim.metrics.table.DEFINITIONS`). Measuring a five-year run's records takes
about 25 ms, so during play a run is measured again every `EVERY` weeks, and at
every pause, step and its last week; how many initiatives wait for money is
counted every week (`Tracker.waiting_for_money`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from orgsim.domain.costs import Prices
from orgsim.metrics.core import Window, compute_metrics
from orgsim.metrics.table import flat
from orgsim.workshop import words

EVERY = 4.0  # weeks of play between two measurements of a run's costs
MILLION = 1e6
# (outcome, words, unit): the rows of the panel after "waiting for money now".
FIGURES = (
    ("staff_cost_per_year", "staff cost", "£m a year"),
    ("cost_per_need_met", "cost per need met", "£m"),
    ("duplicate_build_cost", "spent on duplicate builds", "£m so far"),
    ("lead_time_funding_wait", "lead time waiting for money", "mean weeks"),
    ("round_money_share", "money through funding rounds", "share"),
    ("envelope_unspent_share", "envelopes unspent at year end", "share"),
)


@dataclass(frozen=True)
class Pricing:
    """What measuring a run's costs needs beyond its records: its initiatives, teams and prices.

    `items` and `pools` are what `compute_metrics` takes: the run's objects or its tables.
    """

    items: Any
    pools: Any
    prices: Prices


@dataclass
class Spend:
    """A run's cost outcomes as last measured (none before the warm-up ends or without prices)."""

    week: float = -math.inf
    figures: dict[str, float] = field(default_factory=dict)
    by_node: dict[str, float] = field(default_factory=dict)  # staff cost a year by organisation
    priced: bool = True  # False: money moves in the run but it has no prices (a recording without them)

    def measure(self, week: float, warmup: float, rows: Callable[[], Iterable[Sequence[Any]]],
                pricing: Callable[[], Pricing | None], node: Callable[[str], str], fresh: bool) -> None:
        """Measure again at `week` if `fresh` (paused, stepped, finished) or `EVERY` weeks have passed."""
        if week == self.week or not (fresh or week - self.week >= EVERY):
            return
        self.week = week
        self.figures, self.by_node = {}, {}
        priced = pricing()
        self.priced = priced is not None
        if priced is None or week <= warmup:
            return
        metrics = compute_metrics(list(rows()), priced.items, priced.pools, Window(warmup, week),
                                  priced.prices)
        values = flat(metrics)
        self.figures = {name: values[name] for name, _, _ in FIGURES}
        for unit, pounds in metrics["money"]["staff_cost_per_year_by_unit"].items():
            self.by_node[node(unit)] = self.by_node.get(node(unit), 0.0) + pounds


def _cell(value: float, unit: str) -> str:
    if math.isnan(value):
        return "–"
    if unit == "share":
        return f"{value:.0%}"
    if unit.startswith("£m"):
        millions = value / MILLION
        return f"{millions:,.1f}" if abs(millions) >= 10 else f"{millions:.2f}"
    return f"{value:.1f}"


def rows(spends: Sequence[Spend], waiting: Sequence[int],
         nodes: Sequence[str]) -> list[tuple[str, list[str]]]:
    """The panel's rows: (what, one cell per run); organisations' staff costs after the total."""
    out = [("waiting for money now (initiatives)", [str(n) for n in waiting])]
    for name, what, unit in FIGURES:
        out.append((f"{what} ({unit})", [_cell(s.figures.get(name, math.nan), unit) for s in spends]))
        if name == "staff_cost_per_year":
            for n in nodes:
                cells = [_cell(s.by_node[n], unit) if n in s.by_node else "–" for s in spends]
                if any(c != "–" for c in cells):
                    out.append((f"   {n}", cells))
    return out


def panel(names: Mapping[str, str], spends: Sequence[Spend], waiting: Sequence[int],
          nodes: Sequence[str], warmup: float, money: Sequence[bool]) -> str:
    """The cost panel as HTML: a column per run (`names`: slot -> run name), or why there is none.

    Args:
        names: Each run's slot (A, B) and name, in order.
        spends: Each run's last measurement.
        waiting: Each run's initiatives waiting for money now.
        nodes: Organisations, in the order the page lists them.
        warmup: Week the measured window starts.
        money: Whether money moves in each run.
    """
    title = '<div style="font-weight:600">What it costs so far</div>'
    if not any(money):
        return (title + '<div style="color:#444">No money in this scenario: costs, funding rounds and '
                "waiting for money appear for a scenario with a <code>money:</code> block (for "
                "example configs/scenarios/funding_devolved.yaml).</div>")
    cell = "padding:1px 8px;border-bottom:1px solid #e4e4e4"
    head = "".join(f'<th style="{cell};text-align:right">{escape(slot)}: {escape(name)}</th>'
                   for slot, name in names.items())
    body = "".join(f'<tr><td style="{cell};white-space:pre">{escape(what)}</td>'
                   + "".join(f'<td style="{cell};text-align:right">{escape(c)}</td>' for c in cells)
                   + "</tr>" for what, cells in rows(spends, waiting, nodes))
    notes = [f"From week {words.weeks(warmup)} (the end of the warm-up), by the definitions of the "
             "report's \u201cWhat it costs\u201d; measured again every "
             f"{words.weeks(EVERY)} weeks of play and at each pause; at the last week they are the "
             "run's cost outcomes."]
    notes += [f"{slot}: the recording has no prices.json, so its costs cannot be measured; record the "
              "run again with `orgsim run`."
              for slot, spend, has in zip(names, spends, money) if has and not spend.priced]
    small = "font-size:0.85em;color:#444;margin-top:4px"
    return (title + f'<table class="orgsim-cost-table" style="border-collapse:collapse;line-height:1.3;'
            f'white-space:nowrap"><tr><th></th>{head}</tr>{body}</table>'
            + "".join(f'<div style="{small}">{escape(n)}</div>' for n in notes))
