"""What `orgsim workshop` hands to the dashboard's server process, and the checks made before.

The server runs the app in another process, so the choices travel as JSON in
one environment variable. `check` reads every file the dashboard will need, so
a mistake is reported by the command, once, before any server starts.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from orgsim.config.load import PACKAGE_MODELS, load_plan, load_plans, load_scenario
from orgsim.config.scenario import Scenario
from orgsim.config.yamlio import ConfigError
from orgsim.workshop.rundata import ReplayError, load_run

ENV = "ORGSIM_WORKSHOP"
MAX_MODELS = 2
SAVE_DIR = "results/workshop"
NO_INTERVENTIONS = ", no interventions"  # a menu entry's ending: the model without the timeline


def baseline(model: str) -> str:
    """The menu name of `model` run without the scenario's timeline."""
    return model + NO_INTERVENTIONS


@dataclass(frozen=True)
class Settings:
    """The dashboard's fixed choices.

    Attributes:
        scenario: Scenario file of live runs.
        models: One or two operating models shown first (names or files).
        choices: Operating models offered in the dashboard's menus.
        baselines: Further entries of the second menu: models without the scenario's timeline.
        functions: Staff functions the staff lever can pick.
        seed: Root seed of live runs (None: the scenario's).
        run_dirs: Recorded runs to replay instead of simulating (one model's folder each).
        save_dir: Where "Save session" writes (a folder per save).
    """

    scenario: str
    models: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    baselines: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    seed: int | None = None
    run_dirs: tuple[str, ...] = field(default=())
    save_dir: str = SAVE_DIR

    @property
    def replay(self) -> bool:
        return bool(self.run_dirs)

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls, text: str | None = None) -> Settings:
        """Settings from `text`, else from the environment variable ORGSIM_WORKSHOP."""
        text = os.environ.get(ENV) if text is None else text
        if not text:
            raise ConfigError(ENV, None, "", "not set; start the dashboard with `orgsim workshop`")
        data = json.loads(text)
        return cls(scenario=data["scenario"], models=tuple(data["models"]),
                   choices=tuple(data["choices"]), baselines=tuple(data.get("baselines", ())),
                   functions=tuple(data["functions"]),
                   seed=data["seed"], run_dirs=tuple(data["run_dirs"]),
                   save_dir=data.get("save_dir", SAVE_DIR))


def check(scenario: str | Path, models: list[str] | None, seed: int | None,
          run_dirs: list[Path] | None = None, save_dir: str | Path = SAVE_DIR) -> Settings:
    """Read everything the dashboard will use; raise ConfigError (or ReplayError) on the first mistake."""
    return replace(_check(scenario, models, seed, run_dirs), save_dir=str(Path(save_dir).resolve()))


def _check(scenario: str | Path, models: list[str] | None, seed: int | None,
           run_dirs: list[Path] | None) -> Settings:
    if seed is not None and seed < 0:
        raise ConfigError("--seed", None, "", f"must be >= 0, got {seed}")
    if models and len(models) > MAX_MODELS:
        raise ConfigError("--model", None, "", f"at most {MAX_MODELS} operating models side by side, "
                          f"got {len(models)}")
    if run_dirs:
        return Settings(scenario=str(scenario), models=tuple(models or ()), seed=seed,
                        run_dirs=_recordings(run_dirs, models))
    sc, _ = load_scenario(scenario)
    if models:
        load_plans(scenario, models)  # a mistake is reported against --model
    if sc.operating_models or not models:
        load_plans(scenario)  # a mistake is reported at its line of the scenario
    chosen = list(models or sc.operating_models[:MAX_MODELS])
    listed = list(dict.fromkeys([*chosen, *sc.operating_models]))
    offered = (*listed, *_others(scenario, sc, listed))
    baselines = tuple(baseline(m) for m in offered) if sc.timeline else ()
    if baselines and len(chosen) == 1:  # with and without the timeline, side by side on the same demand
        chosen.append(baseline(chosen[0]))
    return Settings(scenario=str(scenario), models=tuple(chosen), choices=offered, baselines=baselines,
                    functions=tuple(sorted(sc.demand.effort)), seed=seed)


def _others(scenario: str | Path, sc: Scenario, listed: list[str]) -> list[str]:
    """Other operating model files beside the scenario or in the package that load with it.

    They only widen the menus, so one that does not fit the scenario (say, a
    timeline names a forum it lacks) is left off rather than refused.
    """
    folders = (Path(scenario).parent / sc.operating_models_dir, PACKAGE_MODELS)
    names = sorted({p.stem for d in folders if d.is_dir() for p in d.glob("*.yaml")} - set(listed))
    fits = []
    for name in names:
        try:
            load_plan(scenario, name)
        except ConfigError:
            continue
        fits.append(name)
    return fits


def _recordings(run_dirs: list[Path], models: list[str] | None) -> tuple[str, ...]:
    """Each run directory as one model's folder.

    A folder written by `orgsim run` holds one folder per operating model: those
    named by --model are replayed, else the first two by name.
    """
    found: list[str] = []
    for d in run_dirs:
        inside = sorted(p.parent for p in Path(d).glob("*/events.parquet"))
        if (Path(d) / "events.parquet").is_file() or not inside:
            found.append(str(d))  # checked below: load_run names what is wrong
            continue
        wanted = [p for p in inside if p.name in models] if models else inside[:MAX_MODELS]
        if not wanted:
            raise ReplayError(d, f"no run of {', '.join(models or [])} here; found: "
                                 f"{', '.join(p.name for p in inside)}")
        found += [str(p) for p in wanted]
    if len(found) > MAX_MODELS:
        raise ReplayError(run_dirs[0], f"{len(found)} recorded runs; at most {MAX_MODELS} side by side")
    for f in found:
        load_run(f)
    return tuple(found)
