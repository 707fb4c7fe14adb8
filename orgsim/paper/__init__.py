"""A paper's pack for two operating models: figures at journal sizes, a table, a methods paragraph.

`write_pack(results, ("A", "B"), outcomes, out)` writes into `out`:

  figures/<outcome>_single.pdf|svg|png   89 mm wide (one column), text as text, PNG at 300 dpi
  figures/<outcome>_double.pdf|svg|png   183 mm wide (two columns)
  figures/<outcome>.caption.txt          the caption (no title is drawn into a figure)
  table.csv, table.tex                   one row per outcome, rounded to a stated precision
  methods.md                             a methods paragraph written from the experiment
  README.md                              what is where, every caption, the table and the paragraph

Every number comes from the same statistics as `orgsim summarise` (`orgsim.analysis`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgsim.config.yamlio import ConfigError

__all__ = ["Pack", "write_pack"]


@dataclass(frozen=True)
class Pack:
    folder: Path
    figures: dict[str, dict[str, Path]]  # "<outcome>_<width>" -> format -> path
    table_csv: Path
    table_tex: Path
    methods: Path
    readme: Path


def _unknown(root: Path, option: str, what: str, given: str, known: list[str]) -> ConfigError:
    near = difflib.get_close_matches(given, known, n=1)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return ConfigError(str(root), None, option, f"unknown {what} {given!r}{hint} in these results "
                       f"(known: {', '.join(known)})")


def check_choice(root: Path, models: list[str], pair: tuple[str, str] | None,
                 outcomes: list[str] | None, available: list[str], default: list[str]) -> \
        tuple[tuple[str, str], list[str]]:
    """The pair and outcomes asked for, checked against the results; errors say what is known."""
    if pair is None:
        if len(models) < 2:
            raise ConfigError(str(root), None, "--compare", f"needs two models; these results hold "
                              f"{', '.join(models)} only")
        pair = (models[0], models[1])
    for name in pair:
        if name not in models:
            raise _unknown(root, "--compare", "operating model", name, models)
    if pair[0] == pair[1]:
        raise ConfigError(str(root), None, "--compare", f"give two different models, not {pair[0]!r} twice")
    chosen = list(dict.fromkeys(outcomes or [o for o in default if o in available]))
    for name in chosen:
        if name not in available:
            raise _unknown(root, "--outcomes", "outcome", name, available)
    if not chosen:
        raise ConfigError(str(root), None, "--outcomes", "no outcome to report")
    return pair, chosen


def write_pack(results: Path, pair: tuple[str, str] | None = None, outcomes: list[str] | None = None,
               out: Path | None = None, decimals: int | None = None) -> Pack:
    """Read the results (checked as the report checks them) and write the pack; returns its files."""
    from orgsim.analysis.summary import outcome_order, paired_table
    from orgsim.report.data import read

    root = Path(results)
    inputs = read(root)
    exp, metrics = inputs.exp, inputs.metrics
    models = [m for m in exp.models if m in set(metrics["model"])]
    available = outcome_order(exp, [c for c in metrics.columns if c not in ("point", "replication",
                                                                            "model", "seed")])
    pair, chosen = check_choice(root, models, pair or exp.pair, outcomes, available, list(exp.outcomes))
    folder = Path(out) if out is not None else root / "paper" / f"{pair[0]}-vs-{pair[1]}"
    rows = _rows(inputs.summary.by_model, paired_table(metrics, list(pair), chosen), pair, chosen,
                 decimals)
    return _write(folder, inputs, pair, rows, models)


def _rows(by_model: Any, paired: Any, pair: tuple[str, str], outcomes: list[str],
          decimals: int | None) -> list[Any]:
    from orgsim.metrics.table import DEFINITIONS
    from orgsim.paper.table import Row
    from orgsim.plots.style import outcome_label

    cells = by_model.set_index(["outcome", "model"])
    diffs = paired.set_index("outcome")
    rows = []
    for o in outcomes:
        a, b, d = cells.loc[(o, pair[0])], cells.loc[(o, pair[1])], diffs.loc[o]
        label, unit = outcome_label(o)
        row = Row(o, label, unit, DEFINITIONS.get(o, ""), (a["mean"], a["ci_low"], a["ci_high"]),
                  (b["mean"], b["ci_low"], b["ci_high"]), (d["mean_diff"], d["ci_low"], d["ci_high"]),
                  int(a["n"]), int(b["n"]), int(d["n"]), float(d["share_a_better"]),
                  float(d["share_b_better"]), decimals)
        rows.append(row)
    return rows


def project_path(path: Path, root: Path) -> str:
    """`path` relative to the project holding it (pyproject.toml or .git), as a paper names a file."""
    from orgsim.report.data import shown

    path = Path(path).resolve()
    project = next((p for p in path.parents if (p / "pyproject.toml").exists() or (p / ".git").exists()),
                   None)
    return path.relative_to(project).as_posix() if project else shown(path, root)


def _write(folder: Path, inputs: Any, pair: tuple[str, str], rows: list[Any],
           models: list[str]) -> Pack:
    from orgsim.metrics.table import BETTER
    from orgsim.paper import methods, readme, table
    from orgsim.plots.paper import Estimate, pair_figure, save_print
    from orgsim.plots.style import model_colours, model_label
    from orgsim.store.atomic import write_text

    colours = model_colours(models)
    figures: dict[str, dict[str, Path]] = {}
    captions: dict[str, str] = {}
    for r in rows:
        for width in ("single", "double"):
            fig, _ = pair_figure(pair[0], pair[1], Estimate(*r.a), Estimate(*r.b), Estimate(*r.diff),
                                 r.label, r.unit, colours, width, BETTER.get(r.outcome, 0))
            figures[f"{r.outcome}_{width}"] = save_print(fig, folder / "figures", f"{r.outcome}_{width}")
        captions[r.outcome] = readme.caption(r, pair, inputs.kind)
        write_text(folder / "figures" / f"{r.outcome}.caption.txt", captions[r.outcome] + "\n")
    a, b = model_label(pair[0]), model_label(pair[1])
    frame = table.csv_frame(rows, pair[0], pair[1])
    write_text(folder / "table.csv", frame.to_csv(index=False, lineterminator="\n"))
    tex_caption = table.tex(readme.table_caption(rows, pair, inputs.kind))
    write_text(folder / "table.tex", table.latex(rows, a, b, tex_caption,
                                                 f"tab:{pair[0]}-vs-{pair[1]}".replace("_", "-")))
    pairs = max((r.pairs for r in rows), default=0)
    scenario_file = project_path(inputs.scenario_path, inputs.root)
    text = methods.paragraph(inputs.exp, inputs.manifest, inputs.scenario, scenario_file, pair,
                             [r.outcome for r in rows], pairs, inputs.kind)
    write_text(folder / "methods.md", text)
    write_text(folder / "README.md", readme.index(inputs, pair, rows, captions, text))
    return Pack(folder, figures, folder / "table.csv", folder / "table.tex", folder / "methods.md",
                folder / "README.md")
