"""What a report is made of: the results tables, the summary and the configuration behind them.

Two readers give the same `Inputs`: `read_experiment` for the results folder of
`orgsim experiment`, `read_run` for the folder `orgsim run` writes (one
replication per operating model, each in a subfolder); `read` picks one.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from orgsim.config.limits import count
from orgsim.experiments.spec import Experiment
from orgsim.store.read import read_parquet

ICS_BAR = "ICSs"
RUN_FILES = ("manifest.json", "metrics.json", "events.parquet")  # the manifest is written last
VERSIONS = ("orgsim", "python", "mesa", "simpy", "numpy", "pandas", "scipy", "salib", "pyarrow",
            "pydantic", "pyyaml")
PROVENANCE = ("orgsim_identity", "git_commit", "git_dirty", "command_line")


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
    kind: str = "experiment"  # or "run": one replication per model, written by `orgsim run`
    warnings: list[str] = field(default_factory=list)  # shown at the top of the report
    whatif: Any = None  # the per-setting tables of an experiment with levers (else None)
    every_setting: pd.DataFrame | None = None  # with levers: the runs of every setting (metrics
    # then holds today's setting's alone, as do the summary and tables)


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
    return read_parquet(path) if path.exists() else pd.DataFrame()


def kind_of(root: Path) -> str | None:
    """"experiment", "run" (a folder `orgsim run` wrote) or None when it is neither."""
    root = Path(root)
    if (root / "experiment.json").exists() and (root / "metrics.parquet").exists():
        return "experiment"
    return "run" if run_folders(root) else None


def run_folders(root: Path) -> list[Path]:
    """The complete operating-model folders of an `orgsim run` output, by name."""
    if not Path(root).is_dir():
        return []
    return sorted(p for p in Path(root).iterdir()
                  if p.is_dir() and all((p / f).exists() for f in RUN_FILES))


def read(root: Path) -> Inputs:
    """Read an experiment's results folder or a folder written by `orgsim run`."""
    return read_run(root) if kind_of(root) == "run" else read_experiment(root)


def read_experiment(root: Path) -> Inputs:
    """Read a finished experiment's results, its summary and, where possible, its configuration.

    The results must be whole and their own (`orgsim.experiments.results.check`); configuration
    files changed since the run are said at the top of the report.
    """
    from orgsim.analysis import summarise
    from orgsim.experiments.results import check

    checked = check(Path(root))
    root, manifest, exp = checked.root, checked.manifest, checked.exp
    exp_file = Path(manifest.get("experiment_file") or root / "experiment.yaml")
    scenario_path = Path(exp.scenario) if Path(exp.scenario).is_absolute() \
        else exp_file.parent / exp.scenario
    inputs = Inputs(root, manifest, exp, checked.metrics, _table(root, "design"),
                    {n: _table(root, n) for n in ("handoffs", "waits", "timeseries", "staff")},
                    summarise(root, write=False), scenario_path)
    inputs.whatif = _whatif(inputs)
    if inputs.whatif is not None:
        at_today(inputs)
    _configuration(inputs)
    _changed_since(inputs, exp_file)
    return inputs


def _whatif(inputs: Inputs) -> Any:
    """The per-setting tables of an experiment with levers (from the summary just computed, so
    the report never reads stale or missing CSV files); None without levers."""
    from orgsim.analysis.whatif import WhatIf

    exp, s = inputs.exp, inputs.summary
    if not exp.levers:
        return None
    scenarios = int(inputs.design["scenario"].nunique()) if "scenario" in inputs.design else 1
    return WhatIf(levers=list(exp.levers),
                  labels={p: lever.label for p, lever in exp.levers.items()},
                  baseline=dict(exp.baseline), paired=s.paired_by_point, by_setting=s.by_setting,
                  switches=s.switch_points, scenarios=scenarios, replications=exp.replications,
                  uncertain=bool(exp.uncertainties) or exp.ensemble is not None)


