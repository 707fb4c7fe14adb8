"""Teams: staff as a SimPy resource. Waiting for staff is queueing (MODEL.md §4, Stage)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from typing import Any

import simpy

from orgsim.domain.records import STAGE_END, STAGE_START

Rec = Callable[[float, str, int, str, str, float, str], None]


class Pool:
    """People of one unit who do one kind of work.

    `slots` people (or service teams) sit in a first-come first-served
    `simpy.Container`; an item takes `staff` of them and works at `pace`
    person-weeks of effort per week per person taken. Planning overhead and a
    reorganisation dip both scale `productivity`.
    """

    __slots__ = ("_box", "_rec", "env", "name", "pace", "productivity", "slots", "unit")

    def __init__(self, env: simpy.Environment, unit: str, name: str, slots: int,
                 pace: float, productivity: float, rec: Rec) -> None:
        self.env, self.unit, self.name = env, unit, name
        self.slots, self.pace, self.productivity = slots, pace, productivity
        self._box = simpy.Container(env, capacity=max(slots, 1), init=slots)
        self._rec = rec

    @property
    def busy(self) -> float:
        """Slots in use now."""
        return self.slots - self._box.level

    @property
    def queued(self) -> int:
        return len(self._box.get_queue)

    def work(self, item: int, effort: float, staff: int, kind: str) -> Generator[simpy.Event, Any, None]:
        """Wait for `staff` slots, then hold them until `effort` person-weeks are done."""
        yield self._box.get(staff)
        env = self.env
        self._rec(env.now, STAGE_START, item, self.unit, self.name, float(staff), kind)
        yield env.timeout(effort / (staff * self.pace * self.productivity))
        self._box.put(staff)
        self._rec(env.now, STAGE_END, item, self.unit, self.name, effort, kind)


def staffing(pools: Iterable[Pool]) -> tuple[float, int]:
    """People at work and requests waiting for staff, summed over `pools` in one pass.

    Sampled every week over every pool, so it reads the containers directly
    rather than through `busy` and `queued` (same values, same order of summation).
    """
    people, waiting = 0.0, 0
    for p in pools:
        box = p._box
        people += (p.slots - box.level) * p.pace
        waiting += len(box.get_queue)
    return people, waiting
