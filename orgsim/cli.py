"""The `orgsim` command. Heavy imports (Mesa, pandas) happen inside the commands that need them."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from orgsim.config.yamlio import ConfigError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Simulate how the centre of the NHS organises transformation work.")
F = TypeVar("F", bound=Callable[..., Any])
SCENARIO_KEYS = {"horizon_weeks", "organisations", "themes", "demand"}  # required in every scenario


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _friendly(fn: F) -> F:
    """Bad input becomes one line on stderr and exit status 2, never a traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            _fail(str(exc))
    return wrapper  # type: ignore[return-value]


@app.command()
@_friendly
def validate(
    file: Annotated[Path, typer.Argument(help="A scenario or an operating model YAML file.")],
    scenario: Annotated[Path, typer.Option(help="Scenario to check an operating model against.")]
    = Path("configs/nhs_england.yaml"),
) -> None:
    """Check a configuration file without running it."""
    from orgsim.config.load import load_operating_model, load_scenario
    from orgsim.config.resolve import resolve
    from orgsim.config.yamlio import read_yaml

    data = read_yaml(file).data
    if not SCENARIO_KEYS & set(data):
        sc, sc_src = load_scenario(scenario)
        om, om_src = load_operating_model(str(file), scenario, sc)
        resolve(sc, om, sc_src, om_src)
        typer.echo(f"ok: {file} (operating model {om.name!r}, checked against {scenario})")
        return
    sc, sc_src = load_scenario(file)
    for name in sc.operating_models:
        om, om_src = load_operating_model(name, file, sc, sc_src)
        resolve(sc, om, sc_src, om_src)
    models = ", ".join(sc.operating_models) or "no operating models"
    typer.echo(f"ok: {file} (scenario {sc.name!r}; {models})")


@app.command()
@_friendly
def run(
    config: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    model: Annotated[list[str] | None, typer.Option("--model", "-m",
                     help="Operating model name or file (repeatable); default: the scenario's list.")] = None,
    seed: Annotated[int | None, typer.Option(help="Root seed (default: the scenario's).")] = None,
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("results/run"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the table.")] = False,
) -> None:
    """Run a scenario under one or more operating models and compare them."""
    from orgsim.config.load import load_plans

    plans = load_plans(config, model)  # every file is checked before anything runs
    from rich.console import Console

    from orgsim.api import measure
    from orgsim.engine.run import simulate
    from orgsim.metrics.table import comparison_rows
    from orgsim.store.rundir import write_run

    console = Console(stderr=True, quiet=quiet)
    results: dict[str, dict[str, Any]] = {}
    for plan in plans:
        with console.status(f"running {plan.model} ..."):
            result = simulate(plan, seed)
            metrics = measure(result)
            run_dir = write_run(out, result, metrics)
        console.print(f"[green]done[/] {plan.model}: {len(result.initiatives)} initiatives, "
                      f"{result.events:,} events in {result.wall_seconds:.2f} s -> {run_dir}",
                      soft_wrap=True)
        results[plan.model] = metrics
    _print_table(comparison_rows(results), list(results), seed if seed is not None else plans[0].scenario.seed)
    _write_comparison(out, comparison_rows(results))


def _print_table(rows: list[dict[str, Any]], names: list[str], seed: int) -> None:
    from rich.console import Console
    from rich.table import Table

    from orgsim.metrics.table import fmt

    table = Table(title=f"Operating models compared (seed {seed}, one replication)")
    table.add_column("metric", no_wrap=True)
    table.add_column("unit", style="dim", no_wrap=True)
    for name in names:
        table.add_column(name, justify="right")
    for row in rows:
        table.add_row(row["metric"], row["unit"], *(fmt(row[n]) for n in names))
    Console(width=max(120, 30 + 24 * len(names))).print(table)


def _write_comparison(out: Path, rows: list[dict[str, Any]]) -> None:
    import csv
    import io

    from orgsim.store.atomic import write_text

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_text(Path(out) / "comparison.csv", buf.getvalue())


def main() -> None:
    """Entry point of the `orgsim` script."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
