"""From an optimisation file to candidates: levers decoded, plans built, budgets checked first.

Everything that can be known before the first run is checked here, so a bad
file or a budget that cannot be met is refused with one `file:line` message
before any simulation starts: paths that do not exist, ranges whose corners
give no valid operating model, a headcount budget no design within the
levers' ranges can meet, a search that could need more runs than allowed.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from orgsim.config.errors import from_validation
from orgsim.config.load import load_operating_model, load_scenario
from orgsim.config.plan import Plan
from orgsim.config.scenario import Scenario
from orgsim.config.yamlio import ConfigError, Source, read_yaml
from orgsim.experiments.points import Bases, plans
from orgsim.experiments.spec import Experiment
from orgsim.experiments.tasks import replication_seeds
from orgsim.metrics.table import COSTS
from orgsim.optimise.spec import SCENARIO_PREFIX, Lever, Optimisation

FEASIBILITY_PROBES = 64  # random candidates tried before starting, to find one that fits
MEASURES: dict[str, Callable[[Plan], float]] = {  # every name of spec.DESIGN_MEASURES
    "headcount": lambda plan: float(plan.headcount()),
}


@dataclass(frozen=True)
class Candidate:
    """One design: the value of every lever, and a digest naming it on disk."""

    values: dict[str, Any]

    @property
    def digest(self) -> str:
        text = json.dumps(self.values, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Problem:
    """The checked optimisation and everything fixed before the search: seeds and samples."""

    opt: Optimisation
    src: Source
    scenario: Source
    model: Source
    name: str  # the tuned model's name
    seeds: list[int]
    samples: np.ndarray  # one row per uncertainty sample
    search_seed: int
    budget: int | None

    @property
    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of the search space (choices are indices in [0, k))."""
        low = [lv.low if lv.choices is None else 0.0 for lv in self.opt.levers.values()]
        high = [lv.high if lv.choices is None else float(len(lv.choices)) for lv in
                self.opt.levers.values()]
        return np.asarray(low, dtype=float), np.asarray(high, dtype=float)

    def decode(self, x: np.ndarray) -> Candidate:
        """The lever values a point of the search space stands for."""
        return Candidate({path: _decode(lever, float(v))
                          for (path, lever), v in zip(self.opt.levers.items(), x)})

    def sample_values(self, s: int) -> dict[str, float]:
        return {p: float(v) for p, v in zip(self.opt.uncertainties, self.samples[s])}

    def documents(self, candidate: Candidate) -> tuple[dict[str, Any], dict[str, Any]]:
        """The scenario and operating model documents with the candidate's levers set."""
        sc, om = copy.deepcopy(self.scenario.data), copy.deepcopy(self.model.data)
        for path, value in candidate.values.items():
            if path.startswith(SCENARIO_PREFIX):
                set_path(sc, _keys(path[len(SCENARIO_PREFIX):]), value)
            else:
                set_path(om, _keys(path), value)
        return sc, om

    def plan(self, candidate: Candidate, sample: int) -> Plan:
        """The checked plan of a candidate under one uncertainty sample (ConfigError if invalid)."""
        sc, om = self.documents(candidate)
        bases = Bases(self._experiment(), self.src,
                      Source(self.scenario.file, sc, self.scenario.lines, self.scenario.files),
                      {self.name: Source(self.model.file, om, self.model.lines, self.model.files)})
        return plans(bases, self.sample_values(sample))[self.name]

    def _experiment(self) -> Experiment:
        o = self.opt
        return Experiment.model_validate({
            "name": o.name, "scenario": o.scenario, "models": [self.name],
            "uncertainties": {p: u.model_dump() for p, u in o.uncertainties.items()},
            "design": {"kind": "lhs" if o.uncertainties else "single"},
            "horizon_weeks": o.horizon_weeks, "warmup_weeks": o.warmup_weeks})


def _decode(lever: Lever, x: float) -> Any:
    if lever.choices is not None:
        return lever.choices[min(max(int(np.floor(x)), 0), len(lever.choices) - 1)]
    assert lever.low is not None and lever.high is not None
    x = min(max(x, lever.low), lever.high)
    return int(round(x)) if lever.integer else float(x)


