"""pyabc's draws come from the job's own stream, and numpy's global generator is left as it was."""

from __future__ import annotations

import cloudpickle
import numpy as np

from orgsim.calibration.evaluate import Job, evaluate


def _draw() -> float:
    return float(np.random.random())  # as pyabc's proposals draw


def _keys() -> np.ndarray:
    """The global generator's state (its Mersenne Twister keys)."""
    state: tuple = np.random.get_state(legacy=True)  # type: ignore[assignment]
    return np.array(state[1])


def test_a_job_draws_from_its_own_stream_and_restores_the_global_generator() -> None:
    job = Job("k", cloudpickle.dumps(_draw), (7, 1, 3), 1)
    np.random.seed(123)
    before = _keys()
    key, first = evaluate(job)
    assert key == "k" and np.array_equal(_keys(), before)
    np.random.seed(999)  # whatever the global state, the job draws the same
    assert evaluate(job)[1] == first
    other = Job("k", job.payload, (7, 1, 4), 1)
    assert evaluate(other)[1] != first
