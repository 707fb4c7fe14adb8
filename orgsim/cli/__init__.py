"""The `orgsim` command: one module per command, registered in the order `--help` lists them.
Heavy imports (Mesa, pandas) happen inside the commands that need them."""

from __future__ import annotations

import importlib
import sys

import typer

from orgsim.cli.app import app
from orgsim.cli.progress import Bar as _Bar

COMMANDS = ("validate", "evidence", "run", "experiment", "optimise", "calibrate", "summarise",
            "discover", "report", "paper", "describe", "replay", "workshop")
for _name in COMMANDS:
    importlib.import_module(f"orgsim.cli.{_name}")

__all__ = ["COMMANDS", "app", "main", "_Bar"]


def main() -> None:
    """Entry point of the `orgsim` script."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