def today_setting(whatif: Any) -> int | None:
    """The id of today's (the baseline) setting; None when no run of it is in the tables."""
    bs = whatif.by_setting
    today = bs.loc[bs["is_baseline"].astype(bool), "setting"] if len(bs) else bs
    return int(today.iloc[0]) if len(today) else None


def at_today(inputs: Inputs) -> None:
    """Keep today's setting alone in the summary, runs and tables the pooled sections read.

    The bottom line and the response to the levers read every setting (`whatif`,
    `every_setting`); every other section then describes today's setting, never a
    pool of settings.
    """
    from dataclasses import fields, replace

    w, today = inputs.whatif, today_setting(inputs.whatif)
    if today is None or "setting" not in inputs.metrics:
        return
    keys = ["setting", *w.levers]
    keep = ("paired_by_point", "by_setting", "switch_points")

    def only(table: pd.DataFrame) -> pd.DataFrame:
        if "setting" not in table:
            return table
        rows = table[table["setting"] == today]
        return rows.drop(columns=[c for c in keys if c in rows]).reset_index(drop=True)

    s = inputs.summary
    inputs.summary = replace(s, **{f.name: only(getattr(s, f.name)) for f in fields(s)
                                   if f.name not in keep})
    inputs.every_setting = inputs.metrics
    inputs.metrics = inputs.metrics[inputs.metrics["setting"] == today].reset_index(drop=True)
    points = set(inputs.metrics["point"])
    inputs.tables = {name: t[t["point"].isin(points)].reset_index(drop=True) if "point" in t else t
                     for name, t in inputs.tables.items()}


def _changed_since(inputs: Inputs, exp_file: Path) -> None:
    """A warning if the configuration files no longer give the configuration these results were run with."""
    from orgsim.config.yamlio import ConfigError
    from orgsim.experiments.points import load_experiment
    from orgsim.experiments.runner import config_hashes

    recorded = dict(inputs.manifest.get("config_sha256") or {})
    recorded.pop("experiment", None)
    if not recorded or (inputs.design.empty and inputs.exp.uncertainties):
        return
    first = inputs.design.iloc[0] if len(inputs.design) else {}
    values = {p: float(first[p]) for p in [*inputs.exp.uncertainties, *inputs.exp.levers]
              if p in first}  # the first point's values, levers' among them, as the run hashed
    try:
        now = config_hashes(load_experiment(exp_file), values)
    except (ConfigError, OSError) as err:
        inputs.warnings.append(f"The configuration behind these results cannot be checked ({err}): "
                               "the assumptions shown below are today's files, which may differ from "
                               "those the results were run with.")
        return
    changed = sorted(m for m, h in recorded.items() if now.get(m) != h)
    if changed:
        inputs.warnings.append(
            f"The configuration has changed since these results were run ({', '.join(changed)}): the "
            "assumptions and organisation structures shown below are the files' current values, not "
            "those behind the results. Re-run the experiment to report them together.")


def read_run(root: Path) -> Inputs:
    """Read the folder `orgsim run` writes: one replication of each operating model.

    Every subfolder holding a complete run is one model; its metrics become one
    row (point 0, replication 0), and handoffs and waits are taken from its event
    log, as an experiment's runs are. The summary has no confidence intervals.
    """
    from orgsim.analysis.summary import summary_of

    root = Path(root)
    folders = run_folders(root)
    manifests = {p.name: json.loads((p / "manifest.json").read_text(encoding="utf-8"))
                 for p in folders}
    first = next(iter(manifests.values()))
    files = first.get("source_files") or []
    scenario_path = Path(files[0]) if files else root / "scenario.yaml"
    seeds = sorted({int(m["seed"]) for m in manifests.values()})
    exp = Experiment(name=root.name, scenario=str(scenario_path), models=list(manifests),
                     replications=1, seed=seeds[0], description=_run_note(seeds))
    written = sorted(str(m.get("written_utc", "")) for m in manifests.values())
    manifest = {**{k: first[k] for k in (*VERSIONS, *PROVENANCE) if k in first}, "runs": len(folders),
                "design_points": 1, "root_seed": seeds[0], "replication_seeds": seeds,
                "started_utc": written[0], "finished_utc": written[-1],
                "backend": "serial", "workers": 1}
    metrics = pd.DataFrame([_run_row(p, manifests[p.name]) for p in folders])
    inputs = Inputs(root, manifest, exp, metrics, pd.DataFrame(), {},
                    summary_of(exp, metrics, pd.DataFrame()), scenario_path, kind="run")
    refs = {name: (m.get("source_files") or [None, m["operating_model"]])[-1]
            for name, m in manifests.items()}
    _configuration(inputs, refs)
    inputs.tables = _run_tables(folders, inputs.plans)
    return inputs


