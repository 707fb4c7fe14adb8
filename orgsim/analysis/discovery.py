"""Scenario discovery: under which assumptions do the cases of interest happen?

The cases of interest are an expression over stored outcomes (`cases.py`); the
inputs are the design points' values of the experiment's uncertainties. PRIM
(`prim.py`) finds a box of inputs where cases are dense and offers every box
of its peeling trajectory; one is chosen (by default the one with the highest
coverage x density, a balance of the two) and told in words. A classification
tree (CART, scikit-learn) is a second view: each leaf is a box too.

`discover(results_dir, ...)` writes `discovery/` in the results folder:
`trajectory.csv`, `box.csv` (the chosen box's limits, the ranges explored and
quasi-p-values), `cart.csv` (the tree's leaves as boxes) and `discovery.json`
(the question, the chosen box and the sentence). A folder holds one discovery:
a second is refused unless `overwrite` is given, so the first's tables are
never replaced silently (copy the folder to keep both).

PRIM and CART place a limit halfway between two neighbouring sampled values.
Where an input took few values (a grid), the limit could lie anywhere between
them, and the words say so: "above 25 (between the sampled 20 and 30)".
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgsim.analysis.cases import On, cases
from orgsim.analysis.prim import Result, prim
from orgsim.analysis.verdict import name, number
from orgsim.experiments.spec import Experiment
from orgsim.store.atomic import write_text

SIGNIFICANT = 0.05  # a limit whose quasi-p-value is below this is named "mainly"
GRID_VALUES = 20  # an input with at most this many distinct sampled values is told as a grid
FOLDER = "discovery"
Grid = Mapping[str, Sequence[float]]  # input -> its distinct sampled values (inputs told as a grid)
FLOAT_FORMAT = "%.10g"


class DiscoveryError(ValueError):
    """A results folder or a question discovery cannot work with (said in one line)."""


@dataclass(frozen=True)
class Question:
    expression: str
    on: On = "runs"
    label: str = ""
    peel_alpha: float = 0.05
    paste_alpha: float = 0.05
    mass_min: float = 0.05
    setting: str = ""  # `PATH=VALUE; ...`: only the runs at these lever values (levers not named vary)


@dataclass(frozen=True)
class Discovery:
    question: Question
    trajectory: pd.DataFrame
    box: int
    limits: pd.DataFrame
    cart: pd.DataFrame
    cases: int
    scenarios: int
    sentence: str
    grid: dict[str, list[float]] = field(default_factory=dict)  # inputs told as a grid (`grid_of`)


def inputs(root: Path, question: Question) -> tuple[pd.DataFrame, np.ndarray]:
    """The inputs (levers, then uncertainties) of each case (rows) and whether it is a case of
    interest; a question with a `setting` keeps the runs at that setting and drops its levers."""
    missing = [f for f in ("experiment.json", "metrics.parquet", "design.parquet")
               if not (root / f).exists()]
    if missing:
        raise DiscoveryError(f"{root}: no {', '.join(missing)}; is this the results directory of a "
                             "finished experiment?")
    exp = Experiment.model_validate_json((root / "experiment.json").read_text(encoding="utf-8"))
    design = pd.read_parquet(root / "design.parquet").set_index("point")
    fixed = chosen(question.setting, exp, design)
    for path, value in fixed.items():
        design = design[np.isclose(design[path].to_numpy(dtype=float), value)]
    columns = [p for p in [*exp.levers, *exp.uncertainties] if p not in fixed]
    if not columns or len(design) < 2:
        raise DiscoveryError(f"{root}: discovery needs an experiment that varies levers or samples "
                             f"uncertainties (a grid, lhs, morris or sobol design); this one has "
                             f"{len(design)} design point{'s' if len(design) != 1 else ''}"
                             + (" at that setting" if fixed else ""))
    metrics = pd.read_parquet(root / "metrics.parquet")
    flags = cases(metrics[metrics["point"].isin(design.index)], question.expression, question.on)
    points = flags.index.get_level_values("point")
    x = design.loc[points, columns].reset_index(drop=True)
    return x, flags.to_numpy(dtype=float)


def chosen(setting: str, exp: Experiment, design: pd.DataFrame) -> dict[str, float]:
    """`PATH=VALUE; PATH=VALUE` read into lever values the design holds."""
    out: dict[str, float] = {}
    for part in (p.strip() for p in setting.replace(",", ";").split(";")):
        if not part:
            continue
        path, sep, text = (s.strip() for s in part.partition("="))
        if not sep or path not in exp.levers:
            levers = ", ".join(exp.levers) or "this experiment has none"
            raise DiscoveryError(f"--setting: expected PATH=VALUE with PATH a lever ({levers}), "
                                 f"found {part!r}")
        try:
            value = float(text)
        except ValueError:
            raise DiscoveryError(f"--setting: {path}: expected a number, found {text!r}") from None
        values = sorted(set(design[path].astype(float)))
        if not np.isclose(values, value).any():
            raise DiscoveryError(f"--setting: {path} was run at {', '.join(f'{v:g}' for v in values)}, "
                                 f"not {value:g}")
        out[path] = value
    return out


def default_box(trajectory: pd.DataFrame) -> int:
    """The box with the highest coverage x density (the first such on the trajectory)."""
    score = trajectory["coverage"] * trajectory["density"]
    return int(trajectory.loc[score.idxmax(), "id"])


def cart(x: pd.DataFrame, y: np.ndarray, mass_min: float, grid: Grid | None = None) -> pd.DataFrame:
    """The leaves of a classification tree as boxes: rule, coverage, density, mass."""
    from sklearn.tree import DecisionTreeClassifier

    tree = DecisionTreeClassifier(min_samples_leaf=max(mass_min, 1 / len(y)), random_state=0)
    tree.fit(x.to_numpy(dtype=float), y.astype(int))
    leaves = tree.apply(x.to_numpy(dtype=float))
    rows = []
    for leaf, rule in _rules(tree.tree_, list(x.columns), grid).items():
        inside = leaves == leaf
        k = float(y[inside].sum())
        rows.append({"leaf": int(leaf), "coverage": k / max(float(y.sum()), 1.0),
                     "density": k / max(int(inside.sum()), 1), "mass": float(inside.mean()),
                     "n": int(inside.sum()), "k": int(k), "rule": rule or "(everything)"})
    table = pd.DataFrame(rows, columns=["leaf", "coverage", "density", "mass", "n", "k", "rule"])
    return table.sort_values(["density", "coverage", "leaf"], ascending=[False, False, True],
                             ignore_index=True)


def _rules(tree: Any, names: list[str], grid: Grid | None = None) -> dict[int, str]:
    """Each leaf's conditions, from the root down, limits on one input merged."""
    out: dict[int, str] = {}

    def walk(node: int, low: dict[str, float], high: dict[str, float]) -> None:
        left, right = tree.children_left[node], tree.children_right[node]
        if left == right:  # a leaf
            parts = [_condition(n, low.get(n), high.get(n), grid, compact=True) for n in names
                     if n in low or n in high]
            out[node] = " and ".join(parts)
            return
        feature, cut = names[tree.feature[node]], float(tree.threshold[node])
        walk(left, low, {**high, feature: min(cut, high.get(feature, math.inf))})
        walk(right, {**low, feature: max(cut, low.get(feature, -math.inf))}, high)

    walk(0, {}, {})
    return out


