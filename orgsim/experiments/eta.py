"""How long a sweep will take, said before it starts when that is long.

The first run is timed (it is made, and kept, before the others start) and the
rest are assumed to take as long, spread over the workers that can run at once
(no more than the machine's cores on the processes backend).
"""

from __future__ import annotations

import os

from orgsim.config.limits import count

LONG_SECONDS = 600.0  # a sweep expected to take longer than this is announced


def duration(seconds: float) -> str:
    """`about 40 minutes`, `about 13 hours`, `about 3 days`."""
    minutes = seconds / 60
    if minutes < 120:
        return f"about {count(max(1, round(minutes)), 'minute')}"
    hours = minutes / 60
    if hours < 48:
        return f"about {count(round(hours), 'hour')}"
    return f"about {count(round(hours / 24), 'day')}"


def parallel(backend: str, workers: int) -> int:
    """Runs made at once: one serially, else the workers (on this machine, no more than its cores)."""
    if backend == "serial":
        return 1
    if backend == "processes":
        return max(1, min(workers, os.cpu_count() or 1))
    return max(1, workers)


def estimate(per_run: float, remaining: int, at_once: int, long: float = LONG_SECONDS) -> str | None:
    """A sentence saying how long `remaining` runs will take, or None when it is not long."""
    seconds = per_run * remaining / max(1, at_once)
    if seconds < long:
        return None
    workers = "one at a time" if at_once == 1 else f"{at_once} at a time"
    return (f"{count(remaining, 'run')} to make: the first took {per_run:.1f} s, so {workers} "
            f"this will take {duration(seconds)}. Each run is saved as it finishes: Ctrl-C stops "
            "the sweep and --resume continues it.")


__all__ = ["LONG_SECONDS", "duration", "estimate", "parallel"]
