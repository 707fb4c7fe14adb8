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
    Each run is saved as it finishes: Ctrl-C stops the sweep, says what was kept and the
    command that continues it (--resume).
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
    root = out if out is not None else Path("results") / sweep.bases.exp.name
    bar = Bar(quiet)
    try:
        run_sweep(sweep, root, backend, workers, scheduler, resume, bar)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        bar.stop()
        interrupted(file, root, sweep.total, backend, workers, scheduler)
    finally:
        bar.stop()
    from orgsim.cli.summarise import show_summary

    show_summary(root, quiet)


def interrupted(file: Path, root: Path, total: int, backend: str, workers: int,
                scheduler: str | None) -> None:
    """After Ctrl-C: what was kept, and the exact command that goes on from there (exit 130)."""
    import shlex

    from orgsim.experiments.store import Store

    done = len(Store(root).done()) if root.is_dir() else 0
    if not done:
        typer.echo(f"interrupted: no run had finished, so nothing was saved; run `orgsim experiment "
                   f"{shlex.quote(str(file))}` again to start", err=True)
        raise typer.Exit(130)
    options = ["--resume", "--out", str(root)]
    if backend != "processes":
        options += ["--backend", backend]
    if workers != 2:
        options += ["--workers", str(workers)]
    if scheduler:
        options += ["--scheduler", scheduler]
    command = " ".join(shlex.quote(p) for p in ["orgsim", "experiment", str(file), *options])
    typer.echo(f"interrupted: {done:,} of {total:,} runs finished and are saved in {root / 'runs'} "
               "(runs under way when it stopped were not kept).\nTo continue: " + command, err=True)
    raise typer.Exit(130)


