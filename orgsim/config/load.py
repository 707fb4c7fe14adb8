"""Loading scenario and operating model files: the one place configuration is checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from orgsim.config.errors import from_validation
from orgsim.config.operating_model import OperatingModel
from orgsim.config.plan import Plan
from orgsim.config.resolve import resolve
from orgsim.config.scenario import Scenario
from orgsim.config.yamlio import ConfigError, Source, read_yaml

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


def load_scenario(path: str | Path) -> tuple[Scenario, Source]:
    """Read and check a scenario file."""
    src = read_yaml(path)
    sc = _validate(Scenario, src)
    _check_scenario(sc, src)
    return sc, src


def find_model(name_or_path: str, scenario_path: str | Path, sc: Scenario) -> Path:
    """An operating model file: a path, or a name looked up beside the scenario, then in the package."""
    given = Path(name_or_path)
    if given.suffix in (".yaml", ".yml"):
        return given
    here = Path(scenario_path).resolve().parent / sc.operating_models_dir / f"{name_or_path}.yaml"
    return here if here.exists() else PACKAGE_MODELS / f"{name_or_path}.yaml"


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        return {k: _merge(base[k], v) if k in base else v for k, v in over.items()} | {
            k: v for k, v in base.items() if k not in over}
    return over


def _model_source(path: Path, seen: tuple[str, ...], scenario_path: str | Path, sc: Scenario) -> Source:
    src = read_yaml(path)
    parent = src.data.get("extends")
    if parent is None:
        return src
    if not isinstance(parent, str):
        raise src.error(("extends",), f"expected an operating model name, found {parent!r}")
    if parent in seen:
        raise src.error(("extends",), "cycle in extends: " + " -> ".join(seen + (parent,)))
    base_path = find_model(parent, scenario_path, sc)
    if not base_path.exists():
        raise src.error(("extends",), f"no operating model {parent!r} (looked for {base_path})")
    base = _model_source(base_path, seen + (parent,), scenario_path, sc)
    _validate(OperatingModel, base)  # errors in the base are reported in the base's file
    data = _merge({k: v for k, v in base.data.items() if k != "extends"}, src.data)
    return Source(file=src.file, data=data, lines=src.lines)


def load_operating_model(name_or_path: str, scenario_path: str | Path,
                         sc: Scenario) -> tuple[OperatingModel, Source]:
    """Read and check an operating model file (following `extends`)."""
    path = find_model(name_or_path, scenario_path, sc)
    if not path.exists():
        raise ConfigError(str(scenario_path), None, "",
                          f"no operating model {name_or_path!r} (looked for {path})")
    src = _model_source(path, (path.stem,), scenario_path, sc)
    return _validate(OperatingModel, src), src


def load_plan(scenario_path: str | Path, model: str) -> Plan:
    """Scenario plus operating model, fully checked, ready for the engine."""
    sc, sc_src = load_scenario(scenario_path)
    om, om_src = load_operating_model(model, scenario_path, sc)
    return resolve(sc, om, sc_src, om_src)


def load_plans(scenario_path: str | Path, models: list[str] | None = None) -> list[Plan]:
    """Plans for `models`, or for the scenario's default operating models."""
    sc, sc_src = load_scenario(scenario_path)
    names = models or sc.operating_models
    if not names:
        raise sc_src.error(("operating_models",), "no operating model given; list some here or pass --model")
    plans = []
    for name in names:
        om, om_src = load_operating_model(name, scenario_path, sc)
        plans.append(resolve(sc, om, sc_src, om_src))
    return plans
