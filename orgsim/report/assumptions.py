"""The assumptions behind an experiment, each with the source its configuration gives."""

from __future__ import annotations

from typing import Any

from orgsim.config.sources import BY_NAME, cited
from orgsim.report.html import collapsed, pairs, paragraph, section, table

NONE = "not given"


def dist(d: Any) -> str:
    """`lognormal(mean=1, cv=0.5)`."""
    values = {k: v for k, v in d.model_dump().items() if k != "kind"}
    return f"{d.kind}(" + ", ".join(f"{k}={v:g}" for k, v in values.items()) + ")"


def _people(size: dict[str, int]) -> str:
    return ", ".join(f"{f} {n}" for f, n in size.items())


def uncertainties(exp: Any) -> str:
    if getattr(exp, "ensemble", None):
        return paragraph(f"Each replication draws one parameter set from the calibrated ensemble "
                         f"{exp.ensemble} (by weight; every operating model of a replication gets the "
                         "same set): this comparison of operating models carries the calibration's "
                         "uncertainty, and its intervals include it.")
    if not exp.uncertainties:
        return paragraph("No uncertain parameters: every run uses the scenario and models as "
                         "written.")
    rows = []
    for path, u in exp.uncertainties.items():
        span = f"{u.low:g} to {u.high:g}" if u.values is None else \
            ", ".join(f"{v:g}" for v in u.values)
        rows.append((path, span, u.source or NONE))
    return table(["parameter", "range or values", "source"], rows)


def scenario(sc: Any, path: Any, exp: Any) -> str:
    horizon = f"{sc.horizon_weeks:g}"
    if exp.horizon_weeks:
        horizon = f"{exp.horizon_weeks:g} (set by the experiment; the scenario says {horizon})"
    warmup = exp.warmup_weeks if exp.warmup_weeks is not None else sc.warmup_weeks
    parts = [paragraph(sc.description or "No description."),
             pairs([("file", str(path)), ("horizon (weeks)", horizon),
                    ("warm-up (weeks)", f"{warmup:g}"),
                    ("time series every (weeks)", f"{sc.sample_every_weeks:g}")])]
    orgs = [(name, o.kind, _people(o.teams), sum(o.teams.values()), o.description)
            for name, o in sc.organisations.items()]
    if sc.ics is not None:
        i = sc.ics
        orgs.append((f"{i.prefix}01 to {i.prefix}{i.count:02d}", "ics", _people(i.teams) + " each",
                     sum(i.teams.values()) * i.count, f"{i.count} ICSs; digital maturity spread "
                     f"evenly from {i.maturity_low:g} to {i.maturity_high:g}"))
    header = ["unit", "kind", "headcount by function", "people", "description and source"]
    parts.append(section("sc-orgs", "Organisations", table(header, orgs), level=4))
    themes = [(n, t.weight, t.variants, t.p_national, t.p_capital, t.effort_scale,
               dist(t.value_per_week), t.source or NONE) for n, t in sc.themes.items()]
    header = ["theme", "weight", "variants", "P(national)", "P(capital)", "effort scale",
              "value per week", "source"]
    parts.append(section("sc-themes", "Themes", table(header, themes), level=4))
    parts.append(section("sc-demand", "Demand and adoption", _demand(sc), level=4))
    return "".join(parts)


def _demand(sc: Any) -> str:
    d, a = sc.demand, sc.adoption
    origins = ", ".join(f"{k} {v:g}" for k, v in d.national_origins.items())
    items = [("arrivals per ICS per week", f"{d.ics_rate_per_week:g}" if d.generate else "none"),
             ("national arrivals per week",
              f"{d.national_rate_per_week:g}" if d.generate else "none"),
             ("national origins (weights)", origins or "none"),
             ("share of priority items", f"{d.p_priority:g}"),
             ("scheduled initiatives", str(len(d.schedule)))]
    items += [(f"effort: {f} (person-weeks)", dist(x)) for f, x in d.effort.items()]
    items += [("adoption lag, fully mature ICS (weeks)", f"{a.min_weeks:g}"),
              ("adoption lag, maturity 0 (weeks)", f"{a.max_weeks:g}"),
              ("maturity gained per adopted product", f"{a.maturity_gain:g}")]
    return pairs(items)


