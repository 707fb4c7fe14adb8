"""The dashboard's levers: pure functions from a Plan to a changed Plan.

Every lever is a multiplier whose neutral value, 1, leaves the operating model
as its file describes it. The same levers are applied to every operating model
on the dashboard, so a comparison stays fair; demand changes before the
operating model acts, so the models still share one stream of initiatives.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from orgsim.config.plan import Plan, SwitchPlan, TeamPlan, UnitPlan

ALL = "all"
MAX_OVERHEAD = 0.95  # a unit keeps some capacity for delivery, whatever the lever says


@dataclass(frozen=True)
class Levers:
    """Multipliers chosen on the dashboard (1 = as configured).

    Attributes:
        cadence: Weeks between meetings of every forum (and the week of the first).
        overhead: Each unit's planning overhead, capped at 0.95.
        detection: Every portfolio's probability of noticing a duplicate, capped at 1.
        staff: Headcount of `function` (or of every function) in units and service teams.
        function: The staff function `staff` applies to, or `all`.
        demand: Arrival rates of generated initiatives (scheduled ones are kept).
    """

    cadence: float = 1.0
    overhead: float = 1.0
    detection: float = 1.0
    staff: float = 1.0
    function: str = ALL
    demand: float = 1.0

    def changed(self) -> dict[str, float]:
        """The multipliers that differ from 1, by name."""
        values = {"cadence": self.cadence, "overhead": self.overhead, "detection": self.detection,
                  "staff": self.staff, "demand": self.demand}
        return {k: v for k, v in values.items() if v != 1.0}


def apply(plan: Plan, levers: Levers) -> Plan:
    """`plan` with every lever applied, also to the operating models its timeline reorganises into.

    Otherwise a scripted reorganisation would undo the levers from its week on.
    """
    plan = scale_cadence(plan, levers.cadence)
    plan = scale_overhead(plan, levers.overhead)
    plan = scale_detection(plan, levers.detection)
    plan = scale_staff(plan, levers.staff, levers.function)
    plan = scale_demand(plan, levers.demand)
    if not levers.changed():
        return plan
    timeline = tuple(replace(iv, plan=apply(iv.plan, levers)) if isinstance(iv, SwitchPlan) else iv
                     for iv in plan.timeline)
    return replace(plan, timeline=timeline)


def scale_cadence(plan: Plan, factor: float) -> Plan:
    """Forums meet `factor` times as many weeks apart (2 = half as often)."""
    _positive("cadence", factor)
    forums = {name: f.model_copy(update={"cadence_weeks": f.cadence_weeks * factor,
                                         "offset_weeks": f.offset_weeks * factor})
              for name, f in plan.forums.items()}
    return replace(plan, forums=forums)


def scale_overhead(plan: Plan, factor: float) -> Plan:
    """Planning overhead times `factor`; units with none stay without."""
    _non_negative("overhead", factor)
    units = {n: replace(u, overhead=min(MAX_OVERHEAD, u.overhead * factor)) for n, u in plan.units.items()}
    return replace(plan, units=units)


def scale_detection(plan: Plan, factor: float) -> Plan:
    """Duplicate detection probability times `factor`, capped at 1."""
    _non_negative("detection", factor)
    return replace(plan, p_detect={k: min(1.0, p * factor) for k, p in plan.p_detect.items()})


def scale_staff(plan: Plan, factor: float, function: str = ALL) -> Plan:
    """Headcount of `function` (or all) times `factor`, rounded; a team that had people keeps one."""
    _positive("staff", factor)

    def heads(teams: dict[str, int]) -> dict[str, int]:
        return {f: _people(n, factor) if function in (ALL, f) else n for f, n in teams.items()}

    units: dict[str, UnitPlan] = {n: replace(u, teams=heads(u.teams)) for n, u in plan.units.items()}
    teams: dict[str, TeamPlan] = {n: replace(t, size=heads(t.size)) for n, t in plan.teams.items()}
    return replace(plan, units=units, teams=teams)


def scale_demand(plan: Plan, factor: float) -> Plan:
    """Generated arrivals per week times `factor`, from ICSs and national bodies alike."""
    _non_negative("demand", factor)
    d = plan.scenario.demand
    demand = d.model_copy(update={"ics_rate_per_week": d.ics_rate_per_week * factor,
                                  "national_rate_per_week": d.national_rate_per_week * factor})
    return replace(plan, scenario=plan.scenario.model_copy(update={"demand": demand}))


def _people(n: int, factor: float) -> int:
    return max(1, round(n * factor)) if n > 0 else 0


def _positive(name: str, factor: float) -> None:
    if not factor > 0:
        raise ValueError(f"{name}: the multiplier must be > 0, got {factor}")


def _non_negative(name: str, factor: float) -> None:
    if not factor >= 0:
        raise ValueError(f"{name}: the multiplier must be >= 0, got {factor}")
