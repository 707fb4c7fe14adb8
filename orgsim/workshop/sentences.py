"""The sentences of the weekly narrative: each turns one week's records into plain English.

A sentence function takes the `Story` (what it needs to know about the whole
run) and the week's records, and returns zero or more lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from orgsim.metrics.core import duplicate_builds
from orgsim.workshop import words
from orgsim.workshop.rundata import RunData

DECISIONS = ("approved", "deferred", "rejected")
YEAR_END = {"lapsed": "lapsed unspent", "carried": "carried over unspent"}
TOLD = {"arrival", "duplicate", "gate_queued", *DECISIONS, "handoff", "rework", "stage_start",
        "delivered", "reused", "adopted", "intervention", "bid", "funded", "unfunded", "envelope",
        *YEAR_END}
SILENT = {"check", "released", "stage_end", "rework_effort", "spent"}  # `funded` tells of `spent`
FEW = 3  # up to this many, name the initiatives or capabilities


class Row(NamedTuple):
    """One record as the sentences read it; `node` is its organisation with the ICSs as one."""

    row: int
    week: float
    kind: str
    item: int
    unit: str
    what: str
    amount: float
    stage: str
    node: str


Group = list[Row]


class Story:
    """What the sentences need to know about the whole run."""

    def __init__(self, run: RunData) -> None:
        ev = run.events
        self.run = run
        self.units = set(ev["unit"]) | {run.ics_prefix}
        self.arrival = run.items["arrival_week"].to_dict()
        self.key = run.items["capability_key"].to_dict()
        self.ends = run.final()["end_week"].to_dict()
        starts = ev[ev["kind"] == "stage_start"]
        self.first_start = set(starts.drop_duplicates(["item", "unit", "stage"]).index)
        builds = starts[starts["stage"] == "build"].drop_duplicates("item")
        flags = duplicate_builds(ev, run.items.reset_index(drop=True))
        self.dup_builds = builds[builds["item"].map(flags).fillna(False).astype(bool)]
        self.dup_rows = set(self.dup_builds.index)

    def who(self, rows: Group, field: str = "unit") -> str:
        """One organisation's name, or `ICSs` for several ICSs."""
        names = {getattr(r, field) for r in rows}
        first = getattr(rows[0], field)
        return first if len(names) == 1 else self.run.node(first)

    def by_who(self, rows: Group) -> list[tuple[str, Group]]:
        """Rows by organisation (ICSs together), largest group first."""
        groups: dict[str, Group] = {}
        for r in rows:
            groups.setdefault(r.node, []).append(r)
        ordered = sorted(groups.values(), key=len, reverse=True)
        return [(self.who(g), g) for g in ordered]

    def forums(self, rows: Group) -> list[tuple[str, Group]]:
        """Rows by forum (the ICSs' boards together), with each forum's label."""
        groups: dict[tuple[str, str], Group] = {}
        for r in rows:
            groups.setdefault((r.what.split("@")[0], r.node), []).append(r)
        out = []
        for (name, _), g in groups.items():
            base, units = words.forum(name, self.units), sorted({r.unit for r in g})
            prefix = self.run.ics_prefix
            label = words.where(base, units[0]) if len(units) == 1 else \
                f"{base}s at {words.count(len(units), prefix, prefix + 's')}"
            out.append((label, g))
        return out


def _of(rows: Group, *kinds: str) -> Group:
    return [r for r in rows if r.kind in kinds]


def _interventions(s: Story, w: Group) -> list[str]:
    return [f"Intervention: {r.what}" for r in _of(w, "intervention")]


def _arrivals(s: Story, w: Group) -> list[str]:
    rows = _of(w, "arrival")
    if not rows:
        return []
    groups = s.by_who(rows)
    head = words.count(len(rows), "new initiative")
    if len(groups) == 1:
        return [f"{head} from {groups[0][0]}"]
    return [f"{head} ({', '.join(f'{len(g)} from {who}' for who, g in groups)})"]


def _handoffs(s: Story, w: Group) -> list[str]:
    rows = _of(w, "handoff")
    if not rows:
        return []
    pairs: dict[tuple[str, str], Group] = {}
    for r in rows:
        pairs.setdefault((s.run.node(r.what), r.node), []).append(r)
    said = [f"{s.who(g, 'what')} → {s.who(g)}" + (f" {len(g)}" if len(g) > 1 else "")
            for g in sorted(pairs.values(), key=len, reverse=True)]
    misread = len(_of(w, "rework"))
    tail = f"; {words.count(misread, 'receiver')} misread the need" if misread else ""
    return [f"{words.count(len(rows), 'handoff')} ({', '.join(said)}){tail}"]


def _spotted(s: Story, w: Group) -> list[str]:
    lines = []
    for who, g in s.by_who(_of(w, "duplicate")):
        line = f"{who} spotted {words.count(len(g), 'duplicate')}"
        if len(g) <= FEW:
            line += f" ({words.listing(_waits_for(s, r) for r in g)})"
        lines.append(line)
    return lines


def _waits_for(s: Story, r: Row) -> str:
    original = int(r.amount)
    done = s.ends.get(original, float("inf")) <= r.week
    return f"initiative {r.item} {'reuses' if done else 'waits for'} {original}"


def _queued(s: Story, w: Group) -> list[str]:
    rows = _of(w, "gate_queued")
    if not rows:
        return []
    groups = s.forums(rows)
    if len(groups) == 1:
        return [f"{len(rows)} queued for {groups[0][0]}"]
    said = ", ".join(f"{len(g)} for {label}" for label, g in groups)
    return [f"{len(rows)} queued for a decision ({said})"]


