"""Who hands work to whom, and where initiatives wait: the data behind flow pictures."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from typing import Any

import pandas as pd

from orgsim.domain import records as R

Row = tuple[float, str, int, str, str, float, str]


def handoffs(events: pd.DataFrame) -> pd.DataFrame:
    """Handoff volumes: columns `sender`, `receiver`, `handoffs`."""
    rows = events[events["kind"] == R.HANDOFF]
    table = rows.groupby(["what", "unit"]).size().rename("handoffs").reset_index()
    return table.rename(columns={"what": "sender", "unit": "receiver"})


def service_teams(plan: Any) -> set[str]:
    """Names of the service teams of `plan` and of every plan its timeline switches to."""
    names = set(plan.teams)
    for change in plan.timeline:
        if hasattr(change, "plan"):
            names |= service_teams(change.plan)
    return names


def waits(events: pd.DataFrame, teams: Collection[str] = ()) -> pd.DataFrame:
    """Mean waits by unit, cause and team: `forum` (queued to decided), `staff` (ready to started).

    `team` names the service team waited for (one of `teams`), so that service
    teams show apart from their unit; it is empty for function teams and forums.

    An item is ready for a stage at its previous record (or, after a detected
    duplicate, when the original ended), so the staff wait of a stage is its
    start minus that week.
    """
    ev = events.reset_index(drop=True)
    by_item = ev.groupby("item")
    ready = by_item["week"].shift()
    # After a detected duplicate the item is ready when its original ends, not at the detection.
    after_duplicate = by_item["kind"].shift() == R.DUPLICATE
    original = by_item["amount"].shift()[after_duplicate].astype(int)
    ended = ev[ev["kind"].isin(R.FINAL)].groupby("item")["week"].first()
    ready[after_duplicate] = original.map(ended).to_numpy()
    staff = ev[ev["kind"] == R.STAGE_START].assign(wait=lambda d: d["week"] - ready[d.index])
    queued = ev[ev["kind"] == R.GATE_QUEUED].groupby(["item", "unit", "what"])["week"].min()
    decided = ev[ev["kind"].isin((R.APPROVED, R.REJECTED))].groupby(["item", "unit", "what"])["week"].max()
    forum = (decided - queued).dropna().rename("wait").reset_index()
    team = staff["what"].where(staff["what"].isin(list(teams)), "")
    parts = [staff[["unit", "wait"]].assign(cause="staff", team=team),
             forum[["unit", "wait"]].assign(cause="forum", team="")]
    both = pd.concat(parts, ignore_index=True)
    table = both.groupby(["unit", "cause", "team"])["wait"].agg(["size", "mean"]).reset_index()
    return table.rename(columns={"size": "n", "mean": "mean_wait"})


def flow_rows(records: Iterable[Row], teams: Collection[str] = ()) -> tuple[list[dict[str, Any]],
                                                                            list[dict[str, Any]]]:
    """`handoffs` and `waits` as lists of rows, from the records in one pass, without a frame.

    The same numbers, bit for bit, in the same row order as the two frame-based
    functions give (a test compares them): a sweep builds its flow tables here, as
    a pandas frame of every record costs more than the metrics themselves. Means
    are taken with compensated (Kahan) summation over the values in the order
    pandas sees them: staff waits in record order, then forum waits by (item,
    unit, forum).
    """
    sent: dict[tuple[str, str], int] = {}
    # item -> week of its last record, or (week, original) when that record found it a duplicate
    last: dict[int, Any] = {}
    ended: dict[int, float] = {}  # item -> week of its first final record
    staff: list[tuple[str, str, float, float | None, int]] = []  # unit, team, week, ready, original
    queued: dict[tuple[int, str, str], float] = {}
    decided: dict[tuple[int, str, str], float] = {}
    named, final = set(teams), set(R.FINAL)
    for week, kind, item, unit, what, amount, _ in records:
        if kind == R.ADOPTED:  # the commonest record: nothing here but the product's last week
            last[item] = week
            continue
        if kind == R.STAGE_START:
            before = last.get(item, math.nan)
            last[item] = week
            team = what if what in named else ""
            if before.__class__ is tuple:  # after a duplicate: ready when the original ended
                staff.append((unit, team, week, None, before[1]))
            else:
                staff.append((unit, team, week, before, 0))
            continue
        if kind == R.DUPLICATE:
            last[item] = (week, int(amount))
            continue
        last[item] = week
        if kind == R.HANDOFF:
            sent[(what, unit)] = sent.get((what, unit), 0) + 1
        elif kind == R.GATE_QUEUED:
            key = (item, unit, what)
            if key not in queued or week < queued[key]:
                queued[key] = week
        elif kind == R.APPROVED or kind == R.REJECTED:
            key = (item, unit, what)
            if key not in decided or week > decided[key]:
                decided[key] = week
        if kind in final and item not in ended:
            ended[item] = week
    groups: dict[tuple[str, str, str], list[float]] = {}
    for unit, team, week, ready, original in staff:
        start = ended.get(original, math.nan) if ready is None else ready
        groups.setdefault((unit, "staff", team), []).append(week - start)
    for key in sorted(queued.keys() & decided.keys()):
        groups.setdefault((key[1], "forum", ""), []).append(decided[key] - queued[key])
    handoff_rows = [{"sender": s, "receiver": r, "handoffs": n} for (s, r), n in sorted(sent.items())]
    wait_rows = [{"unit": u, "cause": c, "team": t, "n": len(v), "mean_wait": _kahan_mean(v)}
                 for (u, c, t), v in sorted(groups.items())]
    return handoff_rows, wait_rows


def _kahan_mean(values: list[float]) -> float:
    """The mean of the values that are not NaN, summed as pandas' grouped mean sums them."""
    total = compensation = 0.0
    n = 0
    for v in values:
        if v != v:
            continue
        n += 1
        y = v - compensation
        t = total + y
        compensation = t - total - y
        if compensation != compensation:  # an infinite value: keep it rather than NaN
            compensation = 0.0
        total = t
    return total / n if n else math.nan
