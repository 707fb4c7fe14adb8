"""What a search leaves behind: every evaluation, the Pareto front, its convergence, the designs.

- `evaluations.csv`: every candidate asked for, by generation, with its levers,
  headcount, feasibility (and why not) and objectives;
- `front.csv`: the non-dominated feasible designs of the whole search, with each
  objective's 95% interval over replications and whether the design is within
  noise of the best on it (`<outcome>_ci_low`, `_ci_high`, `_near_best`; see
  `orgsim.optimise.spread`);
- `convergence.csv`: hypervolume of the front found by each generation, with
  the objectives scaled to [0, 1] over every feasible evaluation (reference
  point 1.1 in each), so the curve rises as the front improves;
- `designs/<model>_design_NN.yaml`: each front design as an operating model file
  (and a scenario file beside it when levers reach the scenario, extending the
  original by a relative path, so the results can move with the project);
- `plots/front.png|pdf|svg` and `plots/convergence.png|pdf|svg`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from orgsim.optimise import spread
from orgsim.optimise.evaluate import Runs, Scored, digest_key
from orgsim.optimise.problem import MEASURES, Candidate, Problem
from orgsim.optimise.spec import SCENARIO_PREFIX
from orgsim.store.atomic import write_text

FLOAT_FORMAT = "%.10g"
REFERENCE = 1.1


def _cell(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else value


def row(problem: Problem, generation: int, index: int, s: Scored) -> dict[str, Any]:
    """One line of `evaluations.csv`."""
    return {"generation": generation, "candidate": index, "digest": s.candidate.digest,
            **{f"lever:{p}": _cell(v) for p, v in s.candidate.values.items()},
            "headcount": s.headcount, "feasible": s.violation == 0, "reason": s.reason,
            **{k: v for k, v in s.objectives.items() if k != "headcount"}}  # an objective too


def minimised(problem: Problem, table: pd.DataFrame) -> np.ndarray:
    signs = np.array([1.0 if o.sense == "min" else -1.0 for o in problem.opt.objectives])
    return table[[o.outcome for o in problem.opt.objectives]].to_numpy(dtype=float) * signs


def non_dominated(points: np.ndarray) -> np.ndarray:
    """Indices of the rows no other row dominates (all objectives minimised)."""
    if not len(points):
        return np.zeros(0, dtype=int)
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    return np.sort(np.asarray(NonDominatedSorting().do(points, only_non_dominated_front=True)))


def front(problem: Problem, evaluations: pd.DataFrame) -> pd.DataFrame:
    """The non-dominated feasible designs, each once, ordered by the first objective."""
    feasible = evaluations[evaluations["feasible"]].drop_duplicates("digest")
    best = feasible.iloc[non_dominated(minimised(problem, feasible))]
    first = problem.opt.objectives[0]
    ordered = best.sort_values([first.outcome, "digest"], ascending=[first.sense == "min", True],
                               kind="stable")
    return ordered.drop(columns=["generation", "candidate", "feasible", "reason"]).reset_index(
        drop=True)


def convergence(problem: Problem, evaluations: pd.DataFrame) -> pd.DataFrame:
    """Hypervolume of the front found up to each generation, objectives scaled to [0, 1]."""
    from pymoo.indicators.hv import HV

    feasible = evaluations[evaluations["feasible"]]
    points = minimised(problem, feasible)
    low = points.min(axis=0) if len(points) else np.zeros(len(problem.opt.objectives))
    span = np.where(np.ptp(points, axis=0) > 0, np.ptp(points, axis=0), 1.0) if len(points) else 1.0
    indicator = HV(ref_point=np.full(len(problem.opt.objectives), REFERENCE))
    rows = []
    for g in sorted(evaluations["generation"].unique()):
        upto = feasible["generation"] <= g
        scaled = (points[upto.to_numpy()] - low) / span
        volume = float(indicator(scaled[non_dominated(scaled)])) if len(scaled) else 0.0
        seen = evaluations[evaluations["generation"] <= g]
        rows.append({"generation": int(g), "candidates": int(seen["digest"].nunique()),
                     "feasible": int(feasible.loc[upto, "digest"].nunique()),
                     "hypervolume": volume})
    return pd.DataFrame(rows)


def _candidate(problem: Problem, line: pd.Series) -> Candidate:
    values = {}
    for path, lever in problem.opt.levers.items():
        value = line[f"lever:{path}"]
        if lever.choices is not None:
            value = next(c for c in lever.choices if _cell(c) == value or c == value)
        elif lever.integer:
            value = int(value)
        else:
            value = float(value)
        values[path] = value
    return Candidate(values)


def _overlay(problem: Problem, candidate: Candidate) -> dict[str, Any]:
    """The scenario keys the candidate changes, as a file extending the scenario."""
    sc, _ = problem.documents(candidate)
    out: dict[str, Any] = {}
    for path in candidate.values:
        if path.startswith(SCENARIO_PREFIX):
            top = path[len(SCENARIO_PREFIX):].split(".")[0]
            out[top] = sc[top]
    return out


def designs(problem: Problem, table: pd.DataFrame, folder: Path) -> list[Path]:
    """Write each front design as an operating model file; returns their paths."""
    paths = []
    for k, (_, line) in enumerate(table.iterrows(), start=1):
        candidate = _candidate(problem, line)
        _, om = problem.documents(candidate)
        om["name"] = f"{problem.name}_design_{k:02d}"
        shown = ", ".join(f"{o.outcome} {line[o.outcome]:.4g}" for o in problem.opt.objectives)
        om["description"] = (f"Found by `orgsim optimise` ({problem.opt.name}): {shown}. "
                             + str(om.get("description", "")).strip()).strip()
        path = folder / f"{om['name']}.yaml"
        write_text(path, yaml.safe_dump(om, sort_keys=False, allow_unicode=True))
        paths.append(path)
        overlay = _overlay(problem, candidate)
        if overlay:  # paths relative to the designs folder, so a results folder can move with them
            base = Path(problem.scenario.file).resolve()
            models = base.parent / problem.scenario.data.get("operating_models_dir", "operating_models")
            doc = {"extends": os.path.relpath(base, folder.resolve()),
                   "operating_models_dir": os.path.relpath(models, folder.resolve()),
                   "name": f"{om['name']}_scenario", **overlay}
            write_text(folder / f"{om['name']}_scenario.yaml", yaml.safe_dump(doc, sort_keys=False))
    return paths


def _csv(path: Path, table: pd.DataFrame) -> None:
    write_text(path, table.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n"))


def with_spread(problem: Problem, root: Path, table: pd.DataFrame) -> pd.DataFrame:
    """`table` (front designs) with each objective's 95% interval and whether it is within noise
    of the best design on that objective (see `orgsim.optimise.spread`), after the objectives."""
    stored = Runs(root)

    def runs(digest: str, outcome: str) -> np.ndarray | None:
        if outcome in MEASURES:
            return None
        return np.array([[float(stored.read(digest_key(digest, s, r))[outcome])
                           for r in range(problem.opt.replications)] for s in range(len(problem.samples))])

    objectives = problem.opt.objectives
    added = spread.columns(table["digest"].tolist(), {o.outcome: table[o.outcome].tolist()
                                                      for o in objectives},
                           objectives, runs, problem.search_seed)
    out = table.copy()
    for name, values in added.items():
        out[name] = values
    return out


def write(problem: Problem, root: Path, evaluations: pd.DataFrame) -> None:
    """Write the tables, designs and plots of a finished search."""
    best = with_spread(problem, root, front(problem, evaluations))
    curve = convergence(problem, evaluations)
    _csv(root / "evaluations.csv", evaluations)
    _csv(root / "front.csv", best)
    _csv(root / "convergence.csv", curve)
    designs(problem, best, root / "designs")
    _plots(problem, root / "plots", evaluations, best, curve)


def _plots(problem: Problem, folder: Path, evaluations: pd.DataFrame, best: pd.DataFrame,
           curve: pd.DataFrame) -> None:
    from orgsim.plots.export import save
    from orgsim.plots.optimise import convergence as convergence_plot
    from orgsim.plots.optimise import pareto

    objectives = [(o.outcome, o.sense) for o in problem.opt.objectives]
    save(pareto(evaluations, best, objectives)[0], folder, "front")
    save(convergence_plot(curve)[0], folder, "convergence")
