"""A week-by-week narrative of a recorded run, for a room: what happened and the running totals.

Each week that had something to tell (records in [w, w + 1)) becomes a `Week`:
plain sentences and the totals since week 0 at its end. The 42 ICSs are
summed as `ICSs` unless a sentence is about one of them. A record of kind
`intervention` (unit '', what: a description) is told on a line of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from orgsim.domain.records import FINAL
from orgsim.workshop import words
from orgsim.workshop.rundata import RunData
from orgsim.workshop.sentences import SENTENCES, Group, Row, Story
from orgsim.workshop.waits import segments


@dataclass(frozen=True)
class Totals:
    """Counts since week 0 at the end of a week."""

    arrived: int
    in_system: int
    delivered: int
    reused: int
    rejected: int
    duplicates_built: int
    waiting_for_money: int | None = None  # None: no money moves in the run

    def text(self) -> str:
        money = "" if self.waiting_for_money is None else f", {self.waiting_for_money} waiting for money"
        return (f"so far: {self.in_system} in the system{money}, {self.delivered} delivered, "
                f"{self.reused} reused, {self.rejected} rejected, "
                f"{words.count(self.duplicates_built, 'duplicate')} built")


@dataclass(frozen=True)
class Week:
    """What happened in week `week` (events in [week, week + 1)) and the totals after it."""

    week: int
    lines: tuple[str, ...]
    totals: Totals

    def text(self) -> str:
        return "\n".join([f"Week {self.week}", *(f"  - {line}" for line in self.lines),
                          f"  {self.totals.text()}"])


def _totals(s: Story, last: int) -> list[Totals]:
    """Totals at the end of every week 0..last."""
    ev = s.run.events

    def running(weeks: pd.Series) -> np.ndarray:
        bins = np.floor(weeks.to_numpy(dtype=float)).astype(int).clip(0, last)
        return np.bincount(bins, minlength=last + 1).cumsum()

    arrived = running(ev.loc[ev["kind"] == "arrival", "week"])
    done = {k: running(ev.loc[ev["kind"] == k, "week"]) for k in FINAL}
    built = running(s.dup_builds["week"])
    waiting = _waiting_for_money(s.run, last) if s.run.has_money else [None] * (last + 1)
    return [Totals(int(arrived[i]), int(arrived[i] - sum(d[i] for d in done.values())),
                   int(done["delivered"][i]), int(done["reused"][i]), int(done["rejected"][i]),
                   int(built[i]), waiting[i]) for i in range(last + 1)]


def _waiting_for_money(run: RunData, last: int) -> list[int | None]:
    """Items waiting for money at the end of every week 0..last (what the dashboard counts then)."""
    seg = segments(run)
    seg = seg[seg["cause"] == "funding"]
    starts = np.sort(seg["start"].to_numpy(dtype=float))
    ends = np.sort(seg["end"].where(seg["row"] >= 0, np.inf).to_numpy(dtype=float))
    t = np.arange(1, last + 2, dtype=float)  # the end of week w is the start of week w + 1
    held = np.searchsorted(starts, t, side="left") - np.searchsorted(ends, t, side="left")
    return [int(n) for n in held]


def narrative(run: RunData, start: int | None = None, end: int | None = None) -> list[Week]:
    """One `Week` per week from `start` to `end` (inclusive) with something to tell."""
    ev = run.events
    story = Story(run)
    weeks = np.floor(ev["week"].to_numpy(dtype=float)).astype(int)
    last = int(max(weeks.max(initial=0), run.horizon))
    totals = _totals(story, last)
    lo, hi = 0 if start is None else start, last if end is None else end
    chosen = ev[(weeks >= lo) & (weeks <= hi)]
    columns = (chosen[c].tolist() for c in ("week", "kind", "item", "unit", "what", "amount", "stage"))
    rows = [Row(i, w, k, item, u, what, a, st, run.node(u))
            for i, w, k, item, u, what, a, st in zip(chosen.index, *columns)]
    by_week: dict[int, Group] = {}
    for r in rows:
        by_week.setdefault(int(np.floor(r.week)), []).append(r)
    out = []
    for w, group in sorted(by_week.items()):
        lines = [line for say in SENTENCES for line in say(story, group)]
        if lines:
            out.append(Week(w, tuple(lines), totals[w]))
    return out


def heading(run: RunData) -> str:
    """One line saying which run this is and how its clock runs."""
    seed = f", seed {run.seed}" if run.seed is not None else ""
    warm = (f"; warm-up to week {words.weeks(run.warmup)} (headline metrics count arrivals after it)"
            if run.warmup > 0 else "")
    return (f"{run.model} ({run.scenario}{seed}): weeks 0 to {words.weeks(run.horizon)}{warm}; "
            "totals count from week 0")
