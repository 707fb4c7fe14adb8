"""Arguments and options that several commands take, written once (`typing.Annotated` aliases).

A command gives each its default in its own signature: `workers: Workers = WORKERS`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

WORKERS = 2
BACKEND = "processes"

# The commands that run simulations on the backends (experiment, optimise, calibrate).
Workers = Annotated[int, typer.Option(metavar="N", help="Parallel workers.")]
BackendName = Annotated[str, typer.Option(metavar="NAME", help="serial, processes or dask.")]
Scheduler = Annotated[str | None, typer.Option(metavar="ADDRESS",
                                               help="Dask scheduler address (dask backend).")]
ResultsFolder = Annotated[Path | None, typer.Option(metavar="FOLDER",
                                                    help="Results folder (default: results/NAME).")]
NoBar = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]

# The commands that run a scenario's plans (run, describe).
Scenario = Annotated[Path, typer.Argument(metavar="SCENARIO", help="Scenario YAML file.")]
Models = Annotated[list[str] | None, typer.Option(
    "--model", "-m", metavar="MODEL",
    help="Operating model name or file (repeatable); default: the scenario's list.")]
