"""`orgsim replay`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from orgsim.cli.app import app, fail, friendly


@app.command()
@friendly
def replay(
    run_dir: Annotated[Path, typer.Argument(metavar="FOLDER", help="One operating model's folder of a "
                                            "run, e.g. results/run/MODEL.")],
    initiative: Annotated[str | None, typer.Option("--initiative", "-i", metavar="ID", help="Tell this "
                          "initiative's journey instead of the weeks: its id (the narrative names them, "
                          "e.g. 'initiative 55'; all are in the folder's initiatives.parquet) or its "
                          "capability key (e.g. cardiology/20) when one initiative has it.")] = None,
    start: Annotated[int | None, typer.Option("--from", metavar="WEEK", help="First week told (or "
                     "animated).")] = None,
    end: Annotated[int | None, typer.Option("--to", metavar="WEEK", help="Last week told (or animated).")]
    = None,
    step: Annotated[bool, typer.Option("--step", help="Wait for Enter between weeks (q stops).")] = False,
    animate: Annotated[Path | None, typer.Option("--animate", metavar="FILE.gif", help="Write an animated "
                       "GIF of work flowing between organisations instead of the weeks.")] = None,
    weeks_per_frame: Annotated[float, typer.Option(metavar="WEEKS", help="Weeks between frames of "
                               "--animate.")] = 4.0,
) -> None:
    """Replay a recorded run: week by week, a journey, or a GIF.

    Nothing is simulated again: the run's folder holds every record.
    """
    import math

    if start is not None and end is not None and start > end:
        fail(f"--from {start} is after --to {end}")
    if animate is not None and animate.suffix.lower() != ".gif":
        fail(f"--animate: expected a .gif file, got {animate}")
    if animate is not None and not animate.parent.is_dir():
        fail(f"--animate: no such directory {animate.parent}")
    if not math.isfinite(weeks_per_frame) or weeks_per_frame <= 0:
        fail(f"--weeks-per-frame: must be a number > 0, got {weeks_per_frame}")
    from orgsim.workshop import heading, journey, load_run, narrative
    from orgsim.workshop.show import initiative_id, output_console, show_journey, show_narrative

    run_data = load_run(run_dir)
    console = output_console()
    if initiative is not None:
        show_journey(console, journey(run_data, initiative_id(run_data, initiative)))
    if animate is not None:
        _animate(run_data, animate, weeks_per_frame, start, end)
    elif initiative is None:
        show_narrative(console, heading(run_data), narrative(run_data, start, end), step)


def _animate(run_data: Any, out: Path, step: float, start: int | None, end: int | None) -> None:
    from orgsim.plots.animation import DPI, FPS, flow_animation
    from orgsim.plots.style import model_label
    from orgsim.workshop import frames

    first = float(start or 0)
    last = min(run_data.horizon, float(end)) if end is not None else run_data.horizon
    if first >= last:
        fail(f"--from {first:g}: nothing to animate before the horizon (week {run_data.horizon:g})")
    from orgsim.store.atomic import write_atomic

    f = frames(run_data, step, first, last)
    _, anim = flow_animation(f.states, f.moves, f.tally, model_label(run_data.model), f.step)
    write_atomic(out, lambda tmp: anim.save(tmp, writer="pillow", fps=FPS, dpi=DPI))
    typer.echo(f"animation: {out} ({f.tally['frame'].nunique()} frames, weeks {first:g} to {last:g})")


