"""The `orgsim` command. Heavy imports (Mesa, pandas) happen inside the commands that need them."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from orgsim.config.kinds import Kind
from orgsim.config.yamlio import ConfigError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  pretty_exceptions_enable=False,
                  help="Simulate how the centre of the NHS organises transformation work.")
F = TypeVar("F", bound=Callable[..., Any])


def _help_without_types() -> None:
    """Help names each argument's value (FILE, FOLDER) as options do, not its Python type (`<path>`)."""
    from typer.core import TyperArgument

    typed = TyperArgument.display_type_rich

    def shown(self: TyperArgument, ctx: Any) -> str | None:
        return None if self.metavar else typed(self, ctx)

    TyperArgument.display_type_rich = shown  # type: ignore[method-assign,assignment]


_help_without_types()


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _check_backend(backend: str, workers: int) -> None:
    """The options every command that runs simulations on the backends takes."""
    if backend not in ("serial", "processes", "dask"):
        _fail(f"--backend: expected serial, processes or dask, found {backend!r}")
    if workers < 1:
        _fail(f"--workers: must be >= 1, got {workers}")


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


def _version(value: bool) -> None:
    if value:
        from orgsim.store.rundir import package_version

        typer.echo(f"orgsim {package_version('orgsim')}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print orgsim's version and exit.")] = False) -> None:
    """Simulate how the centre of the NHS organises transformation work."""


def _expect(file: Path, wanted: Kind) -> None:
    """Refuse, before anything starts, a file of another kind than the command takes."""
    from orgsim.config.kinds import wrong_kind
    from orgsim.config.yamlio import read_yaml

    problem = wrong_kind(read_yaml(file).data, wanted, str(file))
    if problem:
        _fail(f"{file}: {problem}")


@app.command()
@_friendly
def validate(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A scenario, operating model, "
                                         "experiment or optimisation YAML file.")],
    scenario: Annotated[Path, typer.Option(metavar="FILE", help="Scenario to check an operating model "
                                           "against.")] = Path("configs/nhs_england.yaml"),
) -> None:
    """Check a configuration file without running it."""
    from orgsim.config.kinds import guess
    from orgsim.config.load import load_operating_model, load_plans, load_scenario
    from orgsim.config.resolve import resolve
    from orgsim.config.yamlio import read_yaml

    kind = guess(read_yaml(file).data)
    if kind == "optimisation":
        from orgsim.optimise import load

        problem = load(file)
        typer.echo(f"ok: {file} (optimisation {problem.opt.name!r} of {problem.name!r}; "
                   f"{len(problem.opt.levers)} levers, {len(problem.opt.objectives)} objectives, "
                   f"at most {problem.opt.most_runs:,} runs)")
        return
    if kind == "calibration":
        from orgsim.calibration.load import load_calibration

        cal = load_calibration(file, pilot=False).cal
        typer.echo(f"ok: {file} (calibration {cal.name!r}; {len(cal.parameters)} parameters, "
                   f"{len(cal.targets)} targets, observed under {cal.model!r})")
        return
    if kind == "experiment":
        from orgsim.experiments.points import load_experiment

        exp = load_experiment(file).exp
        typer.echo(f"ok: {file} (experiment {exp.name!r}; {exp.design.kind} design, "
                   f"{len(exp.models)} models, {exp.replications} replications)")
        return
    if kind == "operating model":
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
    config: Annotated[Path, typer.Argument(metavar="SCENARIO", help="Scenario YAML file.")],
    model: Annotated[list[str] | None, typer.Option("--model", "-m", metavar="MODEL",
                     help="Operating model name or file (repeatable); default: the scenario's list.")] = None,
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

    _expect(config, "scenario")
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
            console.print(f"[green]done[/] {name}: {len(result.initiatives)} initiatives, "
                          f"{len(plan.timeline)} interventions, {result.events:,} events in "
                          f"{result.wall_seconds:.2f} s -> {run_dir}", soft_wrap=True)
            results[name] = metrics
        _write_comparison(out, comparison_rows(results))
    shown_seed = seed if seed is not None else plans[0].scenario.seed
    _print_table(comparison_rows(results), list(results), shown_seed)


