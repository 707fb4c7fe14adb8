"""Save a room's session: each run's decisions as a scenario file, and the runs as run folders.

A decision taken during play is a timeline entry at the week it was taken
(`LiveFeed.entries`), so a run's scenario file is the session's scenario with
its timeline: the scripted entries it ran with, and the decisions, each before
the scripted entries of its week (the room decided before the week was played).
`orgsim run` and `orgsim workshop` play that file again, and the run folders
are that file run to the horizon, with the levers the runs were made with:
their records up to the week the room reached are the session's own.

Levers change operating model files, which a scenario cannot say; a session
made with levers saves them in `levers.txt`, and its scenario files replay
the decisions on the operating models as their files describe them.

A saved session is never written over: each save takes a folder of its own
(`session-<stamp>`, then `session-<stamp>-2`, ... if that name is taken, the
name claimed by creating the folder, which only one process can do), and holds
that folder's lock (`orgsim.store.lock`) while writing it.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from orgsim.api import measure
from orgsim.config.evidence import covering, numbers
from orgsim.config.load import load_plan, load_scenario
from orgsim.config.scenario import Scenario
from orgsim.engine.run import simulate
from orgsim.store.rundir import write_run
from orgsim.workshop.dashboard.feeds import LiveFeed
from orgsim.workshop.dashboard.levers import apply
from orgsim.workshop.dashboard.model import Workshop
from orgsim.workshop.dashboard.settings import NO_INTERVENTIONS


@dataclass(frozen=True)
class Saved:
    """What was written: a scenario file per run, the run folders' parent, and a sentence for the page."""

    folder: Path
    scenarios: tuple[Path, ...]
    runs: Path
    message: str


def timeline(feed: LiveFeed, scripted: list[dict[str, Any]]) -> list[tuple[dict[str, Any], int | None]]:
    """The run's timeline entries: the scripted ones it ran with, and its decisions before them in a week.

    Each comes with its place in the scripted timeline (None for a decision).
    """
    own = [] if feed.name.endswith(NO_INTERVENTIONS) else scripted
    tagged: list[tuple[float, int, int, dict[str, Any], int | None]]
    tagged = [(float(e["week"]), 0, i, e, None) for i, e in enumerate(feed.entries)]
    tagged += [(float(e["week"]), 1, i, e, i) for i, e in enumerate(own)]
    return [(_plain(e), at) for *_, e, at in sorted(tagged, key=lambda t: t[:3])]


def evidence(sc: Scenario, entries: list[tuple[dict[str, Any], int | None]]) -> dict[str, Any]:
    """What every number of the saved timeline rests on, by its new place.

    A scripted entry keeps the evidence of its place in the session's scenario; a decision is a
    `setting`. Written in full (every key literal), these come before any pattern of the scenario's own.
    """
    out: dict[str, Any] = {}
    for j, (entry, at) in enumerate(entries):
        for path, _ in numbers(entry):
            key = ".".join(("timeline", str(j), *path))
            if at is None:
                out[key] = {"kind": "setting", "note": f"decided in the room at week {entry['week']}"}
            elif (found := covering(sc.evidence, ("timeline", str(at), *path))) is not None:
                out[key] = found[1].model_dump(mode="json", exclude_defaults=True)
    return out


def _plain(entry: dict[str, Any]) -> dict[str, Any]:
    """`entry` with whole weeks written as integers, as a person would write them."""
    week = float(entry["week"])
    return {**entry, "week": int(week) if week.is_integer() else week}


def scenario_doc(ws: Workshop, feed: LiveFeed, where: Path) -> dict[str, Any]:
    """The scenario file of one run, written in `where`: the session's scenario, this run's timeline."""
    path = Path(ws.settings.scenario).resolve()
    sc, _ = load_scenario(path)
    scripted = [iv.model_dump(mode="json", exclude_unset=True) for iv in sc.timeline]  # `extends` too
    entries = timeline(feed, scripted)
    model = feed.name.removesuffix(NO_INTERVENTIONS)
    models_dir = (path.parent / sc.operating_models_dir).resolve()
    doc = {"extends": os.path.relpath(path, where), "name": f"{sc.name}_workshop",
           "description": f"{sc.name} as a workshop played it: {model} with the room's decisions.",
           "operating_models_dir": os.path.relpath(models_dir, where), "operating_models": [model],
           "seed": feed.seed, "timeline": [e for e, _ in entries]}
    marked = evidence(sc, entries)
    return {**doc, "evidence": marked} if marked else doc


def claim(out: Path, stamp: str) -> Path:
    """A new folder `out/session-<stamp>` (or `-2`, `-3`, ... when taken), created here and now."""
    Path(out).mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        folder = Path(out) / (f"session-{stamp}" if n == 1 else f"session-{stamp}-{n}")
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            n += 1


def save(ws: Workshop, out: Path, stamp: str | None = None) -> Saved:
    """Write the session into a new `out/session-<stamp>/`: A.yaml (and B.yaml), runs/<A or B>/."""
    from orgsim.store.lock import hold

    folder = claim(out, stamp or time.strftime("%Y%m%d-%H%M%S"))
    with hold(folder, command="orgsim workshop (Save session)"):
        return _write(ws, folder)


def _write(ws: Workshop, folder: Path) -> Saved:
    written, runs = [], folder / "runs"
    for slot, feed in zip("AB", ws.live()):
        doc = scenario_doc(ws, feed, folder)
        path = folder / f"{slot}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
        written.append(path)
        result = simulate(apply(load_plan(path, doc["operating_models"][0]), ws.levers))
        write_run(runs, result, measure(result), name=slot)
    levers = ws.levers.changed()
    note = ""
    if levers:
        text = ", ".join(f"{k} ×{v:g}" for k, v in levers.items())
        (folder / "levers.txt").write_text(f"levers: {text} (function: {ws.levers.function})\n",
                                           encoding="utf-8")
        note = f" The runs were made with levers ({text}), which the scenario files do not hold."
    message = (f"Saved in {folder}: {', '.join(p.name for p in written)} (orgsim run / orgsim workshop "
               f"play them again) and runs/ (orgsim replay / orgsim workshop --run-dir).{note}")
    return Saved(folder, tuple(written), runs, message)
