"""Running an experiment: design points x replications x operating models, stored as they finish."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from orgsim.config.yamlio import ConfigError
from orgsim.experiments.backends import Backend, outputs
from orgsim.experiments.design import sample
from orgsim.experiments.eta import estimate, parallel
from orgsim.experiments.points import Bases, load_experiment, plans
from orgsim.experiments.progress import Progress, Silent
from orgsim.experiments.spec import Experiment
from orgsim.experiments.store import Store
from orgsim.experiments.tasks import Output, Task, execute, replication_seeds, run_key
from orgsim.store.atomic import write_atomic, write_text
from orgsim.store.lock import hold
from orgsim.store.provenance import first_start, now, provenance, sessions
from orgsim.store.rundir import resolved_config

TABLES = ("metrics", "design")  # tables whose hashes the manifest keeps, checked before they are read


@dataclass(frozen=True)
class Sweep:
    """Everything fixed before the first run: lever settings, design matrix and seeds.

    Design point `setting * scenarios + scenario` is one lever setting under one point of
    the uncertainty design; without levers there is one (empty) setting and a point is a
    scenario. Seeds depend on the replication alone, so every setting and every model
    sees the same demand (common random numbers).
    """

    bases: Bases
    matrix: Any  # numpy array, one row per point of the uncertainty design (a scenario)
    design_seed: int
    seeds: list[int]
    draws: list[dict[str, float]] | None = None  # one calibrated parameter set per replication
    settings: list[dict[str, float]] = field(default_factory=lambda: [{}])

    @property
    def points(self) -> int:
        return len(self.settings) * len(self.matrix)

    @property
    def total(self) -> int:
        return self.points * len(self.seeds) * len(self.bases.exp.models)

    def values(self, point: int, replication: int = 0) -> dict[str, float]:
        setting, scenario = divmod(point, len(self.matrix))
        drawn = self.draws[replication] if self.draws else {}
        uncertain = {p: float(v) for p, v in zip(self.bases.exp.uncertainties, self.matrix[scenario])}
        return {**drawn, **uncertain, **self.settings[setting]}

    def labels(self, point: int) -> dict[str, float]:
        """The columns a run of `point` carries besides its point: setting, scenario and lever
        values (none without levers)."""
        if not self.bases.exp.levers:
            return {}
        setting, scenario = divmod(point, len(self.matrix))
        return {"setting": setting, "scenario": scenario, **self.settings[setting]}

    def tasks(self, skip: set[str]) -> Iterator[Task]:
        """Tasks not yet done, in (point, replication, model) order; plans built one point at a time."""
        models = self.bases.exp.models
        for point in range(self.points):
            keys = [run_key(point, r, m) for r in range(len(self.seeds)) for m in models]
            if all(k in skip for k in keys):
                continue
            point_plans = plans(self.bases, self.values(point))
            labels = self.labels(point)
            for r, seed in enumerate(self.seeds):
                if self.draws and any(run_key(point, r, m) not in skip for m in models):
                    point_plans = plans(self.bases, self.values(point, r))
                for m in models:
                    if run_key(point, r, m) not in skip:
                        yield Task(point, r, m, seed, point_plans[m], labels)


def prepare(path: str | Path) -> Sweep:
    """Read and check the experiment (sizes included) and fix its design and seeds; nothing runs."""
    from orgsim.experiments.levers import settings, whole_columns

    bases = load_experiment(path)
    design_seed, seeds = replication_seeds(bases.exp.seed, bases.exp.replications)
    drawn = None
    if bases.exp.ensemble is not None:
        from orgsim.experiments.ensemble import draws

        drawn = draws(bases, Path(path).parent / bases.exp.ensemble, design_seed, len(seeds))
    matrix = sample(bases.exp, design_seed)
    for column in whole_columns(bases):  # a range over a whole-number field is sampled in whole numbers
        matrix[:, column] = matrix[:, column].round()
    return Sweep(bases, matrix, design_seed, seeds, drawn, settings(bases))


def as_json(exp: Experiment) -> dict[str, Any]:
    """The experiment with every default filled in; keys added to the schema since results were
    first written (`levers`, `baseline`) only when used, so the results of an experiment without
    levers keep their experiment.json and hash (and `--resume` and the checks keep working)."""
    data = exp.model_dump(mode="json")
    for key in ("levers", "baseline"):
        if not data[key]:
            del data[key]
    return data


def experiment_sha256(exp: Experiment) -> str:
    """A hash of what the experiment says, not of its bytes: comments and layout do not change it."""
    text = json.dumps(as_json(exp), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def config_hashes(bases: Bases, values: dict[str, float]) -> dict[str, str]:
    """The experiment's hash and each model's resolved configuration's hash at `values`."""
    out = {"experiment": experiment_sha256(bases.exp)}
    out.update({m: hashlib.sha256(resolved_config(p).encode()).hexdigest()
                for m, p in plans(bases, values).items()})
    return out


