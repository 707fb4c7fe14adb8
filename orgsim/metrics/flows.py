"""Who hands work to whom, and where initiatives wait: the data behind flow pictures."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pandas as pd

from orgsim.domain import records as R


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
