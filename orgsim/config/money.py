"""Money in a scenario: funding streams, funding rounds, who pays for what, and what people cost.

Money is optional. A scenario without a `money` block runs exactly as before; one
with only `staff_cost_per_person_week` (or an empty block, when `scale.cost_per_person_year`
gives the cost of a person) gets cost outcomes and nothing else changes; staff are
priced per unit-week of headcount, the cost of a person-week times `scale.people_per_unit`;
funding streams and `pay` rules make initiatives wait for money before delivery.

Financial years run April to March: the first one in a run begins at
`financial_year_start_week` (a week of the simulation) and each lasts
`YEAR_WEEKS` weeks. A run that starts part way through a financial year gets
that year's envelope pro rata.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveInt, model_validator

from orgsim.config.common import Dist, NonNegativeFloat, PositiveFloat, Probability, Strict, Weeks

Funding = Literal["revenue", "capital"]
YEAR_WEEKS = 52.0
ALL_ICS = "ICS*"
ANY_UNIT = "*"


class FundingStream(Strict):
    """A pot of money with an annual envelope, held by a unit (or by each ICS)."""

    holder: str = Field(description=f"Scenario unit holding the money, or `{ALL_ICS}`: each ICS holds an envelope of its own.")
    kind: Funding = Field(description="revenue or capital (wade-gery-2021, current position 2).")
    envelope: NonNegativeFloat = Field(description="Pounds given at the start of each financial year (to each holder).")
    year_end: Literal["lapse", "carry_over"] = Field("lapse", description="What happens to money unspent at the end of a financial year.")
    round: str | None = Field(None, description="Money from this stream is awarded only through this funding round (`rounds`).")
    source: str = Field("", description="Where the setting comes from.")


class FundingRound(Strict):
    """A bidding round: bids collected in a window, decided at an award date, money released after a lag.

    Round k's window opens at `opens_week + k * interval_weeks` and stays open
    `window_weeks`; a bid made when no window is open waits for the next one. Its
    bids are decided `award_weeks` after the window opens, each funded with
    `p_funded` (while the stream has the money); money reaches a funded bid
    `lag_weeks` after the award. A refused bid is made again at the next round
    until it has bid `max_bids` times.
    """

    interval_weeks: PositiveFloat = Field(description="Weeks between rounds.")
    opens_week: Weeks = Field(0.0, description="Week the first round's window opens.")
    window_weeks: PositiveFloat | None = Field(None, description="Weeks a window stays open (default: the whole interval).")
    award_weeks: Weeks | None = Field(None, description="Weeks from a window's opening to its award date (default: its close).")
    lag_weeks: Weeks = Field(0.0, description="Weeks from the award date to the money being released.")
    p_funded: Probability = Field(description="Probability a bid is funded at an award.")
    max_bids: PositiveInt = Field(1, description="Bids an item makes in all before it gives up.")
    source: str = Field("", description="Where the setting comes from.")

    @model_validator(mode="after")
    def _ordered(self) -> FundingRound:
        if self.window_weeks is not None and self.window_weeks > self.interval_weeks:
            raise ValueError(f"window_weeks ({self.window_weeks:g}) must not exceed interval_weeks "
                             f"({self.interval_weeks:g})")
        if self.award_weeks is not None and self.award_weeks < self.window:
            raise ValueError(f"award_weeks ({self.award_weeks:g}) must not come before the window "
                             f"closes ({self.window:g} weeks after it opens)")
        return self

    @property
    def window(self) -> float:
        return self.interval_weeks if self.window_weeks is None else self.window_weeks

    @property
    def award(self) -> float:
        return self.window if self.award_weeks is None else self.award_weeks


class PayWhen(Strict):
    """Conditions an initiative must meet for a pay rule to apply (all that are given)."""

    scope: Literal["national", "local"] | None = Field(None, description="The scope of the route it takes.")
    funding: Funding | None = Field(None, description="revenue or capital.")
    origin_kind: Literal["ics", "national"] | None = Field(None, description="Raised by an ICS or a national body.")
    national_candidate: bool | None = Field(None, description="'Do it once' candidates (true) or not (false).")
    priority: bool | None = Field(None, description="Priority items.")
    themes: list[str] | None = Field(None, description="These themes only.")


class PayRule(Strict):
    """Which stream pays for an initiative's delivery; the first rule that matches applies."""

    when: PayWhen = Field(default_factory=PayWhen, description="Conditions (none: every initiative).")
    stream: str = Field(description="Stream that pays.")
    wait_for_round: str | None = Field(None, description="A round the paying unit may bid to first, hoping for other money.")
    p_wait_for_round: Probability = Field(0.0, description="Probability the board bids to `wait_for_round` instead of paying at once; "
                                          "a refused bid is then paid from `stream` (boyd-2020: local boards delay investment "
                                          "hoping national money will come).")

    @model_validator(mode="after")
    def _paired(self) -> PayRule:
        if self.p_wait_for_round > 0 and self.wait_for_round is None:
            raise ValueError("p_wait_for_round needs wait_for_round")
        return self


class Money(Strict):
    """Funding streams, rounds and costs (orgsim/mechanisms/money.py)."""

    financial_year_start_week: Weeks = Field(0.0, description="Week of the simulation on which a financial year (1 April) "
                                             f"begins; years last {YEAR_WEEKS:g} weeks.")
    staff_cost_per_person_week: dict[str, NonNegativeFloat] = Field(
        default_factory=dict, description=f"Pounds per person-week by scenario unit (`{ALL_ICS}`: every ICS; `{ANY_UNIT}`: any unit "
        "not named; default for a unit not priced: scale.cost_per_person_year / 52). A unit-week of headcount costs this "
        "times scale.people_per_unit. A unit formed by a merger costs the headcount-weighted mean of the units it absorbed.")
    non_staff_cost: dict[str, Dist] = Field(
        default_factory=dict, description="Pounds per initiative beyond staff time, by theme (`*`: any theme not named), "
        "drawn before the operating model acts.")
    streams: dict[str, FundingStream] = Field(default_factory=dict, description="Funding streams by name.")
    rounds: dict[str, FundingRound] = Field(default_factory=dict, description="Funding rounds by name.")
    pay: list[PayRule] = Field(default_factory=list, description="Which stream pays for which initiatives; items no rule "
                               "matches need no money.")


class MoneyChange(Strict):
    """A funding stream changes: its envelope from the next financial year, or where its items are paid from."""

    stream: str = Field(description="Funding stream of the scenario's `money`.")
    envelope: NonNegativeFloat | None = Field(None, description="New annual envelope, from the next financial year.")
    pay_from: str | None = Field(None, description="From now on, items the pay rules send to `stream` are paid from this "
                                 "stream instead (items raised nationally keep their stream when it is held by each ICS).")

    @model_validator(mode="after")
    def _something(self) -> MoneyChange:
        if self.envelope is None and self.pay_from is None:
            raise ValueError("give envelope, pay_from or both")
        return self
