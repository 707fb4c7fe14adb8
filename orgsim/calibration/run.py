"""Running a calibration: ABC-SMC (pyabc) over the experiment backends, stored as it goes.

pyabc does the inference: priors, perturbation kernels, the adaptive tolerance
and the importance weights. `OrderedSampler` decides which candidates run and
in what order, so the ensemble is the same for the same seed on any backend,
and its log lets `--resume` replay every simulation that had finished.
Common random numbers are not used while sampling: ABC needs each candidate's
simulation noise to be fresh, or the posterior would hold for one draw of it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import platform
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgsim.calibration import summary as S
from orgsim.calibration.evaluate import Distance, Job, Simulator
from orgsim.calibration.load import Setup, load_calibration
from orgsim.calibration.log import NAME, Log, finished
from orgsim.calibration.proposals import Kernel, ModelPrior, Prior
from orgsim.calibration.sampler import OrderedSampler
from orgsim.calibration.spec import Method
from orgsim.config.yamlio import ConfigError
from orgsim.experiments.backends import Backend, local_cluster
from orgsim.experiments.progress import Progress, Silent
from orgsim.store.atomic import write_atomic, write_text
from orgsim.store.lock import hold
from orgsim.store.rundir import package_version

PREDICTIVE_CALL = 999  # candidate numbering of the posterior predictive runs, apart from populations


def _priors(setup: Setup) -> Prior:
    import pyabc

    rvs = {}
    for name, p in setup.cal.parameters.items():
        rvs[name] = (pyabc.RV("loguniform", p.low, p.high) if p.distribution == "loguniform"
                     else pyabc.RV("uniform", p.low, p.width))
    return Prior(**rvs)


@contextmanager
def _cluster(backend: Backend, workers: int, scheduler: str | None) -> Iterator[Any]:
    """One Dask client for the whole calibration (a batch would otherwise connect, or start a
    local cluster, of its own: seconds each); None on the other backends."""
    if backend != "dask":
        yield None
        return
    from distributed import Client

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with local_cluster(workers) as cluster, Client(cluster) as client:
        yield client


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _open_log(root: Path, path: Path, resume: bool) -> Log:
    manifest = root / "manifest.json"
    log_path = root / NAME
    if not resume and finished(log_path):
        raise ConfigError(str(root), None, "", "holds finished simulations already; pass --resume "
                          "to continue them, or choose another --out")
    if resume and manifest.exists() and json.loads(manifest.read_text())["calibration_sha256"] \
            != _fingerprint(path):
        raise ConfigError(str(root), None, "", "was made from a different calibration file; "
                          "choose another --out to run this one")
    return Log(log_path)


def calibrate(path: str | Path, out: Path | None = None, backend: Backend = "processes", workers: int = 2,
              scheduler: str | None = None, resume: bool = False, progress: Progress | None = None) -> Path:
    """Run (or resume) a calibration, holding its results folder; returns that folder."""
    progress = progress or Silent()
    setup = load_calibration(path)
    root = Path(out) if out is not None else Path("results") / setup.cal.name
    with hold(root):
        _calibrate(setup, Path(path), root, backend, workers, scheduler, resume, progress)
    return root


def _calibrate(setup: Setup, path: Path, root: Path, backend: Backend, workers: int,
               scheduler: str | None, resume: bool, progress: Progress) -> None:
    import pyabc

    cal, method = setup.cal, setup.cal.method
    log = _open_log(root, path, resume)
    started = time.perf_counter()
    manifest = {
        "python": platform.python_version(),
        **{n: package_version(n) for n in ("orgsim", "pyabc", "mesa", "simpy", "numpy")},
        "calibration_file": str(Path(path).resolve()), "calibration_sha256": _fingerprint(Path(path)),
        "seed": cal.seed, "backend": backend, "workers": workers, "resumed_from": len(log.done),
    }
    write_text(root / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    write_text(root / "calibration.json", json.dumps(cal.model_dump(mode="json"), indent=2) + "\n")
    progress.start(method.max_simulations + method.predictive, len(log.done))
    logging.getLogger("ABC").setLevel(logging.WARNING)
    with _cluster(backend, workers, scheduler) as client:
        sampler = OrderedSampler(cal.seed, method.replications, log, backend, workers, client,
                                 progress.advance, budget=method.max_simulations)
        simulator = Simulator(setup.bases, setup.model, setup.targets)
        abc = pyabc.ABCSMC(simulator, _priors(setup),
                           Distance({n: t.scale for n, t in cal.targets.items()}),
                           population_size=method.population, sampler=sampler,
                           eps=_tolerance(method), model_prior=ModelPrior("randint", 0, 1),
                           transitions=Kernel())
        db = root / "abc.db"
        db.unlink(missing_ok=True)  # pyabc's own record; a resumed run rebuilds it from the log
        abc.new(f"sqlite:///{db}", {n: t.observed for n, t in cal.targets.items()})
        history = abc.run(minimum_epsilon=method.min_epsilon,
                          max_nr_populations=method.most_generations,
                          max_total_nr_simulations=method.max_simulations)
        if history.max_t is None or history.max_t < 0:
            log.close()
            raise setup.src.error(("method", "max_simulations"), f"the budget of "
                                  f"{method.max_simulations:,} simulations ran out before the first "
                                  "generation filled; raise it (the simulations run are kept in "
                                  f"{log.path})")
        ensemble = _ensemble(history, setup)
        predictive = _predictive(setup, sampler, simulator, ensemble)
    log.close()
    _write(root, setup, ensemble, predictive, history)
    manifest.update(simulations=sampler.used, predictive_simulations=method.predictive,
                    populations=int(history.max_t) + 1,
                    stopped_by=stopped_by(method, sampler.used, history),
                    wall_seconds=round(time.perf_counter() - started, 1))
    write_text(root / "manifest.json", json.dumps(manifest, indent=2) + "\n")


def _tolerance(method: Method) -> Any:
    """pyabc's tolerance schedule for the `method` block: a quantile of the last distances, or a list."""
    from pyabc.epsilon import ListEpsilon, QuantileEpsilon

    if isinstance(method.tolerance, list):
        return ListEpsilon(method.tolerance)
    return QuantileEpsilon(alpha=method.tolerance.quantile)


