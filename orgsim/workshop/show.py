"""Rich rendering of a replay for a terminal in front of a room; the words come from replay and journey."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import IO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from orgsim.domain.sums import left_sum
from orgsim.workshop import words
from orgsim.workshop.journey import Journey
from orgsim.workshop.replay import Week
from orgsim.workshop.rundata import ReplayError, RunData
from orgsim.workshop.waits import LABELS

Ask = Callable[[str], str]


class _Trimmed:
    """A text stream that drops the spaces rich pads each line with, for files and pipes."""

    def __init__(self, out: IO[str]) -> None:
        self.out, self.pending = out, ""

    def write(self, text: str) -> int:
        *lines, self.pending = (self.pending + text).split("\n")
        for line in lines:
            self.out.write(line.rstrip(" ") + "\n")
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.out.write(self.pending.rstrip(" "))
            self.pending = ""
        self.out.flush()


def output_console(out: IO[str] | None = None) -> Console:
    """A console for standard output: as rich draws it in a terminal, without trailing spaces elsewhere."""
    out = out or sys.stdout
    if out.isatty():
        return Console(file=out)
    return Console(file=_Trimmed(out))  # type: ignore[arg-type]


def initiative_id(run: RunData, given: str) -> int:
    """The initiative `given` names: its id, or a capability key that only one initiative has."""
    if given.strip().lstrip("-").isdigit():
        return int(given)
    items = run.items[run.items["capability_key"] == given.strip()]
    if len(items) == 1:
        return int(items.index[0])
    if not len(items):
        raise ReplayError(run.path, f"no initiative id or capability key {given!r} in this run; ids are "
                          "numbers (the narrative names them, e.g. 'initiative 55'), capability keys "
                          "read theme/variant (e.g. cardiology/20)", "--initiative")
    shown = ", ".join(f"{i} ({o}, week {w:.0f})" for i, o, w in
                      zip(items.index[:8], items["origin"][:8], items["arrival_week"][:8]))
    more = f" and {len(items) - 8} more" if len(items) > 8 else ""
    raise ReplayError(run.path, f"{len(items)} initiatives build {given}: {shown}{more}; pass one id",
                      "--initiative")


def show_week(console: Console, week: Week) -> None:
    console.print(Text(f"Week {week.week}", style="bold cyan"))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column()
    for line in week.lines:
        grid.add_row("•", Text(line, style="bold yellow" if line.startswith("Intervention") else ""))
    grid.add_row("", Text(week.totals.text(), style="dim"))
    console.print(grid)


def show_narrative(console: Console, title: str, weeks: list[Week], step: bool = False,
                   ask: Ask | None = None) -> int:
    """Print each week; with `step`, wait for Enter between weeks (`q` or end of input stops).

    Returns:
        How many weeks were shown.
    """
    console.print(Text(title, style="bold"))
    if not weeks:
        console.print("nothing happened in these weeks")
        return 0
    ask = ask or console.input
    for i, week in enumerate(weeks):
        show_week(console, week)
        if step and i + 1 < len(weeks):
            try:
                answer = ask(f"[dim]Enter for week {weeks[i + 1].week}, q to stop:[/] ")
            except EOFError:
                return i + 1
            if answer.strip().lower().startswith("q"):
                return i + 1
    return len(weeks)


def waits_text(waits: tuple[tuple[str, float], ...]) -> str:
    """`8 weeks waiting for the original, 1 week staff queue`."""
    return ", ".join(f"{words.span(w)} {LABELS.get(cause, cause)}" for cause, w in waits)


def show_journey(console: Console, journey: Journey) -> None:
    console.print(Text(journey.title, style="bold"))
    table = Table(show_edge=False, header_style="bold")
    table.add_column("week", justify="right", no_wrap=True)
    table.add_column("organisation", no_wrap=True)
    table.add_column("what happened")
    table.add_column("time before it", style="magenta")
    for s in journey.steps:
        table.add_row(f"{s.week:.1f}", s.unit, Text(s.text), waits_text(s.waits))
    console.print(table)
    console.print(Text(f"Outcome: {journey.outcome}", style="bold green"))
    total = left_sum(w for _, w in journey.totals)
    by_cause = ", ".join(f"{LABELS.get(c, c)} {words.weeks(w)}" for c, w in journey.totals)
    console.print(Text(f"Time by cause (weeks): {by_cause}; {words.span(total)} in all"))
