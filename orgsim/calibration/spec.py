"""Calibration files: what was observed, under which operating model, and what may move to match it.

A calibration names one scenario and the operating model in force where the
data was observed. Its parameters are numbers of the scenario or the model,
addressed by path as in experiment files (`demand.ics_rate_per_week`,
`organisations.NHSD.teams.digital`, `model.forums.nhsei_board.capacity`). Its
targets are numbers a run produces (see `orgsim.calibration.targets`), each with
the value observed, how uncertain that observation is, and where it comes from.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Discriminator, Field, NonNegativeInt, PositiveInt, Tag, model_validator

from orgsim.config.common import PositiveFloat, Strict, Weeks

Finite = Annotated[float, Field(allow_inf_nan=False)]


class Prior(Strict):
    """What is believed about a parameter before the data: a range and how mass spreads over it."""

    low: Finite = Field(description="Smallest value considered.")
    high: Finite = Field(description="Largest value considered.")
    distribution: Literal["uniform", "loguniform"] = Field(
        "uniform",
        description="uniform: every value in range alike; loguniform: every factor alike (rates, headcounts).")
    source: str = Field(description="Why this range: a seed passage or 'assumption'.")

    @model_validator(mode="after")
    def _ordered(self) -> Prior:
        if not self.low < self.high:
            raise ValueError(f"empty prior range: need low < high, got low={self.low:g}, high={self.high:g}")
        if self.distribution == "loguniform" and self.low <= 0:
            raise ValueError(f"a loguniform prior needs low > 0, got low={self.low:g}")
        return self

    @property
    def width(self) -> float:
        return self.high - self.low


class Target(Strict):
    """One observed number, with its uncertainty as a standard deviation or a range."""

    observed: Finite = Field(description="The value observed (in the metric's own unit).")
    sd: Annotated[float, Field(gt=0.0, allow_inf_nan=False)] | None = Field(
        None, description="Standard deviation of the observation.")
    low: Finite | None = Field(None, description="Lowest plausible value (with `high`, instead of `sd`).")
    high: Finite | None = Field(None, description="Highest plausible value; a range is read as a 95% interval.")
    source: str = Field(description="Where the observation comes from, or 'assumption'.")

    @model_validator(mode="after")
    def _one_uncertainty(self) -> Target:
        ranged = self.low is not None or self.high is not None
        if ranged == (self.sd is not None):
            raise ValueError("give the observation's uncertainty as either sd, or low and high")
        if ranged:
            if self.low is None or self.high is None or not self.low < self.high:
                raise ValueError(f"need low < high, got low={self.low}, high={self.high}")
            if not self.low <= self.observed <= self.high:
                raise ValueError(f"observed {self.observed:g} is outside its own range "
                                 f"[{self.low:g}, {self.high:g}]")
        return self

    @property
    def scale(self) -> float:
        """The standard deviation: given, or a range's width over four (a 95% interval)."""
        if self.sd is not None:
            return self.sd
        assert self.low is not None and self.high is not None
        return (self.high - self.low) / 4.0


class Quantile(Strict):
    """An adaptive tolerance: each generation's is a quantile of the last generation's distances."""

    quantile: Annotated[float, Field(gt=0.0, lt=1.0)] = Field(
        0.5, description="The quantile (0.5: the median; lower: tighter steps, more simulations).")


def _schedule_kind(value: object) -> str:
    return "list" if isinstance(value, list) else "quantile"


Schedule = Annotated[  # one kind or the other, told apart by shape, so errors speak of that kind
    Annotated[Quantile, Tag("quantile")]
    | Annotated[list[Annotated[float, Field(gt=0.0, allow_inf_nan=False)]], Tag("list")],
    Discriminator(_schedule_kind)]


