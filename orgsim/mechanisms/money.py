"""Money: funding streams held by units, financial years, funding rounds, items waiting for money.

An account is one stream's money held by one unit (each ICS has its own account
of a stream held by `ICS*`). At the start of each financial year an account
gets its envelope, after its year-end rule has either lapsed what was left or
carried it over. An item is paid for once, when its delivery is released: the
first pay rule that matches it names the stream. Paying from a stream takes the
money at once if the account has it, otherwise the item waits (first come first
served among the items the money would cover) for the next envelope. A stream
with a round pays only through it: the item bids, waits for the round's award
date, is funded with the round's probability if the stream can pay, and gets
the money after the round's lag; a refused bid is made again at the next round
until the round's `max_bids`. Before paying, a board may bid to another round
hoping for other money (`p_wait_for_round`), and pays itself if refused.
An account never goes below zero and an item is never paid for twice.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from functools import partial
from typing import Any

import simpy

from orgsim.config.money import ALL_ICS, YEAR_WEEKS, FundingRound, Money, MoneyChange, PayRule
from orgsim.config.plan import RoutePlan
from orgsim.domain.initiative import Initiative
from orgsim.domain.records import BID, CARRIED, ENVELOPE, FUNDED, LAPSED, REJECTED, SPENT, UNFUNDED
from orgsim.mechanisms.streams import Uniforms
from orgsim.mechanisms.team import Rec

Proc = Generator[Any, Any, bool]
Account = tuple[str, str]  # (stream, holder)


class Round:
    """One funding round's calendar and the bids waiting for each award."""

    def __init__(self, env: simpy.Environment, name: str, spec: FundingRound, award: Any) -> None:
        self.env, self.name, self.spec = env, name, spec
        self._award = award  # called with (round, bids) on each award date
        self._bids: dict[int, list[tuple[int, float, simpy.Event]]] = {}

    def index(self, now: float) -> int:
        """The first round whose window has not closed at `now` (a bid before a window waits for it)."""
        s = self.spec
        return max(0, math.ceil((now - s.opens_week - s.window) / s.interval_weeks - 1e-12))

    def award_week(self, k: int) -> float:
        s = self.spec
        return s.opens_week + k * s.interval_weeks + s.award

    def submit(self, item: int, price: float) -> simpy.Event:
        """An event that fires on the award date with "funded", "refused" or "no money"."""
        k = self.index(self.env.now)
        decided = self.env.event()
        bids = self._bids.get(k)
        if bids is None:
            bids = self._bids[k] = []
            wait = max(0.0, self.award_week(k) - self.env.now)
            self.env.timeout(wait).callbacks.append(partial(self._decide, k))
        bids.append((item, price, decided))
        return decided

    def _decide(self, k: int, _: simpy.Event) -> None:
        self._award(self, self._bids.pop(k))


