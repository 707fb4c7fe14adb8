"""The largest run and experiment orgsim accepts, so an absurd size is refused before it starts.

A run holds its whole demand and event log in memory, and an experiment's runs are
gathered into tables at its end; past these sizes a run or a sweep would grow to many
gigabytes before its first result is stored (the default scenario is 260 weeks and about
1,200 initiatives a run; `make run` is 120 runs). The limits are far above any
experiment the project ships; raise them here, knowingly, if a machine can hold more.
"""

from __future__ import annotations

MAX_HORIZON_WEEKS = 5_218  # 100 years
MAX_ARRIVALS = 200_000  # expected initiatives in one run
MAX_SAMPLES = 100_000  # rows of one run's weekly series
MAX_RUNS = 100_000  # design points x replications x operating models
MAX_ICS = 10_000  # each ICS is an agent with its own teams and portfolio


def too_big(what: str, size: float, limit: int, unit: str) -> str:
    """`what is N unit; the limit is M unit`, both with thousands separators."""
    return f"{what} is {size:,.0f} {unit}; the limit is {limit:,} {unit}"


def count(n: int, noun: str, many: str | None = None) -> str:
    """`1 model`, `2,000 models`, `3 trajectories`; `many` for another plural."""
    if n == 1:
        return f"{n:,} {noun}"
    if many is None:
        many = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
    return f"{n:,} {many}"


def too_long(horizon: float) -> str:
    return (f"horizon_weeks: a run of {horizon:,.0f} weeks is longer than a run can hold; the limit is "
            f"{MAX_HORIZON_WEEKS:,} weeks (100 years)")
