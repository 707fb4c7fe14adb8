"""Shared schema pieces: the strict base model and the effort/value distributions."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
PositiveFloat = Annotated[float, Field(gt=0.0)]
NonNegativeFloat = Annotated[float, Field(ge=0.0)]
Weeks = Annotated[float, Field(ge=0.0)]


class Strict(BaseModel):
    """Frozen and closed: unknown keys are errors, objects never change after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Fixed(Strict):
    """Always the same value."""

    kind: Literal["fixed"] = Field(description="Names this distribution.")
    value: NonNegativeFloat = Field(description="The value, in the unit of the quantity described (person-weeks for effort, benefit units per week for value).")

    @property
    def mean(self) -> float:
        return self.value


class Exponential(Strict):
    """Exponential with the given mean (memoryless; the M/M/c reduction uses it)."""

    kind: Literal["exponential"] = Field(description="Names this distribution.")
    mean: PositiveFloat = Field(description="Mean, in the unit of the quantity described.")


class Lognormal(Strict):
    """Lognormal parameterised by its own mean and coefficient of variation."""

    kind: Literal["lognormal"] = Field(description="Names this distribution.")
    mean: PositiveFloat = Field(description="Mean, in the unit of the quantity described (not the mean of the log).")
    cv: PositiveFloat = Field(description="Coefficient of variation: standard deviation / mean.")


class Triangular(Strict):
    """Triangular between `low` and `high` with the given `mode`."""

    kind: Literal["triangular"] = Field(description="Names this distribution.")
    low: NonNegativeFloat = Field(description="Smallest value, in the unit of the quantity described.")
    mode: NonNegativeFloat = Field(description="Most likely value, in the unit of the quantity described.")
    high: PositiveFloat = Field(description="Largest value, in the unit of the quantity described.")

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(f"need low <= mode <= high and low < high, got "
                             f"low={self.low}, mode={self.mode}, high={self.high}")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0


class Uniform(Strict):
    """Uniform between `low` and `high`."""

    kind: Literal["uniform"] = Field(description="Names this distribution.")
    low: NonNegativeFloat = Field(description="Smallest value, in the unit of the quantity described.")
    high: PositiveFloat = Field(description="Largest value, in the unit of the quantity described.")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low >= self.high:
            raise ValueError(f"need low < high, got low={self.low}, high={self.high}")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2.0


Dist = Annotated[
    Fixed | Exponential | Lognormal | Triangular | Uniform,
    Field(discriminator="kind"),
]