def _hashes(sweep: Sweep) -> dict[str, str]:
    if not len(sweep.matrix):
        return {"experiment": experiment_sha256(sweep.bases.exp)}
    return config_hashes(sweep.bases, sweep.values(0))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_inputs(root: Path, sweep: Sweep) -> None:
    exp = sweep.bases.exp
    design = pd.DataFrame(sweep.matrix, columns=list(exp.uncertainties))
    if exp.levers:
        design = _crossed(sweep, design)
    design.insert(0, "point", range(len(design)))
    write_atomic(root / "design.parquet", lambda tmp: design.to_parquet(tmp, index=False))
    if sweep.draws:
        drawn = pd.DataFrame(sweep.draws)
        drawn.insert(0, "replication", range(len(drawn)))
        write_atomic(root / "draws.parquet", lambda tmp: drawn.to_parquet(tmp, index=False))
    write_text(root / "experiment.json", json.dumps(as_json(exp), indent=2) + "\n")


def _crossed(sweep: Sweep, scenarios: pd.DataFrame) -> pd.DataFrame:
    """Every setting crossed with every scenario: setting, scenario, lever and uncertainty columns."""
    rows = [{"setting": s, "scenario": sc, **setting, **scenarios.iloc[sc].to_dict()}
            for s, setting in enumerate(sweep.settings) for sc in range(len(scenarios))]
    return pd.DataFrame(rows, columns=["setting", "scenario", *sweep.bases.exp.levers, *scenarios.columns])


def _manifest(sweep: Sweep) -> dict[str, Any]:
    exp = sweep.bases.exp
    return {
        **provenance(), "experiment_file": str(Path(sweep.bases.src.file).resolve()), "root_seed": exp.seed,
        "design_seed": sweep.design_seed, "replication_seeds": sweep.seeds,
        "design_points": sweep.points, "settings": len(sweep.settings), "scenarios": len(sweep.matrix),
        "runs": sweep.total, "config_sha256": _hashes(sweep),
    }


def run(path: str | Path | Sweep, out: Path | None = None, backend: Backend = "processes",
        workers: int = 2, scheduler: str | None = None, resume: bool = False,
        progress: Progress | None = None) -> Path:
    """Run (or resume) an experiment, holding its results folder; returns that folder."""
    sweep = path if isinstance(path, Sweep) else prepare(path)
    root = Path(out) if out is not None else Path("results") / sweep.bases.exp.name
    with hold(root):
        _run(sweep, root, backend, workers, scheduler, resume, progress or Silent())
    return root


def _run(sweep: Sweep, root: Path, backend: Backend, workers: int, scheduler: str | None,
         resume: bool, progress: Progress) -> None:
    store = Store(root)
    done = store.done()
    if done and not resume:
        raise ConfigError(str(root), None, "", f"holds {len(done)} finished runs already; "
                          "pass --resume to continue them, or choose another --out")
    manifest = _manifest(sweep)
    old = _old_manifest(root / "manifest.json")
    if done and (old or {}).get("config_sha256") != manifest["config_sha256"]:
        raise ConfigError(str(root), None, "", "was made from a different experiment; "
                          "choose another --out to run this one")
    _write_inputs(root, sweep)
    same = bool(old) and (old or {}).get("config_sha256") == manifest["config_sha256"]
    history = sessions(old) if resume and same else []
    session = {"started_utc": now(), "finished_utc": None, "resumed_from": len(done),
               "backend": backend, "workers": workers, "command_line": manifest["command_line"]}
    history.append(session)
    manifest.update(started_utc=first_start(history, session["started_utc"]),
                    last_started_utc=session["started_utc"], backend=backend, workers=workers,
                    resumed_from=len(done), sessions=history)
    write_text(root / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    tasks = sweep.tasks(done)
    first = next(tasks, None)
    if first is not None:  # timed here, before the bar, to say how long the rest will take
        store.add(_timed(first, sweep.total - len(done) - 1, parallel(backend, workers), progress))
    progress.start(sweep.total, len(done) + (first is not None))
    for output in outputs(tasks, backend, workers, scheduler):
        store.add(output)
        progress.advance()
    store.consolidate()
    manifest["finished_utc"] = session["finished_utc"] = now()
    manifest["tables_sha256"] = {name: file_sha256(root / f"{name}.parquet") for name in TABLES}
    write_text(root / "manifest.json", json.dumps(manifest, indent=2) + "\n")


def _timed(task: Task, remaining: int, at_once: int, progress: Progress) -> Output:
    """Make the first run here and time it; tell `progress` (if it listens) when the rest is long."""
    import time

    import orgsim.engine.model  # noqa: F401  (Mesa's import is not a run's time)

    started = time.perf_counter()
    output = execute(task)
    text = estimate(time.perf_counter() - started, remaining, at_once)
    say = getattr(progress, "say", None)
    if text and say is not None:
        say(text)
    return output


def _old_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest an earlier start wrote, or None (a damaged manifest: the runs beside it cannot
    be trusted to match)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None
