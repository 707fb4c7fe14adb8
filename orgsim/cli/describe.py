"""`orgsim describe`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgsim.cli.app import app, expect, friendly
from orgsim.cli.options import Models, Scenario


@app.command()
@friendly
def describe(
    config: Scenario,
    model: Models = None,
    out: Annotated[Path | None, typer.Option(metavar="FILE", help="Write the Markdown here "
                   "(default: print it).")] = None,
) -> None:
    """Describe the model: ODD protocol and STRESS-ABS checklist.

    Markdown, following the ODD protocol's seven elements, then the STRESS-ABS checklist.

    Every number is read from the configuration, with the source its YAML gives and the file and
    line it is written at.
    """
    from orgsim.describe import describe as write_description
    from orgsim.store.atomic import write_text

    expect(config, "scenario")
    text = write_description(config, model)
    if out is None:
        typer.echo(text, nl=False)
        return
    write_text(out, text)
    typer.echo(f"description: {out}")
