"""Rearranging the scenario's staff under an operating model, conserving headcount."""

from __future__ import annotations

from collections.abc import Callable

from orgsim.config.operating_model import ALL_ICS, OperatingModel
from orgsim.config.scenario import Scenario
from orgsim.config.yamlio import ConfigError, Path_

Fail = Callable[[Path_, str], ConfigError]


def split_evenly(total: int, parts: int) -> list[int]:
    """`total` split into `parts` integers differing by at most one, larger ones first."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def base_units(sc: Scenario) -> tuple[dict[str, dict[str, int]], dict[str, str], dict[str, float]]:
    """Teams, kinds and maturities of the scenario's units as given."""
    teams = {n: dict(o.teams) for n, o in sc.organisations.items()}
    kinds: dict[str, str] = {n: o.kind for n, o in sc.organisations.items()}
    maturity = {n: o.maturity for n, o in sc.organisations.items()}
    names = sc.ics_names()
    if sc.ics is not None:
        lo, hi = sc.ics.maturity_low, sc.ics.maturity_high
        for i, n in enumerate(names):
            teams[n] = dict(sc.ics.teams)
            kinds[n] = "ics"
            maturity[n] = lo if len(names) == 1 else lo + (hi - lo) * i / (len(names) - 1)
    return teams, kinds, maturity


def restructure(sc: Scenario, om: OperatingModel, fail: Fail) -> tuple[
        dict[str, dict[str, int]], dict[str, str], dict[str, float], dict[str, str]]:
    """Apply merges then transfers; returns teams, kinds, maturities and aliases."""
    teams, kinds, maturity = base_units(sc)
    aliases: dict[str, str] = {}
    for new, spec in om.structure.merge.items():
        if new in teams:
            raise fail(("structure", "merge", new), f"unit {new!r} already exists")
        merged: dict[str, int] = {}
        for i, old in enumerate(spec.units):
            if old not in teams:
                raise fail(("structure", "merge", new, "units", i), f"unknown unit {old!r}")
            for f, n in teams.pop(old).items():
                merged[f] = merged.get(f, 0) + n
            aliases.update({k: new for k, v in aliases.items() if v == old})
            aliases[old] = new
            maturity[new] = max(maturity.get(new, 0.0), maturity.pop(old))
            kinds.pop(old)
        teams[new], kinds[new] = merged, spec.kind
    ics = [n for n, k in kinds.items() if k == "ics"]
    for i, tr in enumerate(om.structure.transfers):
        at = ("structure", "transfers", i)
        source = aliases.get(tr.source, tr.source)
        if source not in teams:
            raise fail(at + ("from",), f"unknown unit {tr.source!r}")
        targets = ics if tr.to == ALL_ICS else [aliases.get(tr.to, tr.to)]
        if not targets or targets[0] not in teams:
            raise fail(at + ("to",), f"unknown unit {tr.to!r}")
        for f in tr.functions or list(teams[source]):
            if f not in teams[source]:
                raise fail(at + ("functions",), f"{source} has no {f!r} team")
            moved = int(round(teams[source][f] * tr.share))
            teams[source][f] -= moved
            for target, n in zip(targets, split_evenly(moved, len(targets))):
                teams[target][f] = teams[target].get(f, 0) + n
    return teams, kinds, maturity, aliases
