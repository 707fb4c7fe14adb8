"""One self-contained HTML report per experiment, every plot also saved as PNG (PDF, SVG if asked).

The page embeds its plots and styles, so it opens from disk in any browser
with no server and no network.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from orgsim.analysis.bottom_line import setting_text
from orgsim.analysis.discovery import load as load_discovery
from orgsim.experiments.progress import Progress
from orgsim.report import assumptions, decision, evidence, results, verdict, whatif
from orgsim.report.data import Inputs, read, shown
from orgsim.report.figures import Plot, draw
from orgsim.report.html import figure, files, page, paragraph, section
from orgsim.store.atomic import write_text

__all__ = ["write_report"]

TODAY = ("This section describes today's setting alone ({}); the bottom line and the response "
         "to the levers give every other setting.")


def write_report(results_dir: Path, formats: Sequence[str] = ("png",), workers: int = 2,
                 progress: Progress | None = None) -> Path:
    """Write `report.html` and `plots/<name>.<format>` in `results_dir`; returns the HTML path.

    Figures are drawn `workers` at a time; one drawn before from the same data and code,
    with every file of `formats`, is reused. `progress` hears of each figure drawn.
    """
    root = Path(results_dir)
    inputs = read(root)
    plots = draw(inputs, root / "plots", formats, workers, progress)
    path = root / "report.html"
    write_text(path, render(inputs, plots, formats))
    return path


def render(inputs: Inputs, plots: list[Plot], formats: Sequence[str] = ("png",)) -> str:
    """The report as one HTML string."""
    left = {p.name: p for p in plots}

    def take(*prefixes: str) -> str:
        names = [n for n in list(left) if any(n == p or n.startswith(p + "_") for p in prefixes)]
        return "".join(figure(**vars(left.pop(n))) for n in names)

    exp, s = inputs.exp, inputs.summary
    ledger = evidence.read(inputs)
    flipped = evidence.sentences(ledger.flips, inputs)
    w = inputs.whatif
    sections = [("verdict", "Bottom line" if w is not None else "Verdict",
                 verdict.first_screen(s, exp, w, flipped))]
    if w is not None:
        sections.append(("levers", "Response to the levers", take("response", "heatmap")))
    today = paragraph(TODAY.format(setting_text(w.baseline, w.labels)), "note") \
        if w is not None else ""
    sections += [("headline", "Headline outcomes", today + results.headline(s, exp)
                  + take("headline", "distributions", "over_time")),
                 ("time", "Where the time goes, and who is busy",
                  today + take("time_goes", "utilisation")),
                 ("paired", "Paired differences",
                  today + results.paired(s, exp) + take("paired_differences"))]
    if text := results.costs(s):
        sections.append(("costs", "What it costs", text))
    if text := results.sensitivity(s, exp):
        sections.append(("sensitivity", "Sensitivity", text + take("sensitivity")))
    if text := results.robustness(s):
        sections.append(("robustness", "Robustness", text + take("robustness")))
    if inputs.kind == "experiment" and (text := decision.regret(s, list(exp.outcomes), w is not None)
                                        + decision.satisficing(s)):
        sections.append(("regret", "Regret and satisficing",
                         today + text + take("regret", "satisficing")))
    if text := decision.discovery(load_discovery(inputs.root)):
        sections.append(("discovery", "Scenario discovery", text + take("discovery")))
    sections.append(("flows", "How work flows", take("flows")
                     or paragraph("No handoffs or waits were recorded.")))
    sections.append(("structure", "Organisation structure", take("structure") or paragraph(
        "The configuration could not be read, so the structure is not shown.")))
    if left:
        sections.append(("other", "Other plots", take(*left)))
    sections.append(("definitions", "Definitions", verdict.definitions(
        list(dict.fromkeys(s.by_model["outcome"])) if len(s.by_model) else [])))
    sections.append(("design", "Design", results.design(inputs)))
    sections.append(("evidence", "Evidence ledger", evidence.section(inputs, ledger)))
    sections.append(("assumptions", "Assumptions and sources", _assumptions(inputs)))
    intro = "".join(f'<p class="note">{escape(w)}</p>' for w in inputs.warnings)
    intro += paragraph(exp.description.strip() or "No description given.")
    intro += paragraph(f"Every number below comes from the tables in the folder that holds this "
                       f"page ({inputs.root.name}/); plots are also saved under plots/ as "
                       f"{files(formats)}.", "muted")
    what = "Run" if inputs.kind == "run" else "Experiment"
    return page(f"{what}: {exp.name}", intro, sections, footer(inputs.manifest),
                lead=1 if w is not None else 0)


def footer(manifest: dict[str, Any]) -> str:
    """Which orgsim wrote the page and which made the results (the same identity as `orgsim --version`)."""
    from orgsim.store.provenance import identity

    made, now = results.made_by(manifest), str(identity())
    same = "the same orgsim" if made == now else f"orgsim {made}"
    return f"Written by orgsim {now} from results made by {same}. How to cite: CITATION.cff."


def _assumptions(inputs: Inputs) -> str:
    parts = [f'<p class="note">{escape(p)}</p>' for p in inputs.problems]
    if inputs.whatif is not None:
        parts.append(section("levers-tried", "Levers", whatif.levers(inputs.whatif), level=3))
    parts.append(section("uncertain", "Uncertain parameters", assumptions.uncertainties(inputs.exp),
                         level=3))
    if inputs.scenario is not None:
        text = assumptions.scenario(inputs.scenario, shown(inputs.scenario_path, inputs.root),
                                    inputs.exp)
        parts.append(section("scenario", f"Scenario: {inputs.scenario.name}", text, level=3))
    for name, om in inputs.models.items():
        parts.append(section(f"model-{name}", f"Operating model: {name}",
                             assumptions.operating_model(om), level=3))
    parts.append(section("sources", "Sources", assumptions.sources("".join(parts)), level=3))
    return "".join(parts)
