"""The report's first screen: the verdict in words, the outcomes with their definitions."""

from __future__ import annotations

from html import escape
from typing import Any

from orgsim.analysis.verdict import verdict
from orgsim.metrics.table import DEFINITIONS, LABELS
from orgsim.report.html import paragraph, table


def first_screen(summary: Any, exp: Any, whatif: Any = None, flipped: list[str] | None = None) -> str:
    """What a director reads in a minute: best model per outcome, trade-offs, warnings.

    With levers (`whatif`, the per-setting tables) the answer is given setting by
    setting against today, never as one winner pooled over the settings. `flipped` are
    verdicts that flip within the range of an assumption (orgsim.analysis.flips).
    """
    by = summary.by_model
    if not len(by):
        return paragraph("No runs to summarise.")
    outcomes = [o for o in exp.outcomes if o in set(by["outcome"])]
    if whatif is not None:
        from orgsim.report.whatif import first_screen as per_setting

        return per_setting(whatif, exp, outcomes) + _with_care(flipped or [])
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
    if runs > 1:
        parts.append(f'<p class="note">{escape(_covered(exp, by))}</p>')
    parts.append(_with_care([*v.warnings, *(flipped or [])]))
    return "".join(parts)


def _with_care(cautions: list[str]) -> str:
    if not cautions:
        return ""
    return "<h3>Read with care</h3>" + "".join(f'<p class="note">{escape(w)}</p>' for w in cautions)


def _covered(exp: Any, by: Any) -> str:
    """What the intervals of a comparison without levers cover."""
    from orgsim.analysis.bottom_line import intervals

    replications = int(getattr(exp, "replications", 0) or 0)
    runs = int(by["n"].max())
    scenarios = max(1, runs // replications) if replications else 1
    uncertain = bool(getattr(exp, "uncertainties", None)) or bool(getattr(exp, "ensemble", None))
    return intervals(scenarios, replications or runs, uncertain, levers=False)


def definitions(outcomes: list[str]) -> str:
    """Every outcome shown, with its unit and exact definition."""
    rows = [(LABELS[o][0], LABELS[o][1], DEFINITIONS[o]) for o in outcomes if o in DEFINITIONS]
    return table(["outcome", "unit", "definition"], rows, numeric=False)
