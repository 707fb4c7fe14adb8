"""`orgsim experiment`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgsim.cli.app import app, check_backend, expect, friendly
from orgsim.cli.progress import Bar


@app.command()
@friendly
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
    check_backend(backend, workers)
    from orgsim.experiments.runner import prepare
    from orgsim.experiments.runner import run as run_sweep

    expect(file, "experiment")
    sweep = prepare(file)  # every file is checked, and every size, before the bar starts
    if not quiet:
        from orgsim.experiments.levers import notes

        for note in notes(sweep.bases):
            typer.echo(f"note: {note}", err=True)
    bar = Bar(quiet)
    try:
        root = run_sweep(sweep, out, backend, workers, scheduler, resume, bar)  # type: ignore[arg-type]
    finally:
        bar.stop()
    from orgsim.cli.summarise import show_summary

    show_summary(root, quiet)


