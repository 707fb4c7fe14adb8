"""Who hands work to whom, and where initiatives wait: the data behind flow pictures."""

from __future__ import annotations

import pandas as pd

from orgsim.domain import records as R


def handoffs(events: pd.DataFrame) -> pd.DataFrame:
    """Handoff volumes: columns `sender`, `receiver`, `handoffs`."""
    rows = events[events["kind"] == R.HANDOFF]
    table = rows.groupby(["what", "unit"]).size().rename("handoffs").reset_index()
    return table.rename(columns={"what": "sender", "unit": "receiver"})


def waits(events: pd.DataFrame) -> pd.DataFrame:
    """Mean waits by unit and cause: `forum` (queued to decided) and `staff` (ready to started).

    An item is ready for a stage at its previous record, so the staff wait of a
    stage is its start minus the week of the item's record before it.
    """
    ev = events.reset_index(drop=True)
    prev_week = ev.groupby("item")["week"].shift()
    staff = ev[ev["kind"] == R.STAGE_START].assign(wait=lambda d: d["week"] - prev_week[d.index])
    queued = ev[ev["kind"] == R.GATE_QUEUED].groupby(["item", "unit", "what"])["week"].min()
    decided = ev[ev["kind"].isin((R.APPROVED, R.REJECTED))].groupby(["item", "unit", "what"])["week"].max()
    forum = (decided - queued).dropna().rename("wait").reset_index()
    parts = [staff[["unit", "wait"]].assign(cause="staff"), forum[["unit", "wait"]].assign(cause="forum")]
    both = pd.concat(parts, ignore_index=True)
    table = both.groupby(["unit", "cause"])["wait"].agg(["size", "mean"]).reset_index()
    return table.rename(columns={"size": "n", "mean": "mean_wait"})
