"""Progress of a sweep on the terminal."""

from __future__ import annotations

from typing import Any


class Bar:
    """Rich progress for a sweep: runs (or other `things`) done of all, rate, time elapsed and left."""

    def __init__(self, quiet: bool, console: Any = None, things: str = "runs") -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.things = things
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[rate]}"), times_column(), disable=quiet,
                                 transient=False, console=console)
        self.task = self.progress.add_task(things, total=None, start=False, rate="")

    def start(self, total: int, done: int) -> None:
        import time

        self.t0, self.done0 = time.perf_counter(), done
        self.progress.update(self.task, total=total, completed=done)
        self.progress.start_task(self.task)
        self.progress.start()

    def advance(self) -> None:
        import time

        self.progress.advance(self.task)
        finished = self.progress.tasks[0].completed - self.done0
        rate = finished / max(time.perf_counter() - self.t0, 1e-9)
        self.progress.update(self.task, rate=f"{rate:.1f} {self.things}/s")

    def stop(self) -> None:
        self.progress.stop()


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "-:--:--"
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def times_column() -> Any:
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class Times(ProgressColumn):
        """`elapsed 0:00:25, left 0:00:11`: each time says what it is."""

        def render(self, task: Task) -> Text:
            left = "" if task.total is None else f", left {clock(task.time_remaining)}"
            return Text(f"elapsed {clock(task.elapsed or 0.0)}{left}", style="progress.elapsed")

    return Times()


