"""pyabc's draws come from the job's own generator: numpy's global generator is never read, seeded or
drawn from, and a calibration gives the same bytes whatever state it was in, on every backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cloudpickle
import numpy as np
import pandas as pd
import pyabc
import pytest
import yaml

from orgsim.calibration.evaluate import Job, evaluate, generator, lent
from orgsim.calibration.proposals import Kernel, ModelPrior, Prior
from orgsim.calibration.run import calibrate
from tiny import ROOT

SMALL = ROOT / "tests" / "data" / "calibration" / "scenario.yaml"
OUTPUTS = ("ensemble.parquet", "simulated.parquet", "parameters.csv", "populations.csv")


def _draw() -> float:
    return float(generator().random())  # as the prior and the kernel draw


def _keys() -> np.ndarray:
    """The global generator's state (its Mersenne Twister keys)."""
    state: tuple = np.random.get_state(legacy=True)  # type: ignore[assignment]
    return np.array(state[1])


def test_a_job_draws_from_its_own_generator_and_not_from_the_global_one() -> None:
    job = Job("k", cloudpickle.dumps(_draw), (7, 1, 3), 1)
    np.random.seed(123)
    before = _keys()
    key, first = evaluate(job)
    assert key == "k" and np.array_equal(_keys(), before)
    np.random.seed(999)  # whatever the global state, the job draws the same
    assert evaluate(job)[1] == first
    other = Job("k", job.payload, (7, 1, 4), 1)
    assert evaluate(other)[1] != first
    with pytest.raises(RuntimeError, match="outside a job"):
        _draw()  # nothing was lent: an error, never a silent draw from elsewhere


def _kernel(x: list[list[float]], w: list[float], scaling: float = 1.0) -> Kernel:
    kernel = Kernel(scaling=scaling)
    kernel.fit(pd.DataFrame(x, columns=["a", "b"][: len(x[0])]), np.array(w))
    return kernel


def test_the_kernel_draws_what_its_density_describes() -> None:
    """The importance weights divide by the kernel's pdf: its draws must follow that density."""
    kernel = _kernel([[0.0], [10.0], [11.0]], [0.25, 0.5, 0.25], scaling=0.01)  # steps of sd 0.4
    before = _keys()
    with lent(np.random.default_rng(4), []):
        single = np.array([kernel.rvs()["a"] for _ in range(4000)])
    with lent(np.random.default_rng(5), []):
        many = kernel.rvs(size=4000)["a"].to_numpy()
    assert np.array_equal(_keys(), before)
    edges = np.linspace(-3, 14, 69)
    mids = (edges[:-1] + edges[1:]) / 2
    expected = np.array([kernel.pdf(pd.Series({"a": m})) for m in mids]) * np.diff(edges)
    for draws in (single, many):
        counts, _ = np.histogram(draws, edges)
        assert counts.sum() > 0.995 * len(draws)
        assert np.abs(counts / len(draws) - expected).max() < 0.02, (counts / len(draws), expected)
        assert abs(np.mean(draws < 5) - 0.25) < 0.03  # the ancestor chosen by weight

    kernel = _kernel([[0.0, 1.0], [2.0, 0.0], [1.0, 3.0], [4.0, 2.0]], [0.1, 0.2, 0.3, 0.4])
    with lent(np.random.default_rng(6), []):
        draws = kernel.rvs(size=20000).to_numpy()
    x, w = kernel.X.to_numpy(), kernel.w
    mean = w @ x
    spread = (x - mean).T @ ((x - mean) * w[:, None]) + kernel.cov  # ancestors' spread plus the step
    assert np.allclose(draws.mean(axis=0), mean, atol=0.05)
    assert np.allclose(np.cov(draws.T), spread, atol=0.08 * np.abs(spread).max())


def test_the_same_generator_gives_the_same_proposals() -> None:
    kernel = _kernel([[0.0, 1.0], [2.0, 0.0]], [0.5, 0.5])
    prior = Prior(a=pyabc.RV("uniform", 1.0, 2.0), b=pyabc.RV("loguniform", 0.1, 10.0))

    def proposals(seed: int) -> list[Any]:
        with lent(np.random.default_rng(seed), []):
            return [dict(kernel.rvs()), dict(prior.rvs()), ModelPrior("randint", 0, 1).rvs()]

    np.random.seed(1)
    first = proposals(8)
    np.random.seed(2)
    assert proposals(8) == first and proposals(9) != first


def test_the_prior_draws_its_own_distributions() -> None:
    prior = Prior(a=pyabc.RV("uniform", 1.0, 2.0), b=pyabc.RV("loguniform", 0.1, 10.0))
    with lent(np.random.default_rng(3), []):
        draws = pd.DataFrame([dict(prior.rvs()) for _ in range(4000)])
    assert draws["a"].between(1, 3).all() and abs(draws["a"].mean() - 2) < 0.05
    logs = np.log10(draws["b"])
    assert logs.between(-1, 1).all() and abs(logs.mean()) < 0.05 and abs(logs.std() - 2 / 12 ** 0.5) < 0.03
    assert all(prior.pdf(dict(row)) > 0 for _, row in draws.head(50).iterrows())


def _calibration(where: Path) -> Path:
    doc = {"name": "seeding", "scenario": str(SMALL), "model": "small",
           "parameters": {"demand.ics_rate_per_week": {"low": 0.1, "high": 1.0, "source": "t",
                                                       "distribution": "loguniform"},
                          "ics.teams.digital": {"low": 2, "high": 16, "source": "t"}},
           "targets": {"needs_met": {"observed": 18.0, "sd": 1.5, "source": "t"}},
           "method": {"population": 10, "generations": 2, "max_simulations": 120, "predictive": 2},
           "seed": 13, "horizon_weeks": 60, "warmup_weeks": 10}
    path = where / "calibration.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _outputs(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in OUTPUTS}


def _recording(name: str, calls: list[str]) -> Any:
    """numpy.random's `name`, noting each call in `calls`."""
    original = getattr(np.random, name)

    def record(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return original(*args, **kwargs)

    return record


def test_a_calibration_leaves_the_global_generator_alone_and_gives_the_same_bytes_on_every_backend(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _calibration(tmp_path)
    touched: list[str] = []
    seed = np.random.seed  # for the test's own seeding; the calibration's is recorded
    for name in ("seed", "set_state"):
        monkeypatch.setattr(np.random, name, _recording(name, touched))
    seed(1)  # as a caller's own draws might have left it
    before = _keys()
    serial = _outputs(calibrate(path, tmp_path / "serial", backend="serial"))
    assert touched == [], f"the calibration set numpy's global generator: {touched}"
    assert np.array_equal(_keys(), before), "the calibration drew from numpy's global generator"
    assert len(pd.read_csv(tmp_path / "serial" / "populations.csv")) == 2

    seed(2)  # forked workers inherit it: a draw from it would change the bytes
    assert _outputs(calibrate(path, tmp_path / "processes", backend="processes", workers=2)) == serial
    pytest.importorskip("distributed")
    seed(3)
    assert _outputs(calibrate(path, tmp_path / "dask", backend="dask", workers=2)) == serial
