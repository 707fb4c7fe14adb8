"""One pass over a run's records, in the order they were made, gathering what every metric needs.

Records are appended as simulated time advances, so a single walk sees each
initiative's records in order and each team's work start and end in order.
It keeps, per initiative, where its time went between consecutive records
(the lead time components of `orgsim.metrics.core`), its outcome and effort;
per team, its busy and available staff-weeks inside the measured window; and,
per product and unit that uses it, the week its use began (for benefit).

The cause of the interval before a record: while the item waits at a forum
(after `gate_queued` or `deferred`), forum; between a stage's start and end,
work (the share redone after a misread handoff is rework); after a detected
duplicate, waiting for the original until the original's outcome; from a
bid for money to the money arriving (funded), funding; otherwise
the record ending the interval says: a stage start (or being sent away from
a team a reorganisation closed), staff; a handoff, its delay; anything else,
other (no mechanism makes an item wait there today, so it stays zero).

A pure-Python walk rather than pandas: a run's metrics cost a fraction of the
run (the benchmark in `benchmarks/engine.py` measures it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from orgsim.domain import records as R

Row = tuple[float, str, int, str, str, float, str]

# Lead time components, in the order they are stored and shown.
COMPONENTS = ("forum_wait", "staff_wait", "work", "rework", "handoff_delay", "duplicate_wait",
              "funding_wait", "other")
MONEY_COMPONENTS = ("funding_wait",)  # shown only for runs with money in them

# Fields of an item's state list (a list indexed by constants is the cheapest mutable record).
ARRIVAL, LAST, MODE, ORIGINAL = 0, 1, 2, 3
FORUM, STAFF, WORK, REWORK, HANDOFF, DUPLICATE, FUNDING, OTHER = range(4, 12)  # COMPONENTS, in order
GATED, RELEASED, END, OUTCOME, HANDOFFS = 12, 13, 14, 15, 16
STAGE_AT, STAGE_PEOPLE, STAGE_POOL, LAST_SPAN, LAST_EFFORT = 17, 18, 19, 20, 21
HELD, EFFORT, REWORK_EFFORT, BUILD_EFFORT, BUILD_REWORK, BUILDING = 22, 23, 24, 25, 26, 27
WIDTH = 28

# What an item is doing after its latest record.
READY, AT_FORUM, AT_WORK, AT_DUPLICATE, AT_FUNDING = 0, 1, 2, 3, 4

# A team's state: [week of last change, people busy, people on the staff, busy and
# available staff-weeks inside the window so far].
T_AT, T_BUSY, T_STAFF, T_BUSY_WEEKS, T_AVAILABLE = range(5)


@dataclass
class Walk:
    """What the walk found. `items` maps an initiative id to its state list (fields above)."""

    items: dict[int, list]
    teams: dict[tuple[str, str], list[float]]
    first_builds: list[tuple[int, float]]  # (item, week its first build work started), in record order
    uses: dict[tuple[int, str], float]  # (product, unit using it) -> week the use began


def walk(records: Iterable[Row], staff: dict[tuple[str, str], tuple[float, float]],
         warmup: float, horizon: float) -> Walk:
    """Walk `records` once.

    Args:
        records: The run's records in the order they were made.
        staff: (unit, team) -> (people at the start, people per slot taken).
        warmup: Start of the measured window.
        horizon: End of the run.
    """
    items: dict[int, list] = {}
    teams = {key: [0.0, 0.0, people, 0.0, 0.0] for key, (people, _) in staff.items()}
    pace = {key: per_slot for key, (_, per_slot) in staff.items()}
    first_builds: list[tuple[int, float]] = []
    uses: dict[tuple[int, str], float] = {}
    ends: dict[int, float] = {}

    def advance(team: list[float], week: float) -> None:
        """Add the team's busy and available staff-weeks from its last change to `week`."""
        start = team[0] if team[0] > warmup else warmup
        stop = week if week < horizon else horizon
        if stop > start:
            busy, people = team[1], team[2]
            team[3] += busy * (stop - start)
            # People who have left but are finishing their work are available until they do.
            team[4] += (busy if busy > people else people) * (stop - start)
        team[0] = week

    for week, kind, item, unit, what, amount, stage in records:
        if kind == R.ADOPTED:
            if (item, unit) not in uses:
                uses[(item, unit)] = week
            continue
        s = items.get(item)
        if s is None:
            if kind == R.ARRIVAL:
                s = items[item] = [0.0] * WIDTH
                s[ARRIVAL] = s[LAST] = week
                s[MODE], s[RELEASED], s[END], s[OUTCOME], s[BUILDING] = READY, None, None, None, False
            elif kind == R.STAFFING:
                team = teams.get((unit, what))
                if team is None:
                    team = teams[(unit, what)] = [week, 0.0, 0.0, 0.0, 0.0]
                advance(team, week)
                team[2] = amount
            continue
        gap = week - s[LAST]
        if gap > 0.0:
            mode = s[MODE]
            if mode == AT_WORK:
                s[WORK] += gap
            elif mode == AT_FORUM:
                s[FORUM] += gap
            elif mode == AT_FUNDING:
                s[FUNDING] += gap
            else:
                if mode == AT_DUPLICATE:
                    waited = ends.get(s[ORIGINAL], week) - s[LAST]
                    waited = gap if waited > gap else (waited if waited > 0.0 else 0.0)
                    s[DUPLICATE] += waited
                    gap -= waited
                if gap > 0.0:
                    if kind == R.STAGE_START or kind == R.WITHDRAWN:
                        s[STAFF] += gap
                    elif kind == R.HANDOFF:
                        s[HANDOFF] += gap
                    else:
                        s[OTHER] += gap
        s[LAST] = week
        if kind == R.STAGE_START:
            key = (unit, what)
            team = teams.get(key)
            if team is None:
                team = teams[key] = [week, 0.0, 0.0, 0.0, 0.0]
            advance(team, week)
            people = amount * pace.get(key, 1.0)
            team[1] += people
            s[MODE], s[STAGE_AT], s[STAGE_PEOPLE], s[STAGE_POOL] = AT_WORK, week, people, team
            if stage == "build" and not s[BUILDING]:
                s[BUILDING] = True
                first_builds.append((item, week))
        elif kind == R.STAGE_END:
            team, people = s[STAGE_POOL], s[STAGE_PEOPLE]
            advance(team, week)
            team[1] -= people
            span = week - s[STAGE_AT]
            s[MODE], s[LAST_SPAN], s[LAST_EFFORT] = READY, span, amount
            s[HELD] += people * span
            s[EFFORT] += amount
            if stage == "build":
                s[BUILD_EFFORT] += amount
        elif kind == R.GATE_QUEUED:
            s[MODE], s[GATED] = AT_FORUM, True
        elif kind == R.DEFERRED:
            s[MODE] = AT_FORUM
        elif kind == R.DUPLICATE:
            s[MODE], s[ORIGINAL] = AT_DUPLICATE, int(amount)
        elif kind == R.REWORK_EFFORT:  # right after the stage's end: part of its span was rework
            s[REWORK_EFFORT] += amount
            if stage == "build":
                s[BUILD_REWORK] += amount
            if s[LAST_EFFORT] > 0.0:
                redone = s[LAST_SPAN] * (amount / s[LAST_EFFORT])
                s[WORK] -= redone
                s[REWORK] += redone
        elif kind == R.BID:
            s[MODE] = AT_FUNDING
        elif kind == R.SPENT or kind == R.UNFUNDED:  # still waiting for the money itself
            pass
        else:
            s[MODE] = READY
            if kind == R.RELEASED:
                if s[RELEASED] is None:
                    s[RELEASED] = week
            elif kind == R.HANDOFF:
                s[HANDOFFS] += 1
            elif kind in R.FINAL:
                s[END], s[OUTCOME] = week, kind
                ends[item] = week
                if kind == R.DELIVERED:
                    if what == "local" and (item, unit) not in uses:
                        uses[(item, unit)] = week
                elif kind == R.REUSED and (int(amount), unit) not in uses:
                    uses[(int(amount), unit)] = week
    for team in teams.values():
        advance(team, horizon)
    return Walk(items, teams, first_builds, uses)
