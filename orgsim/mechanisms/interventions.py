"""Interventions acting on a running world: staff, funding, cadence and reorganisation.

A reorganisation follows this rule for work in flight: every item carries on
under the new operating model from its next step. An item whose delivery was released continues with the new
route's delivery steps, doing only the share of delivery not yet done; an item
not yet released goes through the new route from its start (the new forums
decide). People at work finish the work in hand first; items waiting for staff
in a team, or for a forum, that the new model no longer has move on at once,
without that work or decision. Portfolios keep what they held: each new
portfolio holds what its units' old portfolios held.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orgsim.config.plan import ForumPlan, Plan, StaffPlan, SwitchPlan, UnitPlan
from orgsim.mechanisms.portfolio import Portfolio
from orgsim.mechanisms.team import Pool
from orgsim.mechanisms.world import Unit, World

PoolSpec = tuple[int, float, float]  # slots, people per slot, productivity
NewPool = Callable[[str, str, PoolSpec], Pool]


def pool_specs(plan: Plan) -> dict[tuple[str, str], PoolSpec]:
    """Every team a plan staffs: function teams by headcount, service teams by places."""
    out: dict[tuple[str, str], PoolSpec] = {}
    for u in plan.units.values():
        for f, people in u.teams.items():
            if people > 0:
                out[(u.name, f)] = (people, 1.0, 1.0 - u.overhead)
    for t in plan.teams.values():
        out[(t.unit, t.name)] = (t.count * t.wip_limit, t.people / t.wip_limit,
                                 1.0 - plan.units[t.unit].overhead)
    return out


def change_staff(w: World, iv: StaffPlan, new_pool: NewPool) -> None:
    pool = w.pools.get((iv.unit, iv.pool))
    if pool is None:  # a function that had nobody so far
        pool = w.pools[(iv.unit, iv.pool)] = new_pool(iv.unit, iv.pool, (0, 1.0, 1.0 - _overhead(w, iv.unit)))
    pool.resize(pool.slots + iv.slots)


def change_forum(w: World, iv: ForumPlan) -> None:
    update: dict[str, Any] = {k: v for k in ("p_approve", "capacity", "cadence_weeks")
                              if (v := getattr(iv, k)) is not None}
    spec = w.forum_specs[iv.forum] = w.forum_specs[iv.forum].model_copy(update=update)
    for (name, _), forum in w.forums.items():
        if name == iv.forum:
            forum.change(spec)


def switch(w: World, iv: SwitchPlan, new_pool: NewPool, new_unit: Callable[[UnitPlan], Unit]) -> None:
    """Reorganise `w` into `iv.plan` (the rule is in this module's docstring)."""
    old, new = w.plan, iv.plan
    w.plan, w.era = new, w.era + 1
    for name, plan in new.units.items():
        if name not in w.units:
            w.units[name] = new_unit(plan)
    w.where = _where(old, new, w.where)
    _repool(w, new, new_pool)
    _reforum(w, new)
    _reportfolio(w, old, new)


def _overhead(w: World, unit: str) -> float:
    plan = w.plan.units.get(unit)
    return plan.overhead if plan is not None else 0.0


def _where(old: Plan, new: Plan, before: dict[str, str]) -> dict[str, str]:
    """Every unit name met so far -> the unit of `new` standing for it.

    A scenario unit follows `new`'s aliases; a unit of the old model that `new`
    does not have (a merged body being split up) stands for the first scenario
    unit it absorbed.
    """
    out = {s: new.unit_of(s) for s in new.scenario.unit_names()}
    for name in [*before, *before.values(), *old.units]:
        if name in out or name in new.units:
            continue
        members = [s for s in old.scenario.unit_names() if old.unit_of(s) == name]
        out[name] = new.unit_of(members[0]) if members else name
    return out


def _repool(w: World, new: Plan, new_pool: NewPool) -> None:
    specs = pool_specs(new)
    for key, pool in w.pools.items():
        if key not in specs and pool.slots:
            pool.close()
    for key, spec in specs.items():
        found = w.pools.get(key)
        pool = found if found is not None else new_pool(key[0], key[1], (0, spec[1], spec[2]))
        w.pools[key] = pool
        pool.pace, pool.productivity = spec[1], spec[2]
        if pool.slots != spec[0]:
            pool.resize(spec[0])


def _reforum(w: World, new: Plan) -> None:
    w.forum_specs = dict(new.forums)
    for key, forum in list(w.forums.items()):
        spec = new.forums.get(key[0])
        if spec is None:
            forum.close()
            del w.forums[key]
        elif spec != forum.spec:
            forum.change(spec)


def _reportfolio(w: World, old: Plan, new: Plan) -> None:
    """New portfolios, each holding what its units' old portfolios held."""
    sources: dict[str, list[str]] = {}
    for unit in old.units.values():
        target = new.units[w.where.get(unit.name, unit.name)].portfolio
        if unit.portfolio not in sources.setdefault(target, []):
            sources[target].append(unit.portfolio)
    portfolios = {}
    for unit in new.units.values():
        name = unit.portfolio
        if name not in portfolios:
            merged = Portfolio(name, new.p_detect[name])
            for src in sources.get(name, []):
                merged.absorb(w.portfolios[src])
            portfolios[name] = merged
    renamed: dict[str, list[str]] = {}
    for target, olds in sources.items():
        for src in olds:
            renamed.setdefault(src, []).append(target)
    for seen in w.seen.values():
        seen[:] = list(dict.fromkeys(t for s in seen for t in renamed.get(s, [])))
    w.portfolios = portfolios