def _decisions(s: Story, w: Group) -> list[str]:
    lines = []
    decided = [r for r in _of(w, *DECISIONS) if r.stage != "money"]  # given up for money: `_money`
    for label, g in s.forums(decided):
        counts = Counter(r.kind for r in g)
        lines.append(f"{label} " + ", ".join(f"{k} {counts[k]}" for k in DECISIONS if counts[k]))
    return lines


def _delivered(s: Story, w: Group) -> list[str]:
    rows = _of(w, "delivered")
    if not rows:
        return []
    lead = np.array([r.week - s.arrival[r.item] for r in rows])
    if len(rows) == 1:
        return [f"1 delivered ({rows[0].what}, lead time {words.span(lead[0])})"]
    scopes = ", ".join(f"{n} {scope}" for scope, n in words.tally(r.what for r in rows))
    return [f"{len(rows)} delivered ({scopes}; lead times {words.weeks(lead.min())} to "
            f"{words.span(lead.max())}, mean {words.weeks(lead.mean())})"]


def _avoided(s: Story, w: Group) -> list[str]:
    rows = _of(w, "reused")
    if not rows:
        return []
    said = _who_did(s, rows, lambda r: f"{r.unit} reused {r.what}")
    return [f"{words.count(len(rows), 'duplicate')} avoided ({said})"]


def _started(s: Story, w: Group) -> list[str]:
    rows = [r for r in _of(w, "stage_start") if r.row in s.first_start]
    return [f"{who} started {words.listing(words.stage(k, n) for k, n in words.tally(r.stage for r in g))}"
            for who, g in s.by_who(rows)]


def _built(s: Story, w: Group) -> list[str]:
    rows = [r for r in w if r.row in s.dup_rows]
    if not rows:
        return []
    said = _who_did(s, rows, lambda r: f"{s.key[r.item]} by {r.unit}")
    return [f"{words.count(len(rows), 'duplicate')} built ({said})"]


def _who_did(s: Story, rows: Group, one: Callable[[Row], str]) -> str:
    """Each of a few rows in words, or counts by organisation when there are many."""
    if len(rows) <= FEW:
        return words.listing(one(r) for r in rows)
    return ", ".join(f"{len(g)} by {who}" for who, g in s.by_who(rows))


def _adopted(s: Story, w: Group) -> list[str]:
    rows = _of(w, "adopted")
    if len(rows) <= 2:
        return [f"{r.unit} adopted {r.what}" for r in rows]
    n, prefix = len({r.unit for r in rows}), s.run.ics_prefix
    by = words.count(n, prefix, prefix + "s") if all(s.run.is_ics(r.unit) for r in rows) \
        else words.count(n, "organisation")
    return [f"{words.count(len(rows), 'adoption')} of national products by {by}"]


def pounds(x: float) -> str:
    """`£1.01bn`, `£2.3m`, `£850,000`."""
    if abs(x) >= 1e9:
        return f"£{x / 1e9:,.2f}bn"
    return f"£{x / 1e6:,.1f}m" if abs(x) >= 1e6 else f"£{x:,.0f}"


def _per(s: Story, rows: Group, name: Callable[[Row], str]) -> str:
    """`unified bids 2, ics digital 1`: how many rows per fund, most first."""
    return ", ".join(f"{words.forum(k, s.units)} {n}" for k, n in words.tally(name(r) for r in rows))


def _money(s: Story, w: Group) -> list[str]:
    """Bids for money, money received, bids refused, and items given up for want of money."""
    lines = []
    bids, funded = _of(w, "bid"), _of(w, "funded")
    if bids:
        lines.append(f"{words.count(len(bids), 'bid')} for money, {pounds(sum(r.amount for r in bids))} "
                     f"asked ({_per(s, bids, lambda r: r.what + (' round' if r.stage == 'round' else ''))})")
    if funded:
        lines.append(f"{len(funded)} funded, {pounds(sum(r.amount for r in funded))} "
                     f"({_per(s, funded, lambda r: r.what)})")
    for outcome, said in (("refused", "refused"), ("no money", "not funded: no money left")):
        rows = [r for r in _of(w, "unfunded") if r.stage == outcome]
        if rows:
            lines.append(f"{words.count(len(rows), 'bid')} {said} ({_per(s, rows, lambda r: r.what)})")
    gone = [r for r in _of(w, "rejected") if r.stage == "money"]
    if gone:
        lines.append(f"{words.count(len(gone), 'initiative')} given up for want of money "
                     f"({_per(s, gone, lambda r: r.what)})")
    return lines


def _year(s: Story, w: Group) -> list[str]:
    """A financial year's end and start: money lapsed or carried over, then the new envelopes."""
    lines = []
    for kind, said in (*YEAR_END.items(), ("envelope", "in new envelopes")):
        rows = [r for r in _of(w, kind) if r.amount > 0]
        if rows:
            accounts = words.count(len({(r.unit, r.what) for r in rows}), "account")
            lines.append(f"{pounds(sum(r.amount for r in rows))} {said} ({accounts}: "
                         f"{_per(s, rows, lambda r: r.what)})")
    return lines


def _others(s: Story, w: Group) -> list[str]:
    kinds = (r.kind for r in w if r.kind not in TOLD | SILENT)
    return [words.count(n, f"{kind.replace('_', ' ')} record") for kind, n in words.tally(kinds)]


SENTENCES: tuple[Callable[[Story, Group], list[str]], ...] = (
    _interventions, _year, _arrivals, _handoffs, _spotted, _queued, _decisions, _money, _delivered,
    _avoided, _started, _built, _adopted, _others)