class Treasury:
    """Every account of a run, the rounds, and the pay rules (the state of money in a run)."""

    def __init__(self, env: simpy.Environment, money: Money, ics: list[str], rec: Rec,
                 rng: Uniforms, horizon: float, choice: dict[int, float]) -> None:
        self.env, self.money, self.rec, self.rng, self.choice = env, money, rec, rng, choice
        self.envelope = {name: s.envelope for name, s in money.streams.items()}
        self.pay_from: dict[str, str] = {}
        self.balance: dict[Account, float] = {}
        self.queue: dict[Account, list[tuple[int, float, simpy.Event]]] = {}
        for name, s in money.streams.items():
            for holder in (ics if s.holder == ALL_ICS else [s.holder]):
                self.balance[(name, holder)] = 0.0
                self.queue[(name, holder)] = []
        self.rounds = {name: Round(env, name, spec, self._award) for name, spec in money.rounds.items()}
        self.stream_of_round = {s.round: name for name, s in money.streams.items() if s.round is not None}
        self.paid: set[int] = set()
        start = money.financial_year_start_week
        first = start - YEAR_WEEKS * math.ceil(start / YEAR_WEEKS)  # the year under way at week 0
        self._give((first + YEAR_WEEKS - 0.0) / YEAR_WEEKS)
        week = first + YEAR_WEEKS
        while week < horizon:
            env.timeout(week).callbacks.append(self._new_year)
            week += YEAR_WEEKS

    # -- the ledger ----------------------------------------------------------------------------
    def _give(self, share: float) -> None:
        now = self.env.now
        for (stream, holder) in self.balance:
            amount = self.envelope[stream] * share
            self.rec((now, ENVELOPE, -1, holder, stream, amount, ""))
            self.balance[(stream, holder)] += amount

    def _new_year(self, _: simpy.Event) -> None:
        now = self.env.now
        for (stream, holder), left in self.balance.items():
            if self.money.streams[stream].year_end == "lapse":
                self.rec((now, LAPSED, -1, holder, stream, left, ""))
                self.balance[(stream, holder)] = 0.0
            else:
                self.rec((now, CARRIED, -1, holder, stream, left, ""))
        self._give(1.0)
        for account in self.balance:
            self._serve(account)

    def _take(self, item: int, account: Account, price: float) -> bool:
        """Take `price` from `account` if it has it (never below zero); True when taken."""
        if self.balance[account] < price or item in self.paid:
            return False
        self.balance[account] -= price
        self.paid.add(item)
        self.rec((self.env.now, SPENT, item, account[1], account[0], price, ""))
        return True

    def _serve(self, account: Account) -> None:
        """Pay the waiting items the account now covers, first come first served."""
        waiting = self.queue[account]
        kept = []
        for entry in waiting:
            if self._take(entry[0], account, entry[1]):
                entry[2].succeed(True)
            else:
                kept.append(entry)
        waiting[:] = kept

    def change(self, c: MoneyChange) -> None:
        """An intervention: a new envelope from the next financial year, or paying from another stream."""
        if c.envelope is not None:
            self.envelope[c.stream] = c.envelope
        if c.pay_from is not None:
            self.pay_from[c.stream] = c.pay_from

    # -- paying for an item --------------------------------------------------------------------
    def rule(self, item: Initiative, route: RoutePlan) -> PayRule | None:
        for rule in self.money.pay:
            w = rule.when
            if ((w.scope is None or w.scope == route.scope)
                    and (w.funding is None or w.funding == item.funding)
                    and (w.origin_kind is None or w.origin_kind == item.origin_kind)
                    and (w.national_candidate is None or w.national_candidate == item.national_candidate)
                    and (w.priority is None or w.priority == item.priority)
                    and (w.themes is None or item.theme in w.themes)):
                return rule
        return None

    def _stream(self, name: str, item: Initiative) -> str:
        """The stream that pays instead of `name` after interventions (followed to its end)."""
        seen = {name}
        while name in self.pay_from:
            nxt = self.pay_from[name]
            if nxt in seen or (self.money.streams[nxt].holder == ALL_ICS and item.origin_kind != "ics"):
                break
            name = nxt
            seen.add(name)
        return name

    def _hoped(self, rule: PayRule, item: Initiative, paying: str) -> str | None:
        """The round a board may wait for, after interventions: none once its money is paid
        from the board's own stream or from a stream without a round."""
        if rule.wait_for_round is None:
            return None
        target = self._stream(self.stream_of_round[rule.wait_for_round], item)
        return None if target == paying else self.money.streams[target].round

    def _holder(self, stream: str, item: Initiative) -> str:
        holder = self.money.streams[stream].holder
        return item.origin if holder == ALL_ICS else holder

    def fund(self, item: Initiative, route: RoutePlan, price: float) -> Proc:
        """Wait until `item` is paid for; False when every bid was refused and nothing else pays."""
        rule = self.rule(item, route)
        if rule is None or item.id in self.paid:
            return True
        stream = self._stream(rule.stream, item)
        hoped = self._hoped(rule, item, stream)
        if hoped is not None and self.choice.get(item.id, 1.0) < rule.p_wait_for_round:
            if (yield from self._bid(item, hoped, price)):
                return True
        name = self.money.streams[stream].round
        if name is not None:
            if (yield from self._bid(item, name, price)):
                return True
            holder = self._holder(self.stream_of_round[name], item)
            bids = float(self.rounds[name].spec.max_bids)
            self.rec((self.env.now, REJECTED, item.id, holder, name, bids, "money"))
            return False
        account = (stream, self._holder(stream, item))
        self.rec((self.env.now, BID, item.id, account[1], stream, price, "stream"))
        if not self._take(item.id, account, price):
            waited = self.env.event()
            self.queue[account].append((item.id, price, waited))
            yield waited
        self.rec((self.env.now, FUNDED, item.id, account[1], stream, price, "stream"))
        return True

    def _bid(self, item: Initiative, name: str, price: float) -> Proc:
        """Bid to round `name` until funded or out of bids; True when funded (money received)."""
        rnd = self.rounds[name]
        stream = self.stream_of_round[name]
        holder = self._holder(stream, item)
        for _ in range(rnd.spec.max_bids):
            self.rec((self.env.now, BID, item.id, holder, name, price, "round"))
            outcome = yield rnd.submit(item.id, price)
            if outcome == "funded":
                if rnd.spec.lag_weeks > 0.0:
                    yield self.env.timeout(rnd.spec.lag_weeks)
                self.rec((self.env.now, FUNDED, item.id, holder, stream, price, "round"))
                return True
            self.rec((self.env.now, UNFUNDED, item.id, holder, name, price, outcome))
        return False

    def _award(self, rnd: Round, bids: list[tuple[int, float, simpy.Event]]) -> None:
        """The award date: each bid funded with the round's probability, if the stream can pay."""
        stream = self.stream_of_round[rnd.name]
        holder = self.money.streams[stream].holder
        for item, price, decided in bids:
            if self.rng.random() >= rnd.spec.p_funded:
                decided.succeed("refused")
            elif self._take(item, (stream, holder), price):
                decided.succeed("funded")
            else:
                decided.succeed("no money")
