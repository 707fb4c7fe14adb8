"""The ODD protocol's details (grimm-2020): initialisation, input data and submodels, every
number with its source."""

from __future__ import annotations

from typing import Any

from orgsim.config.plan import Plan
from orgsim.describe.cite import Cite
from orgsim.describe.odd import dist, table


def initialisation(sc: Any, plans: list[Plan], cite: Cite) -> str:
    ics = ""
    if sc.ics is not None:
        ics = (f" ICS maturities start evenly spread from {sc.ics.maturity_low:g} to "
               f"{sc.ics.maturity_high:g} across the {sc.ics.count} ICSs.")
    return (
        "## 5. Initialisation\n\n"
        f"Every run starts at week 0 with the units, headcounts and service teams listed in 2 "
        f"(after the operating model's merges and transfers), every forum's diary starting at its "
        f"offset, empty portfolios and nothing in progress.{ics} The run's seed (default "
        f"{sc.seed}, {cite.note(('seed',))}; experiments give each replication its own) is "
        "spawned into the named random streams, and the whole run's demand is drawn from its "
        "stream before the clock starts. The warm-up lets queues fill from this empty start "
        "before anything is measured. Initialisation is the same for every operating model "
        "except for the structure each model gives the units.\n")


def input_data(sc: Any) -> str:
    scheduled = len(sc.demand.schedule)
    text = ("## 6. Input data\n\n"
            "The model reads no external time series: demand is generated from the rates and "
            "distributions in 7. Submodels")
    text += (f", plus {scheduled} initiatives scheduled explicitly in the scenario." if scheduled
             else ".")
    if sc.timeline:
        text += f" The scenario's timeline adds {len(sc.timeline)} interventions at set weeks (see 3)."
    return text + (" An experiment may instead draw parameter sets from a calibrated ensemble "
                   "(`uncertainties: {from: ensemble.parquet}`), which its report states.\n")


def _demand(sc: Any, cite: Cite) -> str:
    d = sc.demand
    rows = [["arrivals per ICS per week (Poisson)", d.ics_rate_per_week,
             cite.note(("demand", "ics_rate_per_week"))],
            ["national arrivals per week (Poisson)", d.national_rate_per_week,
             cite.note(("demand", "national_rate_per_week"))],
            ["national origins (relative weights)",
             ", ".join(f"{k} {v:g}" for k, v in d.national_origins.items()) or "none",
             cite.note(("demand", "national_origins"))],
            ["share of priority items", d.p_priority, cite.note(("demand", "p_priority"))],
            ["weeks a capability stays in demand",
             "fixed catalogue" if d.capability_lifetime_weeks is None else d.capability_lifetime_weeks,
             cite.note(("demand", "capability_lifetime_weeks"))]]
    rows += [[f"effort: {f} (person-weeks)", dist(x), cite.note(("demand", "effort", f))]
             for f, x in d.effort.items()]
    themes = [[n, t.weight, t.variants, t.p_national, t.p_capital, t.effort_scale,
               dist(t.value_per_week), cite.note(("themes", n), t.source)] for n, t in sc.themes.items()]
    return ("### 7.1 Demand\n\nInitiatives arrive as Poisson processes from each ICS and from the "
            "national bodies; each draws a theme by weight, a variant uniformly, effort by "
            "function from the distributions below (times the theme's effort scale), a value per "
            "week, and whether it is a national candidate, capital-funded and a priority.\n\n"
            + table(["setting", "value", "source"], rows) + "\n"
            + table(["theme", "weight", "variants", "P(national)", "P(capital)", "effort scale",
                     "value per week", "source"], themes))


