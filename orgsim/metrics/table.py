"""The outcomes of a run as one number each: names, labels, units, directions and definitions.

`flat` turns a metrics.json dict into those numbers (the columns experiments
store); `LABELS`, `BETTER` and `DEFINITIONS` say what each is, for tables,
plots, the report and the README alike.
"""

from __future__ import annotations

import math
from typing import Any

from orgsim.metrics.walk import COMPONENTS

# The headline outcomes, in reading order (tables of `orgsim run`).
HEADLINES = (
    "needs_met", "new_capabilities", "decision_latency_mean", "decision_latency_median",
    "decision_latency_ungated_share", "lead_time_mean", "lead_time_median", "lead_time_p90",
    "time_in_system_mean", "duplication_rate", "duplicates_built", "duplicates_avoided",
    "hidden_work_share", "wip", "handoffs_per_item", "rework_share", "utilisation", "benefit",
    "delivered", "reused", "rejected", "in_system",
)

COMPONENT_OUTCOMES = tuple(f"lead_time_{c}" for c in COMPONENTS)
# Cost outcomes: numbers only for runs whose scenario has money in it (not a number otherwise).
COSTS = ("staff_cost_per_year", "cost_per_need_met", "duplicate_build_cost",
         "envelope_unspent_share", "round_money_share")
SUMMARISED = ("decision_latency", "lead_time", "time_in_system")
RATES = ("needs_met", "new_capabilities", "delivered", "reused")
SCALARS = ("duplication_rate", "duplicates_built", "duplicates_avoided", "hidden_work_share", "wip",
           "handoffs_per_item", "rework_share", "benefit", "rejected")


