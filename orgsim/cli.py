"""The `orgsim` command. Heavy imports (Mesa, pandas) happen inside the commands that need them."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from orgsim.config.yamlio import ConfigError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  pretty_exceptions_enable=False,
                  help="Simulate how the centre of the NHS organises transformation work.")
F = TypeVar("F", bound=Callable[..., Any])
EXPERIMENT_KEYS = {"scenario", "models"}  # required in every experiment
SCENARIO_KEYS = {"horizon_weeks", "organisations", "themes", "demand", "timeline"}  # any one marks a scenario


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
    file: Annotated[Path, typer.Argument(help="A scenario, operating model or experiment YAML file.")],
    scenario: Annotated[Path, typer.Option(help="Scenario to check an operating model against.")]
    = Path("configs/nhs_england.yaml"),
) -> None:
    """Check a configuration file without running it."""
    from orgsim.config.load import load_operating_model, load_plans, load_scenario
    from orgsim.config.resolve import resolve
    from orgsim.config.yamlio import read_yaml

    data = read_yaml(file).data
    if EXPERIMENT_KEYS <= set(data):
        from orgsim.experiments.points import load_experiment

        exp = load_experiment(file).exp
        typer.echo(f"ok: {file} (experiment {exp.name!r}; {exp.design.kind} design, "
                   f"{len(exp.models)} models, {exp.replications} replications)")
        return
    if not SCENARIO_KEYS & set(data):
        sc, sc_src = load_scenario(scenario)
        om, om_src = load_operating_model(str(file), scenario, sc)
        resolve(sc, om, sc_src, om_src)
        typer.echo(f"ok: {file} (operating model {om.name!r}, checked against {scenario})")
        return
    sc, _ = load_scenario(file)
    if sc.operating_models:
        load_plans(file)  # every model, with the timeline checked against each
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
    baseline: Annotated[bool, typer.Option(help="Also run each model without the scenario's timeline "
                        "of interventions (same seed, so the two are paired).")] = False,
) -> None:
    """Run a scenario under one or more operating models and compare them."""
    from dataclasses import replace

    from orgsim.config.load import load_plans

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
    for name, plan in named:
        with console.status(f"running {name} ..."):
            result = simulate(plan, seed)
            metrics = measure(result)
            run_dir = write_run(out, result, metrics, name)
        console.print(f"[green]done[/] {name}: {len(result.initiatives)} initiatives, "
                      f"{len(plan.timeline)} interventions, {result.events:,} events in "
                      f"{result.wall_seconds:.2f} s -> {run_dir}", soft_wrap=True)
        results[name] = metrics
    shown_seed = seed if seed is not None else plans[0].scenario.seed
    _print_table(comparison_rows(results), list(results), shown_seed)
    _write_comparison(out, comparison_rows(results))


class _Bar:
    """Rich progress for a sweep: runs done, rate and time left."""

    def __init__(self, quiet: bool) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                                 TextColumn("left"), TimeRemainingColumn(), disable=quiet,
                                 transient=False)
        self.task = self.progress.add_task("preparing design", total=None, rate="")
        self.progress.start()

    def start(self, total: int, done: int) -> None:
        import time

        self.t0, self.done0 = time.perf_counter(), done
        self.progress.update(self.task, description="runs", total=total, completed=done)

    def advance(self) -> None:
        import time

        self.progress.advance(self.task)
        finished = self.progress.tasks[0].completed - self.done0
        rate = finished / max(time.perf_counter() - self.t0, 1e-9)
        self.progress.update(self.task, rate=f"{rate:.1f} runs/s")

    def stop(self) -> None:
        self.progress.stop()


@app.command()
@_friendly
def experiment(
    file: Annotated[Path, typer.Argument(help="Experiment YAML file (see experiments/).")],
    workers: Annotated[int, typer.Option(help="Parallel workers.")] = 2,
    backend: Annotated[str, typer.Option(help="serial, processes or dask.")] = "processes",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (dask backend).")] = None,
    resume: Annotated[bool, typer.Option(help="Continue a stopped sweep, skipping finished runs.")] = False,
    out: Annotated[Path | None, typer.Option(help="Results directory (default results/NAME).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Run an experiment: every design point, replication and operating model."""
    if backend not in ("serial", "processes", "dask"):
        _fail(f"--backend: expected serial, processes or dask, found {backend!r}")
    if workers < 1:
        _fail(f"--workers: must be >= 1, got {workers}")
    bar = _Bar(quiet)
    try:
        from orgsim.experiments.runner import run as run_sweep

        root = run_sweep(file, out, backend, workers, scheduler, resume, bar)  # type: ignore[arg-type]
    finally:
        bar.stop()
    _summarise(root, quiet)


