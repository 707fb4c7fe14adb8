"""Scenario schema: organisations, themes, demand, horizon. No operating model here."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, NonNegativeInt, PositiveInt, model_validator

from orgsim.config import limits
from orgsim.config.common import (
    Dist,
    NonNegativeFloat,
    PositiveFloat,
    Probability,
    Strict,
    Weeks,
)
from orgsim.config.evidence import Evidence
from orgsim.config.money import Money
from orgsim.config.timeline import Intervention

UnitKind = Literal["national_body", "directorate", "factory", "ics", "funder"]
Funding = Literal["revenue", "capital"]


class Organisation(Strict):
    """One organisation unit of the scenario (an agent)."""

    kind: UnitKind = Field(description="What sort of body this is.")
    teams: dict[str, NonNegativeInt] = Field(
        description="Headcount by function (strategy, clinical, operational, digital, data, ...).")
    maturity: Probability = Field(0.5, description="Digital maturity in [0, 1] (ICSs; growing-pains-2021).")
    description: str = Field("", description="Free text, shown in reports.")


class ICSTemplate(Strict):
    """The Integrated Care Systems, generated from one template."""

    count: NonNegativeInt = Field(42, description="How many ICSs.")
    prefix: str = Field("ICS", description="Name prefix: ICS01, ICS02, ...")
    teams: dict[str, NonNegativeInt] = Field(description="Headcount by function in each ICS.")
    maturity_low: Probability = Field(0.25, description="Maturity of the least mature ICS.")
    maturity_high: Probability = Field(0.35, description="Maturity of the most mature ICS; the rest are evenly spread.")

    @model_validator(mode="after")
    def _ordered(self) -> ICSTemplate:
        if self.maturity_low > self.maturity_high:
            raise ValueError("maturity_low must not exceed maturity_high")
        return self


class Theme(Strict):
    """A kind of transformation work; initiatives of one theme and variant build the same thing."""

    weight: PositiveFloat = Field(1.0, description="Relative frequency among arrivals.")
    variants: PositiveInt = Field(3, description="Distinct capabilities within the theme; capability_key = theme/variant.")
    p_national: Probability = Field(description="Probability an initiative is a 'do it once' national candidate (wade-gery-2021, Rec. 4).")
    p_capital: Probability = Field(0.2, description="Probability the initiative is capital-funded (wade-gery-2021, current position 2).")
    effort_scale: PositiveFloat = Field(1.0, description="Multiplies the demand's effort distributions.")
    value_per_week: Dist = Field(description="Benefit per benefiting ICS per week once live (arbitrary benefit units).")
    source: str = Field("", description="Where this theme comes from.")


class ScheduledInitiative(Strict):
    """One initiative given explicitly (tiny hand-checked scenarios, workshop scripts)."""

    week: Weeks = Field(description="Arrival week.")
    origin: str = Field(description="Unit that raises it.")
    theme: str = Field(description="Theme name from `themes`.")
    variant: NonNegativeInt = Field(0, description="Variant within the theme.")
    effort: dict[str, NonNegativeFloat] = Field(description="Person-weeks by function.")
    value_per_week: NonNegativeFloat = Field(0.0, description="Benefit units per week once live.")
    national_candidate: bool = Field(False, description="Whether 'do it once' applies.")
    funding: Funding = Field("revenue", description="revenue or capital.")
    priority: bool = Field(False, description="A priority item (pandemic cells skip gates for these).")


class Demand(Strict):
    """How initiatives arrive. Generated before the operating model acts, from its own stream."""

    generate: bool = Field(True, description="Generate Poisson arrivals (false: only `schedule`).")
    ics_rate_per_week: NonNegativeFloat = Field(0.1, description="Arrivals per week raised by each ICS.")
    national_rate_per_week: NonNegativeFloat = Field(0.5, description="Arrivals per week raised by national bodies.")
    national_origins: dict[str, PositiveFloat] = Field(
        default_factory=dict, description="Which national units raise national arrivals, with relative weights.")
    effort: dict[str, Dist] = Field(description="Person-weeks by function for one initiative, before the theme's effort_scale.")
    p_priority: Probability = Field(0.1, description="Share of initiatives that are priorities.")
    capability_lifetime_weeks: PositiveFloat | None = Field(
        None, description="Weeks a capability stays in demand: the variants asked for slide on by "
        "one theme's worth every lifetime, so needs evolve and old products stop being asked for "
        "(none: a fixed catalogue that fills up).")
    schedule: list[ScheduledInitiative] = Field(default_factory=list, description="Explicit initiatives, added to generated ones.")


class Adoption(Strict):
    """How delivered national products spread to ICSs (orgsim/mechanisms/adoption.py)."""

    min_weeks: Weeks = Field(4.0, description="Adoption lag of a fully mature ICS (weeks).")
    max_weeks: Weeks = Field(52.0, description="Adoption lag of an ICS with maturity 0 (weeks).")
    maturity_gain: Probability = Field(0.0005, description="Maturity an ICS gains per adopted product (capped at 1).")

    @model_validator(mode="after")
    def _ordered(self) -> Adoption:
        if self.min_weeks > self.max_weeks:
            raise ValueError("min_weeks must not exceed max_weeks")
        return self


class Scale(Strict):
    """What the headcounts and effort stand for in people and money.

    Team headcounts count units of `people_per_unit` people each, and effort is in
    unit-weeks: people = units x people_per_unit and person-weeks = unit-weeks x
    people_per_unit. The simulation works in units, so the scale changes no result:
    it says how many people a run describes and what they cost.
    """

    people_per_unit: PositiveFloat = Field(1.0, description="People behind one unit of a team's "
                                           "headcount (and person-weeks behind one unit-week of effort).")
    cost_per_person_year: NonNegativeFloat | None = Field(
        None, description="Staff cost of one person for a year, in pounds (none: not stated).")


class Scenario(Strict):
    """A whole scenario file."""

    name: str = Field(description="Short name, used in output folders.")
    description: str = Field("", description="Free text.")
    horizon_weeks: PositiveFloat = Field(description="Length of a run in weeks.")
    warmup_weeks: Weeks = Field(0.0, description="End of the warm-up: arrivals before this week are excluded from per-item metrics and rates; time averages run from it.")
    seed: NonNegativeInt = Field(0, description="Root seed of numpy.random.SeedSequence.")
    sample_every_weeks: PositiveFloat = Field(1.0, description="Interval of the time series (weeks).")
    organisations: dict[str, Organisation] = Field(description="National bodies and other units by name.")
    ics: ICSTemplate | None = Field(None, description="Template for the ICSs (omit for none).")
    themes: dict[str, Theme] = Field(description="Theme catalogue.")
    demand: Demand = Field(description="Arrivals.")
    adoption: Adoption = Field(default_factory=Adoption, description="Spread of national products.")
    operating_models: list[str] = Field(default_factory=list, description="Operating models run by default.")
    operating_models_dir: str = Field("operating_models", description="Folder of operating model files, relative to this file.")
    timeline: list[Intervention] = Field(default_factory=list, description="Interventions played into every run, in week order (workshops).")
    money: Money | None = Field(None, description="Funding streams, rounds and costs (none: the run has no money in it).")
    scale: Scale = Field(default_factory=Scale, description="People and pounds behind the headcounts (changes no result).")
    evidence: dict[str, Evidence] = Field(default_factory=dict, description="What each number rests on, by dotted path (`*`: one key, `**`: any); see `orgsim evidence`.")

    @model_validator(mode="after")
    def _window(self) -> Scenario:
        if self.horizon_weeks > limits.MAX_HORIZON_WEEKS:
            raise ValueError(limits.too_long(self.horizon_weeks))
        if self.warmup_weeks >= self.horizon_weeks:
            raise ValueError(f"warmup_weeks ({self.warmup_weeks:g}) must be below horizon_weeks ({self.horizon_weeks:g})")
        samples = self.horizon_weeks / self.sample_every_weeks
        if samples > limits.MAX_SAMPLES:
            raise ValueError(limits.too_big("sample_every_weeks: the weekly series (horizon_weeks / sample_every_weeks)",
                                            samples, limits.MAX_SAMPLES, "rows"))
        ics = self.ics.count if self.ics is not None else 0
        if ics > limits.MAX_ICS:
            raise ValueError(limits.too_big("ics: the number of ICSs", ics, limits.MAX_ICS, "ICSs"))
        if self.demand.generate:
            expected = self.horizon_weeks * (self.demand.ics_rate_per_week * ics + self.demand.national_rate_per_week)
            if expected > limits.MAX_ARRIVALS:
                raise ValueError(limits.too_big("demand: the expected number of arrivals in a run (horizon_weeks x "
                                                "(ics_rate_per_week x ICSs + national_rate_per_week))",
                                                expected, limits.MAX_ARRIVALS, "initiatives"))
        for i, name in enumerate(self.operating_models):
            if name in self.operating_models[:i]:
                raise ValueError(f"operating_models: {name!r} is listed twice")
        return self

    def unit_names(self) -> list[str]:
        """Every unit of the scenario, national bodies first, then ICSs."""
        return list(self.organisations) + self.ics_names()

    def ics_names(self) -> list[str]:
        if self.ics is None:
            return []
        width = max(2, len(str(self.ics.count)))
        return [f"{self.ics.prefix}{i + 1:0{width}d}" for i in range(self.ics.count)]
