"""How far a calibration got: its generations, tolerances and acceptance, in words and a warning.

The tolerance is a distance: the root of the summed squared errors, each in
its target's standard deviations. An accepted run at the final tolerance
`eps` may miss k targets by eps / sqrt(k) standard deviations each. A range
given for a target is read as a 95% interval, two standard deviations either
side, so when eps / sqrt(k) is above two, runs the ensemble holds may lie
outside every observed range: the ensemble is still closer to the priors than
the observations allow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

FAR = 2.0  # standard deviations a target: beyond it, accepted runs may miss the observed ranges


@dataclass(frozen=True)
class Convergence:
    generations: int
    most_generations: int
    schedule: list[float]  # tolerance of each generation
    acceptance: list[float]  # acceptance rate of each generation
    simulations: int
    max_simulations: int
    stopped_by: str
    targets: int

    @property
    def final(self) -> float:
        return self.schedule[-1]

    @property
    def per_target(self) -> float:
        """The final tolerance shared evenly over the targets, in standard deviations each."""
        return self.final / math.sqrt(self.targets)


def read(populations: pd.DataFrame, calibration: dict[str, Any], manifest: dict[str, Any]) -> Convergence:
    """From a results folder's populations.csv, calibration.json and manifest.json."""
    method = calibration["method"]
    tolerance = method.get("tolerance")
    most = method["generations"] if not isinstance(tolerance, list) else min(method["generations"],
                                                                            len(tolerance))
    return Convergence(
        generations=len(populations), most_generations=most,
        schedule=[float(x) for x in populations["epsilon"]],
        acceptance=[float(x) for x in populations["acceptance_rate"]],
        simulations=int(manifest.get("simulations", 0)), max_simulations=int(method["max_simulations"]),
        stopped_by=str(manifest.get("stopped_by", "")), targets=len(calibration["targets"]))


def words(c: Convergence) -> str:
    schedule = ", ".join(f"{x:.3g}" for x in c.schedule)
    return (f"{c.generations} generation{'s' if c.generations != 1 else ''} of at most "
            f"{c.most_generations}, {c.simulations:,} simulations of at most {c.max_simulations:,}; "
            f"stopped by {c.stopped_by or 'an unrecorded reason'}. Tolerance (distance in standard "
            f"deviations) by generation: {schedule}; final {c.final:.3g}, about {c.per_target:.2g} "
            f"a target over {c.targets} target{'s' if c.targets != 1 else ''}. Acceptance rate of the "
            f"last generation: {c.acceptance[-1]:.1%}.")


def warning(c: Convergence) -> str | None:
    """A warning when the final tolerance still lets accepted runs miss the observed ranges."""
    if c.per_target <= FAR:
        return None
    return (f"the final tolerance, {c.final:.3g} (about {c.per_target:.2g} standard deviations a "
            f"target), is still far from the observed ranges ({FAR:g} standard deviations a target): "
            "runs the ensemble holds may miss the observations, so the posterior is closer to the "
            "priors than the data allow. Raise max_simulations or generations, or give a tighter "
            "tolerance schedule.")
