"""Arguments and options that several commands take, written once (`typing.Annotated` aliases).

A command gives each its default in its own signature: `workers: Workers = WORKERS`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgsim.cli.app import fail

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

# The commands that draw plots (report, discover).
FORMATS = ("png", "pdf", "svg")
Formats = Annotated[str, typer.Option(metavar="LIST", help="Files of each plot under plots/: png (300 dpi, "
                                      "always), pdf, svg (text kept as text), e.g. png,pdf,svg.")]


def formats_of(text: str) -> tuple[str, ...]:
    """`png,pdf,svg` as a tuple, PNG always first (the page embeds it); an unknown one refused."""
    asked = [f.strip().lower().lstrip(".") for f in text.split(",") if f.strip()]
    unknown = [f for f in asked if f not in FORMATS]
    if unknown:
        fail(f"--formats: expected a comma-separated list of {', '.join(FORMATS)}, found {unknown[0]!r}")
    return tuple(f for f in FORMATS if f == "png" or f in asked)
