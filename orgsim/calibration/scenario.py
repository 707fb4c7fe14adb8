"""A calibrated point written out as files `orgsim run` and the workshop read as they are.

`scenario_<label>.yaml` `extends:` the original scenario with the calibrated
scenario numbers set. When numbers of the observed operating model were
calibrated too, `operating_models_<label>/` holds that model as a file that
`extends:` the original with them set (under the same name, so `-m NAME` with
the calibrated scenario runs the calibrated model), beside a file for each other
model of the original folder that only extends it; the calibrated scenario
looks its models up there. A model that extends the observed one by name (the
pandemic cells, formed from internal commissioning) is so built on the
calibrated one; any other model keeps its own numbers.

Only what the observations pinned down is set. A parameter they merely
narrowed, or said little about, keeps the original's value and is listed, with
its verdict, in the file's header: it is not presented as calibrated (the
ensemble still carries what the data say about it).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import yaml

from orgsim.calibration.load import Setup
from orgsim.calibration.summary import MEANINGS, PINNED_DOWN
from orgsim.config.yamlio import ConfigError
from orgsim.experiments.points import MODEL_PREFIX, MODELS_PREFIX, _get, _step
from orgsim.store.atomic import write_text


def _number(value: float, was: Any) -> int | float:
    """Whole where the original has a whole number, else rounded to six places."""
    return int(round(value)) if isinstance(was, int) and not isinstance(was, bool) else round(float(value), 6)


def overlay(values: dict[str, float], base: Any) -> dict[str, Any]:
    """{"a.b.c": 1} -> {"a": {"b": {"c": 1}}}: the keys to merge over `base` to set `values`.

    Mappings merge key by key, anything else replaces the base's whole, so a path through a list
    (`timeline.0.week`) carries the whole list, copied from `base` with the value set.
    """
    out: dict[str, Any] = {}
    for path, value in values.items():
        keys = path.split(".")
        node: Any = out
        src: Any = base
        copied = False
        for key in keys[:-1]:
            src = _step(src, key)
            if copied:
                node = _step(node, key)
            elif isinstance(src, list):
                node = node.setdefault(key, copy.deepcopy(src))
                copied = True
            else:
                node = node.setdefault(key, {})
        number = _number(value, _get(base, tuple(keys)))
        node[int(keys[-1]) if isinstance(node, list) else keys[-1]] = number
    return out


def _model_path(path: str) -> str:
    """A calibration parameter's path inside the observed model (`model.x.y` or `models.NAME.x.y`)."""
    if path.startswith(MODELS_PREFIX):
        return path[len(MODELS_PREFIX):].partition(".")[2]
    return path[len(MODEL_PREFIX):]


def _is_model(path: str) -> bool:
    return path.startswith((MODEL_PREFIX, MODELS_PREFIX))


def _header_lines(values: dict[str, float], verdicts: dict[str, str], base: dict[str, Any]) -> list[str]:
    """What was set from the ensemble, and what was not (with the value kept)."""
    shown = [(p, v) for p, v in values.items() if verdicts.get(p) == PINNED_DOWN]
    kept = [(p, v) for p, v in values.items() if verdicts.get(p) != PINNED_DOWN]
    lines = []
    if shown:
        lines.append(f"# Set from the ensemble: parameters {MEANINGS[PINNED_DOWN]}:")
        lines += [f"#   {p}: {_number(v, base[p])}" for p, v in shown]
    if kept:
        lines.append("# Not calibrated, so kept at the original's value (the ensemble, drawn by an "
                     "experiment, still carries them):")
        lines += [f"#   {p}: {base[p]!r} kept (parameter {MEANINGS.get(verdicts.get(p, ''), 'not judged')}; "
                  f"ensemble value {v:.6g} not used)" for p, v in kept]
    return lines


def _original(setup: Setup, path: str) -> Any:
    model = setup.bases.models[setup.model].data
    if _is_model(path):
        return _get(model, tuple(_model_path(path).split(".")))
    return _get(setup.bases.scenario.data, tuple(path.split(".")))