def _keys(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def _step(data: Any, key: str) -> Any:
    if isinstance(data, dict):
        return data.get(key)
    if isinstance(data, list) and key.isdigit() and int(key) < len(data):
        return data[int(key)]
    return None


def get_path(data: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        data = _step(data, key)
        if data is None:
            return None
    return data


def set_path(data: Any, keys: tuple[str, ...], value: Any) -> None:
    """Set `value` at `keys` (list items by their number)."""
    for key in keys[:-1]:
        data = _step(data, key)
    data[int(keys[-1]) if isinstance(data, list) else keys[-1]] = copy.deepcopy(value)


def load(path: str | Path) -> Problem:
    """Read and check an optimisation file, its scenario and its operating model."""
    from pydantic import ValidationError

    src = read_yaml(path)
    try:
        opt = Optimisation.model_validate(src.data)
    except ValidationError as exc:
        raise from_validation(exc, src) from None
    scenario_path = Path(path).parent / opt.scenario
    if not scenario_path.exists():
        raise src.error(("scenario",), f"no scenario file {scenario_path}")
    sc, sc_src = load_scenario(scenario_path)
    _check_money(opt, sc, src)
    model = opt.model
    if Path(model).suffix in (".yaml", ".yml") and not Path(model).is_absolute():
        model = str(Path(path).parent / model)  # a file is found relative to the optimisation file
    try:
        om, om_src = load_operating_model(model, scenario_path, sc)
    except ConfigError as err:
        if err.file == "--model":
            raise src.error(("model",), err.message) from None
        raise
    model_doc = {k: v for k, v in om_src.data.items() if k != "extends"}
    om_src = Source(om_src.file, model_doc, om_src.lines, om_src.files)
    if opt.most_runs > opt.search.max_runs:
        raise src.error(("search",), f"this budget could need {opt.most_runs:,} runs (population x "
                        f"(generations + 1) x samples x replications), more than max_runs "
                        f"{opt.search.max_runs:,}; lower the budget or raise max_runs")
    search_seed, seeds = replication_seeds(opt.seed, opt.replications)
    problem = Problem(opt, src, sc_src, om_src, om.name, seeds, _samples(opt, search_seed),
                      search_seed, None)
    _check_levers(problem)
    budget = _budget(problem)
    problem = Problem(**{**problem.__dict__, "budget": budget})
    _check_fits(problem)
    return problem


def _check_money(opt: Optimisation, sc: Scenario, src: Source) -> None:
    """A cost objective needs a scenario with money in it (otherwise it is not a number)."""
    streams = sc.money is not None and bool(sc.money.streams)
    for i, objective in enumerate(opt.objectives):
        o = objective.outcome
        if o in COSTS and sc.money is None:
            raise src.error(("objectives", i, "outcome"), f"{o} needs a scenario with money: give "
                            "the scenario a money block (staff_cost_per_person_week at least)")
        if o in ("envelope_unspent_share", "round_money_share") and not streams:
            raise src.error(("objectives", i, "outcome"), f"{o} needs a scenario with funding "
                            "streams (money.streams)")


def _samples(opt: Optimisation, seed: int) -> np.ndarray:
    """Latin hypercube samples of the uncertainties (one empty row without any)."""
    if not opt.uncertainties:
        return np.zeros((1, 0))
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(opt.uncertainties), seed=np.random.default_rng(seed)).random(
        opt.samples)
    low, high = zip(*(u.bounds for u in opt.uncertainties.values()))
    return np.asarray(qmc.scale(unit, low, high))


def _check_levers(problem: Problem) -> None:
    for path, lever in problem.opt.levers.items():
        at = ("levers", path)
        scenario = path.startswith(SCENARIO_PREFIX)
        doc = problem.scenario.data if scenario else problem.model.data
        keys = _keys(path[len(SCENARIO_PREFIX):] if scenario else path)
        value = get_path(doc, keys)
        where = "the scenario" if scenario else f"operating model {problem.name!r}"
        if value is None:
            raise problem.src.error(at, f"no setting at this path in {where}")
        if lever.choices is None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise problem.src.error(at, f"expected a number at this path in {where}, found "
                                    f"{value!r}; give choices for other settings")
        _check_ends(problem, path, lever, keys)


def _check_ends(problem: Problem, path: str, lever: Lever, keys: tuple[str, ...]) -> None:
    """Each end of a lever's range must pass the schema (a cadence above zero, a whole number
    of teams); an end that is valid in itself but leaves too few people for the teams asked for
    is not refused here: that is a constraint the search respects."""
    from pydantic import ValidationError

    from orgsim.config.operating_model import OperatingModel
    from orgsim.config.scenario import Scenario

    ends: list[Any] = lever.choices if lever.choices is not None else [lever.low, lever.high]
    for value in ends:
        if lever.integer:
            value = int(round(value))
        sc, om = problem.documents(Candidate({path: value}))
        scenario = path.startswith(SCENARIO_PREFIX)
        base = problem.scenario if scenario else problem.model
        try:
            (Scenario if scenario else OperatingModel).model_validate(sc if scenario else om)
        except ValidationError as exc:
            err = from_validation(exc, Source(base.file, sc if scenario else om, base.lines,
                                              base.files))
            raise problem.src.error(("levers", path), f"{value!r} is not a valid setting: "
                                    f"{err.path}: {err.message}") from None


def _budget(problem: Problem) -> int | None:
    limit = problem.opt.constraints.max_headcount
    if limit == "as_configured":
        bases = Bases(problem._experiment(), problem.src, problem.scenario,
                      {problem.name: problem.model})
        return plans(bases, {})[problem.name].headcount()
    return limit


def _check_fits(problem: Problem) -> None:
    """Refuse levers and a headcount budget with which no candidate tried is valid and fits."""
    low, high = problem.bounds
    rng = np.random.default_rng(problem.search_seed)
    probes = [low, *(low + rng.random(len(low)) * (high - low) for _ in range(FEASIBILITY_PROBES))]
    smallest = None
    for x in probes:
        try:
            people = problem.plan(problem.decode(x), 0).headcount()
        except ConfigError:
            continue
        if problem.budget is None or people <= problem.budget:
            return
        smallest = people if smallest is None else min(smallest, people)
    found = f"the smallest of {len(probes)} designs tried has {smallest:,}" if smallest is not None \
        else "no design tried was valid"
    if problem.budget is None:
        raise problem.src.error(("levers",), f"none of {len(probes)} designs tried within these "
                                "ranges is a valid operating model (too few people for the teams?)")
    raise problem.src.error(("constraints", "max_headcount"),
                            f"no design fits a headcount of {problem.budget:,}: {found}")


def headcount_violation(problem: Problem, plan: Plan) -> int:
    """People over the budget (0 when within it or without one)."""
    return 0 if problem.budget is None else max(0, plan.headcount() - problem.budget)
