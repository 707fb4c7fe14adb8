"""Cases of interest: an expression over stored outcomes, true or false for each scenario.

The expression is written as in Python, over names `MODEL.OUTCOME` (one
operating model's outcome) and numbers, with comparisons, `and`, `or`, `not`,
parentheses and + - * /; for example

    model_b.lead_time_mean > model_a.lead_time_mean
    model_b.needs_met < 50 and model_b.decision_latency_mean > 8

With a single operating model a bare `OUTCOME` is enough. Each case is one
scenario: a design point and a replication, whose runs of every model saw the
same demand (so a comparison between models is paired), or, with `on="means"`,
a design point, its outcomes averaged over replications first. It is parsed
with `ast` and evaluated on a whitelist of node types: nothing is executed.
"""

from __future__ import annotations

import ast
import difflib
import operator
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import pandas as pd

On = Literal["runs", "means"]
BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.Eq: operator.eq, ast.NotEq: operator.ne}


class CasesError(ValueError):
    """An expression that cannot be read or refers to something the results do not hold."""


def wide(metrics: pd.DataFrame, on: On) -> pd.DataFrame:
    """One row per scenario (point, replication) or per point, a column `MODEL.OUTCOME` each."""
    index = ["point", "replication"] if on == "runs" else ["point"]
    numeric = [c for c in metrics.columns if c not in ("point", "replication", "model", "seed")
               and pd.api.types.is_numeric_dtype(metrics[c])]
    table = metrics.groupby([*index, "model"], sort=True)[numeric].mean().unstack("model")
    table.columns = [f"{model}.{outcome}" for outcome, model in table.columns]
    return table.sort_index()


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


class _Evaluator:
    def __init__(self, table: pd.DataFrame, models: list[str]) -> None:
        self.table, self.models = table, models
        self.missing = np.zeros(len(table), dtype=bool)  # a named outcome has no value

    def column(self, name: str) -> np.ndarray:
        if "." not in name:
            if len(self.models) != 1:
                raise CasesError(f"{name!r}: say which model, e.g. {self.models[0]}.{name}")
            name = f"{self.models[0]}.{name}"
        if name in self.table.columns:
            values = self.table[name].to_numpy(dtype=float)
            self.missing |= np.isnan(values)
            return values
        model, _, outcome = name.partition(".")
        if model not in self.models:
            raise CasesError(f"unknown operating model {model!r}; the results hold "
                             f"{', '.join(self.models)}")
        known = sorted({c.partition(".")[2] for c in self.table.columns})
        near = difflib.get_close_matches(outcome, known, n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise CasesError(f"unknown outcome {outcome!r}{hint}")

    def __call__(self, node: ast.AST) -> Any:
        if (name := _name(node)) is not None:
            return self.column(name)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.BoolOp):
            parts = [np.asarray(self(v), dtype=bool) for v in node.values]
            join = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
            out = parts[0]
            for part in parts[1:]:
                out = join(out, part)
            return out
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return np.logical_not(np.asarray(self(node.operand), dtype=bool))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            return BINARY[type(node.op)](self(node.left), self(node.right))
        if isinstance(node, ast.Compare):
            return self._compare(node)
        raise CasesError(f"cannot use {ast.unparse(node)!r} here: use MODEL.OUTCOME names, "
                         "numbers, comparisons, and/or/not, parentheses and + - * /")

    def _compare(self, node: ast.Compare) -> np.ndarray:
        left, out = self(node.left), None
        for op, right_node in zip(node.ops, node.comparators):
            if type(op) not in COMPARE:
                raise CasesError(f"cannot compare with {ast.unparse(node)!r}")
            right = self(right_node)
            with np.errstate(invalid="ignore"):
                part = np.asarray(COMPARE[type(op)](left, right), dtype=bool)
            out = part if out is None else out & part
            left = right
        assert out is not None
        return out


def cases(metrics: pd.DataFrame, expression: str, on: On = "runs") -> pd.Series:
    """True for each scenario where `expression` holds, indexed like `wide(metrics, on)`.

    A scenario in which a named outcome is missing (NaN) is not a case.
    """
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as err:
        raise CasesError(f"cannot read {expression!r}: {err.msg}") from None
    table = wide(metrics, on)
    models = list(dict.fromkeys(metrics["model"]))
    evaluate = _Evaluator(table, models)
    value = evaluate(tree.body)
    if np.ndim(value) == 0 or np.asarray(value).dtype != bool:
        raise CasesError(f"{expression!r} is not a condition: compare something, e.g. "
                         f"{models[0]}.needs_met < 50")
    return pd.Series(np.asarray(value) & ~evaluate.missing, index=table.index, name="case")


__all__ = ["CasesError", "On", "cases", "wide"]