def _models_folder(setup: Setup, values: dict[str, float], folder: Path, label: str) -> None:
    """The observed model with `values` set, and every other model of the original folder, in `folder`."""
    from orgsim.config.load import load_operating_model, load_scenario

    original = Path(setup.bases.models[setup.model].file).resolve()
    sc_file = Path(setup.bases.scenario.file)
    sc, _ = load_scenario(sc_file)
    source = sc_file.parent / sc.operating_models_dir  # models not here are found among the shipped
    for other in sorted(source.glob("*.y*ml")) if source.is_dir() else []:
        if other.resolve() == original:
            continue
        try:
            load_operating_model(str(other.resolve()), sc_file, sc)
        except ConfigError:
            continue  # not an operating model (a scenario kept beside the models, say)
        stub = folder / other.name
        write_text(stub, f"# {other.stem}, as in {other.name} of the original scenario's models.\n"
                   + yaml.safe_dump({"extends": os.path.relpath(other.resolve(), folder)}))
    model = setup.bases.models[setup.model].data
    doc: dict[str, Any] = {"extends": os.path.relpath(original, folder)}
    set_here = {_model_path(p): v for p, v in values.items()}
    shown = ", ".join(f"{p} = {_number(v, _get(model, tuple(p.split('.'))))}" for p, v in set_here.items())
    doc["description"] = (str(model.get("description", "")).strip() + f" Calibrated ({label}) by "
                          f"{setup.cal.name}: {shown}.").strip()
    doc.update(overlay(set_here, model))
    head = [f"# Operating model {model.get('name')!r} as calibrated ({label} of the ensemble) by "
            f"calibration {setup.cal.name!r}", f"# ({Path(setup.src.file).name}): {original.name} with "
            "the numbers below set."]
    write_text(folder / original.name, "\n".join(head) + "\n" + yaml.safe_dump(doc, sort_keys=False))


def scenario_text(setup: Setup, values: dict[str, float], where: Path, label: str,
                  verdicts: dict[str, str]) -> str:
    """The YAML of a scenario at `where` extending the calibrated one, with `values` set.

    `verdicts` (parameter -> "pinned down", "narrowed" or "not pinned down"): only what is pinned
    down is set. When model numbers are set, the model folder is written beside `where` first.
    """
    original = Path(setup.bases.scenario.file).resolve()
    models_dir = original.parent / setup.bases.scenario.data.get("operating_models_dir", "operating_models")
    pinned = {p: v for p, v in values.items() if verdicts.get(p) == PINNED_DOWN}
    scenario = {p: v for p, v in pinned.items() if not _is_model(p)}
    model = {p: v for p, v in pinned.items() if _is_model(p)}
    base = {p: _original(setup, p) for p in values}
    model_name = setup.bases.models[setup.model].data.get("name")
    head = [f"# Calibrated scenario ({label} of the ensemble) from calibration {setup.cal.name!r}",
            f"# ({Path(setup.src.file).name}): {original.name} with the calibrated numbers below.",
            f"# Observed under operating model {model_name!r}."]
    head += _header_lines(values, verdicts, base)
    if model:
        folder = where.parent / f"operating_models_{label.split()[-1]}"
        _models_folder(setup, model, folder, label)
        models_dir = folder
        head.append(f"# Its models are looked up in {folder.name}/, where {model_name!r} is the "
                    "calibrated one:")
        head.append(f"#   orgsim run {where.name} -m {Path(setup.bases.models[setup.model].file).stem}")
    data = {"extends": os.path.relpath(original, where.parent),
            "operating_models_dir": os.path.relpath(models_dir, where.parent),
            **overlay(scenario, setup.bases.scenario.data)}
    return "\n".join(head) + "\n" + yaml.safe_dump(data, sort_keys=False)


def write_scenarios(root: Path, setup: Setup, points: dict[str, dict[str, float]],
                    verdicts: dict[str, str]) -> None:
    for label, values in points.items():
        where = root / f"scenario_{label}.yaml"
        write_text(where, scenario_text(setup, values, where, f"posterior {label}", verdicts))
