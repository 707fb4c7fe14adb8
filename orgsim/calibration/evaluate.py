"""One simulation of a calibration, wherever it runs: the model pyabc calls, and the worker's side.

pyabc draws proposals from numpy's global generator and gives the model no
seed. So that a candidate is the same whatever process runs it, and in
whatever order, each job seeds that global generator from its own
`SeedSequence` (calibration seed, call, candidate) just before pyabc's function
runs, and sets the run seeds the model reads. Nothing else here is random.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from orgsim.experiments.points import Bases, plans

_RUN_SEEDS: list[int] = []  # the current job's run seeds; set by `evaluate` before the model runs


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
                for seed in _RUN_SEEDS]
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
    """Run one job: seed numpy's global generator (pyabc's proposals) and the runs, then call it."""
    fn = _function(hashlib.sha256(job.payload).hexdigest(), job.payload)
    proposal, runs = np.random.SeedSequence(job.entropy).spawn(2)
    _RUN_SEEDS[:] = [int(s.generate_state(1, dtype=np.uint32)[0]) for s in runs.spawn(job.replications)]
    with _lent_to_pyabc(proposal):
        return job.key, fn()


@contextlib.contextmanager
def _lent_to_pyabc(stream: np.random.SeedSequence) -> Iterator[None]:
    """numpy's global generator, seeded from `stream` for pyabc's call alone, then put back.

    pyabc (its proposals, through scipy's `rvs`) draws from the global generator and takes
    no generator of ours, so its draws are made to come from the job's own stream; whatever
    state the global generator had before is restored, so nothing else sees the change.
    """
    saved = np.random.get_state()
    np.random.seed(stream.generate_state(4))
    try:
        yield
    finally:
        np.random.set_state(saved)
