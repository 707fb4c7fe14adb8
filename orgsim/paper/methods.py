"""A methods paragraph written from the experiment's own record, to paste into a paper and edit.

Every number in it comes from the results folder: the experiment as stored in
`experiment.json`, the seeds and software in `manifest.json`, the horizon and
warm-up from the experiment or its scenario, the run counts from the metrics.
"""

from __future__ import annotations

from typing import Any

from orgsim.metrics.table import DEFINITIONS
from orgsim.plots.style import model_label

LIBRARIES = (("mesa", "Mesa"), ("simpy", "SimPy"), ("numpy", "NumPy"), ("pandas", "pandas"),
             ("scipy", "SciPy"), ("salib", "SALib"))


def _weeks(value: float | None) -> str:
    return "an unknown number of" if value is None else f"{value:g}"


def window(exp: Any, scenario: Any) -> tuple[float | None, float | None]:
    """(horizon, warm-up) in weeks: the experiment's where it sets them, else the scenario's."""
    horizon = exp.horizon_weeks if exp.horizon_weeks is not None else \
        (scenario.horizon_weeks if scenario is not None else None)
    warmup = exp.warmup_weeks if exp.warmup_weeks is not None else \
        (scenario.warmup_weeks if scenario is not None else None)
    return horizon, warmup


def software(manifest: dict[str, Any]) -> str:
    """`orgsim 0.1.0 (commit fdf92dd) on Python 3.11.2 with Mesa 3.3.1, ...`, as the manifest has it."""
    commit = manifest.get("git_commit")
    made = f"orgsim {manifest.get('orgsim') or 'of unknown version'}"
    if commit:
        dirty = ", with uncommitted changes" if manifest.get("git_dirty") else ""
        made += f" (source commit {str(commit)[:7]}{dirty})"
    libs = [f"{shown} {manifest[key]}" for key, shown in LIBRARIES if manifest.get(key)]
    python = f" on Python {manifest['python']}" if manifest.get("python") else ""
    return made + python + (f" with {', '.join(libs)}" if libs else "")


def _design(exp: Any, points: int) -> str:
    if exp.ensemble:
        return ("Each replication drew one parameter set, by weight, from a calibrated ensemble "
                f"({exp.ensemble}); both models of a replication used the same set. ")
    if exp.design.kind == "single" or not exp.uncertainties:
        return "Every run used the scenario and operating models as configured (a single design point). "
    names = ", ".join(f"`{p}` ({_span(u)})" for p, u in exp.uncertainties.items())
    return (f"Uncertain parameters were varied over {points} design points of a {_kind(exp.design)} "
            f"design: {names}. Results below pool all design points. ")


def _span(u: Any) -> str:
    return ", ".join(f"{v:g}" for v in u.values) if u.values is not None else f"{u.low:g} to {u.high:g}"


def _kind(design: Any) -> str:
    return {"grid": f"full-factorial grid ({design.levels} levels per range)",
            "lhs": "Latin hypercube", "morris": f"Morris ({design.levels} levels)",
            "sobol": "Sobol' (Saltelli sampling)"}.get(design.kind, design.kind)


def paragraph(exp: Any, manifest: dict[str, Any], scenario: Any, scenario_file: str,
              pair: tuple[str, str], outcomes: list[str], pairs: int, kind: str = "experiment") -> str:
    """The methods paragraph (Markdown), then the definitions of the outcomes it reports."""
    a, b = (model_label(m) for m in pair)
    horizon, warmup = window(exp, scenario)
    name = scenario.name if scenario is not None else "the"
    points = int(manifest.get("design_points") or 1)
    reps = exp.replications if kind == "experiment" else 1
    seeds = manifest.get("replication_seeds") or []
    text = (f"We simulated the {name} scenario (`{scenario_file}`) under two operating models, "
            f"{a} (A) and {b} (B), using {software(manifest)}. Each run covered {_weeks(horizon)} "
            f"weeks; the first {_weeks(warmup)} weeks were a warm-up, and initiatives arriving in "
            "them were left out of per-initiative outcomes and rates, while time averages ran from "
            "its end. " + _design(exp, points))
    if kind == "experiment":
        text += (f"We ran {reps} replications per design point, {pairs} pairs of runs in all. "
                 f"Replication seeds were spawned from `numpy.random.SeedSequence({exp.seed})` "
                 f"(first seeds {_first(seeds)}). Within a replication both models ran on the same "
                 "seed, whose demand stream is drawn before the operating model acts, so both "
                 "received the same initiatives at the same weeks (common random numbers); the "
                 "models were therefore compared run by run. For each outcome we report the mean "
                 "over runs with a 95% confidence interval from Student's t distribution, the mean "
                 "paired difference A minus B with its 95% t interval over the pairs, and the share "
                 "of pairs in which each model did better (ties count for neither).")
    else:
        text += (f"Each model was run once, on seed {_first(seeds)}, so both received the same "
                 "initiatives (common random numbers); with one run per model no confidence "
                 "interval can be given, and differences may be chance.")
    text += (f" The experiment `{exp.name}`, its configuration hashes, seeds and software versions "
             f"are recorded in the results folder's `manifest.json`{_when(manifest)}.")
    defs = [f"- **{o}**: {DEFINITIONS[o]}" for o in outcomes if o in DEFINITIONS]
    return text + ("\n\nOutcomes, as orgsim defines them:\n\n" + "\n".join(defs) if defs else "") + "\n"


def _first(seeds: list[Any]) -> str:
    shown = ", ".join(str(s) for s in seeds[:3])
    return shown + (", ..." if len(seeds) > 3 else "") if shown else "as recorded"


def _when(manifest: dict[str, Any]) -> str:
    start, end = manifest.get("started_utc"), manifest.get("finished_utc")
    return f" (runs made {start} to {end}, UTC)" if start and end else ""
