"""Helpers shared by the specification, determinism and shipped-config tests.

The tiny scenario lives in `tests/data/tiny/`; the shipped configuration in
`configs/`. Tests that need a variant write a modified copy into a temporary
directory, so the files under version control are never touched.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from orgsim.api import measure
from orgsim.config.load import load_plan
from orgsim.engine.run import RunResult, simulate

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"
SCENARIO = CONFIGS / "nhs_england.yaml"
MODELS_DIR = CONFIGS / "operating_models"
TINY_DIR = Path(__file__).resolve().parent / "data" / "tiny"
TINY_SCENARIO = TINY_DIR / "scenario.yaml"


def shipped_models() -> list[str]:
    """Names of the operating model files shipped in `configs/operating_models`."""
    return sorted(p.stem for p in MODELS_DIR.glob("*.yaml"))


def run_tiny(model: str = "tiny", seed: int | None = None) -> tuple[RunResult, dict[str, Any]]:
    """Simulate the tiny scenario under one of the operating models beside it."""
    result = simulate(load_plan(TINY_SCENARIO, model), seed)
    return result, measure(result)


def short_scenario(where: Path, horizon: float = 60.0, warmup: float = 10.0,
                   **changes: Any) -> Path:
    """A copy of the shipped scenario and its operating models with a shorter horizon.

    Args:
        where: Directory to write into (it receives `scenario.yaml` and
            `operating_models/`).
        horizon: `horizon_weeks` of the copy.
        warmup: `warmup_weeks` of the copy.
        **changes: Further top-level keys of the scenario to replace.

    Returns:
        The path of the copied scenario.
    """
    where.mkdir(parents=True, exist_ok=True)
    shutil.copytree(MODELS_DIR, where / "operating_models", dirs_exist_ok=True)
    doc = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    doc.update(horizon_weeks=horizon, warmup_weeks=warmup, operating_models_dir="operating_models",
               **changes)
    path = where / "scenario.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def write_variant(scenario: Path, name: str, extends: str, **overrides: Any) -> str:
    """Write an operating model that `extends` another, beside `scenario`; returns its name."""
    doc = {"name": name, "extends": extends, **overrides}
    folder = scenario.parent / "operating_models"
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return name


def lookup(metrics: dict[str, Any], path: str) -> Any:
    """A value of a metrics dict by dotted path, e.g. `decision_latency.mean`."""
    value: Any = metrics
    for key in path.split("."):
        value = value[key]
    return value
