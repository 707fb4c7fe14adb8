"""Scenario timelines: interventions a workshop plays into a run, each at a week.

Each entry does exactly one thing. Names (forums, units, teams) refer to the
operating model in force at that week: the run's own, or the last one switched
to. A switch rebuilds the organisation from the scenario under the new model,
so earlier staff, funding and cadence changes do not carry across it.
"""

from __future__ import annotations

from pydantic import Field, PositiveInt, model_validator

from orgsim.config.common import NonNegativeFloat, PositiveFloat, Probability, Strict, Weeks
from orgsim.config.money import MoneyChange


class SwitchModel(Strict):
    """A reorganisation: the run carries on under another operating model (orgsim/mechanisms/interventions.py)."""

    to: str = Field(description="Operating model switched to (a name or a .yaml path, found as for --model).")
    dip: Probability = Field(0.0, description="Share of productivity lost while the reorganisation absorbs "
                             "management attention (healthcareitnews-2020); work started during the dip goes this much slower.")
    duration_weeks: Weeks = Field(0.0, description="How long the dip lasts (weeks).")


class DemandChange(Strict):
    """A surge or a lull: arrivals of the chosen themes and origins scaled for a while.

    A surge adds arrivals drawn from the intervention's own random stream; a lull
    drops each baseline arrival with probability 1 - factor, also from that
    stream. The baseline's initiatives are otherwise untouched, so a run with the
    change stays paired with the run without it.
    """

    factor: NonNegativeFloat = Field(description="Arrival rate multiplier: 2 doubles demand, 0.5 halves it, 0 stops it.")
    duration_weeks: PositiveFloat | None = Field(None, description="How long it lasts (weeks; none: to the horizon).")
    themes: list[str] | None = Field(None, description="Only these themes (none: all).")
    origins: list[str] | None = Field(None, description="Only arrivals raised by these units; `ICS*` for every ICS (none: all).")


class FundingChange(Strict):
    """Money for a decision forum changes: its approval probability and/or its capacity."""

    forum: str = Field(description="Forum of the operating model in force.")
    p_approve: Probability | None = Field(None, description="New probability of approval at a meeting.")
    capacity: PositiveInt | None = Field(None, description="New number of items decided per meeting.")

    @model_validator(mode="after")
    def _something(self) -> FundingChange:
        if self.p_approve is None and self.capacity is None:
            raise ValueError("give p_approve, capacity or both")
        return self


class StaffChange(Strict):
    """People join or leave a team. People leave as they finish their work in hand."""

    unit: str = Field(description="Unit of the operating model in force (a scenario unit is followed into the unit that absorbed it).")
    team: str = Field(description="A function (strategy, digital, ...) or a service team of that unit.")
    change: int = Field(description="People added (negative: removed); for a service team, whole teams.")


class CadenceChange(Strict):
    """A forum meets more or less often. The meeting already in the diary is held; later ones follow the new cadence."""

    forum: str = Field(description="Forum of the operating model in force.")
    cadence_weeks: PositiveFloat = Field(description="New weeks between meetings.")


class Intervention(Strict):
    """One entry of the timeline: give `week` and exactly one of the changes."""

    week: Weeks = Field(description="When it happens (weeks from the start; before the horizon).")
    label: str = Field("", description="What the room calls it, shown in replays (default: a description).")
    switch_model: SwitchModel | None = Field(None, description="Reorganise into another operating model.")
    demand: DemandChange | None = Field(None, description="A demand surge or lull.")
    funding: FundingChange | None = Field(None, description="A forum's approval probability or capacity.")
    staff: StaffChange | None = Field(None, description="Add or remove people in a team.")
    cadence: CadenceChange | None = Field(None, description="A forum's cadence.")
    money: MoneyChange | None = Field(None, description="A funding stream's envelope or where its items are paid from.")

    @model_validator(mode="after")
    def _one(self) -> Intervention:
        given = [k for k in CHANGES if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(CHANGES)}; found "
                             f"{', '.join(given) if given else 'none'}")
        return self

    @property
    def change(self) -> str:
        """The name of the one change given."""
        return next(k for k in CHANGES if getattr(self, k) is not None)


CHANGES = ("switch_model", "demand", "funding", "staff", "cadence", "money")
