"""Reading a calibration file: the schema, then its scenario, model, parameter paths and targets."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from orgsim.calibration import targets as T
from orgsim.calibration.spec import Calibration
from orgsim.config.errors import from_validation
from orgsim.config.yamlio import ConfigError, Source, dotted, read_yaml
from orgsim.experiments.points import Bases, bases_for, plans
from orgsim.experiments.spec import Design, Experiment, Uncertainty

PILOT_WEEKS = 13.0  # a pilot run this long after the warm-up shows which metrics a run has


@dataclass(frozen=True)
class Setup:
    """A checked calibration: the file, and the documents its parameter sets edit."""

    cal: Calibration
    src: Source
    bases: Bases

    @property
    def model(self) -> str:
        """The observed operating model as the plans name it (a file: its path from here)."""
        return next(iter(self.bases.models))

    @property
    def parameters(self) -> list[str]:
        return list(self.cal.parameters)

    @property
    def targets(self) -> list[str]:
        return list(self.cal.targets)

    def midpoint(self) -> dict[str, float]:
        return {p: (prior.low + prior.high) / 2 for p, prior in self.cal.parameters.items()}


def load_calibration(path: str | Path, pilot: bool = True) -> Setup:
    """Check a calibration file; with `pilot`, also run once briefly to check every target's name."""
    from pydantic import ValidationError

    src = read_yaml(path)
    try:
        cal = Calibration.model_validate(src.data)
    except ValidationError as exc:
        raise from_validation(exc, src, Calibration) from None
    exp = Experiment(name=cal.name, scenario=cal.scenario, models=[model_file(cal.model, path)],
                     uncertainties={p: Uncertainty(low=u.low, high=u.high, source=u.source)
                                    for p, u in cal.parameters.items()},
                     horizon_weeks=cal.horizon_weeks, warmup_weeks=cal.warmup_weeks,
                     design=Design(kind="lhs", samples=1))  # sampled by the calibration, not a design
    try:
        bases = bases_for(exp, src, path, key="parameters")
    except ConfigError as err:
        if err.file == src.file and err.path == dotted(("models", 0)):  # this file's `model`
            raise src.error(("model",), err.message) from None
        raise
    setup = Setup(cal, src, bases)
    _check_observations(setup)
    if cal.holdout:
        from orgsim.calibration.holdout import check

        check(setup, src)
    if pilot:
        _check_names(setup)
    return setup


def model_file(model: str, path: str | Path) -> str:
    """`model` as the experiment machinery takes it: a file is found relative to the calibration
    file (as its scenario is), a name beside the scenario or among the shipped models."""
    given = Path(model)
    if given.suffix in (".yaml", ".yml") and not given.is_absolute():
        return str(Path(path).parent / given)
    return model


def _check_observations(setup: Setup) -> None:
    for name, target in setup.cal.targets.items():
        low, high = T.bounds(name)
        if not low <= target.observed <= high:
            shown = f"{low:g} to {high:g}" if high < float("inf") else f"{low:g} or more"
            raise setup.src.error(("targets", name, "observed"), f"observed {target.observed:g} is "
                                  f"outside what the model can produce for {name} ({shown})")


def _check_names(setup: Setup) -> None:
    """A short run at the priors' midpoint: does every target name a number such runs produce?"""
    from orgsim.api import measure
    from orgsim.engine.run import simulate

    plan = plans(setup.bases, setup.midpoint())[setup.model]
    warmup = plan.scenario.warmup_weeks
    short = plan.scenario.model_copy(update={"horizon_weeks": warmup + PILOT_WEEKS})
    result = simulate(replace(plan, scenario=short), 0)
    metrics = measure(result)
    for name in setup.targets:
        problem = T.problem(metrics, name, result.timeseries)
        if problem is not None:
            raise setup.src.error(("targets", name), problem)