def comparison_rows(runs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of `{metric, unit, <run name>: value, ...}` for the headline metrics."""
    values = {name: flat(m) for name, m in runs.items()}
    priced = any("money" in m for m in runs.values())  # cost rows only for runs with money in them
    money = [c for c in ("lead_time_funding_wait", *COSTS)
             if priced and any(not math.isnan(v[c]) for v in values.values())]
    return [{"metric": LABELS[h][0], "unit": LABELS[h][1], **{n: v[h] for n, v in values.items()}}
            for h in (*HEADLINES, *money)]


def fmt(value: float) -> str:
    if math.isnan(value):
        return "-"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:,.1f}"


def _number(value: Any) -> float:
    return float("nan") if value is None else float(value)


def flat(metrics: dict[str, Any]) -> dict[str, float]:
    """One number per outcome (the names experiments use), from a metrics.json dict."""
    out: dict[str, float] = {}
    for name in SUMMARISED:
        for stat in ("mean", "median", "p90", "n"):
            out[f"{name}_{stat}"] = _number(metrics[name][stat])
    out["decision_latency_ungated_share"] = float(metrics["decision_latency"]["ungated_share"])
    parts = metrics["lead_time_components"]
    for component in COMPONENTS:  # no money in the run: it never waited for any
        absent = 0.0 if parts["other"] is not None else None
        out[f"lead_time_{component}"] = _number(parts.get(component, absent))
    money = metrics.get("money", {})
    for name in COSTS:
        out[name] = _number(money.get(name))
    for name in (*RATES, *SCALARS):
        out[name] = float(metrics[name])
    out["utilisation"] = float(metrics["utilisation"]["overall"])
    for name in ("arrived", "in_system"):
        out[name] = float(metrics["counts"][name])
    return out


# Which direction is better for each flat outcome: -1 lower is better, +1 higher is better,
# 0 neither (descriptions that do not rank: utilisation, counts, builds including duplicates).
BETTER: dict[str, int] = {
    "decision_latency_mean": -1, "decision_latency_median": -1, "decision_latency_p90": -1,
    "decision_latency_ungated_share": 0,
    "lead_time_mean": -1, "lead_time_median": -1, "lead_time_p90": -1,
    **{c: -1 for c in COMPONENT_OUTCOMES},
    "time_in_system_mean": -1, "time_in_system_median": -1, "time_in_system_p90": -1,
    "needs_met": 1, "new_capabilities": 1, "delivered": 0, "reused": 1,
    "duplication_rate": -1, "duplicates_built": -1, "duplicates_avoided": 1,
    "hidden_work_share": -1, "wip": -1, "handoffs_per_item": -1, "rework_share": -1,
    "utilisation": 0, "benefit": 1, "rejected": -1, "arrived": 0, "in_system": 0,
    "decision_latency_n": 0, "lead_time_n": 0, "time_in_system_n": 0,
    "staff_cost_per_year": -1, "cost_per_need_met": -1, "duplicate_build_cost": -1,
    "envelope_unspent_share": 0, "round_money_share": 0,
}

_COMPONENT_LABELS = {
    "forum_wait": "waiting for a forum", "staff_wait": "waiting for staff", "work": "work",
    "rework": "rework", "handoff_delay": "handoff delay",
    "duplicate_wait": "waiting for a duplicate's original", "funding_wait": "waiting for money",
    "other": "other waits",
}

# Label and unit of each flat outcome, for tables and plots.
LABELS: dict[str, tuple[str, str]] = {
    "decision_latency_mean": ("Decision latency (mean)", "weeks"),
    "decision_latency_median": ("Decision latency (median)", "weeks"),
    "decision_latency_p90": ("Decision latency (90th percentile)", "weeks"),
    "decision_latency_ungated_share": ("Released without a forum", "share of released items"),
    "lead_time_mean": ("Lead time (mean)", "weeks"),
    "lead_time_median": ("Lead time (median)", "weeks"),
    "lead_time_p90": ("Lead time (90th percentile)", "weeks"),
    **{f"lead_time_{c}": (f"Lead time: {label}", "weeks (mean)")
       for c, label in _COMPONENT_LABELS.items()},
    "time_in_system_mean": ("Time in system (mean)", "weeks"),
    "time_in_system_median": ("Time in system (median)", "weeks"),
    "time_in_system_p90": ("Time in system (90th percentile)", "weeks"),
    "needs_met": ("Needs met", "initiatives per quarter"),
    "new_capabilities": ("New capabilities", "initiatives per quarter"),
    "delivered": ("Builds delivered", "initiatives per quarter"),
    "reused": ("Reuse", "initiatives per quarter"),
    "duplication_rate": ("Duplication rate", "share of build effort"),
    "duplicates_built": ("Duplicates built", "initiatives"),
    "duplicates_avoided": ("Duplicates avoided", "initiatives"),
    "hidden_work_share": ("Hidden work", "share of staff time"),
    "wip": ("Work in progress (time average)", "initiatives"),
    "handoffs_per_item": ("Handoffs per delivered item", "handoffs"),
    "rework_share": ("Rework share", "share of effort"),
    "utilisation": ("Utilisation", "share of staff time"),
    "benefit": ("Benefit", "value-weeks"),
    "rejected": ("Rejected", "initiatives"),
    "arrived": ("Arrived", "initiatives"),
    "in_system": ("Still in the system at the horizon", "initiatives"),
    "decision_latency_n": ("Items behind decision latency", "initiatives"),
    "lead_time_n": ("Items behind lead time", "initiatives"),
    "time_in_system_n": ("Items behind time in system", "initiatives"),
    "staff_cost_per_year": ("Staff cost per year", "pounds a year"),
    "cost_per_need_met": ("Cost per need met", "pounds per initiative"),
    "duplicate_build_cost": ("Spent on duplicate builds", "pounds"),
    "envelope_unspent_share": ("Envelopes unspent at year end", "share of money available"),
    "round_money_share": ("Money through funding rounds", "share of money received"),
}

_COHORT = "initiatives that arrived after the warm-up"
# What "already in progress or live" means for a build (orgsim.metrics.core.flag_duplicates).
_IN_PROGRESS = ("already in progress or live: another initiative with the same capability key (one "
                "that arrived in the warm-up included) had started its build work earlier (in the "
                "same week, the one recorded first is earlier) and had not been rejected by the week "
                "this one's build started")
_COMPONENT_DEFINITIONS = {
    "forum_wait": "from joining a forum's queue to its decision, deferrals included; a wait that "
                  "ends because a reorganisation closed the forum (a withdrawn record) counts here",
    "staff_wait": "from being ready for a stage to free staff taking it up; a wait that ends "
                  "because a reorganisation closed the team it was queued for (a withdrawn record) "
                  "counts here",
    "work": "people working on it, at their pace after planning overhead and any "
            "reorganisation dip",
    "rework": "the part of a stage's work redone because a handoff was misread",
    "handoff_delay": "the fixed delay of passing it to another organisation",
    "duplicate_wait": "after a duplicate was detected, waiting for the original's outcome",
    "funding_wait": "from bidding for money (to a stream or a funding round) to receiving it, "
                    "rounds refused included (zero in a scenario without funding streams)",
    "other": "any other wait between two of its records (none in the shipped mechanisms)",
}

# One sentence per flat outcome, shown beside its figure in the report.
DEFINITIONS: dict[str, str] = {
    "decision_latency_mean": "Weeks from arrival to the last approval that releases delivery "
                             f"work, over {_COHORT} and met at least one forum: mean.",
    "decision_latency_median": "As decision latency (mean), the median.",
    "decision_latency_p90": "As decision latency (mean), the 90th percentile.",
    "decision_latency_ungated_share": "Share of released initiatives whose route had no forum: "
                                      "they are left out of decision latency, not counted as 0.",
    "lead_time_mean": f"Weeks from arrival to delivery, over {_COHORT} and were delivered "
                      "by the horizon: mean.",
    "lead_time_median": "As lead time (mean), the median.",
    "lead_time_p90": "As lead time (mean), the 90th percentile.",
    **{f"lead_time_{c}": f"Mean weeks of a delivered item's lead time in this part: {text}; "
                         "the parts add up to the lead time, item by item."
       for c, text in _COMPONENT_DEFINITIONS.items()},
    "time_in_system_mean": f"Weeks from arrival to the final outcome (delivered, reused or "
                           f"rejected), over {_COHORT} and reached one by the horizon: mean. "
                           "Those still in the system are censored (left out) and counted.",
    "time_in_system_median": "As time in system (mean), the median.",
    "time_in_system_p90": "As time in system (mean), the 90th percentile.",
    "needs_met": f"Demand satisfied: {_COHORT} and were delivered or reused by the horizon, "
                 "per 13-week quarter of the measured window.",
    "new_capabilities": f"{_COHORT.capitalize()} and were delivered by the horizon, whose "
                        "capability was not already in progress or live when their build "
                        "started (as duplicates built defines it), per quarter.",
    "delivered": f"Every build delivered of the {_COHORT}, duplicates included, per quarter "
                 "(not a measure of value: it rewards building the same thing twice).",
    "reused": f"{_COHORT.capitalize()} and were met by reusing an existing product, per quarter.",
    "duplication_rate": "Build person-weeks of the duplicates built, divided by the build "
                        f"person-weeks of all {_COHORT} (rework within builds included in both).",
    "duplicates_built": f"{_COHORT.capitalize()} and started building a capability "
                        f"{_IN_PROGRESS}.",
    "duplicates_avoided": f"{_COHORT.capitalize()} whose duplicate was detected and reused.",
    "hidden_work_share": "Staff time on rework, on overhead and on duplicate builds, divided by "
                         f"all staff time held by {_COHORT} (people on each stage times its "
                         "weeks; the Virtual Design Team's hidden work). Rework: person-weeks "
                         "redone after misread handoffs. Overhead: staff-weeks held beyond the "
                         "person-weeks of effort done (planning and coordination overhead, "
                         "reorganisation dips). Duplicate builds: each duplicate built's build "
                         "person-weeks less the rework within them (counted once, as rework).",
    "wip": "Time-average number of initiatives arrived and not yet finished, over the "
           "measured window (those that arrived in the warm-up included while present).",
    "handoffs_per_item": "Mean number of handoffs between organisations (handoff records) per "
                         "initiative that arrived after the warm-up and was delivered by the "
                         "horizon, every handoff it made counted; 0 when none was delivered.",
    "rework_share": f"Person-weeks redone after misread handoffs over all effort ({_COHORT}).",
    "utilisation": "Busy staff-weeks over available staff-weeks in the measured window, every "
                   "team together; people finishing work after leaving count as available.",
    "benefit": "Value per week times weeks in use within the measured window, once per product "
               "and unit using it (the builder of a local product, each ICS adopting a national "
               "one, a unit reusing one); every product in use in the window counts. A reuse "
               "earns the original product's value per week (not the reusing initiative's), "
               "from the week of the reuse, unless the reusing unit uses that product already.",
    "rejected": f"{_COHORT.capitalize()} and were rejected after too many deferrals (or refused "
                "by every funding round they had to bid to).",
    "arrived": "Initiatives that arrived after the warm-up.",
    "in_system": f"{_COHORT.capitalize()} and were neither delivered, reused nor rejected by "
                 "the horizon.",
    "decision_latency_n": "Initiatives decision latency is measured over in a run.",
    "lead_time_n": "Initiatives lead time is measured over in a run (those delivered).",
    "time_in_system_n": "Initiatives time in system is measured over in a run (those finished).",
    "staff_cost_per_year": "Available staff-weeks of every team in the measured window times its "
                           "organisation's cost per person-week and the people behind a unit of "
                           "headcount (scale.people_per_unit; people are paid whether busy or "
                           "not), per 52-week year; by organisation in metrics.json. Only for "
                           "scenarios with money.",
    "cost_per_need_met": "Staff cost of the measured window plus the non-staff cost of the "
                         f"{_COHORT} and were delivered, divided by the {_COHORT} and were "
                         "delivered or reused by the horizon. Only for scenarios with money.",
    "duplicate_build_cost": "Build unit-weeks of the duplicates built (see duplicates_built) times "
                            "scale.people_per_unit at the cost per person-week of the "
                            "organisation that did them, plus "
                            "their non-staff cost. Only for scenarios with money.",
    "envelope_unspent_share": "Money unspent at the end of the financial years that ended in the "
                              "measured window (lapsed or carried over), over the money those "
                              "years had (envelopes and money carried in), every stream "
                              "together. Only for scenarios with funding streams.",
    "round_money_share": "Pounds received in the measured window through funding rounds, over "
                         "all pounds received from funding streams. Only for scenarios with "
                         "funding streams.",
}
