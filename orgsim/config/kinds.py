"""Which kind of configuration file a document is, so a command given another kind can say so.

Each kind has keys no other kind has; the kind with most of them present wins. A
document with none (or a tie) has no kind here, and the command's own checks report it.
"""

from __future__ import annotations

from typing import Any, Literal

Kind = Literal["experiment", "scenario", "operating model", "optimisation", "calibration"]
ONLY: dict[Kind, frozenset[str]] = {
    "experiment": frozenset({"scenario", "models", "uncertainties", "design", "replications", "compare",
                             "outcomes"}),
    "scenario": frozenset({"organisations", "themes", "demand", "timeline", "ics", "adoption",
                           "operating_models", "operating_models_dir", "sample_every_weeks"}),
    "operating model": frozenset({"forums", "handoff", "routes", "structure", "portfolios",
                                  "service_teams", "planning_overhead", "prepend_routes", "segments",
                                  "own_p_detect", "source"}),
    "optimisation": frozenset({"model", "levers", "constraints", "objectives", "samples", "search"}),
    "calibration": frozenset({"model", "parameters", "targets", "method"}),
}
COMMANDS: dict[Kind, str] = {
    "experiment": "orgsim experiment {file}",
    "scenario": "orgsim run {file}",
    "operating model": "orgsim run SCENARIO --model {file}",
    "optimisation": "orgsim optimise {file}",
    "calibration": "orgsim calibrate {file}",
}


def kind_of(data: Any) -> Kind | None:
    """The kind of a parsed configuration document, or None if its keys do not say."""
    keys = set(data) if isinstance(data, dict) else set()
    counts = sorted(((len(keys & only), kind) for kind, only in ONLY.items()), reverse=True)
    (best, kind), (second, _) = counts[0], counts[1]
    return kind if best > second else None


def guess(data: Any) -> Kind:
    """`kind_of`, else a scenario if it has a scenario's clock, else an operating model."""
    keys = set(data) if isinstance(data, dict) else set()
    return kind_of(data) or ("scenario" if keys & {"horizon_weeks", "warmup_weeks"} else "operating model")


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def wrong_kind(data: Any, wanted: Kind, file: str) -> str | None:
    """None unless `data` is clearly another kind than `wanted`; then which command takes it."""
    kind = kind_of(data)
    if kind is None or kind == wanted:
        return None
    return (f"this is {_a(kind)} file, not {_a(wanted)} file; run it with "
            f"`{COMMANDS[kind].format(file=file)}`")
