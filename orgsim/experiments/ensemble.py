"""Experiments that carry calibration uncertainty: each replication draws a calibrated parameter set.

`uncertainties: {from: PATH}` names the `ensemble.parquet` of `orgsim calibrate`
(a `weight` column and one column per parameter path). Replication r of every
design point runs the parameter set drawn r-th, with probability its weight,
from a generator seeded by the experiment's design seed; every operating model
of that replication gets the same set, so model differences stay paired.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from orgsim.experiments.points import Bases, check_paths, plans

AT = ("uncertainties", "from")
NOT_PARAMETERS = ("particle", "weight", "distance")


def read_ensemble(bases: Bases, path: Path) -> pd.DataFrame:
    if not path.exists():
        raise bases.src.error(AT, f"no ensemble file {path}")
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several kinds for a file that is not Parquet
        raise bases.src.error(AT, f"{path} is not a Parquet ensemble ({type(exc).__name__})") from None
    if "weight" not in frame or len(frame) == 0 or not np.isfinite(frame["weight"]).all() \
            or (frame["weight"] < 0).any() or frame["weight"].sum() <= 0:
        raise bases.src.error(AT, f"{path}: expected rows of parameter sets with a non-negative "
                              "'weight' column (the ensemble.parquet of orgsim calibrate)")
    return frame


def parameters(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in NOT_PARAMETERS]


def check_ensemble(bases: Bases, path: Path) -> None:
    """The ensemble's paths exist in the compared models; its smallest and largest values give plans."""
    frame = read_ensemble(bases, path)
    names = parameters(frame)
    if not names:
        raise bases.src.error(AT, f"{path}: no parameter columns")
    check_paths(bases, names, AT)
    for values in (frame[names].min(), frame[names].max()):
        plans(bases, {n: float(v) for n, v in values.items()})


def draws(bases: Bases, path: Path, seed: int, n: int) -> list[dict[str, float]]:
    """`n` parameter sets drawn by weight, reproducibly from `seed`."""
    frame = read_ensemble(bases, path)
    names = parameters(frame)
    w = frame["weight"].to_numpy(dtype=float)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    picks = rng.choice(len(frame), size=n, p=w / w.sum())
    return [{c: float(frame[c].iloc[i]) for c in names} for i in picks]
