"""One unit of experiment work: a (design point, replication, operating model) run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from orgsim.config.plan import Plan


@dataclass(frozen=True)
class Task:
    point: int
    replication: int
    model: str
    seed: int
    plan: Plan
    labels: dict[str, Any] = field(default_factory=dict)  # setting, scenario and lever values

    @property
    def key(self) -> str:
        return run_key(self.point, self.replication, self.model)


def run_key(point: int, replication: int, model: str) -> str:
    """The run's file name in the store; a model given as a file path is quoted into one name."""
    from urllib.parse import quote

    return f"p{point:05d}-r{replication:04d}-{quote(model, safe='')}"


@dataclass(frozen=True)
class Output:
    """What a finished run sends back: small, picklable, independent of the backend."""

    key: str
    row: dict[str, Any]
    timeseries: pd.DataFrame
    handoffs: list[dict[str, Any]]
    waits: list[dict[str, Any]]
    staff: list[dict[str, Any]]  # busy and available staff-weeks per team


def replication_seeds(root: int, replications: int) -> tuple[int, list[int]]:
    """The design's seed and one seed per replication, all spawned from `root`."""
    children = np.random.SeedSequence(root).spawn(replications + 1)
    ints = [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]
    return ints[0], ints[1:]


def execute(task: Task) -> Output:
    """Simulate and measure one run (runs in a worker process on parallel backends).

    The metrics are `orgsim.api.measure`'s and the flow tables `orgsim.metrics.flows`'s,
    both read straight from the records as the model laid them out: no `Record` tuples
    and no frame of every record are built.
    """
    from orgsim.domain.collector import paused
    from orgsim.engine.run import simulate_flat
    from orgsim.metrics.core import Window, compute
    from orgsim.metrics.flows import flow_rows, service_teams
    from orgsim.metrics.table import flat

    # The collector is paused for the whole run: what it makes lives until the output is
    # sent, and the run's garbage is collected once, after (7% of a run, measured).
    with paused():
        run = simulate_flat(task.plan, task.seed)
        sc = task.plan.scenario
        metrics = compute(run.rows(), run.initiatives, run.pools,
                          Window(sc.warmup_weeks, sc.horizon_weeks), run.prices)
        handoffs, waits = flow_rows(run.rows(), service_teams(task.plan))
        row = {"point": task.point, "replication": task.replication, "model": task.model,
               "seed": task.seed, **task.labels, **flat(metrics)}
        series = run.timeseries.assign(point=task.point, replication=task.replication,
                                       model=task.model)
        return Output(task.key, row, series, handoffs, waits, staff_rows(metrics))


def staff_rows(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per team: unit, team, busy and available staff-weeks in the measured window."""
    out = []
    for name, (busy, available) in metrics["utilisation"]["staff_weeks"].items():
        unit, team = name.split("/", 1)
        out.append({"unit": unit, "team": team, "busy": busy, "available": available})
    return out
