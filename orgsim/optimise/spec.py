"""Optimisation files: which operating model to tune, its levers, the constraints, the objectives.

A lever is any number or choice in the operating model, addressed by its dotted
path (`service_teams.factory.count`, `forums.business_planning.cadence_weeks`,
`structure.transfers.0.share`); a path starting `scenario.` reaches a number in
the scenario (hiring: `scenario.organisations.NHSD.teams.digital`). Uncertainties,
for a robust search, use the paths of experiment files and are sampled once,
so every candidate meets the same samples and the same seeds.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, NonNegativeInt, PositiveInt, model_validator

from orgsim.config.common import PositiveFloat, Strict, Weeks
from orgsim.config.limits import MAX_RUNS
from orgsim.experiments.spec import OUTCOMES, Uncertainty

STATISTIC = re.compile(r"^(mean|p(\d{1,2}))$")
SCENARIO_PREFIX = "scenario."
# Numbers of a design itself, known from its plan before it runs (no simulation noise): each is
# computed by `orgsim.optimise.problem.MEASURES`. A measure of money (the cost of a design's staff,
# say) joins here and there; cost outcomes that runs produce are stored outcomes like any other.
DESIGN_MEASURES = ("headcount",)


class Lever(Strict):
    """A range (`low`, `high`; `integer` rounds it) or a list of `choices` for one setting."""

    low: float | None = Field(None, description="Smallest value (ranges).")
    high: float | None = Field(None, description="Largest value (ranges).")
    integer: bool = Field(False, description="Whole numbers only (team counts, sizes, capacities).")
    choices: list[Any] | None = Field(None, description="The values to choose from (numbers, text or "
                                      "mappings such as a list of staff transfers).")

    @model_validator(mode="after")
    def _one_form(self) -> Lever:
        ranged = self.low is not None or self.high is not None
        if ranged == (self.choices is not None):
            raise ValueError("give either low and high, or choices")
        if ranged and (self.low is None or self.high is None or self.low >= self.high):
            raise ValueError(f"need low < high, got low={self.low}, high={self.high}")
        if self.choices is not None and len(self.choices) < 2:
            raise ValueError("choices needs at least two values")
        if self.choices is not None and self.integer:
            raise ValueError("integer applies to ranges, not choices")
        return self


class Objective(Strict):
    """One outcome to minimise or maximise, and how runs are aggregated into one number."""

    outcome: Literal[OUTCOMES + DESIGN_MEASURES] = Field(  # type: ignore[valid-type]
        description="A stored outcome (see the outcomes table), or headcount: the people a design "
        "needs, known before it runs.")
    sense: Literal["min", "max"] = Field(description="min: lower is better; max: higher is better.")
    over_replications: str = Field("mean", description="mean, or a percentile such as p90, over "
                                   "replications of one uncertainty sample.")
    over_uncertainties: str = Field("mean", description="mean, or a percentile such as p90, over the "
                                    "uncertainty samples (robust search).")

    @model_validator(mode="after")
    def _statistics(self) -> Objective:
        for name in ("over_replications", "over_uncertainties"):
            if not STATISTIC.match(getattr(self, name)):
                raise ValueError(f"{name}: expected mean or p1 to p99, got {getattr(self, name)!r}")
        return self

    @property
    def label(self) -> str:
        return f"{self.sense} {self.outcome}"


class Constraints(Strict):
    """Limits every candidate must meet; teams never fall below zero (always checked)."""

    max_headcount: PositiveInt | Literal["as_configured"] | None = Field(
        None, description="Most people in the whole organisation; as_configured: the headcount of the "
        "scenario under the model as written (today's).")


class Search(Strict):
    """The many-objective search (pymoo's NSGA-II) and its budget."""

    population: Annotated[int, Field(ge=4, le=10_000)] = Field(
        24, description="Candidates per generation.")
    generations: Annotated[int, Field(ge=0, le=10_000)] = Field(
        10, description="Generations after the first (0: the initial population alone).")
    max_runs: PositiveInt = Field(
        MAX_RUNS, description="Refuse to start when the budget could need more simulation runs than "
        "this (default: the limit experiments have).")


class Optimisation(Strict):
    """A whole optimisation file."""

    name: str = Field(description="Short name, used for the results folder.")
    description: str = Field("", description="Free text.")
    scenario: str = Field(description="Scenario file, relative to this file.")
    model: str = Field(description="The operating model tuned (a name or a file).")
    levers: dict[str, Lever] = Field(min_length=1, description="Settings the search may change, by path.")
    constraints: Constraints = Field(default_factory=Constraints, description="Limits on every candidate.")
    objectives: list[Objective] = Field(min_length=1, description="Outcomes to minimise or maximise.")
    uncertainties: dict[str, Uncertainty] = Field(
        default_factory=dict, description="Ranges sampled for a robust search (experiment file paths).")
    samples: PositiveInt = Field(1, description="Uncertainty samples (Latin hypercube) each candidate "
                                 "meets; 1 without uncertainties.")
    replications: PositiveInt = Field(3, description="Seeds per sample; every candidate gets the same.")
    seed: NonNegativeInt = Field(0, description="Root of the seeds, the samples and the search.")
    horizon_weeks: PositiveFloat | None = Field(None, description="Overrides the scenario's horizon.")
    warmup_weeks: Weeks | None = Field(None, description="Overrides the scenario's warm-up.")
    search: Search = Field(default_factory=Search, description="Algorithm settings and budget.")

    @model_validator(mode="after")
    def _consistent(self) -> Optimisation:
        if not self.uncertainties and self.samples != 1:
            raise ValueError("samples > 1 needs uncertainties to sample")
        for path, u in self.uncertainties.items():
            if u.values is not None:
                raise ValueError(f"uncertainties.{path}: give low and high (they are sampled)")
        seen = [o.outcome for o in self.objectives]
        if len(set(seen)) != len(seen):
            raise ValueError("an outcome appears twice in objectives")
        return self

    @property
    def runs_per_candidate(self) -> int:
        return self.samples * self.replications

    @property
    def most_runs(self) -> int:
        """Runs the budget could need: every candidate of every generation, none repeated."""
        return self.search.population * (self.search.generations + 1) * self.runs_per_candidate
