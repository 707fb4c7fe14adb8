"""Loading scenario and operating model files: the one place configuration is checked."""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from orgsim.config import evidence
from orgsim.config.errors import from_validation
from orgsim.config.funds import check_money
from orgsim.config.interventions import check_timeline, resolve_timeline
from orgsim.config.operating_model import OperatingModel
from orgsim.config.plan import Plan
from orgsim.config.resolve import resolve
from orgsim.config.scenario import Scenario
from orgsim.config.yamlio import ConfigError, Path_, Source, read_yaml

M = TypeVar("M", bound=BaseModel)
PACKAGE_MODELS = Path(__file__).resolve().parents[2] / "configs" / "operating_models"


def _validate(cls: type[M], src: Source) -> M:
    try:
        return cls.model_validate(src.data)
    except ValidationError as exc:
        raise from_validation(exc, src) from None


def _check_scenario(sc: Scenario, src: Source) -> None:
    """Cross-references inside a scenario file."""
    units = set(sc.unit_names())
    for name in sc.demand.national_origins:
        if name not in sc.organisations:
            raise src.error(("demand", "national_origins", name), f"unknown organisation {name!r}")
    if sc.demand.generate and sc.demand.national_rate_per_week > 0 and not sc.demand.national_origins:
        raise src.error(("demand", "national_origins"),
                        "national_rate_per_week > 0 needs at least one national origin")
    if not sc.themes:
        raise src.error(("themes",), "needs at least one theme")
    for i, item in enumerate(sc.demand.schedule):
        at = ("demand", "schedule", i)
        if item.origin not in units:
            raise src.error(at + ("origin",), f"unknown unit {item.origin!r}")
        if item.theme not in sc.themes:
            raise src.error(at + ("theme",), f"unknown theme {item.theme!r}")
        for f in item.effort:
            if f not in sc.demand.effort:
                raise src.error(at + ("effort", f), f"unknown function {f!r}; demand.effort has "
                                f"{sorted(sc.demand.effort)}")
    check_money(sc, src)
    check_timeline(sc, src)


def _scenario_source(path: Path, seen: tuple[Path, ...]) -> Source:
    """A scenario file, merged over the scenario it `extends` (a path relative to it)."""
    src = read_yaml(path)
    parent = src.data.get("extends")
    if parent is None:
        return src
    if not isinstance(parent, str):
        raise src.error(("extends",), f"expected the path of a scenario file, found {parent!r}")
    base_path = (path.parent / parent).resolve()
    if base_path in seen:
        raise src.error(("extends",), "cycle in extends: " + " -> ".join(p.name for p in seen + (base_path,)))
    if not base_path.exists():
        raise src.error(("extends",), f"no scenario file {parent} (looked for {base_path})")
    base = _scenario_source(base_path, seen + (base_path,))
    _validate(Scenario, base)  # errors in the base are reported in the base's file
    return _merged(base, src, _merge(base.data, {k: v for k, v in src.data.items() if k != "extends"}))


def load_scenario(path: str | Path) -> tuple[Scenario, Source]:
    """Read and check a scenario file (following `extends`)."""
    src = _scenario_source(Path(path), (Path(path).resolve(),))
    sc = _validate(Scenario, src)
    _check_scenario(sc, src)
    evidence.check(sc, src)
    return sc, src


def find_model(name_or_path: str, scenario_path: str | Path, sc: Scenario) -> Path:
    """An operating model file: a path, or a name looked up beside the scenario, then in the package."""
    given = Path(name_or_path)
    if given.suffix in (".yaml", ".yml"):
        return given
    here = Path(scenario_path).parent / sc.operating_models_dir / f"{name_or_path}.yaml"
    return here if here.exists() else PACKAGE_MODELS / f"{name_or_path}.yaml"


def _not_found(name: str, scenario_path: str | Path, sc: Scenario) -> str:
    """Where an operating model was looked for (each folder once), the closest name, and the known ones."""
    if Path(name).suffix in (".yaml", ".yml"):
        return f"no operating model file {name}"
    here = Path(scenario_path).parent / sc.operating_models_dir
    folders = [here] if here.resolve() == PACKAGE_MODELS.resolve() else [here, PACKAGE_MODELS]
    known = sorted({p.stem for d in folders if d.is_dir() for p in d.glob("*.yaml")})
    near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return (f"no operating model {name!r} in {' or '.join(map(str, folders))}{hint}; "
            f"known: {', '.join(known) or 'none'}")


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        return {k: _merge(base[k], v) if k in base else v for k, v in over.items()} | {
            k: v for k, v in base.items() if k not in over}
    return over