def _run_note(seeds: list[int]) -> str:
    seed = ", ".join(map(str, seeds))
    return (f"One replication of each operating model, written by `orgsim run` (seed {seed}): "
            "every value is that single run's. With one run per model there is no confidence "
            "interval, and a difference between models may be chance; run an experiment with "
            "replications (`orgsim experiment`) before drawing conclusions.")


def _run_row(folder: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    from orgsim.metrics.table import flat

    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    return {"point": 0, "replication": 0, "model": folder.name, "seed": int(manifest["seed"]),
            **flat(metrics)}


def _run_tables(folders: list[Path], plans: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Handoffs, waits (service teams apart) and time series of every run, keyed as in an experiment."""
    from orgsim.metrics.flows import handoffs, service_teams, waits

    parts: dict[str, list[pd.DataFrame]] = {"handoffs": [], "waits": [], "timeseries": []}
    for folder in folders:
        keys = {"point": 0, "replication": 0, "model": folder.name}
        events = pd.read_parquet(folder / "events.parquet")
        plan = plans.get(folder.name)
        teams = service_teams(plan) if plan is not None else _config_teams(folder)
        parts["handoffs"].append(handoffs(events).assign(**keys))
        parts["waits"].append(waits(events, teams).assign(**keys))
        if (folder / "timeseries.parquet").exists():
            parts["timeseries"].append(pd.read_parquet(folder / "timeseries.parquet").assign(**keys))
    return {name: pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
            for name, frames in parts.items()}


def _config_teams(folder: Path) -> set[str]:
    """Service teams named in a run's resolved configuration (when its files are gone)."""
    import yaml

    config = yaml.safe_load((folder / "config.yaml").read_text(encoding="utf-8")) or {}
    return set((config.get("operating_model") or {}).get("service_teams") or {})


def _configuration(inputs: Inputs, refs: dict[str, str] | None = None) -> None:
    """Scenario, operating models and plans at base values; a note in `problems` if unreadable.

    `refs` gives, per model shown, the name or file to load it from (default: its name).
    """
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
        refs = refs or {m: m for m in inputs.exp.models}
        for name, ref in refs.items():
            inputs.models[name] = load_operating_model(ref, path, inputs.scenario)[0]
        inputs.plans = dict(zip(refs, load_plans(path, list(refs.values()))))
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
            bar = f"{team.unit}: {team.name}\n({count(team.count, 'team')} of {team.people})"
            rows += [{"bar": bar, "function": f, "headcount": n * team.count}
                     for f, n in team.size.items()]
    bar = f"{ICS_BAR} ({len(ics)}, summed)"
    rows += [{"bar": bar, "function": f, "headcount": n} for u in ics for f, n in u.teams.items()]
    frame = pd.DataFrame(rows, columns=["bar", "function", "headcount"])
    return frame.groupby(["bar", "function"], sort=False, as_index=False)["headcount"].sum()


def run_counts(metrics: pd.DataFrame) -> dict[str, int]:
    """Runs per model."""
    return {str(k): int(v) for k, v in metrics.groupby("model").size().items()}
