"""Cost outcomes of one run, from its records, the walk over them and its prices.

Staff are paid whether busy or not: a unit's staff cost is its available
staff-weeks in the measured window (the walk's, the same as utilisation's
denominator) times its price per unit-week (its cost per person-week
times scale.people_per_unit, orgsim/config/funds.py). The ledger of each funding stream
is read from the money records in the order they were made: a financial year
starts with its `envelope` records and ends with `lapsed` or `carried` ones;
`spent` records between them belong to it.

The `rounds` block describes each funding round by the bids made to it in the
measured window: how many, the share of those decided that were funded (refused
or no money left: not funded; a bid made again is a new bid) and the mean weeks
from a funded bid to its money (the wait for the award date plus the lag): the
numbers a round's published record gives (bids funded, months to a decision).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from orgsim.domain import records as R
from orgsim.domain.costs import Prices
from orgsim.domain.sums import left_sum
from orgsim.metrics import walk as W

YEAR_WEEKS = 52.0


def money_metrics(records: Iterable[W.Row], found: W.Walk, cohort: list[tuple[int, list]],
                  duplicates: set[int], prices: Prices, warmup: float, horizon: float) -> dict[str, Any]:
    """The `money` block of metrics.json and the flat cost outcomes."""
    years = (horizon - warmup) / YEAR_WEEKS
    by_unit: dict[str, float] = {}
    for (unit, _), team in sorted(found.teams.items()):
        by_unit[unit] = by_unit.get(unit, 0.0) + team[W.T_AVAILABLE] * prices.rates.get(unit, 0.0)
    staff = left_sum(by_unit.values())
    delivered = [i for i, s in cohort if s[W.OUTCOME] == R.DELIVERED]
    needs = len(delivered) + len([i for i, s in cohort if s[W.OUTCOME] == R.REUSED])
    non_staff = left_sum([prices.non_staff.get(i, 0.0) for i in delivered])
    records = list(records)
    dup_staff, ledger, through = _pass(records, duplicates, prices.rates, warmup)
    dup_cost = dup_staff + left_sum([prices.non_staff.get(i, 0.0) for i in sorted(duplicates)])
    streams = _years(ledger)
    ended = [y for years_ in streams.values() for y in years_ if y["ended"] is not None
             and warmup < y["ended"] <= horizon]
    available = left_sum([y["envelope"] + y["carried_in"] for y in ended])
    unspent = left_sum([y["lapsed"] + y["carried_out"] for y in ended])
    funded = through["round"] + through["stream"]
    return {
        "staff_cost_per_year": staff / years,
        "staff_cost_per_year_by_unit": {u: v / years for u, v in by_unit.items()},
        "cost_per_need_met": (staff + non_staff) / needs if needs else None,
        "duplicate_build_cost": dup_cost,
        "envelope_unspent_share": unspent / available if available > 0 else None,
        "round_money_share": through["round"] / funded if funded > 0 else None,
        "funded": through,
        "streams": streams,
        "rounds": rounds(records, warmup),
    }


def rounds(records: Iterable[W.Row], warmup: float) -> dict[str, dict[str, Any]]:
    """Per funding round, its bids made from `warmup` on: count, share funded, weeks to money."""
    open_bids: dict[int, tuple[str, float]] = {}  # item -> (round, week of its bid)
    bids: dict[str, int] = {}
    decided: dict[str, list[float | None]] = {}  # round -> weeks to money (None: not funded)
    for week, kind, item, _, what, _, stage in records:
        if kind == R.BID and stage == "round":
            open_bids[item] = (what, week)
            if week >= warmup:
                bids[what] = bids.get(what, 0) + 1
        elif (kind == R.UNFUNDED or kind == R.FUNDED and stage == "round") and item in open_bids:
            name, made = open_bids.pop(item)
            if made >= warmup:
                decided.setdefault(name, []).append(week - made if kind == R.FUNDED else None)
    out: dict[str, dict[str, Any]] = {}
    for name in sorted(bids):
        outcomes = decided.get(name, [])
        waits = [w for w in outcomes if w is not None]
        out[name] = {"bids": bids[name], "decided": len(outcomes),
                     "funded_share": len(waits) / len(outcomes) if outcomes else None,
                     "weeks_to_money": left_sum(waits) / len(waits) if waits else None}
    return out


def _pass(records: Iterable[W.Row], duplicates: set[int], rates: dict[str, float],
          warmup: float) -> tuple[float, list[W.Row], dict[str, float]]:
    """Staff cost of duplicate builds, the ledger records, and pounds received by way of each."""
    dup: list[float] = []
    ledger: list[W.Row] = []
    through = {"round": 0.0, "stream": 0.0}
    for row in records:
        kind = row[1]
        if kind == R.STAGE_END:
            if row[6] == "build" and row[2] in duplicates:
                dup.append(row[5] * rates.get(row[3], 0.0))
        elif kind in R.LEDGER:
            ledger.append(row)
        elif kind == R.FUNDED and row[0] >= warmup:
            through[row[6]] = through.get(row[6], 0.0) + row[5]
    return left_sum(dup), ledger, through


def _years(ledger: list[W.Row]) -> dict[str, list[dict[str, Any]]]:
    """Per stream, each financial year's envelope, money carried in, spent, lapsed and carried out.

    `ended` is the week the year ended (None for the year under way at the horizon).
    """
    out: dict[str, list[dict[str, Any]]] = {}
    started: dict[str, float] = {}
    for week, kind, _, _, stream, amount, _ in ledger:
        years = out.setdefault(stream, [])
        if kind == R.ENVELOPE and started.get(stream) != week:
            carried = years[-1]["carried_out"] if years else 0.0
            years.append({"start": week, "ended": None, "envelope": 0.0, "carried_in": carried,
                          "spent": 0.0, "lapsed": 0.0, "carried_out": 0.0})
            started[stream] = week
        year = years[-1]
        if kind == R.ENVELOPE:
            year["envelope"] += amount
        elif kind == R.SPENT:
            year["spent"] += amount
        else:
            year["ended"] = week
            year["lapsed" if kind == R.LAPSED else "carried_out"] += amount
    return out
