"""From an experiment file to checked plans: one per (design point, operating model)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgsim.config.errors import from_validation
from orgsim.config.load import load_operating_model, load_scenario, plan_from_sources
from orgsim.config.plan import Plan
from orgsim.config.yamlio import ConfigError, Path_, Source, read_yaml
from orgsim.experiments.spec import Experiment

MODEL_PREFIX = "model."
MODELS_PREFIX = "models."


@dataclass(frozen=True)
class Bases:
    """The experiment and the documents its points are edited from."""

    exp: Experiment
    src: Source
    scenario: Source
    models: dict[str, Source]
    key: str = "uncertainties"  # where the edited paths sit in `src` (errors point there)


def load_experiment(path: str | Path) -> Bases:
    """Read and check an experiment file, its scenario and its operating models."""
    from pydantic import ValidationError

    src = read_yaml(path)
    try:
        exp = Experiment.model_validate(src.data)
    except ValidationError as exc:
        raise from_validation(exc, src, Experiment) from None
    return bases_for(exp, src, path)


def bases_for(exp: Experiment, src: Source, path: str | Path, key: str = "uncertainties") -> Bases:
    """Check the scenario, models and paths `exp` (read from `src` at `path`) names."""
    scenario_path = Path(path).parent / exp.scenario
    if not scenario_path.exists():
        raise src.error(("scenario",), f"no scenario file {scenario_path}")
    sc, sc_src = load_scenario(scenario_path)
    models = {}
    for i, name in enumerate(exp.models):
        try:
            models[name] = load_operating_model(name, scenario_path, sc)[1]
        except ConfigError as err:
            if err.file == "--model":
                raise src.error(("models", i), err.message) from None
            raise
    bases = Bases(exp, src, sc_src, models, key)
    check_paths(bases, exp.uncertainties)
    from orgsim.experiments.levers import settle

    bases = settle(bases)  # whole numbers where the schema wants them; today's setting of each lever
    exp = bases.exp
    if exp.ensemble is not None:
        from orgsim.experiments.ensemble import check_ensemble

        check_ensemble(bases, Path(path).parent / exp.ensemble)
    for corner in (0, 1):  # every value in range must give a valid plan; check both corners
        plans(bases, {**{p: u.bounds[corner] for p, u in exp.uncertainties.items()},
                      **{p: lever.bounds[corner] for p, lever in exp.levers.items()}})
    return bases


def _targets(path: str, bases: Bases) -> list[tuple[str | None, tuple[str, ...]]]:
    """(model or None for the scenario, key path) pairs an uncertainty path edits."""
    if path.startswith(MODELS_PREFIX):
        name, _, rest = path[len(MODELS_PREFIX):].partition(".")
        return [(name, tuple(rest.split(".")))]
    if path.startswith(MODEL_PREFIX):
        keys = tuple(path[len(MODEL_PREFIX):].split("."))
        return [(m, keys) for m, s in bases.models.items() if _get(s.data, keys) is not None]
    return [(None, tuple(path.split(".")))]


def _step(data: Any, key: str) -> Any:
    """`data[key]`, a list indexed by a number (`timeline.0.week`); None when there is none."""
    if isinstance(data, dict):
        return data.get(key)
    if isinstance(data, list) and key.isdigit() and int(key) < len(data):
        return data[int(key)]
    return None


def _get(data: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        data = _step(data, key)
        if data is None:
            return None
    return data


def _near(data: Any, keys: tuple[str, ...]) -> tuple[int, str]:
    """How many of `keys` lead somewhere in `data`, and a hint for the first that does not.

    `forums.nhsei_bord.cadence_weeks` -> (1, "no 'nhsei_bord' under forums; did you mean 'nhsei_board'?").
    """
    import difflib

    for depth, key in enumerate(keys):
        found = _step(data, key)
        if found is None:
            where = ".".join(keys[:depth]) or "the top level"
            known = [str(k) for k in data] if isinstance(data, dict) else []
            near = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else \
                (f" (it has: {', '.join(known)})" if 0 < len(known) <= 12 else "")
            return depth, f"no {key!r} under {where}{hint}"
        data = found
    return len(keys), ""


def _hint(bases: Bases, path: str) -> str:
    """Why `path` names nothing: the first key that leads nowhere, with the nearest there is."""
    if path.startswith(MODEL_PREFIX):
        keys = tuple(path[len(MODEL_PREFIX):].split("."))
        found = [(_near(s.data, keys), m) for m, s in bases.models.items()]
        if not found:
            return ""
        (_, hint), name = max(found, key=lambda f: f[0][0])
        return f" (in operating model {name!r}, {hint})" if hint else ""
    targets = _targets(path, bases)
    if not targets:
        return ""
    model, keys = targets[0]
    if model is not None and model not in bases.models:
        return ""
    doc = bases.scenario if model is None else bases.models[model]
    hint = _near(doc.data, keys)[1]
    return f": {hint}" if hint else ""


def check_paths(bases: Bases, paths: Iterable[str], at_key: Path_ | None = None,
                key: str | None = None) -> None:
    """Every path names a number in the scenario or a compared model (errors at `at_key` if given,
    else at the path under `key`, by default the bases' key)."""
    for path in paths:
        at = at_key or (key or bases.key, path)
        named = f"ensemble parameter {path}: " if at_key else ""
        targets = _targets(path, bases)
        if not targets:
            raise bases.src.error(at, f"{named}no compared operating model has this path"
                                  f"{_hint(bases, path)}")
        for model, keys in targets:
            if model is not None and model not in bases.models:
                raise bases.src.error(at, f"{named}{model!r} is not one of the compared models")
            doc = bases.scenario if model is None else bases.models[model]
            value = _get(doc.data, keys)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                where = "the scenario" if model is None else f"operating model {model!r}"
                found = "nothing" if value is None else repr(value)
                hint = _hint(bases, path) if value is None else ""
                raise bases.src.error(at, f"{named}expected a number at this path in {where}, "
                                      f"found {found}{hint}")


def number_type(path: str, bases: Bases) -> type:
    """`int` or `float`: the type the schema gives the number at `path` (float when it does not say)."""
    from orgsim.config.errors import number_type as schema_type
    from orgsim.config.operating_model import OperatingModel
    from orgsim.config.scenario import Scenario

    found = {schema_type(Scenario if model is None else OperatingModel, keys)
             for model, keys in _targets(path, bases)}
    return int if found == {int} else float


def _set(data: Any, keys: tuple[str, ...], value: float, kind: type) -> None:
    """Set a number with the type the schema gives it, never the type of the literal it replaces:
    a whole-number field gets the nearest whole number (experiments refuse any other value before
    they run), any other field the value itself."""
    for key in keys[:-1]:
        data = _step(data, key)
    last: Any = int(keys[-1]) if isinstance(data, list) else keys[-1]
    data[last] = int(round(value)) if kind is int else float(value)


def plans(bases: Bases, values: dict[str, float]) -> dict[str, Plan]:
    """Checked plans, one per compared model, with `values` set; bad values name the experiment file."""
    exp = bases.exp
    sc_data = copy.deepcopy(bases.scenario.data)
    if exp.horizon_weeks is not None:
        sc_data["horizon_weeks"] = exp.horizon_weeks
    if exp.warmup_weeks is not None:
        sc_data["warmup_weeks"] = exp.warmup_weeks
    om_data = {m: copy.deepcopy(s.data) for m, s in bases.models.items()}
    for path, value in values.items():
        kind = number_type(path, bases)
        for model, keys in _targets(path, bases):
            _set(sc_data if model is None else om_data[model], keys, value, kind)
    out = {}
    for name, om_src in bases.models.items():
        sc_src = Source(bases.scenario.file, sc_data, bases.scenario.lines, bases.scenario.files)
        edited = Source(om_src.file, om_data[name], om_src.lines, om_src.files)
        try:
            out[name] = plan_from_sources(sc_src, edited)
        except ConfigError as err:
            shown = ", ".join(f"{p}={v:g}" for p, v in values.items())
            key = "levers" if values and set(values) <= set(exp.levers) else bases.key
            raise bases.src.error((key,), f"with {shown or 'no changes'}: {err}") from None
    return out
