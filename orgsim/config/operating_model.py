"""Operating model schema: a composition of the generic mechanisms in `orgsim/mechanisms`.

A route is a list of steps, each a one-key mapping naming its mechanism:
`check` (duplicate detection), `gate` (decision forum), `stage` (work),
`handoff` (between organisations) or `use` (the steps of a named segment).
Unit names may be `origin`, the unit that raised the initiative.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, NonNegativeInt, PositiveInt, Tag

from orgsim.config.common import NonNegativeFloat, PositiveFloat, Probability, Strict, Weeks
from orgsim.config.evidence import Evidence
from orgsim.config.scenario import Funding, UnitKind

ORIGIN = "origin"
ALL_ICS = "ICS*"


class Merge(Strict):
    """A new unit formed from the whole of existing ones (they cease to exist)."""

    units: list[str] = Field(min_length=1, description="Units merged into the new one.")
    kind: UnitKind = Field("directorate", description="Kind of the new unit.")


class Transfer(Strict):
    """Moves a share of one unit's staff to others; headcount is conserved."""

    model_config = Strict.model_config | {"populate_by_name": True}

    source: str = Field(alias="from", description="Unit giving staff.")
    to: str = Field(description=f"Unit receiving staff, or `{ALL_ICS}` to split among all ICSs.")
    share: Annotated[float, Field(gt=0.0, le=1.0)] = Field(description="Share of each function's headcount moved.")
    functions: list[str] | None = Field(None, description="Functions moved (all when omitted).")


class Structure(Strict):
    """How the scenario's units are rearranged under this operating model."""

    merge: dict[str, Merge] = Field(default_factory=dict, description="New units made by merging others.")
    transfers: list[Transfer] = Field(default_factory=list, description="Staff moves, applied after merges, in order.")


class ServiceTeams(Strict):
    """Persistent multi-disciplinary teams carved out of a unit's staff (wade-gery-2021, Rec. 5, Transformation Factory)."""

    unit: str = Field(description="Unit whose staff form the teams.")
    count: PositiveInt = Field(description="Number of teams.")
    size: dict[str, PositiveInt] = Field(description="People per team by function.")
    wip_limit: PositiveInt = Field(1, description="Initiatives a team works on at once (each at 1/wip_limit of its pace).")


class Portfolio(Strict):
    """A portfolio shared by several units: what each can see when checking for duplicates."""

    units: list[str] = Field(min_length=1, description=f"Units that see this portfolio (`{ALL_ICS}` for all ICSs).")
    p_detect: Probability = Field(description="Probability a duplicate in the portfolio is noticed.")


class Forum(Strict):
    """A decision forum (board, committee, planning cycle)."""

    unit: str = Field(description="Unit that holds the forum.")
    cadence_weeks: PositiveFloat = Field(description="Weeks between meetings.")
    offset_weeks: Weeks = Field(0.0, description="Week of the first meeting.")
    capacity: PositiveInt = Field(description="Most items decided per meeting; the rest wait.")
    p_approve: Probability = Field(description="Probability an item is approved at a meeting.")
    max_deferrals: NonNegativeInt = Field(2, description="Deferrals before an item is rejected.")
    source: str = Field("", description="Where the setting comes from.")


class Handoff(Strict):
    """Cost of passing an initiative between organisations."""

    delay_weeks: Weeks = Field(2.0, description="Fixed delay (writing the commission, agreeing service levels).")
    p_rework: Probability = Field(0.3, description="Probability the receiver misreads the need.")
    rework_fraction: NonNegativeFloat = Field(0.25, description="Share of the next stage's effort done again on rework.")


class CheckStep(Strict):
    """Duplicate detection in the portfolio seen by `check`'s unit."""

    check: str = Field(description="Unit whose view is checked (`origin` allowed).")
    reuse_function: str = Field("digital", description="Function of the origin that adopts a detected duplicate.")
    reuse_share: NonNegativeFloat = Field(0.1, description="Adoption effort as a share of the initiative's total effort.")


class GateStep(Strict):
    """Wait for a decision forum's approval."""

    gate: str = Field(description="Name of a forum.")


class StageSpec(Strict):
    """Work by one unit on some functions' effort."""

    unit: str = Field(description="Unit doing the work (`origin` allowed).")
    functions: list[str] | Literal["all"] = Field("all", description="Effort functions worked in this stage.")
    share: Annotated[float, Field(gt=0.0, le=1.0)] = Field(1.0, description="Share of those functions' effort done here.")
    kind: Literal["assess", "build"] = Field("build", description="build stages are delivery effort.")
    staff: PositiveInt = Field(1, description="People assigned per function (function teams).")
    service_team: str | None = Field(None, description="Do the work in one of these service teams instead.")
    label: str = Field("", description="Name shown in logs (default: unit and kind).")


