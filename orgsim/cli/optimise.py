"""`orgsim optimise`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgsim.cli.app import app, check_backend, friendly
from orgsim.cli.progress import Bar


@app.command()
@friendly
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
    check_backend(backend, workers)
    bar = Bar(quiet)
    try:
        from orgsim.optimise import optimise as search

        root = search(file, out, backend, workers, scheduler, resume, bar)  # type: ignore[arg-type]
    finally:
        bar.stop()
    import pandas as pd

    front = pd.read_csv(root / "front.csv")
    typer.echo(f"{len(front)} non-dominated designs: {root / 'front.csv'}, {root / 'designs'}, "
               f"{root / 'plots'}")
    for column in (c for c in front.columns if c.endswith("_near_best")):
        near = front[column].astype("boolean")
        if near.notna().all():
            typer.echo(f"  {column.removesuffix('_near_best')}: {int(near.sum())} of {len(front)} within "
                       "noise of the best (paired 95% interval of the difference holds zero)")


