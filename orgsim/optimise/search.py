"""The many-objective search: pymoo's NSGA-II asked for candidates, told their scores.

The algorithm is driven generation by generation (ask, evaluate, tell) so that
evaluation runs on the experiment backends. Its random numbers come from the
file's seed alone and every score is a deterministic function of the candidate
(common random numbers), so the same file gives the same candidates, the same
scores and the same front on any backend, and a resumed search replays the
stored runs up to where it was stopped and carries on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgsim.config.yamlio import ConfigError
from orgsim.experiments.backends import Backend, local_cluster
from orgsim.experiments.progress import Progress, Silent
from orgsim.optimise import output
from orgsim.optimise.evaluate import Evaluator, Runs, Scored
from orgsim.optimise.problem import Problem, load
from orgsim.store.atomic import write_text
from orgsim.store.lock import hold
from orgsim.store.rundir import package_version


def _pymoo_problem(problem: Problem) -> Any:
    from pymoo.core.problem import Problem as PymooProblem

    low, high = problem.bounds
    return PymooProblem(n_var=len(low), n_obj=len(problem.opt.objectives), n_ieq_constr=1,
                        xl=low, xu=high)


ETA = 5.0  # distribution index of crossover and mutation: exploring widely suits few generations


def _lattice(problem: Problem) -> Any:
    """A repair that puts whole-number and choice levers on their lattice before evaluation,
    so that candidates differing only below the rounding count as duplicates and are not asked
    for twice in one generation."""
    from pymoo.core.repair import Repair

    levers = list(problem.opt.levers.values())
    whole = [i for i, lv in enumerate(levers) if lv.integer]
    chosen = [i for i, lv in enumerate(levers) if lv.choices is not None]

    class Lattice(Repair):  # type: ignore[misc]
        def _do(self, _problem: Any, X: Any, **kwargs: Any) -> Any:
            X = X.copy()
            X[:, whole] = np.round(X[:, whole])
            X[:, chosen] = np.floor(X[:, chosen]) + 0.5
            return X

    return Lattice()


def _algorithm(problem: Problem) -> Any:
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.operators.crossover.sbx import SBX
    from pymoo.operators.mutation.pm import PM

    return NSGA2(pop_size=problem.opt.search.population, eliminate_duplicates=True,
                 crossover=SBX(prob=0.9, eta=ETA), mutation=PM(eta=ETA), repair=_lattice(problem),
                 seed=problem.search_seed)


def minimised(problem: Problem, scored: list[Scored]) -> np.ndarray:
    """Objectives as pymoo minimises them (maximised ones negated; infeasible ones 0)."""
    signs = [1.0 if o.sense == "min" else -1.0 for o in problem.opt.objectives]
    return np.array([[0.0 if s.violation else sign * s.objectives[o.outcome]
                      for sign, o in zip(signs, problem.opt.objectives)] for s in scored])


def _hashes(problem: Problem) -> dict[str, str]:
    files = {"optimisation": problem.src.file, "scenario": problem.scenario.file,
             "model": problem.model.file}
    return {k: hashlib.sha256(Path(f).read_bytes()).hexdigest() for k, f in files.items()}


def _start(problem: Problem, root: Path, resume: bool, backend: str, workers: int) -> dict[str, Any]:
    """Refuse to mix searches in one folder; write the inputs and the manifest."""
    done = len(Runs(root).keys())
    if done and not resume:
        raise ConfigError(str(root), None, "", f"holds {done} finished runs already; pass --resume "
                          "to continue them, or choose another --out")
    manifest = {"python": None, "orgsim": package_version("orgsim"), "pymoo": package_version("pymoo"),
                "optimisation_file": str(Path(problem.src.file).resolve()),
                "root_seed": problem.opt.seed, "search_seed": problem.search_seed,
                "replication_seeds": problem.seeds, "samples": problem.samples.tolist(),
                "headcount_budget": problem.budget, "sha256": _hashes(problem)}
    old = root / "manifest.json"
    if done and old.exists() and json.loads(old.read_text())["sha256"] != manifest["sha256"]:
        raise ConfigError(str(root), None, "", "was made from a different optimisation, scenario or "
                          "model; choose another --out to run this one")
    import platform

    manifest.update(python=platform.python_version(), backend=backend, workers=workers,
                    resumed_from_runs=done,
                    started_utc=datetime.now(UTC).isoformat(timespec="seconds"))
    write_text(root / "optimisation.json", json.dumps(problem.opt.model_dump(mode="json"), indent=2)
               + "\n")
    write_text(root / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


def optimise(path: str | Path, out: Path | None = None, backend: Backend = "processes",
             workers: int = 2, scheduler: str | None = None, resume: bool = False,
             progress: Progress | None = None) -> Path:
    """Run (or resume) the search of an optimisation file; returns its results directory."""
    problem = load(path)
    root = Path(out) if out is not None else Path("results") / problem.opt.name
    with hold(root):  # one writer per results folder
        manifest = _start(problem, root, resume, backend, workers)
        with _cluster(backend, workers, scheduler) as address:
            evaluations, evaluator = _search(problem, root, backend, workers, address, progress)
        output.write(problem, root, evaluations)
        manifest.update(finished_utc=datetime.now(UTC).isoformat(timespec="seconds"),
                        runs_simulated=evaluator.finished, runs_stored=len(evaluator.done),
                        candidates=int(evaluations["digest"].nunique()))
        write_text(root / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return root


@contextmanager
def _cluster(backend: str, workers: int, scheduler: str | None) -> Iterator[str | None]:
    """One local Dask cluster for the whole search (not one per generation), unless one is given."""
    if backend != "dask" or scheduler is not None:
        yield scheduler
        return
    with local_cluster(workers) as cluster:
        yield cluster.scheduler_address


def _search(problem: Problem, root: Path, backend: Backend, workers: int, scheduler: str | None,
            progress: Progress | None) -> tuple[pd.DataFrame, Evaluator]:
    """Ask, evaluate and tell, generation by generation; every candidate asked for, as rows."""
    from pymoo.core.evaluator import Evaluator as PymooEvaluator
    from pymoo.problems.static import StaticProblem

    evaluator = Evaluator(problem, root, backend, workers, scheduler, progress or Silent())
    pymoo_problem = _pymoo_problem(problem)
    algorithm = _algorithm(problem)
    algorithm.setup(pymoo_problem, termination=("n_gen", problem.opt.search.generations + 1))
    rows: list[dict[str, Any]] = []
    for generation in range(problem.opt.search.generations + 1):
        pop = algorithm.ask()
        scored = evaluator.score([problem.decode(x) for x in pop.get("X")])
        violation = np.array([[s.violation] for s in scored])
        PymooEvaluator().eval(StaticProblem(pymoo_problem, F=minimised(problem, scored), G=violation),
                              pop)
        algorithm.tell(infills=pop)
        rows += [output.row(problem, generation, i, s) for i, s in enumerate(scored)]
    return pd.DataFrame(rows), evaluator