@app.command()
@_friendly
def summarise(
    results: Annotated[Path, typer.Argument(help="Results directory of an experiment.")],
) -> None:
    """Means, confidence intervals, paired differences, sensitivity and robustness tables."""
    _summarise(results, quiet=False)


def _summarise(root: Path, quiet: bool) -> None:
    if not (root / "metrics.parquet").exists():
        _fail(f"{root}: no metrics.parquet; is this the results directory of a finished experiment?")
    from orgsim.analysis import summarise as summarise_results

    summary = summarise_results(root, write=True)
    if not quiet:
        _print_summary(root, summary)
    typer.echo(f"tables written to {root / 'summary'}")


def _print_summary(root: Path, summary: Any) -> None:
    """The outcomes of interest: one row each, a column per model, and the compared pair."""
    import json

    from rich.console import Console
    from rich.table import Table

    from orgsim.metrics.table import LABELS

    exp = json.loads((root / "experiment.json").read_text())
    models, outcomes = exp["models"], exp["outcomes"]
    pair = exp.get("compare") or models[:2]
    by = summary.by_model.set_index(["outcome", "model"])
    table = Table(title=f"{exp['name']}: mean [95% CI] over {exp['replications']} replications")
    table.add_column("outcome", no_wrap=True)
    table.add_column("unit", style="dim")
    for m in models:
        table.add_column(m, justify="right")
    if len(pair) == 2:
        table.add_column(f"{pair[0]} - {pair[1]}", justify="right")
        diffs = summary.paired.set_index(["model_a", "model_b", "outcome"])
    for outcome in outcomes:
        label, unit = LABELS.get(outcome, (outcome, ""))
        cells = [f"{by.loc[(outcome, m), 'mean']:.4g} [{by.loc[(outcome, m), 'ci_low']:.3g}, "
                 f"{by.loc[(outcome, m), 'ci_high']:.3g}]" for m in models]
        if len(pair) == 2:
            key = (pair[0], pair[1], outcome)
            flip = key not in diffs.index
            d = diffs.loc[(pair[1], pair[0], outcome) if flip else key]
            sign = -1.0 if flip else 1.0
            lo, hi = sorted((sign * d["ci_low"], sign * d["ci_high"]))
            cells.append(f"{sign * d['mean_diff']:+.3g} [{lo:+.3g}, {hi:+.3g}]")
        table.add_row(label, unit, *cells)
    Console(width=max(120, 40 + 30 * (len(models) + 1))).print(table)


@app.command()
@_friendly
def report(
    results: Annotated[Path, typer.Argument(help="Results directory of an experiment, or the "
                                            "folder `orgsim run` wrote.")],
) -> None:
    """Write one self-contained HTML report (and PNG, PDF and SVG plots) for an experiment or a run."""
    from orgsim.report.data import kind_of

    if kind_of(results) is None:
        _fail(f"{results}: neither the results of a finished experiment (metrics.parquet) nor a "
              "folder written by `orgsim run` (MODEL/manifest.json)")
    from orgsim.report import write_report

    typer.echo(f"report: {write_report(results)}")


