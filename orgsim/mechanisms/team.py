"""Teams: staff as a SimPy resource. Waiting for staff is queueing (MODEL.md §4, Stage)."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import simpy

from orgsim.domain.records import STAGE_END, STAGE_START

Rec = Callable[[float, str, int, str, str, float, str], None]


class Tally:
    """People at work and requests waiting for staff, kept up to date by every pool that shares it.

    Kept as the work happens, so the weekly time series never has to visit every pool.
    """

    __slots__ = ("busy", "waiting")

    def __init__(self) -> None:
        self.busy = 0.0  # people at work
        self.waiting = 0  # requests waiting for staff


class Pool:
    """People of one unit who do one kind of work.

    `slots` people (or service teams) sit in a first-come first-served
    `simpy.Container`; an item takes `staff` of them and works at `pace`
    person-weeks of effort per week per person taken. Planning overhead scales
    `productivity`.
    """

    __slots__ = ("_box", "_rec", "env", "name", "pace", "productivity", "slots", "tally", "unit")

    def __init__(self, env: simpy.Environment, unit: str, name: str, slots: int,
                 pace: float, productivity: float, rec: Rec, tally: Tally) -> None:
        self.env, self.unit, self.name = env, unit, name
        self.slots, self.pace, self.productivity = slots, pace, productivity
        self._box = simpy.Container(env, capacity=max(slots, 1), init=slots)
        self._rec, self.tally = rec, tally

    def work(self, item: int, effort: float, staff: int, kind: str) -> Generator[simpy.Event, Any, None]:
        """Wait for `staff` slots, then hold them until `effort` person-weeks are done."""
        env, tally, people = self.env, self.tally, staff * self.pace
        tally.waiting += 1
        yield self._box.get(staff)
        tally.waiting -= 1
        tally.busy += people
        self._rec(env.now, STAGE_START, item, self.unit, self.name, float(staff), kind)
        yield env.timeout(effort / (people * self.productivity))
        self._box.put(staff)
        tally.busy -= people
        self._rec(env.now, STAGE_END, item, self.unit, self.name, effort, kind)