def describe(path: str) -> str:
    """An input's path in words, keeping whose it is.

    `models.m.forums.business_planning.cadence_weeks` -> `business planning cadence weeks (M)`;
    `organisations.NHSD.teams.digital` -> `NHSD digital team`; `ics.teams.data` -> `ICS data team`.
    """
    parts = path.split(".")
    owner, who = "", ""
    if parts[0] == "models" and len(parts) > 2:
        owner, parts = name(parts[1]), parts[2:]
    elif parts[0] == "model":
        owner, parts = "every model", parts[1:]
    if parts[0] == "organisations" and len(parts) > 2:
        who, parts = parts[1], parts[2:]
    elif parts[0] == "ics" and len(parts) > 1:
        who, parts = "ICS", parts[1:]
    if len(parts) == 2 and parts[0] == "teams":
        words = f"{parts[1].replace('_', ' ')} team"
    else:
        words = " ".join(p.replace("_", " ") for p in parts[-2:] if not p.isdigit())
    return " ".join(w for w in (who, words) if w) + (f" ({owner})" if owner else "")


def grid_of(x: pd.DataFrame) -> dict[str, list[float]]:
    """The distinct sampled values of each input that took few of them (`GRID_VALUES`)."""
    out = {}
    for column in x.columns:
        values = sorted(set(x[column].to_numpy(dtype=float).tolist()))
        if len(values) <= GRID_VALUES:
            out[str(column)] = values
    return out


def _limit(path: str, value: float, grid: Grid | None, compact: bool = False) -> str:
    """`value`, and the sampled values it lies between when the input is a grid and it is none of them.

    `compact` (the tree's rules, in tables) marks such a value with `*` instead.
    """
    text = number(value)
    values = (grid or {}).get(path)
    if not values or any(math.isclose(value, v, rel_tol=1e-9, abs_tol=1e-12) for v in values):
        return text
    below = [v for v in values if v < value]
    above = [v for v in values if v > value]
    if not below or not above:
        return text
    if compact:
        return text + "*"
    return f"{text} (between the sampled {number(below[-1])} and {number(above[0])})"


def _condition(path: str, low: float | None, high: float | None, grid: Grid | None = None,
               compact: bool = False) -> str:
    label = describe(path)
    if low is not None and high is not None:
        return (f"{label} is between {_limit(path, low, grid, compact)} and "
                f"{_limit(path, high, grid, compact)}")
    if low is not None:
        return f"{label} is above {_limit(path, low, grid, compact)}"
    assert high is not None
    return f"{label} is below {_limit(path, high, grid, compact)}"


