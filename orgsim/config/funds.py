"""Checks a scenario's `money` block against the rest of it, and prices each unit's people.

Prices are per unit-week of headcount, the unit the simulation counts in: a team of
n units holds n x `scale.people_per_unit` people, so one unit-week costs the unit's
cost per person-week times `people_per_unit`. A unit the money block does not price
costs `scale.cost_per_person_year` / 52 a person-week, when the scenario states one.
"""

from __future__ import annotations

import difflib

from orgsim.config.money import ALL_ICS, ANY_UNIT, YEAR_WEEKS, Money
from orgsim.config.scenario import Scenario
from orgsim.config.yamlio import Path_, Source


def check_money(sc: Scenario, src: Source) -> None:
    """Cross-references of `money`: holders, streams, rounds, themes and units exist."""
    m = sc.money
    if m is None:
        return
    at: Path_ = ("money",)
    units = set(sc.organisations)
    for name, stream in m.streams.items():
        here = at + ("streams", name)
        if stream.holder == ALL_ICS and not sc.ics_names():
            raise src.error(here + ("holder",), f"{ALL_ICS} needs ICSs, and the scenario has none")
        if stream.holder != ALL_ICS and stream.holder not in units:
            raise src.error(here + ("holder",), f"unknown unit {stream.holder!r}; give one of "
                            f"{', '.join(sorted(units))} or {ALL_ICS}")
        if stream.round is not None and stream.round not in m.rounds:
            raise src.error(here + ("round",), _unknown("funding round", stream.round, dict(m.rounds)))
        if stream.round is not None and stream.holder == ALL_ICS:
            raise src.error(here + ("round",), f"a round pays from one account; a stream held by "
                            f"{ALL_ICS} has one for each ICS")
    for name in m.rounds:
        owners = [s for s, st in m.streams.items() if st.round == name]
        if len(owners) != 1:
            found = ", ".join(owners) if owners else "none"
            raise src.error(at + ("rounds", name), f"a round awards the money of exactly one stream "
                            f"(a stream with `round: {name}`); found {found}")
    _check_pay(m, sc, src)
    _check_keys(m, sc, src)


def _unknown(what: str, name: str, known: dict[str, object]) -> str:
    near = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"unknown {what} {name!r}{hint} (known: {', '.join(known) or 'none'})"


def _check_pay(m: Money, sc: Scenario, src: Source) -> None:
    for i, rule in enumerate(m.pay):
        here: Path_ = ("money", "pay", i)
        if rule.stream not in m.streams:
            raise src.error(here + ("stream",), _unknown("funding stream", rule.stream, dict(m.streams)))
        if rule.wait_for_round is not None and rule.wait_for_round not in m.rounds:
            raise src.error(here + ("wait_for_round",), _unknown("funding round", rule.wait_for_round,
                                                                  dict(m.rounds)))
        for j, theme in enumerate(rule.when.themes or []):
            if theme not in sc.themes:
                raise src.error(here + ("when", "themes", j), _unknown("theme", theme, dict(sc.themes)))
        if m.streams[rule.stream].holder == ALL_ICS and rule.when.origin_kind != "ics":
            raise src.error(here + ("stream",), f"stream {rule.stream!r} is held by each ICS, so it can "
                            "pay only for items raised by an ICS: give this rule when.origin_kind: ics")


def _check_keys(m: Money, sc: Scenario, src: Source) -> None:
    units = set(sc.organisations)
    rates = m.staff_cost_per_person_week
    for name in rates:
        if name not in units | {ALL_ICS, ANY_UNIT}:
            raise src.error(("money", "staff_cost_per_person_week", name),
                            f"unknown unit {name!r}; give a scenario unit, {ALL_ICS} or {ANY_UNIT}")
    if rates and ANY_UNIT not in rates and sc.scale.cost_per_person_year is None:
        missing = sorted(units - set(rates)) + ([ALL_ICS] if sc.ics_names() and ALL_ICS not in rates else [])
        if missing:
            raise src.error(("money", "staff_cost_per_person_week"), f"no cost given for "
                            f"{', '.join(missing)}; name them, give {ANY_UNIT} for every unit not named "
                            "or give scale.cost_per_person_year")
    for name in m.non_staff_cost:
        if name not in sc.themes and name != ANY_UNIT:
            raise src.error(("money", "non_staff_cost", name), _unknown("theme", name, dict(sc.themes)))


def person_week_rate(sc: Scenario, unit: str) -> float:
    """Pounds per person-week of scenario unit `unit`: its own cost, else the cost of every
    ICS or of any unit, else `scale.cost_per_person_year` / 52 (0 when none is given)."""
    rates = sc.money.staff_cost_per_person_week if sc.money is not None else {}
    if unit in rates:
        return rates[unit]
    if unit in set(sc.ics_names()) and ALL_ICS in rates:
        return rates[ALL_ICS]
    if ANY_UNIT in rates:
        return rates[ANY_UNIT]
    year = sc.scale.cost_per_person_year
    return year / YEAR_WEEKS if year is not None else 0.0


def scenario_rate(sc: Scenario, unit: str) -> float:
    """Pounds per unit-week of headcount of scenario unit `unit`: its cost per person-week
    times the people behind one unit (`scale.people_per_unit`)."""
    return person_week_rate(sc, unit) * sc.scale.people_per_unit


def unit_rates(sc: Scenario, units: list[str], aliases: dict[str, str]) -> dict[str, float]:
    """Pounds per unit-week of headcount of every unit of a plan (none without money).

    A unit of the scenario keeps its own cost; a unit formed by merging others costs
    the headcount-weighted mean of theirs (their plain mean if none had people).
    """
    if sc.money is None or (not sc.money.staff_cost_per_person_week
                            and sc.scale.cost_per_person_year is None):
        return {}
    known = set(sc.unit_names())
    out: dict[str, float] = {}
    for unit in units:
        if unit in known:
            out[unit] = scenario_rate(sc, unit)
            continue
        parts = [s for s, a in aliases.items() if a == unit and s in sc.organisations]
        heads = weighted = plain = 0.0  # added left to right, as everywhere results are made
        for s in parts:
            people, rate = float(_people(sc.organisations[s].teams)), scenario_rate(sc, s)
            heads, weighted, plain = heads + people, weighted + people * rate, plain + rate
        if heads > 0:
            out[unit] = weighted / heads
        else:
            out[unit] = plain / len(parts) if parts else scenario_rate(sc, unit)
    return out


def _people(teams: dict[str, int]) -> int:
    total = 0
    for n in teams.values():
        total += n
    return total
