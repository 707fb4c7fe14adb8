"""`orgsim report`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgsim.cli.app import app, fail, friendly
from orgsim.cli.options import Formats, formats_of


@app.command()
@friendly
def report(
    results: Annotated[Path, typer.Argument(metavar="FOLDER", help="Results folder of an experiment, "
                                            "or the folder `orgsim run` wrote.")],
    formats: Formats = "png",
    workers: Annotated[int, typer.Option(metavar="N", help="Figures drawn in parallel.")] = 2,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress line.")] = False,
) -> None:
    """Write the HTML report and plots of an experiment or a run.

    One self-contained report.html, and every plot under plots/ as PNG, and as PDF and SVG
    when --formats asks. A plot drawn before from the same results (and the same orgsim)
    is not drawn again; a plot drawn again loses files of formats not asked for, as they
    would no longer match it.
    """
    from orgsim.cli.progress import Bar
    from orgsim.report import write_report
    from orgsim.report.data import RUN_FILES, kind_of
    from orgsim.store.lock import hold

    chosen = formats_of(formats)
    if workers < 1:
        fail(f"--workers: must be >= 1, got {workers}")
    if not results.is_dir():
        fail(f"{results}: no such folder")
    if kind_of(results) is None and any(results.glob("*/events.parquet")):
        fail(f"{results}: no complete run here; each MODEL/ folder of `orgsim run` holds "
              f"{', '.join(RUN_FILES)}")
    if kind_of(results) is None and not any((results / f).exists()
                                            for f in ("experiment.json", "metrics.parquet")):
        fail(f"{results}: neither an experiment's results folder (experiment.json, metrics.parquet) "
              f"nor a folder `orgsim run` wrote (MODEL/ folders holding {', '.join(RUN_FILES)})")
    bar = Bar(quiet, _stderr(), things="figures")
    with hold(results, option="FOLDER", create=False):
        try:  # an experiment's results are checked before anything is written
            path = write_report(results, chosen, workers, bar)
        finally:
            bar.stop()
    typer.echo(f"report: {path}")


def _stderr() -> object:
    from rich.console import Console

    return Console(stderr=True)
