"""Teams: staff as a SimPy resource. Waiting for staff is queueing."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator
from typing import Any

import simpy

from orgsim.domain.records import STAFFING, STAGE_END, STAGE_START, WITHDRAWN

Row = tuple[float, str, int, str, str, float, str]  # the fields of a `Record`, in order
Rec = Callable[[Row], None]  # the run's `list.extend`: one record's values, no wrapper call


class Tally:
    """People at work and items waiting for staff or a decision, kept up to date by every pool
    and forum that shares it.

    Kept as the work happens, so the weekly time series never has to visit every pool or forum.
    """

    __slots__ = ("busy", "deciding", "waiting")

    def __init__(self) -> None:
        self.busy = 0.0  # people at work
        self.waiting = 0  # requests waiting for staff
        self.deciding = 0  # items queued at forums


MOVED = "moved"  # what a request for staff gets instead when its pool is closed


class _Staff:
    """Free people and the requests waiting for them: a `simpy.Container` made lean.

    It schedules exactly the events a Container of infinite capacity does, in the
    same order: a request is granted (an event succeeding now) when it is made, if
    the people are free and nobody waits before it, otherwise later, first come
    first served; people put back are free at once, but waiting requests are
    granted only when the event of the put is processed. Without Container's
    generic queues, put queue and per-event bookkeeping, staffing a stage costs
    about half as much.
    """

    __slots__ = ("_env", "_waiting", "level")

    def __init__(self, env: simpy.Environment, level: int) -> None:
        self._env, self.level = env, level
        self._waiting: deque[tuple[simpy.Event, int]] = deque()  # (request, people)

    def get(self, n: int) -> simpy.Event:
        """An event that succeeds (with None) once `n` people are taken."""
        if not self._waiting and self.level >= n:
            self.level -= n
            return self._env.timeout(0)  # an event succeeding now, as `succeed()` schedules it
        request = self._env.event()
        self._waiting.append((request, n))
        self._grant()
        return request

    def put(self, n: int) -> None:
        """Give `n` people back; waiting requests are served when the put's event is processed."""
        self.level += n
        self._env.timeout(0).callbacks.append(self._grant)

    def _grant(self, _: simpy.Event | None = None) -> None:
        """Grant waiting requests in order, up to the first one there are not enough people for."""
        waiting = self._waiting
        while waiting and waiting[0][1] <= self.level:
            request, n = waiting.popleft()
            self.level -= n
            request.succeed()

    def withdraw(self, n: int) -> int:
        """Take up to `n` free people out; returns how many were taken."""
        taken = min(n, self.level)
        self.level -= taken
        return taken

    def close(self) -> None:
        """Send every waiting request away with `MOVED`."""
        for request, _ in self._waiting:
            request.succeed(MOVED)
        self._waiting.clear()


class Pool:
    """People of one unit who do one kind of work.

    `slots` people (or service teams) sit in a first-come first-served
    container (`_Staff`, SimPy's Container semantics); an item takes `staff` of them and works at `pace`
    person-weeks of effort per week per person taken. Planning overhead (and a
    reorganisation's dip) scale `productivity`. Interventions `resize` a pool:
    people join at once; people who leave go when free, the busy ones once
    their work in hand is done.
    """

    __slots__ = ("_box", "_owed", "_rec", "env", "initial", "name", "pace", "productivity", "slots",
                 "tally", "unit")

    def __init__(self, env: simpy.Environment, unit: str, name: str, slots: int,
                 pace: float, productivity: float, rec: Rec, tally: Tally) -> None:
        self.env, self.unit, self.name = env, unit, name
        self.slots, self.pace, self.productivity = slots, pace, productivity
        self.initial = slots * pace  # people at the start of the run
        self._box = _Staff(env, slots)
        self._owed = 0  # people who have left but are still at work
        self._rec, self.tally = rec, tally

    def work(self, item: int, effort: float, staff: int, kind: str) -> Generator[simpy.Event, Any, bool]:
        """Wait for `staff` slots, then hold them until `effort` person-weeks are done.

        Returns False, with no work done, when the pool closed while the item waited.
        The steps are also offered apart (`request`, `start`, `release`), as SimPy's
        `request`/`timeout`/`release`, for a process to yield on directly: a
        generator less per step on the engine's busiest path.
        """
        hold = self.start((yield self.request(staff)), item, effort, staff, kind)
        if hold is None:
            return False
        yield hold
        self.release(item, effort, staff, kind)
        return True

    def request(self, staff: int) -> simpy.Event:
        """An event that succeeds once `staff` slots are taken (with `MOVED` if the pool closes)."""
        self.tally.waiting += 1
        return self._box.get(staff)

    def start(self, granted: Any, item: int, effort: float, staff: int, kind: str) -> simpy.Event | None:
        """The `request` succeeded with `granted`: start work, and return the timeout that ends it.

        None, with no work done, when the pool closed while the item waited.
        """
        tally = self.tally
        tally.waiting -= 1
        if granted is MOVED:
            self._rec((self.env.now, WITHDRAWN, item, self.unit, self.name, float(staff), "staff"))
            return None
        people = staff * self.pace
        tally.busy += people
        self._rec((self.env.now, STAGE_START, item, self.unit, self.name, float(staff), kind))
        return self.env.timeout(effort / (people * self.productivity))

    def release(self, item: int, effort: float, staff: int, kind: str) -> None:
        """The work `start` began is done: give the slots back (those of people who left, not)."""
        self.tally.busy -= staff * self.pace
        if self._owed:
            paid = min(self._owed, staff)
            self._owed -= paid
            staff -= paid
        if staff:
            self._box.put(staff)
        self._rec((self.env.now, STAGE_END, item, self.unit, self.name, effort, kind))

    def resize(self, slots: int) -> None:
        """Change the number of slots to `slots` (recorded as people)."""
        change, self.slots = slots - self.slots, slots
        if change > 0:
            repaid = min(change, self._owed)
            self._owed -= repaid
            if change > repaid:
                self._box.put(change - repaid)
        elif change < 0:
            self._owed += -change - self._box.withdraw(-change)
        self._rec((self.env.now, STAFFING, -1, self.unit, self.name, slots * self.pace, ""))

    def close(self) -> None:
        """No slots any more; items still waiting go elsewhere (a reorganisation)."""
        self.resize(0)
        self._box.close()
