"""`orgsim evidence`."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from orgsim.cli.app import app, expect, fail, friendly

if TYPE_CHECKING:
    from orgsim.config.evidence import Row
    from orgsim.config.ledger import Ledger

FORMATS = ("table", "csv", "markdown")
COLUMNS = ("document", "path", "value", "kind", "source", "locator", "why", "where")


@app.command()
@friendly
def evidence(
    scenario: Annotated[Path, typer.Argument(metavar="FILE", help="A scenario YAML file.")],
    model: Annotated[list[str] | None, typer.Option("--model", "-m", metavar="MODEL", help=(
        "Operating model (a name or a YAML file); repeat for several. Default: the scenario's "
        "operating_models."))] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", metavar="FORMAT", help=(
        "table (fitted to the terminal), csv or markdown; default: from --out's suffix, else "
        "table."))] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="FILE", help=(
        "Write the ledger to FILE instead of the terminal."))] = None,
) -> None:
    """List every number behind a run with its kind and source."""
    from orgsim.config.ledger import load_ledger

    kind = fmt or {".csv": "csv", ".md": "markdown"}.get(out.suffix if out else "", "table")
    if kind not in FORMATS:
        fail(f"--format: expected table, csv or markdown, found {kind!r}")
    expect(scenario, "scenario")
    ledger = load_ledger(scenario, model or None)
    if kind == "table" and out is None:
        _print(ledger)
        return
    text = _csv(ledger) if kind == "csv" else _markdown(ledger)
    if out is None:
        typer.echo(text, nl=False)
        return
    from orgsim.store.atomic import write_text

    write_text(out, text)
    typer.echo(f"wrote {out} ({len(ledger.rows)} numbers)")


def _cells(r: Row) -> list[str]:
    why = " ".join(x for x in (f"CHANGED: {r.changed}." if r.changed else "", r.derivation.strip(),
                               r.note) if x)
    kind = "unmarked assumption" if r.kind == "unmarked" else r.kind
    return [r.document, r.path, f"{r.value:g}", kind, r.source, r.locator, why, _here(r.where)]


def _here(where: str) -> str:
    """`file:line` with the file relative to the working folder when it lies under it."""
    import os

    file, sep, line = where.rpartition(":")
    if not sep or not os.path.isabs(file):
        return where
    relative = os.path.relpath(file)
    return f"{relative if not relative.startswith('..') else file}:{line}"


def _csv(ledger: Ledger) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(_cells(r) for r in ledger.rows)
    return buffer.getvalue()


def _markdown(ledger: Ledger) -> str:
    def row(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

    lines = [*(f"- {s}" for s in ledger.summary()), "",
             row(list(COLUMNS)), row(["---"] * len(COLUMNS))]
    lines += [row(_cells(r)) for r in ledger.rows]
    return "\n".join(lines) + "\n"


WIDE = 110  # characters below which each number's source and reason go under it


def _print(ledger: Ledger) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(soft_wrap=False)
    wide = console.width >= WIDE
    longest = max((len(r.path) for r in ledger.rows), default=10)
    for document in ledger.documents():
        table = Table(title=document, title_justify="left", expand=True)
        if wide:
            table.add_column("number", no_wrap=True, min_width=min(longest, 48))
        else:
            table.add_column("number, source and reason", ratio=1, overflow="fold")
        table.add_column("value", justify="right", no_wrap=True)
        table.add_column("kind", no_wrap=True)
        if wide:
            table.add_column("source", ratio=1, overflow="fold", min_width=22)
            table.add_column("why", ratio=2)
        for r in (r for r in ledger.rows if r.document == document):
            cells = _cells(r)
            source = ", ".join(x for x in cells[4:6] if x)
            style = "bold red" if r.changed or r.kind == "unmarked" else None
            if wide:
                table.add_row(cells[1], cells[2], cells[3], source, cells[6], style=style)
            else:
                below = "; ".join(x for x in (source, cells[6]) if x)
                text = escape(cells[1]) + (f"\n[dim]{escape(below)}[/]" if below else "")
                table.add_row(text, cells[2], cells[3], style=style)
        console.print(table)
    for line in ledger.summary():
        console.print(line, highlight=False)
