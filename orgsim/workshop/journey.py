"""One initiative's journey: each organisation it passed, each wait and its cause, in order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orgsim.workshop import words
from orgsim.workshop.rundata import ReplayError, RunData
from orgsim.workshop.waits import CAUSES, journey_records, segments

TINY = 1e-9


@dataclass(frozen=True)
class Step:
    """One record of the journey and the waits before it, as (cause, weeks), zero waits left out."""

    week: float
    unit: str
    text: str
    waits: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Journey:
    """An initiative's records in order, its outcome and where its time went."""

    item: int
    title: str
    steps: tuple[Step, ...]
    outcome: str
    totals: tuple[tuple[str, float], ...]


def journey(run: RunData, item: int) -> Journey:
    """The journey of initiative `item`; ReplayError when the run has no such initiative."""
    if item not in run.items.index:
        ids = run.items.index
        span = f"ids {ids.min()} to {ids.max()}" if len(ids) else "no initiatives"
        raise ReplayError(run.path, f"no initiative {item} in this run ({span})", "--initiative")
    info = run.items.loc[item]
    ev = journey_records(run.events)
    ev = ev[ev["item"] == item]
    seg = segments(run)
    seg = seg[(seg["item"] == item) & (seg["end"] - seg["start"] > TINY)]
    waits = {row: tuple(zip(part["cause"], part["end"] - part["start"])) for row, part in seg.groupby("row")}
    units = set(run.events["unit"]) | {run.ics_prefix}
    steps = [Step(float(r.week), str(r.unit), _describe(r, run, units), waits.get(r.row, ()))
             for r in ev.itertuples()]
    steps += _adoptions(run, item)
    if -1 in waits:
        steps.append(Step(run.horizon, steps[-1].unit, "horizon reached, still waiting", waits[-1]))
    by_cause = seg.assign(w=seg["end"] - seg["start"]).groupby("cause")["w"].sum()
    order = [c for c in (*CAUSES, "other") if c in by_cause.index]
    return Journey(item=item, title=f"Initiative {item}: {info['capability_key']} from {info['origin']}",
                   steps=tuple(steps), outcome=_outcome(run, item, float(info["arrival_week"])),
                   totals=tuple((c, float(by_cause[c])) for c in order))


def _describe(r: Any, run: RunData, units: set[str]) -> str:
    kind, what, amount, stage = r.kind, r.what, r.amount, r.stage
    forum = words.where(words.forum(what, units), r.unit)
    n = int(round(amount))
    texts = {
        "arrival": f"raised: {what} route, {words.effort(amount)} of work",
        "handoff": f"handed over by {what} ({words.span(amount)} to commission)",
        "rework": f"misread the need: {amount:.0%} of the next stage to redo",
        "check": f"checked portfolio {what}: " + ("duplicate found" if amount else "no duplicate"),
        "duplicate": _duplicate(run, n, what, r.week),
        "gate_queued": f"queued for {forum}",
        "approved": f"{forum} approved it" + (f" after {words.count(n, 'deferral')}" if n else ""),
        "deferred": f"{forum} deferred it ({words.count(n, 'deferral')} so far)",
        "rejected": f"{forum} rejected it after {words.count(n, 'deferral')}",
        "released": "released for delivery",
        "stage_start": f"{words.noun(stage)} started: {what} ({words.count(n, 'person', 'people')})",
        "stage_end": f"{words.noun(stage)} done: {what}, {words.effort(amount)}",
        "rework_effort": f"of which {words.effort(amount)} redone",
        "delivered": f"delivered ({what})",
        "reused": f"reused the product of initiative {n}",
        "bid": f"asked {what} for £{amount:,.0f}" + (" (a funding round)" if stage == "round" else ""),
        "spent": f"£{amount:,.0f} taken from {what}",
        "unfunded": f"{what} did not fund it ({stage})",
        "funded": f"£{amount:,.0f} received from {what}",
    }
    if kind == "rejected" and stage == "money":
        return f"{what} refused every bid ({words.count(n, 'bid')}): rejected"
    return texts.get(kind, f"{kind.replace('_', ' ')}: {what}".rstrip(": "))


def _duplicate(run: RunData, original: int, key: str, week: float) -> str:
    final = run.final()
    done = original in final.index and final.at[original, "end_week"] <= week
    then = f"it is already {final.at[original, 'outcome']}" if done else "waits for its outcome"
    return f"duplicate of initiative {original} ({key}): {then}"


def _adoptions(run: RunData, item: int) -> list[Step]:
    ev = run.events
    rows = ev[(ev["kind"] == "adopted") & (ev["item"] == item)]
    if rows.empty:
        return []
    first, last = float(rows["week"].min()), float(rows["week"].max())
    who = rows["unit"].iloc[0] if len(rows) == 1 else run.node(rows["unit"].iloc[0])
    span = f"week {words.weeks(first)}" if first == last else \
        f"weeks {words.weeks(first)} to {words.weeks(last)}"
    return [Step(first, who, f"adopted by {words.count(len(rows), 'ICS', 'ICSs')} ({span})")]


def _outcome(run: RunData, item: int, arrival: float) -> str:
    final = run.final()
    if item not in final.index:
        return (f"still in the system at the horizon (week {words.weeks(run.horizon)}), "
                f"{words.span(run.horizon - arrival)} after arrival")
    kind, week = final.at[item, "outcome"], float(final.at[item, "end_week"])
    after = words.span(week - arrival)
    if kind == "delivered":
        return f"delivered at week {words.weeks(week)}: lead time {after}"
    row = run.events[(run.events["item"] == item) & (run.events["kind"] == kind)].iloc[0]
    if kind == "reused":
        return (f"reused the product of initiative {int(row['amount'])} at week {words.weeks(week)}, "
                f"{after} after arrival")
    units = set(run.events["unit"]) | {run.ics_prefix}
    forum = words.where(words.forum(row["what"], units), row["unit"])
    return f"rejected by {forum} at week {words.weeks(week)}, {after} after arrival"