def stopped_by(method: Method, used: int, history: Any) -> str:
    """Why the calibration stopped, in words for the report."""
    populations = int(history.max_t) + 1
    final = float(history.get_all_populations()["epsilon"].iloc[-1])
    if populations >= method.most_generations:
        return f"the most generations ({method.most_generations})"
    if final <= method.min_epsilon:
        return f"the tolerance reached min_epsilon ({method.min_epsilon:g})"
    if used >= method.max_simulations or history.total_nr_simulations >= method.max_simulations:
        return f"the simulation budget (max_simulations {method.max_simulations:,})"
    return "a generation could not be filled (too few of its candidates were accepted)"


def _ensemble(history: Any, setup: Setup) -> pd.DataFrame:
    """The last population: one row per parameter set, with its weight and distance."""
    population = history.get_population(t=history.max_t)
    rows = [{"particle": i, "weight": float(p.weight), "distance": float(p.distance),
             **{n: float(p.parameter[n]) for n in setup.parameters}}
            for i, p in enumerate(population.particles)]
    frame = pd.DataFrame(rows)
    frame["weight"] = frame["weight"] / frame["weight"].sum()
    return frame


def _predictive(setup: Setup, sampler: OrderedSampler, simulator: Simulator,
                ensemble: pd.DataFrame) -> pd.DataFrame:
    """Targets simulated afresh: prior draws (pyabc's calibration sample) and posterior draws."""
    import cloudpickle

    rows = []
    for key, particle in sorted(sampler.log.done.items()):
        if key.startswith("c000-"):  # the first call is pyabc's sample from the prior
            rows += [{"stage": "prior", "draw": int(key[-6:]), "target": t, "simulated": v}
                     for t, v in particle.sum_stat.items()]
    method = setup.cal.method
    rng = np.random.default_rng(np.random.SeedSequence([setup.cal.seed, PREDICTIVE_CALL]))
    picks = rng.choice(len(ensemble), size=method.predictive, p=ensemble["weight"].to_numpy())
    jobs = []
    for i, pick in enumerate(picks):
        values = {n: float(ensemble[n].iloc[pick]) for n in setup.parameters}
        payload = cloudpickle.dumps(functools.partial(simulator, values))
        jobs.append(Job(f"c{PREDICTIVE_CALL}-i{i:06d}", payload, (setup.cal.seed, PREDICTIVE_CALL, i),
                        method.replications))
    for i, result in enumerate(sampler.run(jobs)):
        rows += [{"stage": "posterior", "draw": i, "target": t, "simulated": v} for t, v in result.items()]
    return pd.DataFrame(rows, columns=["stage", "draw", "target", "simulated"])


def _write(root: Path, setup: Setup, ensemble: pd.DataFrame, predictive: pd.DataFrame,
           history: Any) -> None:
    from orgsim.calibration.scenario import write_scenarios

    cal = setup.cal
    write_atomic(root / "ensemble.parquet", lambda tmp: ensemble.to_parquet(tmp, index=False))
    observed = pd.DataFrame([{"target": n, "observed": t.observed, "sd": t.scale}
                             for n, t in cal.targets.items()])
    simulated = predictive.merge(observed, on="target", how="left")
    write_atomic(root / "simulated.parquet", lambda tmp: simulated.to_parquet(tmp, index=False))
    params = S.parameters(ensemble, dict(cal.parameters))
    write_text(root / "parameters.csv", params.to_csv(index=False, float_format="%.6g"))
    fit = S.targets(predictive, dict(cal.targets))
    write_text(root / "targets.csv", fit.to_csv(index=False, float_format="%.6g"))
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0][["t", "epsilon", "samples"]].rename(columns={"t": "generation"})
    pops["acceptance_rate"] = cal.method.population / pops["samples"]  # every population is full
    write_text(root / "populations.csv", pops.to_csv(index=False, float_format="%.6g"))
    from orgsim.calibration.holdout import predict

    held = predict(setup, ensemble)
    write_text(root / "holdout.csv", held.to_csv(index=False, float_format="%.6g"))
    write_scenarios(root, setup, {"mean": S.mean(ensemble, setup.parameters),
                                  "mode": S.mode(ensemble, dict(cal.parameters))},
                    dict(zip(params["parameter"], params["verdict"])))
