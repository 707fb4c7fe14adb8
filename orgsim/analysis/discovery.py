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
(the question, the chosen box and the sentence).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
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
FOLDER = "discovery"
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


def cart(x: pd.DataFrame, y: np.ndarray, mass_min: float) -> pd.DataFrame:
    """The leaves of a classification tree as boxes: rule, coverage, density, mass."""
    from sklearn.tree import DecisionTreeClassifier

    tree = DecisionTreeClassifier(min_samples_leaf=max(mass_min, 1 / len(y)), random_state=0)
    tree.fit(x.to_numpy(dtype=float), y.astype(int))
    leaves = tree.apply(x.to_numpy(dtype=float))
    rows = []
    for leaf, rule in _rules(tree.tree_, list(x.columns)).items():
        inside = leaves == leaf
        k = float(y[inside].sum())
        rows.append({"leaf": int(leaf), "coverage": k / max(float(y.sum()), 1.0),
                     "density": k / max(int(inside.sum()), 1), "mass": float(inside.mean()),
                     "n": int(inside.sum()), "k": int(k), "rule": rule or "(everything)"})
    table = pd.DataFrame(rows, columns=["leaf", "coverage", "density", "mass", "n", "k", "rule"])
    return table.sort_values(["density", "coverage", "leaf"], ascending=[False, False, True],
                             ignore_index=True)


def _rules(tree: Any, names: list[str]) -> dict[int, str]:
    """Each leaf's conditions, from the root down, limits on one input merged."""
    out: dict[int, str] = {}

    def walk(node: int, low: dict[str, float], high: dict[str, float]) -> None:
        left, right = tree.children_left[node], tree.children_right[node]
        if left == right:  # a leaf
            parts = [_condition(n, low.get(n), high.get(n)) for n in names if n in low or n in high]
            out[node] = " and ".join(parts)
            return
        feature, cut = names[tree.feature[node]], float(tree.threshold[node])
        walk(left, low, {**high, feature: min(cut, high.get(feature, math.inf))})
        walk(right, {**low, feature: max(cut, low.get(feature, -math.inf))}, high)

    walk(0, {}, {})
    return out


def describe(path: str) -> str:
    """`models.m.forums.business_planning.cadence_weeks` -> `business planning cadence weeks (M)`."""
    parts = path.split(".")
    owner = ""
    if parts[0] == "models" and len(parts) > 2:
        owner, parts = name(parts[1]), parts[2:]
    elif parts[0] == "model":
        owner, parts = "every model", parts[1:]
    words = " ".join(p.replace("_", " ") for p in parts[-2:] if not p.isdigit())
    return words + (f" ({owner})" if owner else "")


def _condition(path: str, low: float | None, high: float | None) -> str:
    label = describe(path)
    if low is not None and high is not None:
        return f"{label} is between {number(low)} and {number(high)}"
    if low is not None:
        return f"{label} is above {number(low)}"
    assert high is not None
    return f"{label} is below {number(high)}"


def sentence(question: Question, trajectory: pd.DataFrame, box: int, limits: pd.DataFrame,
             base_rate: float) -> str:
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
                              r.high if r.high != r.explored_high else None), r.qp)
                  for r in ordered.itertuples()]
    sure = [c for c, p in conditions if p < SIGNIFICANT]
    loose = [c for c, p in conditions if not p < SIGNIFICANT]
    text = f"{what} mainly when " + _and(sure or loose)
    if sure and loose:
        text += f"; less surely, when {_and(loose)}"
    return f"{text}. {stats}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def discover(results_dir: Path, question: Question, box: int | None = None,
             write: bool = True) -> Discovery:
    """Run PRIM and CART on the results in `results_dir`; with `write`, save `discovery/`."""
    root = Path(results_dir)
    x, y = inputs(root, question)
    if y.sum() == 0 or y.sum() == len(y):
        share = "none" if y.sum() == 0 else "every one"
        raise DiscoveryError(f"{share} of the {len(y)} scenarios is a case of interest, so there is "
                             "nothing to tell apart; change the expression")
    found: Result = prim(x, y, question.peel_alpha, question.paste_alpha, question.mass_min)
    trajectory = found.trajectory()
    if box is not None and not 0 <= box < len(trajectory):
        raise DiscoveryError(f"--box {box}: the trajectory has boxes 0 to {len(trajectory) - 1}")
    chosen = default_box(trajectory) if box is None else box
    limits = found.limits(chosen)
    result = Discovery(question, trajectory, chosen, limits, cart(x, y, question.mass_min),
                       int(y.sum()), len(y),
                       sentence(question, trajectory, chosen, limits, float(y.mean())))
    if write:
        save(result, root / FOLDER)
    return result


def save(result: Discovery, folder: Path) -> None:
    for table_name, table in (("trajectory", result.trajectory), ("box", result.limits),
                              ("cart", result.cart)):
        write_text(folder / f"{table_name}.csv",
                   table.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n"))
    summary = {"question": asdict(result.question), "box": result.box, "cases": result.cases,
               "scenarios": result.scenarios, "sentence": result.sentence}
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
                     summary["sentence"])


__all__ = ["Discovery", "DiscoveryError", "Question", "discover", "load"]
