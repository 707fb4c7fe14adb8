"""Checking an experiment's results folder before anything reads it.

`summarise` and `report` trust the folder's tables only when they are the ones its
manifest says were written: the experiment in `experiment.json` is the one the
manifest's hash names, `metrics.parquet` and `design.parquet` have the hashes the
runner recorded when it finished, and every run's seed is the manifest's seed for its
replication. A table copied from another experiment, another seed or a damaged disk is
refused with one line naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from orgsim.experiments.runner import TABLES, experiment_sha256, file_sha256
from orgsim.experiments.spec import Experiment
from orgsim.store.read import ResultsError, read_json, read_parquet

KEYS = ("point", "replication", "model", "seed")


@dataclass(frozen=True)
class Results:
    """A checked results folder: its experiment, manifest and metrics table."""

    root: Path
    exp: Experiment
    manifest: dict[str, Any]
    metrics: pd.DataFrame


def _experiment(root: Path) -> Experiment:
    path = root / "experiment.json"
    data = read_json(path, "written with the results; is this an experiment's results folder?")
    try:
        return Experiment.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "document"
        raise ResultsError(path, f"not an experiment: {where}: {first['msg']}") from None


def _manifest(root: Path, exp: Experiment) -> dict[str, Any]:
    path = root / "manifest.json"
    manifest = read_json(path, "written when the experiment started; re-run the experiment with --resume")
    if not isinstance(manifest, dict):
        raise ResultsError(path, "expected a JSON object")
    if "finished_utc" not in manifest:
        raise ResultsError(root, "the experiment has not finished (or was stopped); finish it with "
                           "`orgsim experiment FILE --out FOLDER --resume`")
    recorded = (manifest.get("config_sha256") or {}).get("experiment")
    older = "tables_sha256" not in manifest  # an older orgsim hashed the file's bytes instead
    if not older and recorded != experiment_sha256(exp):
        raise ResultsError(root / "experiment.json", "is not the experiment these results were run "
                           "from (its hash differs from manifest.json's)")
    return manifest


def _tables(root: Path, manifest: dict[str, Any]) -> None:
    recorded = manifest.get("tables_sha256") or {}
    for name in TABLES:
        path = root / f"{name}.parquet"
        if name in recorded and path.is_file() and file_sha256(path) != recorded[name]:
            raise ResultsError(path, "is not the table this experiment wrote (its hash differs from "
                               "manifest.json's); rebuild it with `orgsim experiment FILE --out "
                               f"{root} --resume`")


def _seeds(path: Path, metrics: pd.DataFrame, exp: Experiment, manifest: dict[str, Any]) -> None:
    seeds = manifest.get("replication_seeds") or []
    for rep, seed in metrics.groupby("replication")["seed"].first().items():
        if not 0 <= int(rep) < len(seeds) or int(seeds[int(rep)]) != int(seed):
            raise ResultsError(path, f"replication {rep} was run with seed {seed}, not the seed "
                               "manifest.json gives it: these runs belong to another experiment")
    strangers = sorted(set(metrics["model"]) - set(exp.models))
    if strangers:
        raise ResultsError(path, f"has runs of {', '.join(strangers)}, which the experiment does not "
                           f"compare ({', '.join(exp.models)})")
    if not len(metrics):
        raise ResultsError(path, "has no runs")


def check(root: Path) -> Results:
    """The folder's experiment, manifest and metrics, checked against one another."""
    root = Path(root)
    if not root.is_dir():
        raise ResultsError(root, "no such folder; expected the results folder of an experiment")
    exp = _experiment(root)
    manifest = _manifest(root, exp)
    metrics = read_parquet(root / "metrics.parquet", [*KEYS, *exp.outcomes], "written when the "
                           "experiment finished")
    read_parquet(root / "design.parquet", ["point", *exp.uncertainties])
    _tables(root, manifest)
    _seeds(root / "metrics.parquet", metrics, exp, manifest)
    if "arrived" in metrics and not metrics["arrived"].fillna(0).any():
        raise ResultsError(root / "metrics.parquet", "no initiative arrived in any run, so there is "
                           "nothing to summarise; check the scenario's demand")
    return Results(root, exp, manifest, metrics)
