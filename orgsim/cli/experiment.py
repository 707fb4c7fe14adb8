"""`orgsim experiment`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgsim.cli.app import app, check_backend, expect, friendly
from orgsim.cli.interrupt import Resumable
from orgsim.cli.options import BACKEND, WORKERS, BackendName, ResultsFolder, Scheduler, Workers
from orgsim.cli.progress import Bar


@app.command()
@friendly
def experiment(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Experiment YAML file (see experiments/).")],
    workers: Workers = WORKERS,
    backend: BackendName = BACKEND,
    scheduler: Scheduler = None,
    resume: Annotated[bool, typer.Option(help="Continue a stopped sweep, skipping finished runs.")] = False,
    out: ResultsFolder = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary table "
                     "(the tables are still written to summary/).")] = False,
) -> None:
    """Run an experiment: every design point, replication and model.

    Then summarise it (see `summarise`): the summary table is printed unless --quiet.
    Each run is saved as it finishes: Ctrl-C stops the sweep, says what was kept and the
    command that continues it (--resume).
    """
    check_backend(backend, workers)
    from orgsim.experiments.runner import prepare
    from orgsim.experiments.runner import run as run_sweep
    from orgsim.experiments.store import Store

    expect(file, "experiment")
    sweep = prepare(file)  # every file is checked, and every size, before the bar starts
    if not quiet:
        from orgsim.experiments.levers import notes

        for note in notes(sweep.bases):
            typer.echo(f"note: {note}", err=True)
    root = out if out is not None else Path("results") / sweep.bases.exp.name
    bar = Bar(quiet)
    command = Resumable("experiment", file, root, backend, workers, scheduler)
    with command.saving(bar, lambda folder: len(Store(folder).done()), "runs", total=sweep.total):
        run_sweep(sweep, root, backend, workers, scheduler, resume, bar)  # type: ignore[arg-type]
    from orgsim.cli.summarise import show_summary

    show_summary(root, quiet)
