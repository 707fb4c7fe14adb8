"""Immutable event records: everything a run says happened. Metrics read only these."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from typing import Any, NamedTuple

# Record kinds, in the vocabulary of the mechanisms (orgsim/mechanisms) and metrics.
ARRIVAL = "arrival"            # unit: origin;  what: route taken;   amount: total effort
CHECK = "check"                # unit: checker; what: portfolio;     amount: 1 if detected else 0
DUPLICATE = "duplicate"        # unit: checker; what: capability;    amount: id of the original
GATE_QUEUED = "gate_queued"    # unit: forum's unit; what: forum
APPROVED = "approved"          # unit: forum's unit; what: forum;    amount: deferrals so far
DEFERRED = "deferred"          # unit: forum's unit; what: forum;    amount: deferrals so far
RELEASED = "released"          # last approval of the route: delivery work may start
HANDOFF = "handoff"            # unit: receiver; what: sender;       amount: delay in weeks
REWORK = "rework"              # unit: receiver; what: sender;       amount: rework fraction
STAGE_START = "stage_start"    # unit: worker;   what: pool;         amount: people assigned
STAGE_END = "stage_end"        # unit: worker;   what: pool;         amount: person-weeks of effort
REWORK_EFFORT = "rework_effort"  # unit: worker; what: pool;         amount: person-weeks redone
DELIVERED = "delivered"        # unit: origin;   what: scope (national/local); amount: total effort
REUSED = "reused"              # unit: origin;   what: capability;   amount: id of the original
REJECTED = "rejected"          # unit: forum's unit; what: forum
ADOPTED = "adopted"            # unit: ICS;      what: capability;   amount: 0 (item is the product)
INTERVENTION = "intervention"  # item -1; unit: ''; what: description; stage: the kind of change
STAFFING = "staffing"          # item -1; unit: pool's unit; what: pool; amount: people from now on
WITHDRAWN = "withdrawn"        # unit: forum's or pool's unit; what: forum or pool; stage: "forum" or
                               # "staff": a reorganisation closed what the item was waiting for
# Money (orgsim/mechanisms/money.py): an account is a stream's money held by one unit.
BID = "bid"                    # unit: holder; what: stream or round; amount: pounds asked;
                               # stage: "stream" or "round"
SPENT = "spent"                # unit: holder; what: stream; amount: pounds taken from the account
FUNDED = "funded"              # unit: holder; what: stream; amount: pounds; stage: "stream" or "round"
UNFUNDED = "unfunded"          # unit: holder; what: round; amount: pounds asked;
                               # stage: why ("refused" or "no money")
ENVELOPE = "envelope"          # item -1; unit: holder; what: stream; amount: pounds for the year starting
LAPSED = "lapsed"              # item -1; unit: holder; what: stream; amount: unspent at year end, lost
CARRIED = "carried"            # item -1; unit: holder; what: stream; amount: unspent at year end, kept
LEDGER = (ENVELOPE, SPENT, LAPSED, CARRIED)

FINAL = (DELIVERED, REUSED, REJECTED)


class Record(NamedTuple):
    """One event. `item` is the initiative id (-1 for none); `stage` tags build vs assess work."""

    week: float
    kind: str
    item: int
    unit: str
    what: str
    amount: float
    stage: str = ""


COLUMNS = Record._fields
WIDTH = len(COLUMNS)


def regroup(flat: Sequence[Any], start: int = 0) -> list[Record]:
    """Records laid end to end in `flat` (`WIDTH` values each), from the `start`-th on.

    A run appends each record's values to one flat list: a list of tuples would hold
    a tracked object per record, and the garbage collector would visit every one
    (a twentieth of a run's time, measured) only to find none of them is garbage.
    """
    values = iter(flat[start * WIDTH:])
    return list(map(tuple.__new__, repeat(Record), zip(*[values] * WIDTH)))
