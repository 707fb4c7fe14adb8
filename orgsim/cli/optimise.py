"""`orgsim optimise`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgsim.cli.app import app, check_backend, friendly
from orgsim.cli.interrupt import Resumable
from orgsim.cli.options import BACKEND, WORKERS, BackendName, NoBar, ResultsFolder, Scheduler, Workers
from orgsim.cli.progress import Bar


@app.command()
@friendly
def optimise(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Optimisation YAML file (see "
                                         "experiments/optimise_joined_up.yaml).")],
    workers: Workers = WORKERS,
    backend: BackendName = BACKEND,
    scheduler: Scheduler = None,
    resume: Annotated[bool, typer.Option(help="Continue a stopped search, reusing finished runs.")]
    = False,
    out: ResultsFolder = None,
    quiet: NoBar = False,
) -> None:
    """Search the best settings of one operating model.

    Many-objective search (NSGA-II) of the levers an optimisation file names, on the
    experiment backends; writes the Pareto front, its convergence and each front design
    as an operating model file. Each run is saved as it finishes: Ctrl-C stops the search,
    says what was kept and the command that continues it (--resume).
    """
    check_backend(backend, workers)
    bar = Bar(quiet)
    command = Resumable("optimise", file, out, backend, workers, scheduler)
    with command.saving(bar, _kept, "runs"):
        from orgsim.optimise import optimise as search

        root = search(file, out, backend, workers, scheduler, resume, bar)  # type: ignore[arg-type]
    import pandas as pd

    front = pd.read_csv(root / "front.csv")
    typer.echo(f"{len(front)} non-dominated designs: {root / 'front.csv'}, {root / 'designs'}, "
               f"{root / 'plots'}")
    for column in (c for c in front.columns if c.endswith("_near_best")):
        near = front[column].astype("boolean")
        if near.notna().all():
            typer.echo(f"  {column.removesuffix('_near_best')}: {int(near.sum())} of {len(front)} within "
                       "noise of the best (paired 95% interval of the difference holds zero)")


def _kept(root: Path) -> int:
    """Runs of the search saved in `root`."""
    from orgsim.optimise.evaluate import Runs

    return len(Runs(root).keys())