class _Bar:
    """Rich progress for a sweep: runs done of all, rate, time elapsed and time left."""

    def __init__(self, quiet: bool, console: Any = None) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[rate]}"), _times_column(), disable=quiet,
                                 transient=False, console=console)
        self.task = self.progress.add_task("runs", total=None, start=False, rate="")

    def start(self, total: int, done: int) -> None:
        import time

        self.t0, self.done0 = time.perf_counter(), done
        self.progress.update(self.task, total=total, completed=done)
        self.progress.start_task(self.task)
        self.progress.start()

    def advance(self) -> None:
        import time

        self.progress.advance(self.task)
        finished = self.progress.tasks[0].completed - self.done0
        rate = finished / max(time.perf_counter() - self.t0, 1e-9)
        self.progress.update(self.task, rate=f"{rate:.1f} runs/s")

    def stop(self) -> None:
        self.progress.stop()


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-:--:--"
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def _times_column() -> Any:
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class Times(ProgressColumn):
        """`elapsed 0:00:25, left 0:00:11`: each time says what it is."""

        def render(self, task: Task) -> Text:
            left = "" if task.total is None else f", left {_clock(task.time_remaining)}"
            return Text(f"elapsed {_clock(task.elapsed or 0.0)}{left}", style="progress.elapsed")

    return Times()


@app.command()
@_friendly
def experiment(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Experiment YAML file (see experiments/).")],
    workers: Annotated[int, typer.Option(metavar="N", help="Parallel workers.")] = 2,
    backend: Annotated[str, typer.Option(metavar="NAME", help="serial, processes or dask.")]
    = "processes",
    scheduler: Annotated[str | None, typer.Option(metavar="ADDRESS", help="Dask scheduler address "
                         "(dask backend).")] = None,
    resume: Annotated[bool, typer.Option(help="Continue a stopped sweep, skipping finished runs.")] = False,
    out: Annotated[Path | None, typer.Option(metavar="FOLDER", help="Results folder (default: "
                   "results/NAME).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary table "
                     "(the tables are still written to summary/).")] = False,
) -> None:
    """Run an experiment: every design point, replication and model.

    Then summarise it (see `summarise`): the summary table is printed unless --quiet.
    """
    _check_backend(backend, workers)
    from orgsim.experiments.runner import prepare
    from orgsim.experiments.runner import run as run_sweep

    _expect(file, "experiment")
    sweep = prepare(file)  # every file is checked, and every size, before the bar starts
    bar = _Bar(quiet)
    try:
        root = run_sweep(sweep, out, backend, workers, scheduler, resume, bar)  # type: ignore[arg-type]
    finally:
        bar.stop()
    _summarise(root, quiet)