def _adoption(sc: Any, cite: Cite) -> str:
    a = sc.adoption
    return ("### 7.2 Adoption\n\nA delivered national product reaches each ICS after a lag "
            f"falling linearly with its maturity, from {a.max_weeks:g} weeks at maturity 0 "
            f"({cite.note(('adoption', 'max_weeks'))}) to {a.min_weeks:g} weeks when fully mature "
            f"({cite.note(('adoption', 'min_weeks'))}); each adoption raises the ICS's maturity by "
            f"{a.maturity_gain:g} ({cite.note(('adoption', 'maturity_gain'))}), up to 1. A local "
            "product benefits only the unit that built it.\n")


def _model(plan: Plan, cite: Cite, number: int) -> str:
    om = plan.operating_model
    h = om.handoff
    parts = [f"### 7.{number} Operating model `{plan.model}`\n",
             f"{' '.join(om.description.split()) or 'No description.'} Source: "
             f"{cite.note(('source',), om.source) if om.source else 'none given'}.\n"]
    if plan.forums:
        rows = [[n, f.unit, f.cadence_weeks, f.offset_weeks, f.capacity, f.p_approve, f.max_deferrals,
                 cite.note(("forums", n), f.source)] for n, f in plan.forums.items()]
        parts.append("**Forums (gates).** An item waits for the next meeting; a meeting decides "
                     "at most its capacity of queued items, approving each with P(approve), else "
                     "deferring it to the next meeting; after the last deferral it is rejected.\n\n"
                     + table(["forum", "held by", "meets every (weeks)", "first meeting (week)",
                              "capacity per meeting", "P(approve)", "deferrals before rejection",
                              "source"], rows))
    else:
        parts.append("**Forums.** None.\n")
    parts.append(
        f"**Handoffs.** Default delay {h.delay_weeks:g} weeks ({cite.note(('handoff', 'delay_weeks'))}); "
        f"with probability {h.p_rework:g} ({cite.note(('handoff', 'p_rework'))}) the receiver "
        f"misreads the need and {h.rework_fraction:g} of the next stage's effort is done again "
        f"({cite.note(('handoff', 'rework_fraction'))}); a route's own handoff values are given "
        "in 3.\n")
    shared = [f"`{n}` seen by {', '.join(p.units)}, P(detect) {p.p_detect:g} "
              f"({cite.note(('portfolios', n, 'p_detect'))})" for n, p in om.portfolios.items()]
    parts.append(
        f"**Duplicate detection.** A unit checking its own portfolio notices a duplicate with "
        f"probability {om.own_p_detect:g} ({cite.note(('own_p_detect',))})"
        + (f"; shared portfolios: {'; '.join(shared)}" if shared else "; no shared portfolio")
        + ". A noticed duplicate becomes a reuse of the original once delivered; an unnoticed one "
        "is built again.\n")
    overheads = [f"{u} {v:g} ({cite.note(('planning_overhead', u))})"
                 for u, v in om.planning_overhead.items()]
    parts.append("**Planning overhead** (share of capacity spent on joint planning): "
                 + ("; ".join(overheads) if overheads else "none") + ".\n")
    if plan.teams:
        teams = [f"`{t.name}`: {t.count} teams in {t.unit} of "
                 f"{', '.join(f'{f} {n}' for f, n in t.size.items())}, WIP limit {t.wip_limit} "
                 f"({cite.note(('service_teams', t.name))})"
                 for t in plan.teams.values()]
        parts.append("**Service teams** carry an item's stage as one team, with no internal "
                     "handoff; a team works on up to its WIP limit of items, each at that share "
                     "of its pace: " + "; ".join(teams) + ".\n")
    return "\n".join(parts)


def submodels(sc: Any, plans: list[Plan], cite: Cite, model_cites: dict[str, Cite]) -> str:
    parts = ["## 7. Submodels\n", _demand(sc, cite), _adoption(sc, cite)]
    parts += [_model(p, model_cites[p.model], i) for i, p in enumerate(plans, start=3)]
    parts.append(f"### 7.{len(plans) + 3} Outcomes\n\nOutcomes are computed from a run's records "
                 "alone, as defined in docs/metrics.md (`orgsim.metrics.table.DEFINITIONS`).\n")
    return "\n".join(parts)
