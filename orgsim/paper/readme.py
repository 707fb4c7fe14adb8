"""Captions and the pack's README: what each file is, every caption, the table and the paragraph."""

from __future__ import annotations

import math
from typing import Any

from orgsim.plots.style import model_label


def _won(r: Any, pair: tuple[str, str]) -> str:
    if not (math.isfinite(r.a_better) and math.isfinite(r.b_better)):
        return "Neither direction is better for this outcome, so no pair is counted as won. "
    return (f"{model_label(pair[0])} did better in {100 * r.a_better:.0f}% of the {r.pairs} pairs, "
            f"{model_label(pair[1])} in {100 * r.b_better:.0f}% (ties count for neither). ")


def caption(r: Any, pair: tuple[str, str], kind: str) -> str:
    """A figure's caption: what is drawn, how the runs were paired, and the outcome's definition."""
    a, b = model_label(pair[0]), model_label(pair[1])
    head = f"{r.label} ({r.unit}) under {a} and {b}. "
    if kind == "run" or r.pairs < 2:
        body = (f"(a) Value of one run of each model (no confidence interval with one run). "
                f"(b) Difference, {a} minus {b}, for the same seed and demand; the dashed line marks "
                "no difference. ")
    else:
        body = (f"(a) Mean over {r.n_a} runs of {a} and {r.n_b} runs of {b}, with 95% confidence "
                f"intervals (Student's t). (b) Mean paired difference, {a} minus {b}, with its 95% "
                f"confidence interval over {r.pairs} pairs of runs that shared a seed and so the same "
                "demand (common random numbers); the dashed line marks no difference. "
                + _won(r, pair))
    return head + body + (f"Definition: {r.definition}" if r.definition else "")


def table_caption(rows: list[Any], pair: tuple[str, str], kind: str) -> str:
    a, b = model_label(pair[0]), model_label(pair[1])
    if kind == "run":
        return (f"Outcomes of one run each of {a} (A) and {b} (B) on the same seed; with one run per "
                "model there are no confidence intervals.")
    n = max((r.pairs for r in rows), default=0)
    return (f"Outcomes of {a} (A) and {b} (B): mean over runs with 95% confidence interval "
            f"(Student's t), mean paired difference A minus B with its 95% interval over {n} pairs "
            "of runs sharing a seed and demand (common random numbers), and the percentage of pairs "
            "each model did better in (ties count for neither; -- where neither direction is "
            "better). Each row is rounded to two significant figures of its narrowest interval "
            "half-width.")


def index(inputs: Any, pair: tuple[str, str], rows: list[Any], captions: dict[str, str],
          methods: str) -> str:
    """README.md of the pack."""
    from orgsim.paper.table import markdown
    from orgsim.report.results import made_by
    from orgsim.store.provenance import identity

    a, b = model_label(pair[0]), model_label(pair[1])
    out = [f"# {a} and {b}: figures, table and methods", "",
           f"From the results of `{inputs.exp.name}` ({inputs.root.name}/), made by orgsim "
           f"{made_by(inputs.manifest)}; this pack written by orgsim {identity()} "
           "(`orgsim paper`). How to cite orgsim: CITATION.cff in its source.", "",
           "## Files", "",
           "- `figures/OUTCOME_single.pdf|svg|png`: one column wide (89 mm); "
           "`figures/OUTCOME_double.*`: two columns (183 mm). PDF and SVG keep text as text "
           "(editable fonts); PNG at 300 dpi. No title is drawn in: use the caption.",
           "- `figures/OUTCOME.caption.txt`: the caption of each figure, as below.",
           "- `table.csv`: one row per outcome, numbers rounded as the `decimals` column says.",
           "- `table.tex`: the same as a LaTeX table (`\\usepackage{booktabs}`; `\\input{table.tex}`).",
           "- `methods.md`: the methods paragraph below, to paste and edit.", "",
           "## Figures", ""]
    for r in rows:
        out += [f"### {r.label}", "", f"![{r.label}](figures/{r.outcome}_single.png)", "",
                captions[r.outcome], ""]
    out += ["## Table", "", markdown(rows, a, b),
            "Numbers are rounded to two significant figures of each row's narrowest 95% interval "
            "half-width (the `decimals` column of table.csv); unrounded values are in the results "
            "folder's summary/ (`orgsim summarise`).", "", "## Methods", "", methods]
    return "\n".join(out)