@app.command()
@_friendly
def optimise(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Optimisation YAML file (see "
                                         "experiments/optimise_joined_up.yaml).")],
    workers: Annotated[int, typer.Option(metavar="N", help="Parallel workers.")] = 2,
    backend: Annotated[str, typer.Option(metavar="NAME", help="serial, processes or dask.")]
    = "processes",
    scheduler: Annotated[str | None, typer.Option(metavar="ADDRESS", help="Dask scheduler address "
                         "(dask backend).")] = None,
    resume: Annotated[bool, typer.Option(help="Continue a stopped search, reusing finished runs.")]
    = False,
    out: Annotated[Path | None, typer.Option(metavar="FOLDER", help="Results folder (default: "
                   "results/NAME).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Search the best settings of one operating model.

    Many-objective search (NSGA-II) of the levers an optimisation file names, on the
    experiment backends; writes the Pareto front, its convergence and each front design
    as an operating model file.
    """
    _check_backend(backend, workers)
    bar = _Bar(quiet)
    try:
        from orgsim.optimise import optimise as search

        root = search(file, out, backend, workers, scheduler, resume, bar)  # type: ignore[arg-type]
    finally:
        bar.stop()
    import pandas as pd

    front = pd.read_csv(root / "front.csv")
    typer.echo(f"{len(front)} non-dominated designs: {root / 'front.csv'}, {root / 'designs'}, "
               f"{root / 'plots'}")


@app.command()
@_friendly
def calibrate(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Calibration YAML file (see "
                                         "configs/calibration/).")],
    workers: Annotated[int, typer.Option(metavar="N", help="Parallel workers.")] = 2,
    backend: Annotated[str, typer.Option(metavar="NAME", help="serial, processes or dask.")]
    = "processes",
    scheduler: Annotated[str | None, typer.Option(metavar="ADDRESS", help="Dask scheduler address "
                         "(dask backend).")] = None,
    resume: Annotated[bool, typer.Option(help="Continue a stopped calibration, replaying finished "
                      "simulations.")] = False,
    out: Annotated[Path | None, typer.Option(metavar="FOLDER", help="Results folder (default: "
                   "results/NAME).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Calibrate a scenario to observed figures (ABC-SMC).

    Writes the calibrated ensemble, the simulated targets against the observed, calibrated
    scenario files and a report in the results folder.
    """
    _check_backend(backend, workers)
    _expect(file, "calibration")
    bar = _Bar(quiet)
    try:
        from orgsim.calibration.run import calibrate as run_calibration

        root = run_calibration(file, out, backend, workers, scheduler, resume, bar)  # type: ignore[arg-type]
    finally:
        bar.stop()
    from orgsim.calibration.report import write_report as write_calibration_report

    typer.echo(f"calibration: {root}; report: {write_calibration_report(root)}")


@app.command()
@_friendly
def summarise(
    results: Annotated[Path, typer.Argument(metavar="FOLDER", help="Results folder of an experiment.")],
) -> None:
    """Means, intervals and paired differences of an experiment.

    Also sensitivity and robustness tables where the design has several points; all are
    written as CSV to the folder's summary/.
    """
    _summarise(results, quiet=False)


def _summarise(root: Path, quiet: bool) -> None:
    from orgsim.analysis import summarise as summarise_results
    from orgsim.experiments.results import check
    from orgsim.store.lock import hold

    with hold(root, option="FOLDER", create=False):
        checked = check(root)
        summary = summarise_results(root, write=True)
    if not quiet:
        from rich.console import Console

        from orgsim.analysis.terminal import summary_table

        console = Console()
        console.print(summary_table(checked.exp, summary, console.width))
        _print_decision(console, summary, list(checked.exp.models), list(checked.exp.outcomes))
    typer.echo(f"tables written to {root / 'summary'}")


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


@app.command()
@_friendly
def discover(
    results: Annotated[Path, typer.Argument(metavar="FOLDER", help="Results folder of an experiment "
                                            "that sampled uncertainties.")],
    cases: Annotated[str, typer.Option("--cases", "-c", metavar="EXPRESSION", help="Cases of "
                     "interest over MODEL.OUTCOME names, e.g. 'model_b.lead_time_mean > "
                     "model_a.lead_time_mean'.")],
    on: Annotated[str, typer.Option(metavar="WHAT", help="runs: each design point and replication "
                  "(paired); means: each design point's replication mean.")] = "runs",
    label: Annotated[str, typer.Option(metavar="TEXT", help="The cases in words, to open the "
                     "sentence (e.g. 'Joined-up planning loses on lead time').")] = "",
    box: Annotated[int | None, typer.Option(metavar="N", help="Box of PRIM's trajectory to describe "
                   "(default: the highest coverage x density).")] = None,
    peel_alpha: Annotated[float, typer.Option(metavar="SHARE", help="Share of the box each peel "
                          "removes.")] = 0.05,
    paste_alpha: Annotated[float, typer.Option(metavar="SHARE", help="Share added by each paste.")]
    = 0.05,
    mass_min: Annotated[float, typer.Option(metavar="SHARE", help="Smallest box, as a share of the "
                        "cases.")] = 0.05,
) -> None:
    """Find when the cases of interest happen (PRIM, CART).

    Scenario discovery on an experiment that sampled its uncertainties: PRIM's trajectory
    of boxes, the chosen box with quasi-p-values and in words, and a classification tree.
    """
    if on not in ("runs", "means"):
        _fail(f"--on: expected runs or means, found {on!r}")
    for option, value in (("--peel-alpha", peel_alpha), ("--paste-alpha", paste_alpha),
                          ("--mass-min", mass_min)):
        if not 0 < value < 0.5:
            _fail(f"{option}: expected a share between 0 and 0.5, found {value:g}")
    from orgsim.analysis.cases import CasesError
    from orgsim.analysis.discovery import DiscoveryError, Question
    from orgsim.analysis.discovery import discover as run_discovery

    question = Question(cases, on, label, peel_alpha, paste_alpha, mass_min)  # type: ignore[arg-type]
    from orgsim.report.decision import save_discovery_plots
    from orgsim.store.lock import hold

    if not results.is_dir():
        _fail(f"{results}: no such folder")
    try:
        with hold(results, option="FOLDER", create=False):
            found = run_discovery(results, question, box)
            save_discovery_plots(found, results / "plots")
    except (CasesError, DiscoveryError) as err:
        _fail(f"--cases: {err}" if isinstance(err, CasesError) else str(err))
        return
    t = found.trajectory
    typer.echo(t.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    typer.echo(f"\nbox {found.box}:\n" + found.limits.to_string(index=False))
    typer.echo(f"\n{found.sentence}\n\ntables written to {results / 'discovery'}; "
               f"`orgsim report {results}` adds them to the report")


@app.command()
@_friendly
def report(
    results: Annotated[Path, typer.Argument(metavar="FOLDER", help="Results folder of an experiment, "
                                            "or the folder `orgsim run` wrote.")],
) -> None:
    """Write the HTML report and plots of an experiment or a run.

    One self-contained report.html, and every plot as PNG, PDF and SVG under plots/.
    """
    from orgsim.report import write_report
    from orgsim.report.data import RUN_FILES, kind_of
    from orgsim.store.lock import hold

    if not results.is_dir():
        _fail(f"{results}: no such folder")
    if kind_of(results) is None and any(results.glob("*/events.parquet")):
        _fail(f"{results}: no complete run here; each MODEL/ folder of `orgsim run` holds "
              f"{', '.join(RUN_FILES)}")
    if kind_of(results) is None and not any((results / f).exists()
                                            for f in ("experiment.json", "metrics.parquet")):
        _fail(f"{results}: neither an experiment's results folder (experiment.json, metrics.parquet) "
              f"nor a folder `orgsim run` wrote (MODEL/ folders holding {', '.join(RUN_FILES)})")
    with hold(results, option="FOLDER", create=False):
        path = write_report(results)  # an experiment's results are checked before anything is written
    typer.echo(f"report: {path}")


@app.command()
@_friendly
def replay(
    run_dir: Annotated[Path, typer.Argument(metavar="FOLDER", help="One operating model's folder of a "
                                            "run, e.g. results/run/MODEL.")],
    initiative: Annotated[str | None, typer.Option("--initiative", "-i", metavar="ID", help="Tell this "
                          "initiative's journey instead of the weeks: its id (the narrative names them, "
                          "e.g. 'initiative 55'; all are in the folder's initiatives.parquet) or its "
                          "capability key (e.g. cardiology/20) when one initiative has it.")] = None,
    start: Annotated[int | None, typer.Option("--from", metavar="WEEK", help="First week told (or "
                     "animated).")] = None,
    end: Annotated[int | None, typer.Option("--to", metavar="WEEK", help="Last week told (or animated).")]
    = None,
    step: Annotated[bool, typer.Option("--step", help="Wait for Enter between weeks (q stops).")] = False,
    animate: Annotated[Path | None, typer.Option("--animate", metavar="FILE.gif", help="Write an animated "
                       "GIF of work flowing between organisations instead of the weeks.")] = None,
    weeks_per_frame: Annotated[float, typer.Option(metavar="WEEKS", help="Weeks between frames of "
                               "--animate.")] = 4.0,
) -> None:
    """Replay a recorded run: week by week, a journey, or a GIF.

    Nothing is simulated again: the run's folder holds every record.
    """
    import math

    if start is not None and end is not None and start > end:
        _fail(f"--from {start} is after --to {end}")
    if animate is not None and animate.suffix.lower() != ".gif":
        _fail(f"--animate: expected a .gif file, got {animate}")
    if animate is not None and not animate.parent.is_dir():
        _fail(f"--animate: no such directory {animate.parent}")
    if not math.isfinite(weeks_per_frame) or weeks_per_frame <= 0:
        _fail(f"--weeks-per-frame: must be a number > 0, got {weeks_per_frame}")
    from orgsim.workshop import heading, journey, load_run, narrative
    from orgsim.workshop.show import initiative_id, output_console, show_journey, show_narrative

    run_data = load_run(run_dir)
    console = output_console()
    if initiative is not None:
        show_journey(console, journey(run_data, initiative_id(run_data, initiative)))
    if animate is not None:
        _animate(run_data, animate, weeks_per_frame, start, end)
    elif initiative is None:
        show_narrative(console, heading(run_data), narrative(run_data, start, end), step)


def _animate(run_data: Any, out: Path, step: float, start: int | None, end: int | None) -> None:
    from orgsim.plots.animation import DPI, FPS, flow_animation
    from orgsim.plots.style import model_label
    from orgsim.workshop import frames

    first = float(start or 0)
    last = min(run_data.horizon, float(end)) if end is not None else run_data.horizon
    if first >= last:
        _fail(f"--from {first:g}: nothing to animate before the horizon (week {run_data.horizon:g})")
    from orgsim.store.atomic import write_atomic

    f = frames(run_data, step, first, last)
    _, anim = flow_animation(f.states, f.moves, f.tally, model_label(run_data.model), f.step)
    write_atomic(out, lambda tmp: anim.save(tmp, writer="pillow", fps=FPS, dpi=DPI))
    typer.echo(f"animation: {out} ({f.tally['frame'].nunique()} frames, weeks {first:g} to {last:g})")


@app.command()
@_friendly
def workshop(
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO", help="Scenario YAML file of live runs.")]
    = Path("configs/nhs_england.yaml"),
    model: Annotated[list[str] | None, typer.Option("--model", "-m", metavar="MODEL", help="Operating "
                     "model shown (repeatable, at most 2); default: the scenario's first two.")] = None,
    run_dir: Annotated[list[Path] | None, typer.Option("--run-dir", metavar="FOLDER", help="Replay a "
                       "recorded run (written by `orgsim run --out`) instead of simulating; "
                       "repeatable.")] = None,
    seed: Annotated[int | None, typer.Option(metavar="N", help="Root seed of live runs (default: the "
                    "scenario's).")] = None,
    host: Annotated[str, typer.Option(metavar="ADDRESS", help="Address to listen on (the page has no "
                                      "login: keep 127.0.0.1 unless the room's network is trusted).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on (0: any free port).")]
    = 8765,
    save_dir: Annotated[Path, typer.Option(metavar="FOLDER", help="Where \"Save session\" writes a folder "
                                           "per save.")] = Path("results/workshop"),
) -> None:
    """Serve the workshop dashboard (live runs or recordings).

    Runs side by side, levers to pull while they play, live charts, and replays of recorded runs.
    """
    from orgsim.workshop.dashboard.server import ServerError, listenable, loopback, serve
    from orgsim.workshop.dashboard.settings import check

    settings = check(scenario, model, seed, run_dir, save_dir)
    port = listenable(host, port)
    if not loopback(host):
        typer.echo(f"warning: --host {host} lets anyone who can reach this machine open the page, which "
                   "has no login, and change or save its runs; serve a room on a network you trust "
                   "(see the README).", err=True)
    try:
        serve(settings, host, port, typer.echo)
    except ServerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


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


def main() -> None:
    """Entry point of the `orgsim` script."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
