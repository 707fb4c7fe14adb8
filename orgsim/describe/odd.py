"""The ODD protocol's overview and design elements (grimm-2020): purpose and patterns; entities,
state variables and scales; process overview and scheduling; design concepts.

Every number is read from the scenario and the resolved plans and printed with the source
its configuration gives (`orgsim.describe.cite`).
"""

from __future__ import annotations

from typing import Any

from orgsim.config.plan import CheckPlan, GatePlan, HandoffPlan, Plan, StagePlan
from orgsim.describe.cite import Cite

STREAMS_NOTE = ("`demand`, `gates`, `handoffs`, `detection`, `mesa` (handed to Mesa, never drawn "
                "from) and `interventions`")


def dist(d: Any) -> str:
    """`lognormal(mean=3, cv=0.6)`."""
    values = {k: v for k, v in d.model_dump().items() if k != "kind"}
    return f"{d.kind}(" + ", ".join(f"{k}={v:g}" for k, v in values.items()) + ")"


def table(header: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        return (f"{v:g}" if isinstance(v, float) else str(v)).replace("|", "\\|").replace("\n", " ")
    out = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    out += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def purpose(sc: Any, plans: list[Plan], cite: Cite) -> str:
    names = ", ".join(f"`{p.model}`" for p in plans)
    return (
        "## 1. Purpose and patterns\n\n"
        "**Purpose.** To compare operating models of the centre of the NHS (how national bodies, "
        "their forums and the Integrated Care Systems decide, hand over and deliver transformation "
        "work) on how fast work is decided and delivered, how much of it is duplicated and how "
        "much demand is met, under stated assumptions, so that a strategy team, researcher or "
        "workshop can see which operating model does better on which outcome and why. The "
        "models compared here follow wade-gery-2021 (the position before 2022 and its "
        "Recommendations 5 to 7) and boyd-2020; the model answers with replicated, paired "
        f"comparisons, never a built-in answer. Operating models described: {names}.\n\n"
        f"**Scenario.** `{sc.name}`: {' '.join(sc.description.split()) or 'no description given.'}\n\n"
        "**Patterns.** The model is judged by patterns it must reproduce: (i) reductions with known "
        "theory, checked by the test suite: one unit and one stage with Poisson arrivals and "
        "exponential effort is an M/M/c queue whose mean wait matches Erlang C; a forum alone "
        "adds half its cadence; Little's law holds on the whole scenario; (ii) the stylised facts "
        "of the shipped calibration (`configs/calibration/nhs_stylised_facts.yaml`): busy "
        "national delivery teams, national business cases that take months to approve, and a "
        "visible share of build effort that duplicates work under way elsewhere.\n")


def entities(sc: Any, plans: list[Plan], cite: Cite, model_cites: dict[str, Cite]) -> str:
    parts = ["## 2. Entities, state variables and scales\n",
             "**Organisation units** (Mesa agents). State: kind, headcount by function (each a "
             "SimPy resource of that capacity), planning overhead (share of capacity spent on "
             "joint planning), the portfolio it sees, and for ICSs a digital maturity in [0, 1] "
             "that grows as products are adopted. As the scenario gives them, before any operating "
             "model rearranges them:\n",
             table(["unit", "kind", "headcount by function", "source"],
                   [[n, o.kind, _people(o.teams), cite.note(("organisations", n, "teams"))]
                    for n, o in sc.organisations.items()])]
    if sc.ics is not None:
        i = sc.ics
        parts.append(
            f"\n{i.count} ICSs ({cite.note(('ics', 'count'))}), named {i.prefix}01 to "
            f"{i.prefix}{i.count:02d}, each with {_people(i.teams)} "
            f"({cite.note(('ics', 'teams'))}); maturity spread evenly from {i.maturity_low:g} "
            f"({cite.note(('ics', 'maturity_low'))}) to {i.maturity_high:g} "
            f"({cite.note(('ics', 'maturity_high'))}).\n")
    parts.append(
        "\n**Initiatives** (one piece of transformation work each, immutable once drawn). State: "
        "identifier, origin unit and its kind, arrival week, theme and variant (together the "
        "*capability key*: two initiatives with the same key build the same thing), effort in "
        "person-weeks by function, value per week once live, whether it is a national "
        "candidate, its funding (revenue or capital) and whether it is a priority. As it moves, "
        "each initiative records its route, the step it is at and every wait.\n\n"
        "**Forums** (decision meetings), **portfolios** (what a unit can see when it checks for "
        "duplicates) and **service teams** (persistent multi-disciplinary teams) belong to an "
        "operating model; see 7. Submodels.\n\n")
    parts.append(
        f"**Scales.** Time is continuous, in weeks; events happen when they are due (discrete "
        f"events, no time step). A run lasts {sc.horizon_weeks:g} weeks "
        f"({cite.note(('horizon_weeks',))}); the first {sc.warmup_weeks:g} weeks are a warm-up "
        f"({cite.note(('warmup_weeks',))}) whose arrivals are left out of per-item outcomes. "
        f"Weekly series are sampled every {sc.sample_every_weeks:g} weeks "
        f"({cite.note(('sample_every_weeks',))}). There is no space: units are related by "
        "routes, handoffs and shared portfolios, not by distance.\n")
    for plan in plans:
        parts.append(_units_under(plan, model_cites[plan.model]))
    return "\n".join(parts)


def _people(teams: dict[str, int]) -> str:
    return ", ".join(f"{f} {n}" for f, n in teams.items()) or "none"


def _units_under(plan: Plan, cite: Cite) -> str:
    om = plan.operating_model
    national = [u for u in plan.units.values() if not u.is_ics]
    ics = [u for u in plan.units.values() if u.is_ics]
    rows = [[u.name, u.kind, _people(u.teams), u.overhead, u.portfolio] for u in national]
    if ics:
        first = ics[0]
        rows.append([f"{len(ics)} ICSs", "ics", _people(first.teams) + " each (first ICS)",
                     first.overhead, "own" if first.portfolio == first.name else first.portfolio])
    changes = [f"merge {', '.join(m.units)} into {n} ({cite.note(('structure', 'merge', n))})"
               for n, m in om.structure.merge.items()]
    changes += [f"move {t.share:g} of {t.source}'s {', '.join(t.functions or ['staff'])} to {t.to} "
                f"({cite.note(('structure', 'transfers', i))})"
                for i, t in enumerate(om.structure.transfers)]
    teams = [f"{t.count} service teams `{t.name}` in {t.unit} of {_people(t.size)} each, "
             f"{t.wip_limit} item(s) at a time ({cite.note(('service_teams', t.name))})"
             for t in plan.teams.values()]
    return (f"\n### Units under `{plan.model}`\n\n"
            + (f"Structure: {'; '.join(changes)}.\n\n" if changes else "No units merged or moved.\n\n")
            + table(["unit", "kind", "headcount left in function teams", "planning overhead",
                     "portfolio seen"], rows)
            + (f"\nService teams: {'; '.join(teams)}.\n" if teams else "")
            + f"\nHeadcount in all: {plan.headcount()} people.\n")


def step_text(step: Any) -> str:
    if isinstance(step, CheckPlan):
        return (f"check for a duplicate in what {step.unit} sees (a reuse takes {step.reuse_share:g} "
                f"of the effort, by {step.reuse_function})")
    if isinstance(step, GatePlan):
        return f"forum `{step.forum}`"
    if isinstance(step, HandoffPlan):
        return (f"handoff to {step.to} ({step.delay_weeks:g} weeks; P(rework) {step.p_rework:g}, "
                f"rework {step.rework_fraction:g} of the next stage)")
    assert isinstance(step, StagePlan)
    who = f"service team `{step.team}`" if step.team else f"{step.staff} staff per item"
    return (f"{step.label}: {step.kind} at {step.unit} ({'+'.join(step.functions)}, share "
            f"{step.share:g} of their effort; {who})")


def _when(when: Any) -> str:
    given = {k: v for k, v in when.model_dump().items() if v is not None}
    return ", ".join(f"{k}={'/'.join(map(str, v)) if isinstance(v, list) else v}"
                     for k, v in given.items()) or "always"


def process(sc: Any, plans: list[Plan], cite: Cite, model_cites: dict[str, Cite]) -> str:
    parts = [
        "## 3. Process overview and scheduling\n",
        "SimPy's environment owns the clock; Mesa holds the agents. Before the clock starts, the "
        "whole run's demand is drawn from its own random stream, so every operating model "
        "receives the same initiatives at the same weeks for a given seed. Each initiative is "
        "then a SimPy process that, at its arrival week, takes the first route of the operating "
        "model whose conditions it meets and walks its steps in order: a *check* for duplicates "
        "(a detected duplicate becomes a reuse), a *gate* (it waits for the forum's next "
        "meeting; the forum decides at most its capacity of queued items first come first "
        "served, approving each with its probability, else deferring it, and rejecting it after "
        "its deferrals), a *handoff* (a fixed delay, and with some probability rework of part of the next "
        "stage), or a *stage* (for each of the stage's functions in turn, it waits first come "
        "first served for that many free people of the function, or a free service team, then "
        "holds them until its share of that function's effort is done, at a pace reduced by "
        "the unit's planning overhead). Delivery work is released once the route's last "
        "forum approves. A delivered national product is then adopted by each ICS after a lag "
        "set by its maturity. Events due at the same time run in the order they were "
        "scheduled. Weekly series are sampled by Mesa's DataCollector; every event is written "
        "as a record, and all outcomes are computed from the records after the run.\n",
        "Routes (first match applies) under each operating model, as resolved:\n"]
    for plan in plans:
        written = model_cites[plan.model]
        om = plan.operating_model
        keys = [("prepend_routes", i) for i in range(len(om.prepend_routes))] + \
            [("routes", i) for i in range(len(om.routes))]
        rows = [[r.name, _when(r.when), r.scope, " → ".join(step_text(s) for s in r.steps),
                 written.where(k)] for r, k in zip(plan.routes, keys)]
        parts.append(f"\n### `{plan.model}`\n\n" + table(["route", "when", "scope", "steps",
                                                         "written at"], rows))
    if sc.timeline:
        rows = [[t.week, t.label or "–", _change(t, i, cite), cite.note(("timeline", i, "week"))]
                for i, t in enumerate(sc.timeline)]
        parts.append("\nThe scenario's timeline plays these interventions into every run, each at "
                     "its week:\n\n" + table(["week", "label", "change", "source"], rows))
    return "\n".join(parts)


def _change(entry: Any, index: int, cite: Cite) -> str:
    """`switch_model: to MODEL; dip 0.2 (assumption: ... (file:line)); ...`: each value with its source."""
    for kind in ("switch_model", "demand", "funding", "staff", "cadence"):
        spec = getattr(entry, kind, None)
        if spec is None:
            continue
        fields = []
        for name, value in spec.model_dump(by_alias=False).items():
            if value is None:
                continue
            shown = "/".join(map(str, value)) if isinstance(value, list) else \
                (f"{value:g}" if isinstance(value, float) else str(value))
            fields.append(f"{name} {shown} ({cite.note(('timeline', index, kind, name))})")
        return f"{kind}: " + "; ".join(fields)
    return "none"


def design_concepts(sc: Any) -> str:
    items = [
        ("Basic principles", "Transformation work is a flow through decision forums, handoffs "
         "and teams: waiting is queueing for staff (M/M/c-like stages) and waiting for the next "
         "meeting (on average half a cadence); duplication arises where a unit cannot see work "
         "already under way."),
        ("Emergence", "Decision latency, lead time, duplication, hidden work, utilisation, needs "
         "met and benefit emerge from the routes, forums, headcounts and demand; none is "
         "imposed."),
        ("Adaptation", "None: units follow their operating model's routes and do not change "
         "behaviour in response to outcomes. Changes during a run (reorganisation, staff, forum "
         "settings, demand) come only from a scripted timeline or a workshop's decision."),
        ("Objectives", "Units pursue no objective; the operating models are compared on outcomes "
         "measured from outside."),
        ("Learning", "None."),
        ("Prediction", "None."),
        ("Sensing", "A unit senses only the portfolio it sees: its own, or a shared one, and "
         "notices a duplicate there with the portfolio's detection probability."),
        ("Interaction", "Indirect, through shared resources: handoffs pass work between units, "
         "forums decide for several units, shared portfolios turn duplicates into reuse, and "
         "national products are adopted by ICSs."),
        ("Stochasticity", f"Arrivals are Poisson; effort and value per week are drawn from the "
         f"distributions in 7. Submodels; forum approvals, handoff rework and duplicate "
         f"detection are Bernoulli draws. Each run has one `numpy.random.SeedSequence`, spawned "
         f"into named streams ({STREAMS_NOTE}); demand is drawn first, from its own stream, so "
         "comparisons between operating models use common random numbers."),
        ("Collectives", "Organisations are collectives of staff by function; an operating model "
         "can merge units or move staff between them, conserving headcount, and carve "
         "persistent service teams out of a unit."),
        ("Observation", f"Every event is recorded; outcomes are pure functions of the records "
         f"over the measured window, from the end of the warm-up ({sc.warmup_weeks:g} weeks) to "
         f"the horizon ({sc.horizon_weeks:g} weeks), as defined in docs/metrics.md."),
    ]
    return "## 4. Design concepts\n\n" + "\n".join(f"- **{k}.** {v}" for k, v in items) + "\n"
