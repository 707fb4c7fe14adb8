"""An initiative's journey: the SimPy process that walks a route's steps."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from orgsim.config.plan import ORIGIN, CheckPlan, GatePlan, HandoffPlan, RoutePlan, StagePlan
from orgsim.domain.initiative import Initiative
from orgsim.domain.records import (
    ARRIVAL,
    CHECK,
    DELIVERED,
    DUPLICATE,
    HANDOFF,
    RELEASED,
    REUSED,
    REWORK,
    REWORK_EFFORT,
)
from orgsim.domain.sums import left_sum
from orgsim.mechanisms.adoption import adopt
from orgsim.mechanisms.portfolio import Portfolio
from orgsim.mechanisms.world import World

Proc = Generator[Any, Any, Any]


def matches(route: RoutePlan, item: Initiative) -> bool:
    """Whether the route's conditions (`route.when`) hold for `item`."""
    for attribute, allowed in route.conditions:
        if getattr(item, attribute) not in allowed:
            return False
    limit = route.when.max_effort
    return limit is None or item.total_effort <= limit


def choose_route(routes: tuple[RoutePlan, ...], item: Initiative) -> RoutePlan:
    """The first route whose conditions hold (loading checks that one always does)."""
    for route in routes:
        if matches(route, item):
            return route
    raise LookupError(f"no route for initiative {item.id}")


def journey(w: World, item: Initiative, route: RoutePlan) -> Proc:
    """From arrival to delivered, reused or rejected; records every step.

    After a reorganisation (`w.era` changes) the item carries on under the new
    operating model from its next step (the rule: `orgsim.mechanisms.interventions`).
    """
    env, rec, origin = w.env, w.rec, w.unit(ORIGIN, item)
    w.in_system += 1
    rec((env.now, ARRIVAL, item.id, origin, route.name, item.total_effort, ""))
    rework, where, era = 0.0, origin, w.era
    released, left, built = False, 1.0, 0.0  # share of delivery left; build effort done on this route
    seen: list[str] = []  # portfolios the item is registered in
    w.seen[item.id] = seen
    steps, i = route.steps, 0
    while i < len(steps):
        if w.era != era:
            left = max(0.0, left - built / _build_effort(route, item)) if built else left
            route, era, built, rework = choose_route(w.plan.routes, item), w.era, 0.0, 0.0
            steps, i, where = route.steps, route.release_index if released else 0, w.unit(where, item)
            continue
        if i == route.release_index and not released:
            rec((env.now, RELEASED, item.id, origin, route.name, 0.0, ""))
            released = True
            if w.money is not None:
                if not (yield from w.money.fund(item, route, price(w, item, route))):
                    return _finish(w, item, seen, "rejected")
                continue  # a reorganisation may have come while it waited for money
        step = steps[i]
        i += 1
        if isinstance(step, StagePlan):  # the stage's work, inline: the engine's busiest path
            where, kind = w.unit(step.unit, item), step.kind
            for pool_name, effort, staff in _parts(item, step, left):
                if w.era != era:  # a reorganisation came between two parts
                    break
                pool, redo = w.pools[(where, pool_name)], effort * rework
                hold = pool.start((yield pool.request(staff)), item.id, effort + redo, staff, kind)
                if hold is None:  # the pool closed while the item waited
                    break
                yield hold
                pool.release(item.id, effort + redo, staff, kind)
                if redo > 0.0:  # recorded once done, beside the effort it is a share of
                    rec((env.now, REWORK_EFFORT, item.id, where, pool_name, redo, kind))
                if kind == "build":
                    built += effort
            else:  # every part done
                rework = 0.0
                continue
            i -= 1  # cut short by a reorganisation: the step is not done, re-plan
        elif isinstance(step, GatePlan):
            decision = yield w.forum(step.forum, item).submit(item.id)
            if decision is False:
                return _finish(w, item, seen, "rejected")
            if decision is None:  # the forum was abolished: the new model's forums decide
                i -= 1
        elif isinstance(step, HandoffPlan):
            to = w.unit(step.to, item)
            if to != where:
                if step.delay_weeks > 0.0:
                    yield env.timeout(step.delay_weeks)
                rework, where = _handed(w, item, step, where, to), to
        else:  # a CheckPlan, the one kind left
            portfolio, original = _check(w, item, step)
            if original is not None:  # a duplicate: reuse the original if it is delivered
                if (yield from _reuse(w, item, step, original, seen)):
                    return None
                portfolio = w.portfolio(w.unit(step.unit, item))  # a reorganisation may have come
            if portfolio.name not in seen:
                portfolio.add(item.capability_key, item.id)
                seen.append(portfolio.name)
    if not released:
        rec((env.now, RELEASED, item.id, origin, route.name, 0.0, ""))
        if w.money is not None and not (yield from w.money.fund(item, route, price(w, item, route))):
            return _finish(w, item, seen, "rejected")
    rec((env.now, DELIVERED, item.id, origin, route.scope, item.total_effort, ""))
    _finish(w, item, seen, "delivered")
    if route.scope == "national":
        env.process(adopt(w, item))
    return None