def _kept(data: Any, path: Path_) -> bool:
    """Whether the base's value at `path` survives merging with `data` (only mappings merge)."""
    node = data
    for part in path:
        if not isinstance(node, dict):
            return False
        if part not in node:
            return True
        node = node[part]
    return False


def _merged(base: Source, child: Source, data: Any) -> Source:
    """The merged document, each path located in the file that wrote it."""
    lines, files = dict(child.lines), {}
    for at, line in base.lines.items():
        if at not in child.lines and _kept(child.data, at):
            lines[at], files[at] = line, base.files.get(at, base.file)
    return Source(file=child.file, data=data, lines=lines, files=files)


def _model_source(path: Path, seen: tuple[str, ...], scenario_path: str | Path, sc: Scenario) -> Source:
    src = read_yaml(path)
    parent = src.data.get("extends")
    if parent is None:
        return src
    if not isinstance(parent, str):
        raise src.error(("extends",), f"expected an operating model name, found {parent!r}")
    if parent in seen:
        raise src.error(("extends",), "cycle in extends: " + " -> ".join(seen + (parent,)))
    is_file = Path(parent).suffix in (".yaml", ".yml")
    base_path = find_model(parent, scenario_path, sc)
    if is_file and not base_path.is_absolute():
        base_path = (path.parent / base_path).resolve()  # found relative to the file extending it
    if not base_path.exists():
        raise src.error(("extends",), _not_found(str(base_path) if is_file else parent, scenario_path, sc))
    base = _model_source(base_path, seen + (parent,), scenario_path, sc)
    _validate(OperatingModel, base)  # errors in the base are reported in the base's file
    data = _merge({k: v for k, v in base.data.items() if k != "extends"}, src.data)
    return _merged(base, src, data)


def load_operating_model(name_or_path: str, scenario_path: str | Path, sc: Scenario,
                         sc_src: Source | None = None) -> tuple[OperatingModel, Source]:
    """Read and check an operating model file (following `extends`).

    With `sc_src`, a name that has no file is reported at its entry in the
    scenario's `operating_models`; without, the name came from the command line.
    """
    path = find_model(name_or_path, scenario_path, sc)
    if not path.exists():
        message = _not_found(name_or_path, scenario_path, sc)
        if sc_src is not None and name_or_path in sc.operating_models:
            at = sc.operating_models.index(name_or_path)
            raise sc_src.error(("operating_models", at), message)
        raise ConfigError("--model", None, "", message)
    src = _model_source(path, (path.stem,), scenario_path, sc)
    om = _validate(OperatingModel, src)
    evidence.check(om, src)
    return om, src


def _with_timeline(plan: Plan, sc_src: Source, scenario_path: str | Path) -> Plan:
    """`plan` with its scenario's timeline resolved (switch targets loaded and checked)."""
    sc = plan.scenario
    if not sc.timeline:
        return plan

    def load_model(name: str, at: Path_) -> Plan:
        if not find_model(name, scenario_path, sc).exists():
            raise sc_src.error(at, _not_found(name, scenario_path, sc))
        om, om_src = load_operating_model(name, scenario_path, sc)
        return resolve(sc, om, sc_src, om_src)

    return replace(plan, timeline=resolve_timeline(plan, sc_src, load_model))


def load_plan(scenario_path: str | Path, model: str) -> Plan:
    """Scenario plus operating model, fully checked, ready for the engine."""
    sc, sc_src = load_scenario(scenario_path)
    om, om_src = load_operating_model(model, scenario_path, sc)
    return _with_timeline(resolve(sc, om, sc_src, om_src), sc_src, scenario_path)


def load_plans(scenario_path: str | Path, models: list[str] | None = None) -> list[Plan]:
    """Plans for `models`, or for the scenario's default operating models."""
    sc, sc_src = load_scenario(scenario_path)
    names = models or sc.operating_models
    if not names:
        raise sc_src.error(("operating_models",), "no operating model given; list some here or pass --model")
    plans: list[Plan] = []
    for name in names:
        om, om_src = load_operating_model(name, scenario_path, sc, None if models else sc_src)
        if any(p.model == om.name for p in plans):
            raise ConfigError("--model", None, "", f"operating model {om.name!r} is given twice "
                              f"({name}); each model is run once")
        plans.append(_with_timeline(resolve(sc, om, sc_src, om_src), sc_src, scenario_path))
    return plans


def plan_from_sources(sc_src: Source, om_src: Source) -> Plan:
    """Validate already-read (possibly edited) scenario and model documents into a Plan."""
    sc = _validate(Scenario, sc_src)
    _check_scenario(sc, sc_src)
    return _with_timeline(resolve(sc, _validate(OperatingModel, om_src), sc_src, om_src), sc_src, sc_src.file)
