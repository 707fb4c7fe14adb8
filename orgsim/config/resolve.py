"""Checks an operating model against a scenario and builds the engine's `Plan`."""

from __future__ import annotations

from orgsim.config.funds import unit_rates
from orgsim.config.operating_model import (
    ALL_ICS,
    CheckStep,
    GateStep,
    HandoffStep,
    OperatingModel,
    Route,
    StageStep,
    Step,
    UseStep,
)
from orgsim.config.plan import (
    ORIGIN,
    CheckPlan,
    GatePlan,
    HandoffPlan,
    Plan,
    RoutePlan,
    StagePlan,
    StepPlan,
    TeamPlan,
    UnitPlan,
)
from orgsim.config.scenario import Scenario
from orgsim.config.structure import Fail, restructure
from orgsim.config.yamlio import Path_, Source


class _Resolver:
    def __init__(self, sc: Scenario, om: OperatingModel, sc_src: Source, om_src: Source) -> None:
        self.sc, self.om, self.sc_src, self.om_src = sc, om, sc_src, om_src
        self.fail: Fail = om_src.error
        teams, self.kinds, self.maturity, self.aliases = restructure(sc, om, self.fail)
        self.teams = teams
        self.functions = set(sc.demand.effort)
        self.service = self._service_teams()
        self.origins = self._origins()
        self.sees, self.p_detect = self._portfolios()

    # -- units ------------------------------------------------------------
    def _service_teams(self) -> dict[str, TeamPlan]:
        out = {}
        for name, spec in self.om.service_teams.items():
            at: Path_ = ("service_teams", name)
            unit = self.aliases.get(spec.unit, spec.unit)
            if unit not in self.teams:
                raise self.fail(at + ("unit",), f"unknown unit {spec.unit!r}")
            for f, size in spec.size.items():
                need, have = size * spec.count, self.teams[unit].get(f, 0)
                if need > have:
                    raise self.fail(at + ("size", f), f"{spec.count} teams need {need} {f} staff; "
                                    f"{unit} has {have}")
                self.teams[unit][f] = have - need
            out[name] = TeamPlan(name, unit, spec.count, dict(spec.size), spec.wip_limit)
        return out

    def _ics(self) -> list[str]:
        return [n for n, k in self.kinds.items() if k == "ics"]

    def _origins(self) -> set[str]:
        names = set(self._ics()) if self.sc.demand.generate else set()
        if self.sc.demand.generate and self.sc.demand.national_rate_per_week > 0:
            names |= {self.aliases.get(n, n) for n in self.sc.demand.national_origins}
        names |= {self.aliases.get(s.origin, s.origin) for s in self.sc.demand.schedule}
        return names

    def _expand(self, names: list[str], at: Path_) -> list[str]:
        out: list[str] = []
        for i, n in enumerate(names):
            if n == ALL_ICS:
                out += self._ics()
                continue
            n = self.aliases.get(n, n)
            if n not in self.teams:
                raise self.fail(at + (i,), f"unknown unit {names[i]!r}")
            out.append(n)
        return out

    def _overheads(self) -> dict[str, float]:
        out = {n: 0.0 for n in self.teams}
        spec = self.om.planning_overhead
        for key in sorted(spec, key=lambda k: (k != "*", k != ALL_ICS)):
            names = list(self.teams) if key == "*" else self._expand([key], ("planning_overhead", key))
            out.update({n: spec[key] for n in names})
        return out

    def _portfolios(self) -> tuple[dict[str, str], dict[str, float]]:
        sees = {n: n for n in self.teams}
        p_detect = {n: self.om.own_p_detect for n in self.teams}
        owner: dict[str, str] = {}
        for name, spec in self.om.portfolios.items():
            at: Path_ = ("portfolios", name, "units")
            for unit in self._expand(spec.units, at):
                if unit in owner:
                    raise self.fail(at, f"{unit} already sees portfolio {owner[unit]!r}")
                owner[unit], sees[unit] = name, name
            p_detect[name] = spec.p_detect
        return sees, p_detect

    def units(self) -> dict[str, UnitPlan]:
        overhead = self._overheads()
        return {n: UnitPlan(n, self.kinds[n], t, self.maturity[n], overhead[n], self.sees[n])
                for n, t in self.teams.items()}

    # -- steps ------------------------------------------------------------
    def _unit(self, name: str, at: Path_) -> list[str]:
        """Units a step's unit can stand for (every origin, for `origin`)."""
        if name == ORIGIN:
            return sorted(self.origins)
        unit = self.aliases.get(name, name)
        if unit not in self.teams:
            raise self.fail(at, f"unknown unit {name!r}")
        return [unit]

    def _staffed(self, units: list[str], functions: tuple[str, ...], staff: int, at: Path_,
                 what: str = "this stage") -> None:
        for unit in units:
            for f in functions:
                if self.teams[unit].get(f, 0) < staff:
                    raise self.fail(at, f"{unit} has {self.teams[unit].get(f, 0)} {f} staff; "
                                    f"{what} needs {staff}")

    def _stage(self, st: StageStep, at: Path_) -> StagePlan:
        s = st.stage
        functions = tuple(sorted(self.functions)) if s.functions == "all" else tuple(s.functions)
        for i, f in enumerate(functions):
            if f not in self.functions:
                raise self.fail(at + ("stage", "functions", i),
                                f"unknown function {f!r}; demand.effort has {sorted(self.functions)}")
        units = self._unit(s.unit, at + ("stage", "unit"))
        if s.service_team is not None:
            team = self.service.get(s.service_team)
            if team is None:
                raise self.fail(at + ("stage", "service_team"), f"unknown service team {s.service_team!r}")
            if units != [team.unit]:
                raise self.fail(at + ("stage", "unit"), f"service team {team.name!r} belongs to {team.unit}")
        else:
            self._staffed(units, functions, s.staff, at + ("stage",))
        label = s.label or f"{s.unit} {s.kind}"
        return StagePlan(s.unit if s.unit == ORIGIN else units[0], functions, s.share, s.kind,
                         s.staff, s.service_team, label)

    def _step(self, step: Step, at: Path_, stack: tuple[str, ...]) -> list[StepPlan]:
        if isinstance(step, UseStep):
            if step.use not in self.om.segments:
                raise self.fail(at + ("use",), f"unknown segment {step.use!r}")
            if step.use in stack:
                raise self.fail(at + ("use",), "cycle in segments: " + " -> ".join(stack + (step.use,)))
            return self._steps(self.om.segments[step.use], ("segments", step.use), stack + (step.use,))
        if isinstance(step, GateStep):
            if step.gate not in self.om.forums:
                raise self.fail(at + ("gate",), f"unknown forum {step.gate!r}")
            return [GatePlan(step.gate)]
        if isinstance(step, CheckStep):
            units = self._unit(step.check, at + ("check",))
            self._staffed(sorted(self.origins), (step.reuse_function,), 1, at + ("reuse_function",),
                          "adopting a detected duplicate (reuse_function)")
            return [CheckPlan(step.check if step.check == ORIGIN else units[0],
                              step.reuse_function, step.reuse_share)]
        if isinstance(step, HandoffStep):
            h, d = step.handoff, self.om.handoff
            units = self._unit(h.to, at + ("handoff", "to"))
            return [HandoffPlan(h.to if h.to == ORIGIN else units[0],
                                d.delay_weeks if h.delay_weeks is None else h.delay_weeks,
                                d.p_rework if h.p_rework is None else h.p_rework,
                                d.rework_fraction if h.rework_fraction is None else h.rework_fraction)]
        assert isinstance(step, StageStep)
        return [self._stage(step, at)]

    def _steps(self, steps: list[Step], at: Path_, stack: tuple[str, ...] = ()) -> list[StepPlan]:
        out: list[StepPlan] = []
        for i, step in enumerate(steps):
            out += self._step(step, at + (i,), stack)
        return out

    def routes(self) -> tuple[RoutePlan, ...]:
        all_routes: list[tuple[Path_, Route]] = []
        for key in ("prepend_routes", "routes"):
            all_routes += [((key, i), r) for i, r in enumerate(getattr(self.om, key))]
        out = []
        for at, route in all_routes:
            for i, theme in enumerate(route.when.themes or []):
                if theme not in self.sc.themes:
                    raise self.fail(at + ("when", "themes", i), f"unknown theme {theme!r}")
            for i, origin in enumerate(route.when.origins or []):
                if origin not in self.sc.unit_names():
                    raise self.fail(at + ("when", "origins", i), f"unknown unit {origin!r}")
            steps = self._steps(route.steps, at + ("steps",))
            gates = [i for i, s in enumerate(steps) if isinstance(s, GatePlan)]
            leading_checks = next((i for i, s in enumerate(steps) if not isinstance(s, CheckPlan)),
                                  len(steps))
            out.append(RoutePlan(route.name, route.when, route.scope, tuple(steps),
                                 gates[-1] + 1 if gates else leading_checks))
        last_at, last = all_routes[-1]
        if last.when != type(last.when)():
            raise self.fail(last_at + ("when",),
                            "the last route must match every initiative (give it no `when`)")
        return tuple(out)


def resolve(sc: Scenario, om: OperatingModel, sc_src: Source, om_src: Source) -> Plan:
    """Check every cross-reference of `om` against `sc`; raise `ConfigError` at the first bad one."""
    r = _Resolver(sc, om, sc_src, om_src)
    units = r.units()
    for name, forum in om.forums.items():
        r._unit(forum.unit, ("forums", name, "unit"))
    return Plan(scenario=sc, operating_model=om, model=om.name, units=units, aliases=r.aliases,
                teams=r.service,
                p_detect=r.p_detect,
                forums={n: f.model_copy(update={"unit": r.aliases.get(f.unit, f.unit)})
                        for n, f in om.forums.items()}, routes=r.routes(),
                source_files=(sc_src.file, om_src.file),
                rates=unit_rates(sc, list(units), r.aliases))