@app.command()
@_friendly
def replay(
    run_dir: Annotated[Path, typer.Argument(help="One operating model's folder of a run, "
                                            "e.g. results/run/MODEL.")],
    initiative: Annotated[int | None, typer.Option("--initiative", "-i",
                          help="Tell this initiative's journey instead of the weeks.")] = None,
    start: Annotated[int | None, typer.Option("--from", help="First week told (or animated).")] = None,
    end: Annotated[int | None, typer.Option("--to", help="Last week told (or animated).")] = None,
    step: Annotated[bool, typer.Option("--step", help="Wait for Enter between weeks (q stops).")] = False,
    animate: Annotated[Path | None, typer.Option("--animate", help="Write an animated GIF of work "
                       "flowing between organisations instead of the weeks.")] = None,
    weeks_per_frame: Annotated[float, typer.Option(help="Weeks between frames of --animate.")] = 4.0,
) -> None:
    """Replay a recorded run without re-simulating: week by week, one journey, or an animation."""
    if start is not None and end is not None and start > end:
        _fail(f"--from {start} is after --to {end}")
    if animate is not None and animate.suffix.lower() != ".gif":
        _fail(f"--animate: expected a .gif file, got {animate}")
    if animate is not None and not animate.parent.is_dir():
        _fail(f"--animate: no such directory {animate.parent}")
    if weeks_per_frame <= 0:
        _fail(f"--weeks-per-frame: must be > 0, got {weeks_per_frame}")
    from rich.console import Console

    from orgsim.workshop import heading, journey, load_run, narrative
    from orgsim.workshop.show import show_journey, show_narrative

    run_data = load_run(run_dir)
    if initiative is not None:
        show_journey(Console(), journey(run_data, initiative))
    if animate is not None:
        _animate(run_data, animate, weeks_per_frame, start, end)
    elif initiative is None:
        show_narrative(Console(), heading(run_data), narrative(run_data, start, end), step)


def _animate(run_data: Any, out: Path, step: float, start: int | None, end: int | None) -> None:
    from orgsim.plots.animation import DPI, FPS, flow_animation
    from orgsim.plots.style import model_label
    from orgsim.workshop import frames

    first = float(start or 0)
    last = min(run_data.horizon, float(end)) if end is not None else run_data.horizon
    if first >= last:
        _fail(f"--from {first:g}: nothing to animate before the horizon (week {run_data.horizon:g})")
    f = frames(run_data, step, first, last)
    _, anim = flow_animation(f.states, f.moves, f.tally, model_label(run_data.model), f.step)
    anim.save(out, writer="pillow", fps=FPS, dpi=DPI)
    typer.echo(f"animation: {out} ({f.tally['frame'].nunique()} frames, weeks {first:g} to {last:g})")


@app.command()
@_friendly
def workshop(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file of live runs.")]
    = Path("configs/nhs_england.yaml"),
    model: Annotated[list[str] | None, typer.Option("--model", "-m", help="Operating model shown "
                     "(repeatable, at most 2); default: the scenario's first two.")] = None,
    run_dir: Annotated[list[Path] | None, typer.Option("--run-dir", help="Replay a recorded run "
                       "(written by `orgsim run --out`) instead of simulating; repeatable.")] = None,
    seed: Annotated[int | None, typer.Option(help="Root seed of live runs (default: the scenario's).")]
    = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = 8765,
) -> None:
    """Serve the workshop dashboard: runs side by side, levers, live charts, replay of recordings."""
    from orgsim.workshop.dashboard.server import ServerError, listenable, serve
    from orgsim.workshop.dashboard.settings import check

    settings = check(scenario, model, seed, run_dir)
    port = listenable(host, port)
    try:
        serve(settings, host, port, typer.echo)
    except ServerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def _print_table(rows: list[dict[str, Any]], names: list[str], seed: int) -> None:
    from rich.console import Console
    from rich.table import Table

    from orgsim.metrics.table import fmt

    table = Table(title=f"Operating models compared (seed {seed}, one replication)")
    table.add_column("metric", no_wrap=True)
    table.add_column("unit", style="dim", no_wrap=True)
    for name in names:
        table.add_column(name, justify="right", no_wrap=True, min_width=len(name))
    for row in rows:
        table.add_row(row["metric"], row["unit"], *(fmt(row[n]) for n in names))
    Console(width=max(120, 64 + sum(max(len(n), 12) + 3 for n in names))).print(table)


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
