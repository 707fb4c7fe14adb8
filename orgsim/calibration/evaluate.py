"""One simulation of a calibration, wherever it runs: the model pyabc calls, and the worker's side.

Each job carries its own `SeedSequence` (calibration seed, call, candidate),
so a candidate is the same whatever process runs it, and in whatever order.
`evaluate` spawns from it a generator for pyabc's proposals (the prior draw,
or the ancestor and its perturbation) and the seeds of the model's runs, and
lends both to the job's thread while pyabc's function runs: the prior and the
kernel of `orgsim.calibration.proposals` draw from that generator and nothing
else. numpy's global generator is never read or seeded. Nothing else here is random.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from orgsim.experiments.points import Bases, plans

_JOB = threading.local()  # the running job's proposal generator and run seeds, one per thread


@dataclass(frozen=True)
class Job:
    """A candidate to evaluate: a pickled no-argument function and where its randomness comes from."""

    key: str
    payload: bytes  # cloudpickle of the function: pyabc's simulate_one, or a predictive draw
    entropy: tuple[int, ...]
    replications: int


class Simulator:
    """The model pyabc calibrates: parameter set -> the targets' values, averaged over replications."""

    def __init__(self, bases: Bases, model: str, targets: list[str]) -> None:
        self.bases, self.model, self.targets = bases, model, targets

    def __call__(self, parameters: Any) -> dict[str, float]:
        from orgsim.api import measure
        from orgsim.calibration.targets import values
        from orgsim.engine.run import simulate

        plan = plans(self.bases, {k: float(v) for k, v in dict(parameters).items()})[self.model]
        runs = [values(measure(r := simulate(plan, seed)), self.targets, r.timeseries)
                for seed in run_seeds()]
        return {t: float(np.mean([r[t] for r in runs])) for t in self.targets}


class Distance:
    """Root of the summed squared standardised errors: 1 is one standard deviation on one target."""

    def __init__(self, scales: dict[str, float]) -> None:
        self.scales = scales

    def __call__(self, x: dict[str, float], x_0: dict[str, float]) -> float:
        total = 0.0
        for name, scale in self.scales.items():
            total += ((x[name] - x_0[name]) / scale) ** 2
        return float(np.sqrt(total)) if np.isfinite(total) else 1e12  # no such number in the run


@functools.lru_cache(maxsize=4)
def _function(digest: str, payload: bytes) -> Any:
    import cloudpickle

    return cloudpickle.loads(payload)


def evaluate(job: Job) -> tuple[str, Any]:
    """Run one job: lend it its proposal generator and run seeds, then call its function."""
    fn = _function(hashlib.sha256(job.payload).hexdigest(), job.payload)
    proposal, runs = np.random.SeedSequence(job.entropy).spawn(2)
    seeds = [int(s.generate_state(1, dtype=np.uint32)[0]) for s in runs.spawn(job.replications)]
    with lent(np.random.default_rng(proposal), seeds):
        return job.key, fn()


@contextlib.contextmanager
def lent(rng: np.random.Generator, seeds: list[int]) -> Iterator[None]:
    """`rng` and `seeds` are this thread's job's until the block ends (then whatever was before)."""
    before = getattr(_JOB, "rng", None), getattr(_JOB, "seeds", None)
    _JOB.rng, _JOB.seeds = rng, seeds
    try:
        yield
    finally:
        _JOB.rng, _JOB.seeds = before


def generator() -> np.random.Generator:
    """The running job's generator for pyabc's proposals; an error outside a job, never numpy's global."""
    rng: np.random.Generator | None = getattr(_JOB, "rng", None)
    if rng is None:
        raise RuntimeError("a calibration proposal was drawn outside a job: no generator was lent")
    return rng


def run_seeds() -> list[int]:
    """The running job's run seeds (one per replication)."""
    seeds: list[int] | None = getattr(_JOB, "seeds", None)
    if seeds is None:
        raise RuntimeError("the calibration's model ran outside a job: no run seeds were lent")
    return seeds
