"""A band over several seeds beside each run, so a room does not read too much into one random history.

The band is each run's plan (its operating model, the levers and the
scenario's timeline, not the decisions taken in the room) run with other seeds
to the horizon, and its running figures computed week by week as the page
computes its own (`Tracker`). Each week's band is the range of the middle 80%
of those seeds. The seeds come from the run's own by `numpy.random.SeedSequence`,
so a band is the same every time. The runs are made in one other process, so
play keeps its pace; that process (a fork of the server, about as large) is
ended as soon as the band is complete, and at once when the page closes or
Reset starts another band: a page leaves no process behind.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Sequence
from multiprocessing.pool import AsyncResult

import numpy as np

from orgsim.config.plan import Plan
from orgsim.engine.run import simulate
from orgsim.experiments.backends import ctrl_c_held, worker_start
from orgsim.workshop.dashboard.feeds import node_of
from orgsim.workshop.dashboard.tracker import SERIES, Tracker

SEEDS = 10
LOW, HIGH = 10.0, 90.0  # percentiles
Rows = list[dict[str, float]]
Band = dict[str, list[tuple[float, float, float]]]


def band_seeds(seed: int, n: int = SEEDS) -> list[int]:
    """`n` seeds other than `seed`, drawn from it."""
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(n)]


def weekly(plan: Plan, seed: int) -> Rows:
    """The running figures of `plan` run with `seed`, one row a week, as the page computes them."""
    result = simulate(plan, seed)
    sc = plan.scenario
    keys = {it.id: it.capability_key for it in result.initiatives}
    tracker = Tracker(keys, float(sc.warmup_weeks), float(sc.horizon_weeks),
                      node_of(sc.ics.prefix if sc.ics is not None else "ICS"))
    records, start = result.records, 0
    horizon = int(sc.horizon_weeks)
    for week in range(1, horizon + 1):
        end = start
        while end < len(records) and (week == horizon or records[end][0] < week):
            end += 1
        tracker.update(records[start:end], float(week))
        start = end
    return tracker.rows


def band(runs: Sequence[Rows]) -> Band:
    """Per column of the charts, (week, low, high) over `runs` (NaN where no run has a value yet)."""
    if not runs:
        return {}
    weeks = [r["week"] for r in runs[0]]
    out: Band = {}
    for column in SERIES[1:]:
        values = np.array([[r[column] for r in rows] for rows in runs], dtype=float)
        counted = ~np.isnan(values)
        lows, highs = np.full(len(weeks), np.nan), np.full(len(weeks), np.nan)
        some = counted.any(axis=0)
        if some.any():
            lows[some] = np.nanpercentile(values[:, some], LOW, axis=0)
            highs[some] = np.nanpercentile(values[:, some], HIGH, axis=0)
        out[column] = list(zip(weeks, lows.tolist(), highs.tolist()))
    return out


def until(b: Band, week: float) -> Band:
    """The band up to `week`: it grows with the run, never showing weeks not yet played."""
    return {column: [p for p in points if p[0] <= week] for column, points in b.items()}


def _worker(parent: int) -> None:
    """In the worker: end on SIGTERM and when the server is gone; Ctrl-C is the server's to handle.

    A fork of the server inherits its signal handlers, and the web server's SIGTERM handler
    only asks the (absent) server loop to stop: the worker would ignore `terminate` and a
    pool waiting for it would wait for ever.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    worker_start(parent)


class Bands:
    """Bands being computed for the runs of a session, in one worker process.

    Args:
        plans: Each run's plan, with its seed.
        n: Seeds a band is made of.
    """

    def __init__(self, plans: Sequence[tuple[Plan, int]], n: int = SEEDS) -> None:
        self.n = n
        self._lock = threading.Lock()
        self._closed = False
        with ctrl_c_held():  # until the worker ignores it
            self.pool = multiprocessing.get_context("fork").Pool(processes=1, initializer=_worker,
                                                                 initargs=(os.getpid(),))
        self.jobs: list[list[AsyncResult[Rows]]] = [
            [self.pool.apply_async(weekly, (plan, s)) for s in band_seeds(seed, n)] for plan, seed in plans]

    def done(self) -> int:
        """Seed runs finished, over every run."""
        return sum(r.ready() for jobs in self.jobs for r in jobs)

    def total(self) -> int:
        return sum(len(jobs) for jobs in self.jobs)

    def bands(self) -> list[Band | None]:
        """Each run's band once all its seeds are done, else None."""
        return [band([r.get() for r in jobs]) if all(r.ready() for r in jobs) else None
                for jobs in self.jobs]

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """End the worker process now, a seed run under way or not (its memory goes with it)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self.pool.terminate()
        self.pool.join()
