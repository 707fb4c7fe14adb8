"""The tables behind an animation of a run: who holds how much work, and who hands work to whom.

Every frame is a moment `week`: the initiatives each organisation holds then
(waiting for staff, at a forum, in work, waiting for a duplicate's original and,
in a run with money, waiting for money),
the handoffs since the previous frame, and the totals so far. The ICSs are one
node, `ICSs`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orgsim.workshop.rundata import ICS_NODE, RunData
from orgsim.workshop.waits import segments

STATES = ("queue", "forum", "work", "duplicate", "funding")  # rework is drawn as work


@dataclass(frozen=True)
class Frames:
    """Tables indexed by frame number, ready for `orgsim.plots.animation`.

    Attributes:
        states: [frame, week, node, queue, forum, work, duplicate, funding]: items held at `week`
            (`funding` only for a run with money).
        moves: [frame, sender, receiver, handoffs] since the previous frame.
        tally: [frame, week, arrived, in_system, delivered, reused, rejected] so far.
        step: Weeks between frames.
    """

    states: pd.DataFrame
    moves: pd.DataFrame
    tally: pd.DataFrame
    step: float


def frame_weeks(start: float, end: float, step: float) -> np.ndarray:
    """Frame moments from `start + step` to `end`, the last one at `end`."""
    n = max(1, math.ceil((end - start) / step - 1e-9))
    return np.minimum(start + step * np.arange(1, n + 1), end)


def frames(run: RunData, step: float = 4.0, start: float = 0.0, end: float | None = None) -> Frames:
    """Snapshots every `step` weeks from `start` to `end` (default: the horizon)."""
    end = run.horizon if end is None else end
    weeks = frame_weeks(start, end, step)
    seg = segments(run)
    seg = seg.assign(state=seg["cause"].replace({"rework": "work"}), node=seg["unit"].map(run.node),
                     end=seg["end"].where(seg["row"] >= 0, np.inf))  # still held at the horizon
    shown = [s for s in STATES if s != "funding" or run.has_money]
    seg = seg[seg["state"].isin(shown) & (seg["end"] > seg["start"])]
    nodes = _nodes(run)
    rows = []
    for k, t in enumerate(weeks):
        held = seg[(seg["start"] <= t) & (seg["end"] > t)]
        counts = held.groupby(["node", "state"]).size().unstack("state")
        counts = counts.reindex(index=nodes, columns=shown).fillna(0).astype(int)
        rows.append(counts.rename_axis("node").reset_index().assign(frame=k, week=float(t)))
    states = pd.concat(rows, ignore_index=True)[["frame", "week", "node", *shown]]
    return Frames(states=states, moves=_moves(run, weeks, start), tally=_tally(run, weeks), step=step)


def _nodes(run: RunData) -> list[str]:
    """Every organisation that held or passed work, the ICSs first."""
    ev = run.events
    units = pd.concat([ev.loc[ev["item"] >= 0, "unit"], ev.loc[ev["kind"] == "handoff", "what"]])
    nodes = list(dict.fromkeys(units[units != ""].map(run.node)))
    return sorted(nodes, key=lambda n: n != ICS_NODE)


def _moves(run: RunData, weeks: np.ndarray, start: float) -> pd.DataFrame:
    ev = run.events
    h = ev[(ev["kind"] == "handoff") & (ev["week"] > start) & (ev["week"] <= weeks[-1])]
    frame = np.searchsorted(weeks, h["week"].to_numpy(), side="left")
    table = pd.DataFrame({"frame": frame, "sender": h["what"].map(run.node).to_numpy(),
                          "receiver": h["unit"].map(run.node).to_numpy()})
    return table.groupby(["frame", "sender", "receiver"]).size().rename("handoffs").reset_index()


def _tally(run: RunData, weeks: np.ndarray) -> pd.DataFrame:
    ev = run.events

    def upto(kind: str) -> np.ndarray:
        at = np.sort(ev.loc[ev["kind"] == kind, "week"].to_numpy())
        return np.searchsorted(at, weeks, side="right")

    done = {k: upto(k) for k in ("delivered", "reused", "rejected")}
    arrived = upto("arrival")
    return pd.DataFrame({"frame": np.arange(len(weeks)), "week": weeks, "arrived": arrived,
                         "in_system": arrived - sum(done.values()), **done})
