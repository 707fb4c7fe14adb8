"""`orgsim summarise`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from orgsim.cli.app import app, friendly


@app.command()
@friendly
def summarise(
    results: Annotated[Path, typer.Argument(metavar="FOLDER", help="Results folder of an experiment.")],
) -> None:
    """Means, intervals and paired differences of an experiment.

    Also sensitivity and robustness tables where the design has several points; all are
    written as CSV to the folder's summary/.
    """
    show_summary(results, quiet=False)


def show_summary(root: Path, quiet: bool) -> None:
    from orgsim.analysis import summarise as summarise_results
    from orgsim.experiments.results import check
    from orgsim.store.lock import hold

    with hold(root, option="FOLDER", create=False):
        checked = check(root)
        summary = summarise_results(root, write=True)
    if not quiet:
        from rich.console import Console

        from orgsim.analysis.terminal import pooled_over, summary_table

        console = Console()
        exp = checked.exp
        scenarios = int(checked.metrics["point"].nunique()) if not exp.levers else \
            int(checked.metrics["scenario"].nunique())
        if exp.levers:
            _print_settings(console, exp, summary, scenarios)
        else:
            console.print(summary_table(exp, summary, console.width))
            _print_decision(console, summary, list(exp.models), list(exp.outcomes))
            if not exp.uncertainties and exp.ensemble is None:
                console.print(f"Means and 95% intervals {pooled_over(exp, scenarios)}.")
    typer.echo(f"tables written to {root / 'summary'}")


def _print_settings(console: Any, exp: Any, summary: Any, scenarios: int) -> None:
    """The answer at each lever setting and where it switches; nothing pooled across settings."""
    from orgsim.analysis.terminal import pooled_over, setting_tables, switch_table

    console.print(f"{exp.name}: the answer at each setting of its levers, mean [95% CI] "
                  f"{pooled_over(exp, scenarios)}; 'better' only where the interval excludes zero.")
    for table in setting_tables(exp, summary, console.width):
        console.print(table)
    switches = switch_table(exp, summary)
    if switches is None:
        console.print("The better model does not change along any lever.")
    else:
        console.print(switches)


def _print_decision(console: Any, summary: Any, models: list[str], outcomes: list[str]) -> None:
    """Regret (mean, 90th percentile, maximum) and satisficing, one row per outcome and model so
    that the tables fit any terminal."""
    from rich.table import Table

    from orgsim.analysis.numbers import row_of
    from orgsim.metrics.table import LABELS

    regret = summary.regret[summary.regret["outcome"].isin(outcomes)]
    if len(regret):
        table = Table(title="Regret: shortfall from the best model in the same scenario")
        for name in ("outcome", "model", "mean", "p90", "max"):
            table.add_column(name, justify="right" if name in ("mean", "p90", "max") else "left")
        for outcome, rows in regret.groupby("outcome", sort=False):
            label = LABELS.get(str(outcome), (str(outcome), ""))[0]
            for r in rows.itertuples():
                table.add_row(label, r.model, *row_of([r.mean_regret, r.p90_regret, r.max_regret]))
                label = ""
        console.print(table)
    met = summary.satisficing
    if len(met):
        table = Table(title="Satisficing: share of scenarios meeting the thresholds")
        for name in ("threshold", "model", "runs"):
            table.add_column(name, justify="right" if name == "runs" else "left")
        for criterion, rows in met.groupby("criterion", sort=False):
            label = str(criterion)
            for r in rows.itertuples():
                table.add_row(label, r.model, f"{r.share_runs:.0%}")
                label = ""
        console.print(table)


