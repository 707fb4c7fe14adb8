"""`orgsim workshop`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgsim.cli.app import app, friendly


@app.command()
@friendly
def workshop(
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO", help="Scenario YAML file of live runs.")]
    = Path("configs/nhs_england.yaml"),
    model: Annotated[list[str] | None, typer.Option("--model", "-m", metavar="MODEL", help="Operating "
                     "model shown (repeatable, at most 2); default: the scenario's first two.")] = None,
    run_dir: Annotated[list[Path] | None, typer.Option("--run-dir", metavar="FOLDER", help="Replay a "
                       "recorded run (written by `orgsim run --out`) instead of simulating; "
                       "repeatable.")] = None,
    seed: Annotated[int | None, typer.Option(metavar="N", help="Root seed of live runs (default: the "
                    "scenario's).")] = None,
    host: Annotated[str, typer.Option(metavar="ADDRESS", help="Address to listen on (the page has no "
                                      "login: keep 127.0.0.1 unless the room's network is trusted).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on (0: any free port).")]
    = 8765,
    save_dir: Annotated[Path, typer.Option(metavar="FOLDER", help="Where \"Save session\" writes a folder "
                                           "per save.")] = Path("results/workshop"),
) -> None:
    """Serve the workshop dashboard (live runs or recordings).

    Runs side by side, levers to pull while they play, live charts, and replays of recorded runs.
    """
    from orgsim.workshop.dashboard.server import ServerError, listenable, loopback, serve
    from orgsim.workshop.dashboard.settings import check

    settings = check(scenario, model, seed, run_dir, save_dir)
    port = listenable(host, port)
    if not loopback(host):
        typer.echo(f"warning: --host {host} lets anyone who can reach this machine open the page, which "
                   "has no login, and change or save its runs; serve a room on a network you trust "
                   "(see the README).", err=True)
    try:
        serve(settings, host, port, typer.echo)
    except ServerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


