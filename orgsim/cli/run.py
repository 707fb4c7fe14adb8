"""`orgsim run`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from orgsim.cli.app import app, expect, friendly
from orgsim.cli.options import Models, Scenario
from orgsim.config.limits import count


@app.command()
@friendly
def run(
    config: Scenario,
    model: Models = None,
    seed: Annotated[int | None, typer.Option(metavar="N", help="Root seed (default: the scenario's).")]
    = None,
    out: Annotated[Path, typer.Option(metavar="FOLDER", help="Folder to write the runs in, one "
                                      "subfolder per model.")] = Path("results/run"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines: print only the "
                                        "table.")] = False,
    baseline: Annotated[bool, typer.Option(help="Also run each model without the scenario's timeline "
                        "of interventions (same seed, so the two are paired).")] = False,
) -> None:
    """Run a scenario under operating models and compare them.

    Writes one folder per model (records, series, metrics, manifest) and comparison.csv.
    """
    from dataclasses import replace

    from orgsim.config.load import load_plans
    from orgsim.store.lock import hold

    expect(config, "scenario")
    plans = load_plans(config, model)  # every file is checked before anything runs
    named = [(p.model, p) for p in plans]
    if baseline:
        named += [(f"{p.model}_baseline", replace(p, timeline=())) for p in plans if p.timeline]
    from rich.console import Console

    from orgsim.api import measure
    from orgsim.engine.run import simulate
    from orgsim.metrics.table import comparison_rows
    from orgsim.store.rundir import write_run

    console = Console(stderr=True, quiet=quiet)
    results: dict[str, dict[str, Any]] = {}
    with hold(out):
        for name, plan in named:
            with console.status(f"running {name} ..."):
                result = simulate(plan, seed)
                metrics = measure(result)
                run_dir = write_run(out, result, metrics, name)
            console.print(f"[green]done[/] {name}: {count(len(result.initiatives), 'initiative')}, "
                          f"{count(len(plan.timeline), 'intervention')}, {count(result.events, 'event')} in "
                          f"{result.wall_seconds:.2f} s -> {run_dir}", soft_wrap=True)
            results[name] = metrics
        _write_comparison(out, comparison_rows(results))
    shown_seed = seed if seed is not None else plans[0].scenario.seed
    _print_table(comparison_rows(results), list(results), shown_seed)


def _print_table(rows: list[dict[str, Any]], names: list[str], seed: int) -> None:
    """A column per model where the terminal is wide enough, else a row per metric and model."""
    from rich.console import Console
    from rich.table import Table

    from orgsim.analysis.numbers import row_of

    console = Console()
    title = f"Operating models compared (seed {seed}, one replication)"
    cells = [row_of([row[n] for n in names]) for row in rows]
    wide = [max(len(r["metric"]) for r in rows), max(len(r["unit"]) for r in rows),
            *(max(len(n), *(len(c[i]) for c in cells)) for i, n in enumerate(names))]
    needed = 1
    for width in wide:
        needed += width + 3
    table = Table(title=title)
    if needed <= console.width:
        table.add_column("metric", no_wrap=True)
        table.add_column("unit", style="dim", no_wrap=True)
        for name in names:
            table.add_column(name, justify="right", no_wrap=True)
        for row, values in zip(rows, cells):
            table.add_row(row["metric"], row["unit"], *values)
    else:
        table.add_column("metric", ratio=1)
        table.add_column("model", no_wrap=True)
        table.add_column("value", justify="right", no_wrap=True)
        for row, values in zip(rows, cells):
            for k, (name, value) in enumerate(zip(names, values)):
                first = row["metric"] if k == 0 else f"[dim]{row['unit']}[/]" if k == 1 else ""
                table.add_row(first, name, value)
            table.add_section()
    console.print(table)


def _write_comparison(out: Path, rows: list[dict[str, Any]]) -> None:
    import csv
    import io

    from orgsim.store.atomic import write_text

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_text(Path(out) / "comparison.csv", buf.getvalue())


