"""A week-by-week narrative of a recorded run, for a room: what happened and the running totals.

Each week that had something to tell (records in [w, w + 1)) becomes a `Week`:
plain sentences and the totals since week 0 at its end. The 42 ICSs are
summed as `ICSs` unless a sentence is about one of them. A record of kind
`intervention` (unit '', what: a description) is told on a line of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from orgsim.metrics.core import duplicate_builds
from orgsim.workshop import words
from orgsim.workshop.rundata import RunData

DECISIONS = ("approved", "deferred", "rejected")
FINAL = ("delivered", "reused", "rejected")
TOLD = {"arrival", "duplicate", "gate_queued", *DECISIONS, "handoff", "rework", "stage_start",
        "delivered", "reused", "adopted", "intervention"}
SILENT = {"check", "released", "stage_end", "rework_effort"}
FEW = 3  # up to this many, name the initiatives or capabilities


@dataclass(frozen=True)
class Totals:
    """Counts since week 0 at the end of a week."""

    arrived: int
    in_system: int
    delivered: int
    reused: int
    rejected: int
    duplicates_built: int

    def text(self) -> str:
        return (f"so far: {self.in_system} in the system, {self.delivered} delivered, "
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


class _Story:
    """What the sentences need to know about the whole run."""

    def __init__(self, run: RunData) -> None:
        ev = run.events
        self.run = run
        self.units = set(ev["unit"]) | {run.ics_prefix}
        self.arrival = run.items["arrival_week"]
        self.final = run.final()
        starts = ev[ev["kind"] == "stage_start"]
        self.first_start = ev.index.isin(starts.drop_duplicates(["item", "unit", "stage"]).index)
        builds = starts[starts["stage"] == "build"].drop_duplicates("item")
        flags = duplicate_builds(ev, run.items.reset_index(drop=True))
        self.dup_builds = builds[builds["item"].map(flags).fillna(False).astype(bool)]

    def who(self, units: pd.Series) -> str:
        """One organisation's name, or `ICSs` for several ICSs."""
        names = units.unique()
        return str(names[0]) if len(names) == 1 else self.run.node(str(names[0]))

    def by_who(self, rows: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
        """Rows grouped by organisation (ICSs together), in order of first appearance."""
        nodes = rows["unit"].map(self.run.node)
        return [(self.who(part["unit"]), part) for _, part in rows.groupby(nodes, sort=False)]

    def forum(self, rows: pd.DataFrame) -> str:
        base = words.forum(str(rows["what"].iloc[0]), self.units)
        units = rows["unit"].unique()
        if len(units) == 1:
            return words.where(base, str(units[0]))
        return f"{base}s ({words.count(len(units), self.run.ics_prefix, self.run.ics_prefix + 's')})"

    def forums(self, rows: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
        base = rows["what"].str.split("@").str[0] + "|" + rows["unit"].map(self.run.node)
        return [(self.forum(part), part) for _, part in rows.groupby(base, sort=False)]


def _interventions(s: _Story, w: pd.DataFrame) -> list[str]:
    return [f"Intervention: {what}" for what in w.loc[w["kind"] == "intervention", "what"]]


def _arrivals(s: _Story, w: pd.DataFrame) -> list[str]:
    rows = w[w["kind"] == "arrival"]
    if rows.empty:
        return []
    groups = s.by_who(rows)
    head = words.count(len(rows), "new initiative")
    if len(groups) == 1:
        return [f"{head} from {groups[0][0]}"]
    return [f"{head} ({', '.join(f'{len(part)} from {who}' for who, part in groups)})"]


def _spotted(s: _Story, w: pd.DataFrame) -> list[str]:
    lines = []
    for who, part in s.by_who(w[w["kind"] == "duplicate"]):
        line = f"{who} spotted {words.count(len(part), 'duplicate')}"
        if len(part) <= FEW:
            line += f" ({words.listing(_waits_for(s, r) for r in part.itertuples())})"
        lines.append(line)
    return lines


def _waits_for(s: _Story, r: Any) -> str:
    item, original, week = r.item, int(r.amount), r.week
    done = original in s.final.index and s.final.at[original, "end_week"] <= week
    return f"initiative {item} {'reuses' if done else 'waits for'} {original}"


def _queued(s: _Story, w: pd.DataFrame) -> list[str]:
    return [f"{len(part)} queued for {label}" for label, part in s.forums(w[w["kind"] == "gate_queued"])]


def _decisions(s: _Story, w: pd.DataFrame) -> list[str]:
    lines = []
    for label, part in s.forums(w[w["kind"].isin(DECISIONS)]):
        counts = part["kind"].value_counts()
        said = [f"{k} {counts[k]}" for k in DECISIONS if k in counts.index]
        lines.append(f"{label} {', '.join(said)}")
    return lines


def _handoffs(s: _Story, w: pd.DataFrame) -> list[str]:
    rows = w[w["kind"] == "handoff"]
    if rows.empty:
        return []
    pairs = rows["what"].map(s.run.node) + " → " + rows["unit"].map(s.run.node)
    said = []
    for _, part in rows.groupby(pairs, sort=False):
        n = f" {len(part)}" if len(part) > 1 else ""
        said.append(f"{s.who(part['what'])} → {s.who(part['unit'])}{n}")
    line = f"{words.count(len(rows), 'handoff')} ({', '.join(said)})"
    misread = int((w["kind"] == "rework").sum())
    return [line + (f"; {words.count(misread, 'receiver')} misread the need" if misread else "")]


def _started(s: _Story, w: pd.DataFrame) -> list[str]:
    rows = w[(w["kind"] == "stage_start") & s.first_start[w.index]]
    lines = []
    for who, part in s.by_who(rows):
        kinds = words.tally(part["stage"])
        lines.append(f"{who} started {words.listing(words.stage(k, n) for k, n in kinds)}")
    return lines


def _built(s: _Story, w: pd.DataFrame) -> list[str]:
    rows = s.dup_builds[s.dup_builds.index.isin(w.index)]
    if rows.empty:
        return []
    keys = rows["item"].map(s.run.items["capability_key"])
    if len(rows) <= FEW:
        said = words.listing(f"{k} by {u}" for k, u in zip(keys, rows["unit"]))
    else:
        said = ", ".join(f"{n} by {who}" for who, n in words.tally(rows["unit"].map(s.run.node)))
    return [f"{words.count(len(rows), 'duplicate')} built ({said})"]


def _avoided(s: _Story, w: pd.DataFrame) -> list[str]:
    rows = w[w["kind"] == "reused"]
    if rows.empty:
        return []
    if len(rows) <= FEW:
        said = words.listing(f"{u} reused {k}" for u, k in zip(rows["unit"], rows["what"]))
    else:
        said = ", ".join(f"{n} by {who}" for who, n in words.tally(rows["unit"].map(s.run.node)))
    return [f"{words.count(len(rows), 'duplicate')} avoided ({said})"]


def _delivered(s: _Story, w: pd.DataFrame) -> list[str]:
    rows = w[w["kind"] == "delivered"]
    if rows.empty:
        return []
    lead = (rows["week"] - rows["item"].map(s.arrival)).to_numpy()
    scopes = ", ".join(f"{n} {scope}" for scope, n in words.tally(rows["what"]))
    if len(rows) == 1:
        return [f"1 delivered ({rows['what'].iloc[0]}, lead time {words.span(lead[0])})"]
    return [f"{len(rows)} delivered ({scopes}; lead times {words.weeks(lead.min())} to "
            f"{words.span(lead.max())}, mean {words.weeks(lead.mean())})"]


def _adopted(s: _Story, w: pd.DataFrame) -> list[str]:
    rows = w[w["kind"] == "adopted"]
    if len(rows) <= 2:
        return [f"{u} adopted {k}" for u, k in zip(rows["unit"], rows["what"])]
    n, prefix = rows["unit"].nunique(), s.run.ics_prefix
    by = words.count(n, prefix, prefix + "s") if rows["unit"].map(s.run.is_ics).all() \
        else words.count(n, "organisation")
    return [f"{len(rows)} adoptions of national products by {by}"]


def _others(s: _Story, w: pd.DataFrame) -> list[str]:
    rows = w[~w["kind"].isin(TOLD | SILENT)]
    return [words.count(n, f"{kind.replace('_', ' ')} record") for kind, n in words.tally(rows["kind"])]


SENTENCES: tuple[Callable[[_Story, pd.DataFrame], list[str]], ...] = (
    _interventions, _arrivals, _handoffs, _spotted, _queued, _decisions, _delivered, _avoided,
    _started, _built, _adopted, _others)


def _totals(s: _Story, last: int) -> list[Totals]:
    """Totals at the end of every week 0..last."""
    ev = s.run.events

    def running(weeks: pd.Series) -> np.ndarray:
        bins = np.floor(weeks.to_numpy(dtype=float)).astype(int).clip(0, last)
        return np.bincount(bins, minlength=last + 1).cumsum()

    arrived = running(ev.loc[ev["kind"] == "arrival", "week"])
    done = {k: running(ev.loc[ev["kind"] == k, "week"]) for k in FINAL}
    built = running(s.dup_builds["week"])
    return [Totals(int(arrived[i]), int(arrived[i] - sum(d[i] for d in done.values())),
                   int(done["delivered"][i]), int(done["reused"][i]), int(done["rejected"][i]),
                   int(built[i])) for i in range(last + 1)]


def narrative(run: RunData, start: int | None = None, end: int | None = None) -> list[Week]:
    """One `Week` per week from `start` to `end` (inclusive) with something to tell."""
    ev = run.events
    story = _Story(run)
    week = np.floor(ev["week"].to_numpy(dtype=float)).astype(int)
    last = int(max(week.max(initial=0), run.horizon))
    totals = _totals(story, last)
    lo, hi = 0 if start is None else start, last if end is None else end
    out = []
    for w, rows in ev[(week >= lo) & (week <= hi)].groupby(week[(week >= lo) & (week <= hi)]):
        lines = [line for say in SENTENCES for line in say(story, rows)]
        if lines:
            out.append(Week(int(w), tuple(lines), totals[int(w)]))
    return out


def heading(run: RunData) -> str:
    """One line saying which run this is and how its clock runs."""
    seed = f", seed {run.seed}" if run.seed is not None else ""
    warm = (f"; warm-up to week {words.weeks(run.warmup)} (headline metrics count arrivals after it)"
            if run.warmup > 0 else "")
    return (f"{run.model} ({run.scenario}{seed}): weeks 0 to {words.weeks(run.horizon)}{warm}; "
            "totals count from week 0")