def price(w: World, item: Initiative, route: RoutePlan) -> float:
    """Pounds `item`'s delivery costs on `route`: its build stages' staff time at each unit's
    price per unit-week of headcount (orgsim/config/funds.py), plus its non-staff cost."""
    rates = w.plan.rates
    staff = left_sum(item.effort_of(s.functions) * s.share * rates.get(w.unit(s.unit, item), 0.0)
                     for s in route.steps[route.release_index:]
                     if isinstance(s, StagePlan) and s.kind == "build")
    return staff + w.non_staff.get(item.id, 0.0)


def _build_effort(route: RoutePlan, item: Initiative) -> float:
    """Person-weeks of delivery (build) work `route` asks of `item`, before rework (at least 1e-9)."""
    total = left_sum(item.effort_of(s.functions) * s.share for s in route.steps
                     if isinstance(s, StagePlan) and s.kind == "build")
    return max(total, 1e-9)


def _finish(w: World, item: Initiative, seen: list[str], outcome: str) -> None:
    key = item.capability_key
    for name in seen:
        w.portfolios[name].finish(key, item.id, outcome == "delivered")
    del w.seen[item.id]
    w.outcome[item.id] = outcome
    w.finished[outcome] += 1
    w.in_system -= 1
    waiting = w.waiting_on.pop(item.id, None)
    if waiting is not None:
        waiting.succeed(outcome)


def _parts(item: Initiative, step: StagePlan, left: float) -> list[tuple[str, float, int]]:
    """The stage's work, in order: (function or service team, person-weeks, staff taken).

    Build work is scaled by `left`, the share of delivery not yet done (below 1
    only after a reorganisation). Parts without effort are left out.
    """
    share = step.share * left if step.kind == "build" else step.share
    if step.team is not None:
        parts = [(step.team, item.effort_of(step.functions) * share, 1)]
    else:
        by_function = dict(item.effort)  # a function appears once: same as `effort_of((f,))`
        parts = [(f, by_function.get(f, 0.0) * share, step.staff) for f in step.functions]
    return [p for p in parts if p[1] > 0.0]


def _handed(w: World, item: Initiative, step: HandoffPlan, sender: str, to: str) -> float:
    """The item reached `to` (after the handoff's delay); returns the rework fraction it carries."""
    w.rec((w.env.now, HANDOFF, item.id, to, sender, step.delay_weeks, ""))
    if step.p_rework > 0.0 and w.streams.handoffs.random() < step.p_rework:
        w.rec((w.env.now, REWORK, item.id, to, sender, step.rework_fraction, ""))
        return step.rework_fraction
    return 0.0


def _check(w: World, item: Initiative, step: CheckPlan) -> tuple[Portfolio, int | None]:
    """Duplicate detection: the portfolio checked, and the original when a duplicate is detected."""
    unit = w.unit(step.unit, item)
    portfolio = w.portfolio(unit)
    original = _original(w, portfolio.find(item.capability_key, item.id), item.id)
    detected = original is not None and w.streams.detection.random() < portfolio.p_detect
    w.rec((w.env.now, CHECK, item.id, unit, portfolio.name, 1.0 if detected else 0.0, ""))
    if not detected or original is None:
        return portfolio, None
    w.rec((w.env.now, DUPLICATE, item.id, unit, item.capability_key, float(original), ""))
    return portfolio, original


def _reuse(w: World, item: Initiative, step: CheckPlan, original: int, seen: list[str]) -> Proc:
    """Wait for `original`'s outcome; True when the item ended as reuse of it (it was delivered)."""
    env = w.env
    outcome = w.outcome.get(original)
    if outcome is None:
        w.waiting_for[item.id] = original
        ev = w.waiting_on.get(original) or w.waiting_on.setdefault(original, env.event())
        outcome = yield ev
        del w.waiting_for[item.id]
    if outcome != "delivered":
        return False
    effort = item.total_effort * step.reuse_share
    while effort > 0.0:  # again if a reorganisation moved the team it waited for
        origin = w.unit(ORIGIN, item)
        if (yield from w.pools[(origin, step.reuse_function)].work(item.id, effort, 1, "reuse")):
            break
    origin = w.unit(ORIGIN, item)
    w.rec((env.now, REUSED, item.id, origin, item.capability_key, float(original), ""))
    _finish(w, item, seen, "reused")
    return True


def _original(w: World, found: int | None, item: int) -> int | None:
    """The end of `found`'s chain of waits for originals; None when that is `item` itself.

    Without this, two duplicates checking portfolios in opposite orders could
    each wait for the other forever.
    """
    while found is not None and found in w.waiting_for:
        found = w.waiting_for[found]
    return None if found == item else found
