"""What a report is made of: the results tables, the summary and the configuration behind them."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from orgsim.experiments.spec import Experiment

ICS_BAR = "ICSs"


@dataclass
class Inputs:
    """Everything read from one results directory; configuration is None when it cannot be read."""

    root: Path
    manifest: dict[str, Any]
    exp: Experiment
    metrics: pd.DataFrame
    design: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    summary: Any
    scenario_path: Path
    scenario: Any = None
    models: dict[str, Any] = field(default_factory=dict)
    plans: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def shown(path: str | Path, root: Path) -> str:
    """A path as the report shows it, never with the machine's own directories.

    Relative to the results folder when the two are in one project (a reader can
    follow it from the report's folder wherever the project is cloned); otherwise
    relative to the project holding the file (the folder with `pyproject.toml` or
    `.git`), or the bare file name.
    """
    path, root = Path(path).absolute(), Path(root).absolute()
    if len(Path(os.path.commonpath([path, root])).parts) > 2:
        return Path(os.path.relpath(path, root)).as_posix()
    project = next((p for p in path.parents
                    if (p / "pyproject.toml").exists() or (p / ".git").exists()), None)
    return path.relative_to(project).as_posix() if project else path.name


def unrooted(text: str, root: Path) -> str:
    """`text` with every absolute path in it made relative to the results folder."""
    return re.sub(r"(?<![\w.])/[^\s:'\"(),]+", lambda m: shown(m.group(0), root), text)


def _table(root: Path, name: str) -> pd.DataFrame:
    path = root / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame()


def read(root: Path) -> Inputs:
    """Read a finished experiment's results, its summary and, where possible, its configuration."""
    from orgsim.analysis import summarise

    root = Path(root)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    exp = Experiment.model_validate_json((root / "experiment.json").read_text(encoding="utf-8"))
    exp_file = Path(manifest.get("experiment_file") or root / "experiment.yaml")
    scenario_path = Path(exp.scenario) if Path(exp.scenario).is_absolute() \
        else exp_file.parent / exp.scenario
    inputs = Inputs(root, manifest, exp, _table(root, "metrics"), _table(root, "design"),
                    {n: _table(root, n) for n in ("handoffs", "waits", "timeseries")},
                    summarise(root, write=False), scenario_path)
    _configuration(inputs)
    return inputs


def _configuration(inputs: Inputs) -> None:
    """Scenario, operating models and plans at base values; a note in `problems` if unreadable."""
    from orgsim.config.load import load_operating_model, load_plans, load_scenario
    from orgsim.config.yamlio import ConfigError

    path = inputs.scenario_path
    if not path.exists():
        inputs.problems.append(f"The scenario file {shown(path, inputs.root)} no longer exists, "
                               "so the assumptions, "
                               "their sources and the organisation structure cannot be shown.")
        return
    try:
        inputs.scenario = load_scenario(path)[0]
        for name in inputs.exp.models:
            inputs.models[name] = load_operating_model(name, path, inputs.scenario)[0]
        inputs.plans = {p.model: p for p in load_plans(path, list(inputs.exp.models))}
    except (ConfigError, OSError, ValueError) as err:
        inputs.problems.append(f"The configuration could not be read again "
                               f"({unrooted(str(err), inputs.root)}); what follows "
                               "may be incomplete.")


def headcount(plan: Any) -> pd.DataFrame:
    """[bar, function, headcount]: each unit, then its service teams; ICSs summed in one bar."""
    rows: list[dict[str, Any]] = []
    ics = [u for u in plan.units.values() if u.is_ics]
    for unit in plan.units.values():
        if unit.is_ics:
            continue
        rows += [{"bar": unit.name, "function": f, "headcount": n} for f, n in unit.teams.items()]
        for team in (t for t in plan.teams.values() if t.unit == unit.name):
            bar = f"{team.unit}: {team.name}\n({team.count} teams of {team.people})"
            rows += [{"bar": bar, "function": f, "headcount": n * team.count}
                     for f, n in team.size.items()]
    bar = f"{ICS_BAR} ({len(ics)}, summed)"
    rows += [{"bar": bar, "function": f, "headcount": n} for u in ics for f, n in u.teams.items()]
    frame = pd.DataFrame(rows, columns=["bar", "function", "headcount"])
    return frame.groupby(["bar", "function"], sort=False, as_index=False)["headcount"].sum()


def run_counts(metrics: pd.DataFrame) -> dict[str, int]:
    """Runs per model."""
    return {str(k): int(v) for k, v in metrics.groupby("model").size().items()}
