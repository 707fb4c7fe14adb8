"""Design points: the values each uncertainty takes, one row per point (samplers from SALib)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from orgsim.experiments.spec import Experiment


def problem(exp: Experiment) -> dict[str, Any]:
    """The SALib problem dictionary for the experiment's uncertainties."""
    names = list(exp.uncertainties)
    return {"num_vars": len(names), "names": names,
            "bounds": [list(exp.uncertainties[n].bounds) for n in names]}


def _grid(exp: Experiment) -> np.ndarray:
    axes = []
    for u in exp.uncertainties.values():
        if u.values is not None:
            axes.append(list(u.values))
        else:
            low, high = u.bounds
            axes.append(list(np.linspace(low, high, exp.design.levels)))
    return np.array(list(itertools.product(*axes)), dtype=float)


def sample(exp: Experiment, seed: int) -> np.ndarray:
    """The design matrix: one row per point, one column per uncertainty (in file order)."""
    kind, n = exp.design.kind, exp.design.samples
    if kind == "single":
        return np.zeros((1, 0))
    if kind == "grid":
        return _grid(exp)
    prob = problem(exp)
    if kind == "lhs":
        from SALib.sample import latin
        return np.asarray(latin.sample(prob, n, seed=seed))
    if kind == "morris":
        from SALib.sample import morris
        return np.asarray(morris.sample(prob, n, num_levels=exp.design.levels, seed=seed))
    from SALib.sample import sobol
    return np.asarray(sobol.sample(prob, n, calc_second_order=False, seed=seed))


def expected_size(exp: Experiment) -> int:
    """Number of rows `sample` makes: points of the uncertainty design (used to check samplers)."""
    return exp.scenarios_count()
