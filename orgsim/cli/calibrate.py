"""`orgsim calibrate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgsim.cli.app import app, check_backend, expect, friendly
from orgsim.cli.progress import Bar


@app.command()
@friendly
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
    check_backend(backend, workers)
    expect(file, "calibration")
    bar = Bar(quiet, things="simulations")
    try:
        from orgsim.calibration.run import calibrate as run_calibration

        root = run_calibration(file, out, backend, workers, scheduler, resume, bar)  # type: ignore[arg-type]
    finally:
        bar.stop()
    from orgsim.calibration.report import convergence
    from orgsim.calibration.report import write_report as write_calibration_report

    typer.echo(f"calibration: {root}; report: {write_calibration_report(root)}")
    progress, warned = convergence(root)
    typer.echo(progress)
    if warned:
        typer.echo(f"warning: {warned}", err=True)


