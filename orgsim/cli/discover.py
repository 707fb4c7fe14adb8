"""`orgsim discover`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgsim.cli.app import app, fail, friendly
from orgsim.cli.options import Formats, formats_of


@app.command()
@friendly
def discover(
    results: Annotated[Path, typer.Argument(metavar="FOLDER", help="Results folder of an experiment "
                                            "that sampled uncertainties.")],
    cases: Annotated[str, typer.Option("--cases", "-c", metavar="EXPRESSION", help="Cases of "
                     "interest over MODEL.OUTCOME names, e.g. 'model_b.lead_time_mean > "
                     "model_a.lead_time_mean'.")],
    on: Annotated[str, typer.Option(metavar="WHAT", help="runs: each design point and replication "
                  "(paired); means: each design point's replication mean.")] = "runs",
    label: Annotated[str, typer.Option(metavar="TEXT", help="The cases in words, to open the "
                     "sentence (e.g. 'Joined-up planning loses on lead time').")] = "",
    box: Annotated[int | None, typer.Option(metavar="N", help="Box of PRIM's trajectory to describe "
                   "(default: the highest coverage x density).")] = None,
    peel_alpha: Annotated[float, typer.Option(metavar="SHARE", help="Share of the box each peel "
                          "removes.")] = 0.05,
    paste_alpha: Annotated[float, typer.Option(metavar="SHARE", help="Share added by each paste.")]
    = 0.05,
    mass_min: Annotated[float, typer.Option(metavar="SHARE", help="Smallest box, as a share of the "
                        "cases.")] = 0.05,
    overwrite: Annotated[bool, typer.Option(help="Replace the discovery the folder holds already "
                         "(without it, a second discovery is refused).")] = False,
    setting: Annotated[str, typer.Option(metavar="PATH=VALUE", help="Only the runs at this lever "
                       "setting, e.g. 'organisations.NHSD.teams.digital=48' (several joined by ';'); "
                       "levers not named are inputs like the uncertainties.")] = "",
    formats: Formats = "png",
) -> None:
    """Find when the cases of interest happen (PRIM, CART).

    Scenario discovery on an experiment that varied levers or sampled its uncertainties
    (both are inputs; --setting keeps one lever setting): PRIM's trajectory
    of boxes, the chosen box with quasi-p-values and in words, and a classification tree.
    A results folder holds one discovery: a second replaces it only with --overwrite (copy
    the folder to keep both).
    """
    chosen = formats_of(formats)
    if on not in ("runs", "means"):
        fail(f"--on: expected runs or means, found {on!r}")
    for option, value in (("--peel-alpha", peel_alpha), ("--paste-alpha", paste_alpha),
                          ("--mass-min", mass_min)):
        if not 0 < value < 0.5:
            fail(f"{option}: expected a share between 0 and 0.5, found {value:g}")
    from orgsim.analysis.cases import CasesError
    from orgsim.analysis.discovery import DiscoveryError, Question
    from orgsim.analysis.discovery import discover as run_discovery

    question = Question(cases, on, label, peel_alpha, paste_alpha, mass_min,  # type: ignore[arg-type]
                        setting)
    from orgsim.report.decision import save_discovery_plots
    from orgsim.store.lock import hold

    if not results.is_dir():
        fail(f"{results}: no such folder")
    try:
        with hold(results, option="FOLDER", create=False):
            found = run_discovery(results, question, box, overwrite=overwrite)
            save_discovery_plots(found, results / "plots", chosen)
    except (CasesError, DiscoveryError) as err:
        fail(f"--cases: {err}" if isinstance(err, CasesError) else str(err))
        return
    from rich.console import Console

    from orgsim.analysis.discovery_tables import tables

    console = Console(highlight=False)
    for table in tables(found):
        console.print(table)
        console.print()
    console.print(found.sentence, markup=False)
    typer.echo(f"\ntables written to {results / 'discovery'}; `orgsim report {results}` adds them to "
               "the report")


