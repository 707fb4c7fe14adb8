"""The report's first screen: the verdict in words, the outcomes with their definitions."""

from __future__ import annotations

from html import escape
from typing import Any

from orgsim.analysis.verdict import verdict
from orgsim.metrics.table import DEFINITIONS, LABELS
from orgsim.report.html import paragraph, table


def first_screen(summary: Any, exp: Any, flipped: list[str] | None = None) -> str:
    """What a director reads in a minute: best model per outcome, trade-offs, warnings.

    `flipped` are verdicts that flip within the range of an assumption (orgsim.analysis.flips).
    """
    by = summary.by_model
    if not len(by):
        return paragraph("No runs to summarise.")
    outcomes = [o for o in exp.outcomes if o in set(by["outcome"])]
    v = verdict(by, summary.paired, outcomes, exp.pair)
    runs = int(by["n"].max())
    if runs > 1:
        intro = (f"Over {runs} paired replications per model (every model saw the same demand in "
                 "each): the best model on each outcome of interest, its lead over the next best "
                 "and how often it wins a paired run.")
    else:
        intro = ("From one run per model (the same demand in each, but no replications, so no "
                 "confidence intervals): the model ahead on each outcome of interest.")
    parts = [paragraph(intro)]
    parts.append("<ul class=\"verdict\">" + "".join(f"<li>{escape(f.sentence)}</li>" for f in v.findings)
                 + "</ul>")
    if v.tradeoffs:
        pair = " and ".join(exp.pair) if exp.pair else ""
        parts.append(f"<h3>Trade-offs of {escape(pair)}</h3>" + "<ul>" +
                     "".join(f"<li>{escape(t)}</li>" for t in v.tradeoffs) + "</ul>")
    cautions = [*v.warnings, *(flipped or [])]
    if cautions:
        parts.append("<h3>Read with care</h3>" + "".join(f'<p class="note">{escape(w)}</p>'
                                                          for w in cautions))
    return "".join(parts)


def definitions(outcomes: list[str]) -> str:
    """Every outcome shown, with its unit and exact definition."""
    rows = [(LABELS[o][0], LABELS[o][1], DEFINITIONS[o]) for o in outcomes if o in DEFINITIONS]
    return table(["outcome", "unit", "definition"], rows, numeric=False)