def sentence(question: Question, trajectory: pd.DataFrame, box: int, limits: pd.DataFrame,
             base_rate: float, grid: Grid | None = None) -> str:
    """The chosen box in plain words, its most certain limits first."""
    what = question.label or f"The cases of interest ({question.expression}) happen"
    if question.setting:
        what = f"At {question.setting.strip()}: {what[:1].lower()}{what[1:]}"
    row = trajectory.set_index("id").loc[box]
    stats = (f"This box holds {row['coverage']:.0%} of the cases of interest, and {row['density']:.0%} "
             f"of the scenarios in it are cases (against {base_rate:.0%} over all the scenarios "
             f"explored; {row['mass']:.0%} of them fall in the box).")
    if not len(limits):
        return f"{what}: no box stands out; they are spread over the ranges explored. {stats}"
    qp = limits[["qp_low", "qp_high"]].min(axis=1, skipna=True)
    ordered = limits.assign(qp=qp).sort_values(["qp", "uncertainty"], kind="stable")
    conditions = [(_condition(r.uncertainty, r.low if r.low != r.explored_low else None,
                              r.high if r.high != r.explored_high else None, grid), r.qp)
                  for r in ordered.itertuples()]
    sure = [c for c, p in conditions if p < SIGNIFICANT]
    loose = [c for c, p in conditions if not p < SIGNIFICANT]
    text = f"{what} mainly when " + _and(sure or loose)
    if sure and loose:
        text += f"; less surely, when {_and(loose)}"
    return f"{text}. {stats}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def existing(results_dir: Path) -> str | None:
    """The cases of the discovery saved in `results_dir`, or None when there is none."""
    path = Path(results_dir) / FOLDER / "discovery.json"
    if not path.exists():
        return None
    try:
        return str(json.loads(path.read_text(encoding="utf-8"))["question"]["expression"])
    except (OSError, ValueError, KeyError, TypeError):
        return "(unreadable)"


def discover(results_dir: Path, question: Question, box: int | None = None,
             write: bool = True, overwrite: bool = False) -> Discovery:
    """Run PRIM and CART on the results in `results_dir`; with `write`, save `discovery/`.

    A folder holds one discovery: with `write`, one already saved is replaced only with `overwrite`.
    """
    root = Path(results_dir)
    x, y = inputs(root, question)
    if y.sum() == 0 or y.sum() == len(y):
        share = "none" if y.sum() == 0 else "every one"
        raise DiscoveryError(f"{share} of the {len(y)} scenarios is a case of interest, so there is "
                             "nothing to tell apart; change the expression")
    if write and not overwrite and (before := existing(root)) is not None:
        raise DiscoveryError(f"{root / FOLDER} holds a discovery already (cases: {before}); "
                             "pass --overwrite to replace it, or copy the results folder first to "
                             "keep both")
    found: Result = prim(x, y, question.peel_alpha, question.paste_alpha, question.mass_min)
    trajectory = found.trajectory()
    if box is not None and not 0 <= box < len(trajectory):
        raise DiscoveryError(f"--box {box}: the trajectory has boxes 0 to {len(trajectory) - 1}")
    chosen = default_box(trajectory) if box is None else box
    limits = found.limits(chosen)
    grid = grid_of(x)
    result = Discovery(question, trajectory, chosen, limits, cart(x, y, question.mass_min, grid),
                       int(y.sum()), len(y),
                       sentence(question, trajectory, chosen, limits, float(y.mean()), grid), grid)
    if write:
        save(result, root / FOLDER)
    return result


def save(result: Discovery, folder: Path) -> None:
    for table_name, table in (("trajectory", result.trajectory), ("box", result.limits),
                              ("cart", result.cart)):
        write_text(folder / f"{table_name}.csv",
                   table.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n"))
    summary = {"question": asdict(result.question), "box": result.box, "cases": result.cases,
               "scenarios": result.scenarios, "sentence": result.sentence, "grid": result.grid}
    write_text(folder / "discovery.json", json.dumps(summary, indent=2) + "\n")


def load(results_dir: Path) -> Discovery | None:
    """The discovery saved in `results_dir`, or None when there is none."""
    folder = Path(results_dir) / FOLDER
    if not (folder / "discovery.json").exists():
        return None
    summary = json.loads((folder / "discovery.json").read_text(encoding="utf-8"))
    tables = {n: pd.read_csv(folder / f"{n}.csv") for n in ("trajectory", "box", "cart")}
    return Discovery(Question(**summary["question"]), tables["trajectory"], summary["box"],
                     tables["box"], tables["cart"], summary["cases"], summary["scenarios"],
                     summary["sentence"], summary.get("grid", {}))


__all__ = ["Discovery", "DiscoveryError", "Question", "describe", "discover", "existing", "load"]
