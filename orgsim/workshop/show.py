"""Rich rendering of a replay for a terminal in front of a room; the words come from replay and journey."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from orgsim.domain.sums import left_sum
from orgsim.workshop import words
from orgsim.workshop.journey import Journey
from orgsim.workshop.replay import Week
from orgsim.workshop.waits import LABELS

Ask = Callable[[str], str]


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
