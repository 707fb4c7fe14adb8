"""The report's evidence ledger: what each number rests on, and verdicts an assumption can flip."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orgsim.analysis.bottom_line import setting_text
from orgsim.analysis.flips import Flip, flips
from orgsim.analysis.verdict import name, number
from orgsim.metrics.table import LABELS
from orgsim.report.html import collapsed, paragraph, table

WITHIN = (" (judged within each lever setting, on that setting's runs alone: a verdict is "
          "given setting by setting, and pooling the settings would mix the levers' effect into "
          "the assumption's)")
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
    runs = inputs.metrics if inputs.every_setting is None else inputs.every_setting
    found = flips(runs, inputs.design, inputs.exp, list(inputs.exp.outcomes), assumed) \
        if inputs.kind == "experiment" else []
    return Evidence(ledger, assumed, found)


def sentences(found: list[Flip], inputs: Any) -> list[str]:
    """The flips in words, for the verdict's warnings: one sentence per outcome and assumption,
    naming the lever settings it flips at (today's first) with the numbers of the first."""
    pair = inputs.exp.pair
    if pair is None:
        return []
    grouped: dict[tuple[str, str], list[Flip]] = {}
    for f in found:
        grouped.setdefault((f.outcome, f.uncertainty), []).append(f)
    return [_sentence(group, pair, inputs) for group in grouped.values()]


def _sentence(group: list[Flip], pair: tuple[str, str], inputs: Any) -> str:
    f = group[0]
    label = LABELS.get(f.outcome, (f.outcome, ""))[0]
    detail = (f"{name(f.better_low)} is better with it up to {number(f.low_end)}, "
              f"{name(f.better_high)} from {number(f.high_end)} ({pair[0]} minus {pair[1]}: "
              f"{number(f.diff_low)} on average over {f.points_low} design points at the low end, "
              f"{number(f.diff_high)} over {f.points_high} at the high end).")
    flips_in = (f"the verdict flips within the range of {f.uncertainty}, an assumption no "
                "published figure supports.")
    if not f.levers:
        return f"{label}: {flips_in} {detail}"
    settings = _settings(inputs)
    named = [_setting(g, inputs) for g in group[:LISTED]]
    more = f" and {len(group) - LISTED} more (see the evidence ledger)" if len(group) > LISTED else ""
    first = "today's setting" if f.today else "that setting" if len(group) == 1 \
        else f"{_setting(f, inputs)}"
    return (f"{label}: at {len(group)} of {settings} lever settings, {'; '.join(named)}{more}, "
            f"{flips_in} At {first}, {detail}")


LISTED = 3  # settings a flip's sentence names; the ledger's table lists every one


def _settings(inputs: Any) -> int:
    design = inputs.design
    return int(design["setting"].nunique()) if "setting" in design else 1


def _setting(f: Flip, inputs: Any) -> str:
    """A flip's lever setting in words (`today's, forum cadence 1 (weeks)` for today's)."""
    labels = {p: lever.label for p, lever in inputs.exp.levers.items()}
    words = setting_text(dict(f.levers), labels)
    return f"today's ({words})" if f.today else words


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
        at = f", at any of the {_settings(inputs)} lever settings{WITHIN}" if inputs.exp.levers \
            else ""
        return paragraph(text + "Within their ranges no verdict on the outcomes of interest flips "
                         f"between the lowest and the highest third of the range{at}.")
    levers = bool(inputs.exp.levers)
    rows = [(LABELS.get(f.outcome, (f.outcome, ""))[0],
             *([_setting(f, inputs)] if levers else []), f.uncertainty, f"≤ {number(f.low_end)}",
             name(f.better_low), number(f.diff_low), f"≥ {number(f.high_end)}", name(f.better_high),
             number(f.diff_high)) for f in ev.flips]
    pair = " minus ".join(inputs.exp.pair or ("", ""))
    within = WITHIN if levers else ""
    return paragraph(text + f"These verdicts flip within an assumption's range{within}: "
                     f"the replication-mean difference {pair}, averaged over the design points in "
                     "the lowest and the highest third of the range, changes sign, by more than "
                     "twice its standard error:") + table(
        ["outcome", *(["lever setting"] if levers else []), "assumption", "low third", "better",
         "difference", "high third", "better", "difference"], rows, numeric=False)
