"""The report's evidence ledger: what each number rests on, and verdicts an assumption can flip."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orgsim.analysis.flips import Flip, flips
from orgsim.analysis.verdict import name, number
from orgsim.metrics.table import LABELS
from orgsim.report.html import collapsed, paragraph, table

HEADER = ["number", "value", "kind", "source", "locator", "why", "where"]


@dataclass
class Evidence:
    """The ledger of an experiment's configuration (None when it cannot be read) and its flips."""

    ledger: Any = None
    assumed: set[str] = field(default_factory=set)
    flips: list[Flip] = field(default_factory=list)
    problem: str = ""


def read(inputs: Any) -> Evidence:
    """The ledger of the scenario and models behind `inputs`, and the flips of its verdict."""
    from orgsim.config.ledger import assumption_only, load_ledger
    from orgsim.config.yamlio import ConfigError
    from orgsim.report.data import unrooted

    try:
        ledger = load_ledger(inputs.scenario_path, list(inputs.exp.models))
    except (ConfigError, OSError) as err:
        return Evidence(problem="The evidence ledger cannot be read from today's files "
                        f"({unrooted(str(err), inputs.root)}).")
    assumed = assumption_only(ledger, inputs.exp.uncertainties)
    found = flips(inputs.metrics, inputs.design, inputs.exp, list(inputs.exp.outcomes), assumed) \
        if inputs.kind == "experiment" else []
    return Evidence(ledger, assumed, found)


def sentence(f: Flip, pair: tuple[str, str]) -> str:
    """A flip in words, for the verdict's warnings."""
    label = LABELS.get(f.outcome, (f.outcome, ""))[0]
    return (f"{label}: the verdict flips within the range of {f.uncertainty}, an assumption no "
            f"published figure supports. {name(f.better_low)} is better with it up to "
            f"{number(f.low_end)}, {name(f.better_high)} from {number(f.high_end)} ({pair[0]} minus "
            f"{pair[1]}: {number(f.diff_low)} on average over {f.points_low} design points at the "
            f"low end, {number(f.diff_high)} over {f.points_high} at the high end).")


def section(inputs: Any, ev: Evidence) -> str:
    """Shares of observed, derived and assumed numbers, the flips, and the ledger itself."""
    if ev.ledger is None:
        return paragraph(ev.problem, "note")
    parts = [paragraph(
        "Every number behind these runs, marked in the configuration's evidence blocks: observed "
        "(a published figure), derived (arithmetic on published figures), assumption (a modelling "
        "choice no document makes) or setting (a choice about the run, left out of the shares). "
        "Unmarked and changed numbers count as assumptions. `orgsim evidence` prints the same "
        "ledger.")]
    parts += [paragraph(s) for s in ev.ledger.summary()]
    parts.append(_uncertain(inputs, ev))
    for document in ev.ledger.documents():
        rows = [(r.path, f"{r.value:g}", "unmarked assumption" if r.kind == "unmarked" else r.kind,
                 r.source, r.locator, " ".join(x for x in (
                     f"CHANGED: {r.changed}." if r.changed else "", r.derivation.strip(), r.note) if x),
                 _where(r.where, inputs.root)) for r in ev.ledger.rows if r.document == document]
        parts.append(collapsed(f"Ledger: {document} ({len(rows)} numbers)",
                               table(HEADER, rows, numeric=False)))
    return "".join(parts)


def _where(where: str, root: Any) -> str:
    """`file:line` with the file as the report shows paths (never the machine's own folders)."""
    from orgsim.report.data import shown

    file, sep, line = where.rpartition(":")
    return f"{shown(file, root)}:{line}" if sep and line.isdigit() else where


def _uncertain(inputs: Any, ev: Evidence) -> str:
    varied = list(inputs.exp.uncertainties)
    if not varied:
        return paragraph("This experiment varies no number, so it cannot say whether a verdict "
                         "flips within an assumption's range. An experiment whose uncertainties "
                         "are the assumption-only numbers (for example experiments/sensitivity.yaml) "
                         "can: its report lists each verdict that does.")
    assumed = [u for u in varied if u in ev.assumed]
    text = (f"Of the {len(varied)} numbers this experiment varies, {len(assumed)} rest on assumption "
            f"alone: {', '.join(assumed) or 'none'}. ")
    if not ev.flips:
        return paragraph(text + "Within their ranges no verdict on the outcomes of interest flips "
                         "between the lowest and the highest third of the range.")
    rows = [(LABELS.get(f.outcome, (f.outcome, ""))[0], f.uncertainty, f"≤ {number(f.low_end)}",
             name(f.better_low), number(f.diff_low), f"≥ {number(f.high_end)}", name(f.better_high),
             number(f.diff_high)) for f in ev.flips]
    pair = " minus ".join(inputs.exp.pair or ("", ""))
    return paragraph(text + "These verdicts flip within an assumption's range: the replication-mean "
                     f"difference {pair}, averaged over the design points in the lowest and the "
                     "highest third of the range, changes sign, by more than twice its standard "
                     "error:") + table(
        ["outcome", "assumption", "low third", "better", "difference", "high third", "better",
         "difference"], rows, numeric=False)
