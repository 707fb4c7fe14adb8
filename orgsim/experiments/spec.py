"""Experiment files: which scenario, which operating models, which levers, what is uncertain.

Levers are settings a team can choose (a forum's cadence, a team's size, a planning
overhead target; the operating model itself is one, listed under `models`);
uncertainties are facts of the world nobody chooses (demand, rework odds). Levers are
always run as a full grid of their values, crossed with the design that samples the
uncertainties, so every setting gets its own answer. Both are any number in the
scenario or in the operating models, addressed by its dotted path:

- `demand.ics_rate_per_week`, `organisations.NHSD.teams.digital`: the scenario;
- `model.planning_overhead.TD`: every compared operating model that has that path;
- `models.<model name>.forums.business_planning.cadence_weeks`: one model.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field, NonNegativeInt, PositiveInt, model_validator

from orgsim.config import limits
from orgsim.config.common import PositiveFloat, Strict, Weeks

OUTCOMES = (  # the columns of `orgsim.metrics.table.flat`, in reading order (a test checks)
    "needs_met", "new_capabilities",
    "decision_latency_mean", "decision_latency_median", "decision_latency_p90",
    "decision_latency_ungated_share",
    "lead_time_mean", "lead_time_median", "lead_time_p90",
    "lead_time_forum_wait", "lead_time_staff_wait", "lead_time_work", "lead_time_rework",
    "lead_time_handoff_delay", "lead_time_duplicate_wait", "lead_time_funding_wait",
    "lead_time_other",
    "time_in_system_mean", "time_in_system_median", "time_in_system_p90",
    "delivered", "reused", "duplication_rate", "duplicates_built", "duplicates_avoided",
    "hidden_work_share", "wip", "handoffs_per_item", "rework_share", "utilisation", "benefit",
    "rejected", "arrived", "in_system", "decision_latency_n", "lead_time_n", "time_in_system_n",
    "staff_cost_per_year", "cost_per_need_met", "duplicate_build_cost", "envelope_unspent_share",
    "round_money_share",
)
Outcome = Literal[OUTCOMES]  # type: ignore[valid-type]


class _Ranged(Strict):
    """A range (`low`, `high`) or a list of `values`: exactly one of the two forms."""

    low: float | None
    high: float | None
    values: list[float] | None

    @model_validator(mode="after")
    def _one_form(self) -> _Ranged:
        ranged = self.low is not None or self.high is not None
        if ranged == (self.values is not None):
            raise ValueError("give either low and high, or values")
        if ranged and (self.low is None or self.high is None or self.low >= self.high):
            raise ValueError(f"need low < high, got low={self.low}, high={self.high}")
        if self.values is not None and not self.values:
            raise ValueError("values must not be empty")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        if self.values is not None:
            return min(self.values), max(self.values)
        assert self.low is not None and self.high is not None
        return self.low, self.high


class Uncertainty(_Ranged):
    """A range (`low`, `high`) or a list of `values` for one number."""

    low: float | None = Field(None, description="Smallest value (ranges).")
    high: float | None = Field(None, description="Largest value (ranges).")
    values: list[float] | None = Field(None, description="Explicit values (grid designs).")
    source: str = Field("", description="Why this range: a source's short name and locator "
                        "(docs/sources.md) or 'assumption: ...'.")


class Lever(_Ranged):
    """The settings of one lever: a list of `values`, or a range (`low`, `high`) gridded at
    `design.levels` points."""

    values: list[float] | None = Field(None, description="The settings to try.")
    low: float | None = Field(None, description="Smallest setting (ranges).")
    high: float | None = Field(None, description="Largest setting (ranges).")
    label: str = Field("", description="The lever in words, for tables and plots, e.g. "
                       "'NHSD digital team (people)'.")
    source: str = Field("", description="Optional: why these settings.")

    def grid(self, levels: int) -> list[float]:
        """The settings in ascending order, each once."""
        if self.values is not None:
            return sorted(set(self.values))
        assert self.low is not None and self.high is not None
        return sorted({float(v) for v in _linspace(self.low, self.high, levels)})


def _linspace(low: float, high: float, n: int) -> list[float]:
    return [low + (high - low) * i / (n - 1) for i in range(n)]


class Threshold(Strict):
    """A level an outcome must stay under (`below`) or reach over (`above`) to satisfice."""

    below: float | None = Field(None, description="The outcome must be below this value.")
    above: float | None = Field(None, description="The outcome must be above this value.")

    @model_validator(mode="after")
    def _one_side(self) -> Threshold:
        if (self.below is None) == (self.above is None):
            raise ValueError("give either below or above")
        return self

    def met(self, value: float) -> bool:
        """Whether `value` meets the threshold (a missing value, NaN, does not)."""
        return value < self.below if self.below is not None else value > self.above  # type: ignore[operator]


class Design(Strict):
    """How the uncertainty space is sampled."""

    kind: Literal["single", "grid", "lhs", "morris", "sobol"] = Field(
        "single", description="single: the scenario as it is; grid: full factorial; lhs: Latin "
        "hypercube; morris and sobol: samples for sensitivity analysis (SALib).")
    samples: PositiveInt = Field(16, description="lhs: points; morris: trajectories; sobol: base samples N.")
    levels: Annotated[int, Field(ge=2)] = Field(4, description="grid: points per range; morris: grid levels.")


class Experiment(Strict):
    """A whole experiment file."""

    name: str = Field(description="Short name, used for the results folder.")
    description: str = Field("", description="Free text, shown in the report.")
    scenario: str = Field(description="Scenario file, relative to this file.")
    models: list[str] = Field(min_length=1, description="Operating models compared (the operating "
                              "model is itself a lever).")
    compare: tuple[str, str] | None = Field(
        None, description="The pair whose difference (first minus second) sensitivity and robustness "
        "analyse; default: the first two models.")
    uncertainties: dict[str, Uncertainty] = Field(default_factory=dict, description="Uncertain numbers by path; or `{from: PATH}`, a calibrated ensemble (ensemble.parquet of `orgsim calibrate`) that each replication draws one parameter set from.")
    ensemble: str | None = Field(None, description="Set by `uncertainties: {from: PATH}`: the calibrated ensemble, relative to this file.")
    levers: dict[str, Lever] = Field(default_factory=dict, description="Settings a team can choose, "
                                     "by path: `{values: [...]}` or `{low, high}`, with a `label`; "
                                     "always run as a full grid, crossed with the design.")
    baseline: dict[str, float] = Field(default_factory=dict, description="Today's setting of each "
                                       "lever, by path (default: the scenario's or model's own value); "
                                       "added to the grid if not among the lever's values.")
    design: Design = Field(default_factory=Design, description="How the uncertainties are sampled.")
    replications: PositiveInt = Field(10, description="Seeds per design point; every model sees the same seeds.")
    seed: NonNegativeInt = Field(0, description="Root of numpy.random.SeedSequence for seeds and designs.")
    horizon_weeks: PositiveFloat | None = Field(None, description="Overrides the scenario's horizon.")
    warmup_weeks: Weeks | None = Field(None, description="Overrides the scenario's warm-up.")
    outcomes: list[Outcome] = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["needs_met", "new_capabilities", "decision_latency_mean",
                                 "lead_time_mean", "duplication_rate", "benefit"],
        description="Outcomes of interest, shown first in summaries and the report.")
    satisficing: dict[Outcome, Threshold] = Field(  # type: ignore[valid-type]
        default_factory=dict, description="Thresholds a model must meet together to satisfice, e.g. "
        "{decision_latency_mean: {below: 8}, needs_met: {above: 55}}; the robustness tables give the "
        "share of scenarios in which each model meets them all.")

    @model_validator(mode="before")
    @classmethod
    def _from_ensemble(cls, data: Any) -> Any:
        """`uncertainties: {from: PATH}` draws from a calibrated ensemble instead of ranges."""
        if isinstance(data, dict) and isinstance(u := data.get("uncertainties"), dict) and "from" in u:
            if len(u) > 1:
                raise ValueError("uncertainties: give either {from: PATH} or ranges, not both")
            return {**data, "uncertainties": {}, "ensemble": u["from"]}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Experiment:
        for i, name in enumerate(self.models):
            if name in self.models[:i]:
                raise ValueError(f"models: {name!r} is listed twice")
        if self.ensemble is not None and self.design.kind != "single":
            raise ValueError("uncertainties from an ensemble: each replication draws one parameter set; "
                             f"design {self.design.kind!r} needs ranges instead")
        for name in self.compare or ():
            if name not in self.models:
                raise ValueError(f"compare: {name!r} is not one of models {self.models}")
        self._levers_apart()
        if self.design.kind not in ("single", "grid") or not self.levers:
            if self.design.kind != "single" and not self.uncertainties:
                raise ValueError(f"design {self.design.kind!r} needs at least one uncertainty")
        if self.design.kind == "single" and self.uncertainties:
            n = len(self.uncertainties)
            raise ValueError(
                f"uncertainties: {n} uncertain number{'s' if n > 1 else ''} but design 'single' (the "
                "default) runs the scenario as it is and would ignore them; add `design: {kind: grid}` "
                "(or lhs, morris, sobol) to sample them, or list settings a team chooses under "
                "`levers:`")
        if self.design.kind in ("lhs", "morris", "sobol"):
            for path, u in self.uncertainties.items():
                if u.values is not None:
                    raise ValueError(f"uncertainties.{path}: {self.design.kind} designs need low and high")
        if self.horizon_weeks is not None and self.horizon_weeks > limits.MAX_HORIZON_WEEKS:
            raise ValueError(limits.too_long(self.horizon_weeks))
        self._fits()
        return self

    def _levers_apart(self) -> None:
        for path in self.levers:
            if path in self.uncertainties:
                raise ValueError(f"levers: {path} is also an uncertainty; a number is either chosen "
                                 "(a lever) or a fact of the world (an uncertainty), not both")
        for path in self.baseline:
            if path not in self.levers:
                raise ValueError(f"baseline: {path} is not one of the levers "
                                 f"({', '.join(self.levers) or 'there are none'})")

    def settings_count(self) -> int:
        """Lever settings (the grid of their values, before any baseline is added)."""
        return math.prod(len(lever.grid(self.design.levels)) for lever in self.levers.values())

    def design_points(self) -> int:
        """How many design points (settings x scenarios) the design makes, counted without making them."""
        return self.settings_count() * self.scenarios_count()

    def scenarios_count(self) -> int:
        """Points of the uncertainty design."""
        k, n = len(self.uncertainties), self.design.samples
        if self.design.kind == "grid":
            return math.prod(len(u.values) if u.values is not None else self.design.levels
                             for u in self.uncertainties.values())
        return {"single": 1, "lhs": n, "morris": n * (k + 1), "sobol": n * (k + 2)}[self.design.kind]

    def _fits(self) -> None:
        runs = self.design_points() * self.replications * len(self.models)
        if runs > limits.MAX_RUNS:
            key = "replications" if self.replications > limits.MAX_RUNS // len(self.models) else "design"
            counts = [limits.count(self.design_points(), "design point"),
                      limits.count(self.replications, "replication"), limits.count(len(self.models), "model")]
            raise ValueError(limits.too_big(f"{key}: the experiment ({' x '.join(counts)})", runs,
                                            limits.MAX_RUNS, "runs"))

    @property
    def pair(self) -> tuple[str, str] | None:
        if self.compare is not None:
            return self.compare
        return (self.models[0], self.models[1]) if len(self.models) > 1 else None
