"""Where each initiative's time went: intervals between its records, each with a cause.

The interval before a record takes its cause from that record: before a
handoff, the handoff's delay; before a decision, the forum; before a stage
starts, the staff queue; before it ends, work (the share redone after a
misread handoff is rework); before being withdrawn from a forum or team that a
reorganisation closed, that forum or the staff queue. After a duplicate is detected the item waits for
the original's outcome; that part is `duplicate`, the rest keeps the cause of
the next record. From a bid for money to the money arriving (records `spent`,
`unfunded`, `funded`, or a rejection by the rounds), `funding`. Time from an
unfinished item's last record to the horizon is open (its `row` is -1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgsim.workshop.rundata import RunData

CAUSES = ("queue", "forum", "handoff", "rework", "duplicate", "funding", "work")
LABELS = {"queue": "staff queue", "forum": "forum", "handoff": "handoff", "rework": "rework",
          "duplicate": "waiting for the original", "funding": "waiting for money", "work": "work",
          "other": "other"}
MONEY = ("spent", "unfunded", "funded")  # records that end part of a wait for money
DECISIONS = ("approved", "deferred", "rejected")
NOT_JOURNEY = ("adopted", "intervention")  # records about a product or the system, not a trip
COLUMNS = ["item", "row", "start", "end", "cause", "unit", "sender"]


def journey_records(events: pd.DataFrame) -> pd.DataFrame:
    """The records that make up items' journeys, with `row`, their place in the log."""
    keep = events[(events["item"] >= 0) & ~events["kind"].isin(NOT_JOURNEY)]
    return keep.assign(row=keep.index)


def _cause(kind: pd.Series, stage: pd.Series) -> np.ndarray:
    withdrawn = kind == "withdrawn"
    money = kind.isin(MONEY) | ((kind == "rejected") & (stage == "money"))
    return np.select([kind == "handoff", money, kind.isin(DECISIONS) | (withdrawn & (stage == "forum")),
                      kind == "stage_end", (kind == "stage_start") | withdrawn],
                     ["handoff", "funding", "forum", "work", "queue"], "other")


def segments(run: RunData) -> pd.DataFrame:
    """Every interval of every item's time in the system: [item, row, start, end, cause, unit, sender]."""
    ev = journey_records(run.events)
    g = ev.groupby("item", sort=False)
    seg = pd.DataFrame({"item": ev["item"], "row": ev["row"], "start": g["week"].shift(),
                        "end": ev["week"], "cause": _cause(ev["kind"], ev["stage"]), "unit": ev["unit"],
                        "sender": np.where(ev["kind"] == "handoff", ev["what"], "")})
    prev_kind, prev_amount, prev_unit = g["kind"].shift(), g["amount"].shift(), g["unit"].shift()
    redo = g["amount"].shift(-1).where(g["kind"].shift(-1) == "rework_effort", 0.0)
    seg = seg[seg["start"].notna()].copy()
    parts = [seg]
    after_dup = seg.index[prev_kind[seg.index] == "duplicate"]
    if len(after_dup):
        ends = run.final()["end_week"]
        original = prev_amount[after_dup].astype(int)
        split = original.map(ends).fillna(np.inf).clip(seg.loc[after_dup, "start"], seg.loc[after_dup, "end"])
        parts.append(seg.loc[after_dup].assign(end=split, cause="duplicate", unit=prev_unit[after_dup],
                                               sender=""))
        seg.loc[after_dup, "start"] = split
    worked = seg.index[(seg["cause"] == "work") & (redo[seg.index] > 0)]
    if len(worked):
        share = (redo[worked] / ev.loc[worked, "amount"]).clip(0.0, 1.0)
        cut = seg.loc[worked, "end"] - share * (seg.loc[worked, "end"] - seg.loc[worked, "start"])
        parts.append(seg.loc[worked].assign(start=cut, cause="rework"))
        seg.loc[worked, "end"] = cut
    parts.append(_open(run, ev))
    out = pd.concat(parts, ignore_index=True)[COLUMNS]
    out["row"] = out["row"].astype(int)
    return out.sort_values(["item", "row", "start"], kind="stable").reset_index(drop=True)


def _open(run: RunData, ev: pd.DataFrame) -> pd.DataFrame:
    """From each unfinished item's last record to the horizon."""
    last = ev.drop_duplicates("item", keep="last")
    last = last[~last["item"].isin(run.final().index)]
    kind = last["kind"]
    cause = np.select([kind.isin(("gate_queued", "deferred")), kind == "stage_start", kind == "duplicate",
                       kind.isin(("bid", "spent", "unfunded"))],
                      ["forum", "work", "duplicate", "funding"], "queue")
    return pd.DataFrame({"item": last["item"], "row": -1, "start": last["week"],
                         "end": np.maximum(last["week"], run.horizon), "cause": cause,
                         "unit": last["unit"], "sender": ""})
