"""A calibrated point written out as a scenario file that `extends:` the original.

`orgsim run` and the workshop read it like any scenario. Only scenario numbers
can go in a scenario file: parameters of the operating model are listed in its
header with their calibrated values, for whoever edits the model.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from orgsim.calibration.load import Setup
from orgsim.experiments.points import MODEL_PREFIX, MODELS_PREFIX, _get
from orgsim.store.atomic import write_text


def _nested(values: dict[str, float], base: Any) -> dict[str, Any]:
    """{"a.b.c": 1} -> {"a": {"b": {"c": 1}}}, whole numbers where the scenario has them."""
    out: dict[str, Any] = {}
    for path, value in values.items():
        keys = path.split(".")
        node = out
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        was = _get(base, tuple(keys))
        node[keys[-1]] = int(round(value)) if isinstance(was, int) and not isinstance(was, bool) \
            else round(float(value), 6)
    return out


def scenario_text(setup: Setup, values: dict[str, float], where: Path, label: str) -> str:
    """The YAML of a scenario at `where` extending the calibrated one, with `values` set."""
    original = Path(setup.bases.scenario.file).resolve()
    models_dir = original.parent / setup.bases.scenario.data.get("operating_models_dir", "operating_models")
    scenario = {p: v for p, v in values.items() if not p.startswith((MODEL_PREFIX, MODELS_PREFIX))}
    model = {p: v for p, v in values.items() if p not in scenario}
    head = [f"# Calibrated scenario ({label} of the ensemble) from calibration {setup.cal.name!r}",
            f"# ({Path(setup.src.file).name}): {original.name} with the calibrated numbers below.",
            f"# Observed under operating model {setup.cal.model!r}."]
    if model:
        head.append("# Operating model numbers calibrated too (set them in the model to use them):")
        head += [f"#   {p}: {v:.6g}" for p, v in model.items()]
    data = {"extends": os.path.relpath(original, where.parent),
            "operating_models_dir": os.path.relpath(models_dir, where.parent),
            **_nested(scenario, setup.bases.scenario.data)}
    return "\n".join(head) + "\n" + yaml.safe_dump(data, sort_keys=False)


def write_scenarios(root: Path, setup: Setup, points: dict[str, dict[str, float]]) -> None:
    for label, values in points.items():
        where = root / f"scenario_{label}.yaml"
        write_text(where, scenario_text(setup, values, where, f"posterior {label}"))
