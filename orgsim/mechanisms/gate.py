"""Decision forums: boards, committees and planning cycles."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Generator
from typing import Any

import simpy

from orgsim.config.operating_model import Forum as ForumSpec
from orgsim.domain.records import APPROVED, DEFERRED, GATE_QUEUED, REJECTED, WITHDRAWN
from orgsim.mechanisms.streams import Uniforms
from orgsim.mechanisms.team import Rec, Tally


class Forum:
    """Meets at `offset + k * cadence`, decides up to `capacity` queued items first come first.

    Each decided item is approved with `p_approve`; otherwise it is deferred to
    the next meeting, keeping its place, and rejected once deferred more than
    `max_deferrals` times. The forum sleeps while nothing waits, so idle
    forums cost no events. A new cadence keeps the meeting already in the
    diary; later meetings follow the new cadence from it.
    """

    def __init__(self, env: simpy.Environment, name: str, unit: str, spec: ForumSpec,
                 rng: Uniforms, rec: Rec, tally: Tally) -> None:
        self.env, self.name, self.unit, self.spec = env, name, unit, spec
        self._rng, self._rec, self._tally = rng, rec, tally
        self._queue: deque[list[Any]] = deque()  # [item, deferrals, event]
        self._wake: simpy.Event | None = None
        self._anchor, self._cadence = spec.offset_weeks, spec.cadence_weeks
        self._held = -1  # index k of the last meeting held, at anchor + k * cadence
        self._booked = False  # a meeting is in the diary (the forum sleeps until it)
        self._next_cadence: float | None = None  # takes effect after the booked meeting
        env.process(self._run())

    def __len__(self) -> int:
        return len(self._queue)

    def submit(self, item: int) -> simpy.Event:
        """An event that fires with True (approved), False (rejected) or None (forum closed)."""
        decided = self.env.event()
        self._queue.append([item, 0, decided])
        self._tally.deciding += 1
        self._rec((self.env.now, GATE_QUEUED, item, self.unit, self.name, 0.0, ""))
        if self._wake is not None:
            self._wake.succeed()
            self._wake = None
        return decided

    def _next_index(self, now: float) -> int:
        """Index of the first meeting at or after `now` that has not been held yet.

        Meetings are counted, not compared by time, so rounding in the clock can
        never make a forum meet twice.
        """
        c, off = self._cadence, self._anchor
        return max(0, math.ceil((now - off) / c), self._held + 1)

    def change(self, spec: ForumSpec) -> None:
        """New capacity, approval probability or cadence, from now on."""
        self.spec = spec
        if spec.cadence_weeks == self._cadence and self._next_cadence is None:
            return
        if self._booked:
            self._next_cadence = spec.cadence_weeks
        else:
            self._anchor += self._next_index(self.env.now) * self._cadence
            self._cadence, self._held = spec.cadence_weeks, -1

    def close(self) -> None:
        """Abolished (a reorganisation): every waiting item gets None instead of a decision."""
        now, rec = self.env.now, self._rec
        for item, deferrals, decided in self._queue:
            rec((now, WITHDRAWN, item, self.unit, self.name, float(deferrals), "forum"))
            decided.succeed(None)
        self._tally.deciding -= len(self._queue)
        self._queue.clear()

    def _run(self) -> Generator[simpy.Event, Any, None]:
        env = self.env
        while True:
            if not self._queue:
                self._wake = env.event()
                yield self._wake
            k = self._next_index(env.now)
            self._booked = True
            yield env.timeout(max(0.0, self._anchor + k * self._cadence - env.now))
            self._booked, self._held = False, k
            self._meet()
            if self._next_cadence is not None:
                self._anchor, self._cadence, self._held = env.now, self._next_cadence, 0
                self._next_cadence = None

    def _meet(self) -> None:
        spec, now, rec = self.spec, self.env.now, self._rec
        n = min(spec.capacity, len(self._queue))
        kept: list[list[Any]] = []
        for u in [self._rng.random() for _ in range(n)]:
            entry = self._queue.popleft()
            item, deferrals, decided = entry
            if u < spec.p_approve:
                rec((now, APPROVED, item, self.unit, self.name, float(deferrals), ""))
                decided.succeed(True)
            elif deferrals >= spec.max_deferrals:
                rec((now, REJECTED, item, self.unit, self.name, float(deferrals), ""))
                decided.succeed(False)
            else:
                entry[1] = deferrals + 1
                rec((now, DEFERRED, item, self.unit, self.name, float(deferrals + 1), ""))
                kept.append(entry)
        self._queue.extendleft(reversed(kept))
        self._tally.deciding -= n - len(kept)
