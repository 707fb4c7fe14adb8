"""`orgsim calibrate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgsim.calibration.log import NAME
from orgsim.cli.app import app, check_backend, expect, friendly
from orgsim.cli.interrupt import Resumable
from orgsim.cli.options import BACKEND, WORKERS, BackendName, NoBar, ResultsFolder, Scheduler, Workers
from orgsim.cli.progress import Bar


@app.command()
@friendly
def calibrate(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Calibration YAML file (see "
                                         "configs/calibration/).")],
    workers: Workers = WORKERS,
    backend: BackendName = BACKEND,
    scheduler: Scheduler = None,
    resume: Annotated[bool, typer.Option(help="Continue a stopped calibration, replaying finished "
                      "simulations.")] = False,
    out: ResultsFolder = None,
    quiet: NoBar = False,
) -> None:
    """Calibrate a scenario to observed figures (ABC-SMC).

    Writes the calibrated ensemble, the simulated targets against the observed, calibrated
    scenario files and a report in the results folder. Each simulation is saved as it
    finishes: Ctrl-C stops the calibration, says what was kept and the command that
    continues it (--resume).
    """
    check_backend(backend, workers)
    expect(file, "calibration")
    bar = Bar(quiet, things="simulations")
    command = Resumable("calibrate", file, out, backend, workers, scheduler)
    with command.saving(bar, _kept, NAME, thing="simulation"):
        from orgsim.calibration.run import calibrate as run_calibration

        root = run_calibration(file, out, backend, workers, scheduler, resume, bar)  # type: ignore[arg-type]
    from orgsim.calibration.report import convergence
    from orgsim.calibration.report import write_report as write_calibration_report

    typer.echo(f"calibration: {root}; report: {write_calibration_report(root)}")
    progress, warned = convergence(root)
    typer.echo(progress)
    if warned:
        typer.echo(f"warning: {warned}", err=True)


def _kept(root: Path) -> int:
    """Simulations of the calibration saved in `root`."""
    from orgsim.calibration.log import finished

    return finished(root / NAME)
