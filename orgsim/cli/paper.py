"""`orgsim paper`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgsim.cli.app import app, fail, friendly


@app.command()
@friendly
def paper(
    results: Annotated[Path, typer.Argument(metavar="FOLDER", help="Results folder of an experiment, "
                                            "or the folder `orgsim run` wrote.")],
    compare: Annotated[tuple[str, str] | None, typer.Option(
        "--compare", metavar="A B", help="The two operating models, A then B; differences are A minus "
        "B (default: the experiment's compared pair).")] = None,
    outcomes: Annotated[list[str] | None, typer.Option(
        "--outcomes", metavar="NAMES", help="Outcomes to report, comma-separated or repeated "
        "(default: the experiment's outcomes of interest).")] = None,
    out: Annotated[Path | None, typer.Option(metavar="FOLDER", help="Where to write the pack "
                   "(default: FOLDER/paper/A-vs-B).")] = None,
    decimals: Annotated[int | None, typer.Option(metavar="N", help="Round every number to N decimals "
                        "(default: two significant figures of each row's narrowest interval).")] = None,
) -> None:
    """Figures, table and methods text for a paper on two models.

    One figure per outcome (means with 95% CIs and the paired difference), one and two columns
    wide, as PDF and SVG with text as text and PNG at 300 dpi, with captions in files; the table
    as CSV and LaTeX (booktabs); a methods paragraph; README.md lists them.
    """
    from orgsim.paper import write_pack
    from orgsim.report.data import kind_of
    from orgsim.store.lock import hold

    if not results.is_dir():
        fail(f"{results}: no such folder")
    if kind_of(results) is None:
        fail(f"{results}: neither an experiment's results folder (experiment.json, metrics.parquet) "
             "nor a folder `orgsim run` wrote")
    if decimals is not None and not 0 <= decimals <= 6:
        fail(f"--decimals: expected 0 to 6, found {decimals}")
    names = [n.strip() for item in outcomes or [] for n in item.split(",") if n.strip()] or None
    with hold(results, option="FOLDER", create=False):
        pack = write_pack(results, compare, names, out, decimals)
    typer.echo(f"figures: {pack.folder / 'figures'} ({len(pack.figures)} figures, PDF, SVG and PNG)")
    typer.echo(f"table: {pack.table_csv} and {pack.table_tex.name}")
    typer.echo(f"methods: {pack.methods}")
    typer.echo(f"index: {pack.readme}")
