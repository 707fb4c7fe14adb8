"""A pyabc sampler whose populations do not depend on where or in what order simulations finish.

pyabc's own parallel samplers keep the first particles to be accepted in
wall-clock order, so the same seed gives different populations on different
machines or worker counts. This one numbers every candidate of a population,
gives each its own seed (`evaluate.Job`), runs them in batches through the
experiment backends, and keeps the first `n` accepted *in candidate order*;
the rest of the last batch is discarded. Batch sizes depend only on
results, never on the number of workers. Every finished simulation goes to the
log first, so a resumed calibration replays those it already has.

`budget` caps the simulations run, discarded ones included: a batch never
asks for more than is left, and a population that the budget cuts short is
not ok (pyabc then stops and keeps the populations before it). What is used is
counted from the candidates asked for, which depend only on results, so a
resumed calibration counts the same and stops at the same place.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from pyabc.sampler import Sampler

from orgsim.calibration.evaluate import Job, evaluate
from orgsim.calibration.log import Log
from orgsim.experiments.backends import Backend, outputs

MAX_BATCH = 5  # a batch holds at most this many populations' worth of candidates
MAX_CANDIDATES = 200  # a population that needs more than this many times its size fails


def job_key(call: int, index: int) -> str:
    return f"c{call:03d}-i{index:06d}"


class OrderedSampler(Sampler):  # type: ignore[misc]
    """Deterministic batches of numbered candidates, evaluated on any experiment backend."""

    def __init__(self, seed: int, replications: int, log: Log, backend: Backend, workers: int,
                 client: Any, advance: Callable[[], None], budget: float = math.inf) -> None:
        """`client`: a Dask client kept for the whole calibration (dask backend), else None."""
        super().__init__()
        self.seed, self.replications, self.log = seed, replications, log
        self.backend, self.workers, self.client, self.advance = backend, workers, client, advance
        self.calls = 0  # populations (and the calibration sample) asked for so far
        self.budget, self.used = budget, 0  # simulations allowed, and asked for so far

    def run(self, jobs: list[Job]) -> list[Any]:
        """Each job's result, from the log when it already ran, else from the backend (then logged)."""
        todo = [j for j in jobs if j.key not in self.log.done]
        for key, result in self._outputs(todo):
            self.log.add(key, result)
            self.advance()
        return [self.log.done[j.key] for j in jobs]

    def _outputs(self, todo: list[Job]) -> Iterator[tuple[str, Any]]:
        if self.client is None:
            yield from outputs(todo, self.backend, self.workers, fn=evaluate)
            return
        from distributed import as_completed

        for future in as_completed(self.client.map(evaluate, todo, pure=False)):
            yield future.result()
            future.release()

    def sample_until_n_accepted(self, n: int, simulate_one: Callable[[], Any], t: int, *,
                                max_eval: float = np.inf, all_accepted: bool = False,
                                ana_vars: Any = None) -> Any:
        import cloudpickle

        call, self.calls = self.calls, self.calls + 1
        payload = cloudpickle.dumps(simulate_one)
        sample = self._create_empty_sample()
        evaluated, first, size = 0, 0, n
        while sample.n_accepted < n and evaluated < max_eval and first < MAX_CANDIDATES * n:
            size = int(min(size, self.budget - self.used))
            if size <= 0:
                break
            self.used += size
            jobs = [Job(job_key(call, i), payload, (self.seed, call, i), self.replications)
                    for i in range(first, first + size)]
            for particle in self.run(jobs):
                if sample.n_accepted >= n or evaluated >= max_eval:
                    break
                sample.append(particle)
                evaluated += 1
            first += size
            size = next_batch(n, sample.n_accepted, evaluated)
        self.nr_evaluations_ = evaluated
        if sample.n_accepted < n:
            sample.ok = False
        return sample


def next_batch(n: int, accepted: int, evaluated: int) -> int:
    """Candidates to run next: enough, at the acceptance rate so far, to fill the population."""
    rate = max(accepted, 1) / max(evaluated, 1)
    return min(MAX_BATCH * n, max(10, math.ceil((n - accepted) / rate * 1.2)))
