"""`orgsim report`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgsim.cli.app import app, fail, friendly


@app.command()
@friendly
def report(
    results: Annotated[Path, typer.Argument(metavar="FOLDER", help="Results folder of an experiment, "
                                            "or the folder `orgsim run` wrote.")],
) -> None:
    """Write the HTML report and plots of an experiment or a run.

    One self-contained report.html, and every plot as PNG, PDF and SVG under plots/.
    """
    from orgsim.report import write_report
    from orgsim.report.data import RUN_FILES, kind_of
    from orgsim.store.lock import hold

    if not results.is_dir():
        fail(f"{results}: no such folder")
    if kind_of(results) is None and any(results.glob("*/events.parquet")):
        fail(f"{results}: no complete run here; each MODEL/ folder of `orgsim run` holds "
              f"{', '.join(RUN_FILES)}")
    if kind_of(results) is None and not any((results / f).exists()
                                            for f in ("experiment.json", "metrics.parquet")):
        fail(f"{results}: neither an experiment's results folder (experiment.json, metrics.parquet) "
              f"nor a folder `orgsim run` wrote (MODEL/ folders holding {', '.join(RUN_FILES)})")
    with hold(results, option="FOLDER", create=False):
        path = write_report(results)  # an experiment's results are checked before anything is written
    typer.echo(f"report: {path}")