class Holdout(Strict):
    """A published figure kept out of the fit, to be predicted by the calibrated model."""

    observed: Finite = Field(description="The published value.")
    low: Finite = Field(description="Lowest value the publication allows (with `high`).")
    high: Finite = Field(description="Highest value the publication allows.")
    source: str = Field(description="Where the figure is published: a short name and locator.")

    @model_validator(mode="after")
    def _ordered(self) -> Holdout:
        if not self.low <= self.observed <= self.high or not self.low < self.high:
            raise ValueError(f"need low <= observed <= high and low < high, got low={self.low:g}, "
                             f"observed={self.observed:g}, high={self.high:g}")
        return self


class Method(Strict):
    """How the posterior is found, and how much simulation it may spend."""

    kind: Literal["abc_smc"] = Field(
        "abc_smc", description="abc_smc: approximate Bayesian computation, sequential Monte Carlo (pyabc).")
    population: Annotated[int, Field(ge=10)] = Field(
        100, description="Parameter sets kept per generation (the ensemble's size).")
    generations: PositiveInt = Field(6, description="Most generations, each with a tighter tolerance.")
    max_simulations: PositiveInt = Field(
        3000, description="Most simulations (parameter sets run) before the posterior predictive "
        "check: a cap, never exceeded; a generation it cuts short is dropped.")
    tolerance: Schedule = Field(
        default_factory=Quantile, description="The tolerance schedule (a distance in standard "
        "deviations): {quantile: Q} adapts it to each generation, or a falling list gives it, one "
        "value per generation (the run stops after the last).")
    min_epsilon: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = Field(
        0.0, description="Stop once the tolerance (a distance in standard deviations) is below this.")
    replications: PositiveInt = Field(
        1, description="Runs averaged per parameter set (more: less simulation noise, more cost).")
    predictive: NonNegativeInt = Field(
        50, description="Posterior predictive check: parameter sets drawn from the ensemble and run afresh.")

    @model_validator(mode="after")
    def _budget(self) -> Method:
        if isinstance(self.tolerance, list):
            if not self.tolerance:
                raise ValueError("tolerance: give at least one value, or {quantile: Q}")
            if any(b >= a for a, b in zip(self.tolerance, self.tolerance[1:])):
                raise ValueError(f"tolerance: each generation's must be below the last's, got "
                                 f"{', '.join(f'{v:g}' for v in self.tolerance)}")
        adaptive = not isinstance(self.tolerance, list)
        least = self.population * (2 if adaptive else 1)
        if self.max_simulations < least:
            why = (f"{self.population:,} drawn from the priors to set the first tolerance, then "
                   f"{self.population:,} accepted at the least" if adaptive
                   else f"{self.population:,} accepted at the least")
            raise ValueError(f"max_simulations: {self.max_simulations:,} cannot fill a first generation "
                             f"of population {self.population:,}: it needs at least {least:,} ({why})")
        return self

    @property
    def most_generations(self) -> int:
        """Generations at most: `generations`, and no more than a listed schedule has values."""
        listed = len(self.tolerance) if isinstance(self.tolerance, list) else self.generations
        return min(self.generations, listed)


class Calibration(Strict):
    """A whole calibration file."""

    name: str = Field(description="Short name, used for the results folder.")
    description: str = Field("", description="Free text, shown in the report.")
    scenario: str = Field(description="Scenario file, relative to this file.")
    model: str = Field(description="The operating model in force where the data was observed.")
    parameters: dict[str, Prior] = Field(min_length=1, description="Numbers to calibrate, by path.")
    targets: dict[str, Target] = Field(min_length=1, description="Observed metrics, by name or path.")
    holdout: dict[str, Holdout] = Field(
        default_factory=dict, description="Published figures kept out of the fit and predicted by "
        "each member of the calibrated ensemble, by name: `people.UNIT`, the people of a unit under "
        "the observed operating model (its headcount units, service teams included, times the "
        "scenario's scale.people_per_unit). The report sets each prediction beside its figure.")
    method: Method = Field(default_factory=Method, description="Inference method and budget.")
    seed: NonNegativeInt = Field(0, description="Root of numpy.random.SeedSequence for every draw and run.")
    horizon_weeks: PositiveFloat | None = Field(None, description="Overrides the scenario's horizon.")
    warmup_weeks: Weeks | None = Field(None, description="Overrides the scenario's warm-up.")