class StageStep(Strict):
    """Do work (see StageSpec)."""

    stage: StageSpec = Field(description="Who does which work.")


class HandoffSpec(Strict):
    """Pass the initiative to another unit (no effect when it is already there)."""

    to: str = Field(description="Receiving unit (`origin` allowed).")
    delay_weeks: Weeks | None = Field(None, description="Overrides handoff.delay_weeks (weeks).")
    p_rework: Probability | None = Field(None, description="Overrides handoff.p_rework.")
    rework_fraction: NonNegativeFloat | None = Field(None, description="Overrides handoff.rework_fraction.")


class HandoffStep(Strict):
    """Pass the initiative on (see HandoffSpec)."""

    handoff: HandoffSpec = Field(description="Receiver and costs.")


class UseStep(Strict):
    """Include the steps of a named segment."""

    use: str = Field(description="Name of a segment whose steps go here.")


STEP_KINDS = ("check", "gate", "stage", "handoff", "use")


def _step_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        found = [k for k in STEP_KINDS if k in value]
        return found[0] if len(found) == 1 else None
    return next((k for k in STEP_KINDS if hasattr(value, k)), None)


Step = Annotated[
    Annotated[CheckStep, Tag("check")] | Annotated[GateStep, Tag("gate")] | Annotated[StageStep, Tag("stage")] | Annotated[HandoffStep, Tag("handoff")] | Annotated[UseStep, Tag("use")],
    Discriminator(
        _step_kind,
        custom_error_type="step_kind",
        custom_error_message="a step needs exactly one of: " + ", ".join(STEP_KINDS),
    ),
]


class When(Strict):
    """Conditions an initiative must meet for a route to apply (all that are given)."""

    national_candidate: bool | None = Field(None, description="Match 'do it once' candidates (true) or not (false).")
    funding: Funding | None = Field(None, description="Match revenue or capital.")
    origin_kind: Literal["ics", "national"] | None = Field(None, description="Raised by an ICS or a national body.")
    origins: list[str] | None = Field(None, description="Raised by one of these scenario units.")
    priority: bool | None = Field(None, description="Match priority items.")
    themes: list[str] | None = Field(None, description="Match these themes only.")
    max_effort: PositiveFloat | None = Field(None, description="Match items of at most this many person-weeks.")


class Route(Strict):
    """A path through the organisation; the first route whose `when` matches is taken."""

    name: str = Field(description="Name shown in logs.")
    when: When = Field(default_factory=When, description="Conditions (none: matches everything).")
    scope: Literal["national", "local"] = Field("national", description="national products are adopted by every ICS; local ones benefit the origin.")
    steps: list[Step] = Field(min_length=1, description="Steps in order.")


class OperatingModel(Strict):
    """A whole operating model file."""

    name: str = Field(description="Name used on the command line and in results.")
    description: str = Field("", description="Free text.")
    source: str = Field("", description="Which seed document and passage it follows.")
    extends: str | None = Field(None, description="Start from another operating model and override keys.")
    structure: Structure = Field(default_factory=Structure, description="Merges and staff transfers.")
    service_teams: dict[str, ServiceTeams] = Field(default_factory=dict, description="Multi-disciplinary team sets by name.")
    planning_overhead: dict[str, Probability] = Field(
        default_factory=dict, description="Share of capacity spent on planning, by unit (`*`: every unit, `ICS*`: ICSs).")
    portfolios: dict[str, Portfolio] = Field(default_factory=dict, description="Shared portfolios; other units see only their own.")
    own_p_detect: Probability = Field(0.9, description="Probability a unit notices a duplicate in its own (unshared) portfolio.")
    forums: dict[str, Forum] = Field(default_factory=dict, description="Decision forums by name.")
    handoff: Handoff = Field(default_factory=Handoff, description="Default handoff costs.")
    segments: dict[str, list[Step]] = Field(default_factory=dict, description="Named step lists for `use`.")
    prepend_routes: list[Route] = Field(default_factory=list, description="Routes tried before `routes` (handy with `extends`).")
    routes: list[Route] = Field(min_length=1, description="Routes in order; the last must match everything.")
    evidence: dict[str, Evidence] = Field(default_factory=dict, description="What each number rests on, by dotted path (`*`: one key, `**`: any); see `orgsim evidence`.")
