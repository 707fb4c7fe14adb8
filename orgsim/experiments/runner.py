"""Running an experiment: design points x replications x operating models, stored as they finish."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from orgsim.config.yamlio import ConfigError
from orgsim.experiments.backends import Backend, outputs
from orgsim.experiments.design import sample
from orgsim.experiments.points import Bases, load_experiment, plans
from orgsim.experiments.spec import Experiment
from orgsim.experiments.store import Store
from orgsim.experiments.tasks import Task, replication_seeds, run_key
from orgsim.store.atomic import write_atomic, write_text
from orgsim.store.lock import hold
from orgsim.store.rundir import package_version, resolved_config

TABLES = ("metrics", "design")  # tables whose hashes the manifest keeps, checked before they are read


class Progress(Protocol):
    def start(self, total: int, done: int) -> None: ...
    def advance(self) -> None: ...


class Silent:
    def start(self, total: int, done: int) -> None:
        pass

    def advance(self) -> None:
        pass


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


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


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
        "python": platform.python_version(),
        **{name: package_version(name) for name in ("orgsim", "mesa", "simpy", "numpy", "salib")},
        "experiment_file": str(Path(sweep.bases.src.file).resolve()), "root_seed": exp.seed,
        "design_seed": sweep.design_seed, "replication_seeds": sweep.seeds,
        "design_points": sweep.points, "settings": len(sweep.settings), "scenarios": len(sweep.matrix),
        "runs": sweep.total, "config_sha256": _hashes(sweep),
        "git_commit": _git_commit(),
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
    old = root / "manifest.json"
    if done and _old_hashes(old) != manifest["config_sha256"]:
        raise ConfigError(str(root), None, "", "was made from a different experiment; "
                          "choose another --out to run this one")
    _write_inputs(root, sweep)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    manifest.update(started_utc=started, backend=backend, workers=workers, resumed_from=len(done))
    write_text(root / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    progress.start(sweep.total, len(done))
    for output in outputs(sweep.tasks(done), backend, workers, scheduler):
        store.add(output)
        progress.advance()
    store.consolidate()
    manifest["finished_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
    manifest["tables_sha256"] = {name: file_sha256(root / f"{name}.parquet") for name in TABLES}
    write_text(root / "manifest.json", json.dumps(manifest, indent=2) + "\n")


def _old_hashes(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("config_sha256")
    except (OSError, ValueError, AttributeError):
        return None  # a damaged manifest: the runs beside it cannot be trusted to match