def operating_model(om: Any) -> str:
    parts = [paragraph(om.description or "No description."),
             pairs([("source", om.source or NONE), ("extends", om.extends or "–")])]
    if om.forums:
        rows = [(n, f.unit, f.cadence_weeks, f.capacity, f.p_approve, f.max_deferrals,
                 f.source or NONE) for n, f in om.forums.items()]
        parts.append(table(["forum", "held by", "meets every (weeks)", "capacity per meeting",
                            "P(approve)", "deferrals before rejection", "source"], rows))
    parts.append(pairs(_settings(om)))
    routes = [(r.name, _when(r.when), r.scope, " → ".join(_step(s) for s in r.steps))
              for r in [*om.prepend_routes, *om.routes]]
    segments = [(f"[{n}]", " → ".join(_step(s) for s in steps)) for n, steps in om.segments.items()]
    parts.append(collapsed("Routes (first match applies) and segments",
                           table(["route", "when", "scope", "steps"], routes),
                           table(["segment", "steps"], segments) if segments else ""))
    return "".join(parts)


def _settings(om: Any) -> list[tuple[str, str]]:
    h = om.handoff
    out = [("handoff delay (weeks)", f"{h.delay_weeks:g}"),
           ("handoff P(rework)", f"{h.p_rework:g}"), ("rework fraction", f"{h.rework_fraction:g}"),
           ("P(detect duplicate), own portfolio", f"{om.own_p_detect:g}")]
    out += [(f"portfolio {n}: P(detect)", f"{p.p_detect:g}, seen by {', '.join(p.units)}")
            for n, p in om.portfolios.items()]
    out += [(f"planning overhead: {u}", f"{v:g}") for u, v in om.planning_overhead.items()]
    out += [(f"service teams {n}", f"{t.count} in {t.unit}, each {_people(t.size)}, "
                                   f"WIP limit {t.wip_limit}") for n, t in om.service_teams.items()]
    out += [(f"merge into {n}", ", ".join(m.units)) for n, m in om.structure.merge.items()]
    for t in om.structure.transfers:
        moved = f" ({', '.join(t.functions)})" if t.functions else ""
        out.append((f"transfer {t.share:g} of {t.source}", f"to {t.to}{moved}"))
    return out


def _when(when: Any) -> str:
    given = {k: v for k, v in when.model_dump().items() if v is not None}
    text = {k: "/".join(map(str, v)) if isinstance(v, list) else str(v).lower()
            for k, v in given.items()}
    return ", ".join(f"{k}={v}" for k, v in text.items()) or "always"


def _step(step: Any) -> str:
    if hasattr(step, "check"):
        return f"check duplicates ({step.check})"
    if hasattr(step, "gate"):
        return f"forum {step.gate}"
    if hasattr(step, "handoff"):
        return f"handoff to {step.handoff.to}"
    if hasattr(step, "use"):
        return f"[{step.use}]"
    s = step.stage
    what = "all" if s.functions == "all" else "+".join(s.functions)
    return f"{s.kind} at {s.unit} ({what})" + (f" in {s.service_team}" if s.service_team else "")


def sources(text: str) -> str:
    """The documents cited in `text` by short name, each with what a reader needs to find it."""
    names = cited(text)
    note = paragraph("Sources are cited by short name and locator, for example "
                     "'wade-gery-2021, Rec. 6'. The orgsim documentation (docs/sources.md) lists "
                     "every source with what the model takes from it; a source given as "
                     "'assumption' is a modelling choice that no document makes.")
    if not names:
        return note + paragraph("No document is cited by the configuration shown here.")
    rows = [(n, s.title, s.author, s.publisher, s.date, s.address) if (s := BY_NAME.get(n))
            else (n, "not in docs/sources.md", "", "", "", "") for n in names]
    return note + table(["short name", "title", "author", "publisher", "date", "public address"],
                        rows, numeric=False)
