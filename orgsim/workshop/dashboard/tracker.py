"""Running figures of one run, updated week by week from that week's new records.

The dashboard cannot afford to recompute `orgsim.metrics.core.compute` every
week, so `Tracker` keeps running sums instead. Each figure follows the
definition in `orgsim/metrics/core.py` over the weeks seen so far; at the
horizon `latency`, `duplication`, `needs_met`, `wip` and `duplicates_built`
equal the final metrics. Before then they are running approximations of them,
and before the warm-up ends they have no value (NaN): only arrivals after the
warm-up count, as in the final metrics.

A live run and a recorded one feed the same records, so both are shown alike.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from orgsim.domain import records as R

QUARTER_WEEKS = 13.0
STATES = ("queue", "forum", "work", "duplicate", "funding")  # what an item held by an organisation waits for
MONEY_WAIT = (R.BID, R.SPENT, R.UNFUNDED)  # after these an item waits for money until `funded`
NOT_JOURNEY = (R.ADOPTED, R.INTERVENTION)  # records about a product or the system, not a trip
SERIES = ("week", "wip", "latency", "delivered_quarter", "duplication")


def state_after(kind: str) -> str:
    """What an item does after its last record: the rule `orgsim.workshop.waits` uses for open time."""
    if kind in (R.GATE_QUEUED, R.DEFERRED):
        return "forum"
    if kind == R.STAGE_START:
        return "work"
    if kind in MONEY_WAIT:
        return "funding"
    return "duplicate" if kind == R.DUPLICATE else "queue"


class Tracker:
    """Running metrics and who holds what, from records fed in order.

    Args:
        keys: Capability key of every initiative (duplicates are builds of a key already started).
        warmup: Arrivals before this week do not count in per-item figures.
        horizon: Last week of the run.
        node: Organisation a unit is shown as (all ICSs as one).
    """

    def __init__(self, keys: Mapping[int, str], warmup: float, horizon: float,
                 node: Callable[[str], str]) -> None:
        self.keys, self.warmup, self.horizon, self.node = keys, warmup, horizon, node
        self.week = 0.0
        self.arrival: dict[int, float] = {}
        self.finished: dict[int, str] = {}
        self.counts: Counter[str] = Counter()
        self.released: set[int] = set()
        self.gated: set[int] = set()  # items that met a forum
        self.latency_sum, self.latency_n = 0.0, 0
        self.delivered_weeks: deque[float] = deque()
        self.met_after_warmup = 0  # measured items delivered or reused
        self.starters: dict[str, list[int]] = {}
        self.rejected_at: dict[int, float] = {}
        self.duplicate: dict[int, bool] = {}
        self.build_effort = self.duplicate_effort = 0.0
        self.wip_area, self._t = 0.0, 0.0
        self.held: dict[int, tuple[str, str]] = {}
        self.at_forum: dict[int, str] = {}
        self.notes: list[tuple[float, str]] = []
        self.rows: list[dict[str, float]] = []

    @property
    def in_system(self) -> int:
        return len(self.arrival) - len(self.finished)

    def measured(self, item: int) -> bool:
        return self.arrival.get(item, -math.inf) >= self.warmup

    def update(self, records: Sequence[tuple[Any, ...]], week: float) -> None:
        """Take the records of the weeks up to `week` (in record order) and note the week's figures."""
        self.take(records)
        self._integrate(week)
        self.week = week
        cutoff = week - QUARTER_WEEKS
        while self.delivered_weeks and self.delivered_weeks[0] < cutoff:
            self.delivered_weeks.popleft()
        self.rows.append({"week": week, "wip": float(self.in_system), "latency": self.latency(),
                          "delivered_quarter": float(len(self.delivered_weeks)),
                          "duplication": self.duplication()})

    def take(self, records: Sequence[tuple[Any, ...]]) -> None:
        """Take records without closing a week: those a decision taken during play writes at once."""
        for r in records:  # a rejection counts against builds started in the same week (core.py)
            if r[1] == R.REJECTED:
                self.rejected_at.setdefault(int(r[2]), float(r[0]))
        for r in records:
            self._take(*r[:7])

    def _take(self, week: float, kind: str, item: int, unit: str, what: str, amount: float,
              stage: str = "") -> None:
        if kind == R.INTERVENTION:
            self.notes.append((week, what))
        if item < 0 or kind in NOT_JOURNEY:
            return
        self._integrate(week)
        if kind == R.ARRIVAL:
            self.arrival[item] = week
        elif kind == R.GATE_QUEUED:
            self.gated.add(item)
        elif kind == R.RELEASED and item not in self.released:
            self.released.add(item)
            if self.measured(item) and item in self.gated:
                self.latency_sum += week - self.arrival[item]
                self.latency_n += 1
        elif kind == R.STAGE_START and stage == "build" and item not in self.duplicate:
            self._first_build(item, week)
        elif kind == R.STAGE_END and stage == "build" and self.measured(item):
            self.build_effort += amount
            self.duplicate_effort += amount if self.duplicate.get(item) else 0.0
        if kind in R.FINAL:
            self._finish(item, kind, week)
        else:
            self.held[item] = (state_after(kind), self.node(unit))
        if self.held.get(item, ("",))[0] == "forum":
            self.at_forum[item] = what.split("@")[0]  # a forum held by every origin counts as one
        else:
            self.at_forum.pop(item, None)

    def _first_build(self, item: int, week: float) -> None:
        """Whether another initiative with the same key started building and was not rejected by now."""
        earlier = self.starters.setdefault(self.keys.get(item, f"#{item}"), [])
        self.duplicate[item] = any(self.rejected_at.get(e, math.inf) > week for e in earlier)
        earlier.append(item)

    def _finish(self, item: int, kind: str, week: float) -> None:
        if item in self.finished:
            return
        self.finished[item] = kind
        self.counts[kind] += 1
        self.held.pop(item, None)
        if kind == R.DELIVERED:
            self.delivered_weeks.append(week)
        if kind != R.REJECTED and self.measured(item):
            self.met_after_warmup += 1

    def _integrate(self, t: float) -> None:
        """Add the area under the number in the system up to `t`, within the measured window."""
        lo, hi = max(self._t, self.warmup), min(t, self.horizon)
        if hi > lo:
            self.wip_area += self.in_system * (hi - lo)
        self._t = max(self._t, t)

    def _window(self) -> float:
        return min(self.week, self.horizon) - self.warmup

    def latency(self) -> float:
        """Mean weeks from arrival to release, over measured items released after a forum so far."""
        return self.latency_sum / self.latency_n if self.latency_n else math.nan

    def duplication(self) -> float:
        """Share of measured build effort spent on duplicates, over builds finished so far."""
        if self._window() <= 0:
            return math.nan
        return self.duplicate_effort / self.build_effort if self.build_effort > 0 else 0.0

    def needs_met(self) -> float:
        """Measured initiatives delivered or reused so far, per quarter since the warm-up ended."""
        window = self._window()
        return self.met_after_warmup / (window / QUARTER_WEEKS) if window > 0 else math.nan

    def wip(self) -> float:
        """Time-average number in the system since the warm-up ended."""
        window = self._window()
        return self.wip_area / window if window > 0 else math.nan

    def duplicates_built(self) -> int:
        """Measured initiatives that started building a capability already started."""
        return sum(1 for item, dup in self.duplicate.items() if dup and self.measured(item))

    def forum_queues(self) -> Counter[str]:
        """Items waiting for each forum now (forums held by every ICS counted together)."""
        return Counter(self.at_forum.values())

    def holdings(self, nodes: Iterable[str] = (),
                 states: Sequence[str] = STATES) -> dict[str, dict[str, int]]:
        """Items each organisation holds now, by what they wait for; `nodes` first, in order.

        Only `states` are counted (a run without money leaves out `funding`).
        """
        out: dict[str, dict[str, int]] = {n: dict.fromkeys(states, 0) for n in nodes}
        for state, node in self.held.values():
            if state in states:
                out.setdefault(node, dict.fromkeys(states, 0))[state] += 1
        return out

    def waiting_for_money(self) -> int:
        """Items waiting for money now (a bid made or an account's queue joined, no money yet)."""
        return sum(1 for state, _ in self.held.values() if state == "funding")
