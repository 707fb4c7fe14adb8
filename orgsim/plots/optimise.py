"""The results of a search: the Pareto front among everything evaluated, and its convergence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from orgsim.plots import style

FRONT = "#D55E00"
OTHERS = "#BBBBBB"
MEASURES = {"headcount": ("Headcount", "people")}  # numbers of a design, not outcomes of its runs


def _axis_label(outcome: str, sense: str) -> str:
    label, unit = MEASURES.get(outcome) or style.outcome_label(outcome)
    return f"{label} ({unit}; {'lower' if sense == 'min' else 'higher'} is better)"


def pareto(evaluations: pd.DataFrame, front: pd.DataFrame,
           objectives: Sequence[tuple[str, str]]) -> tuple[Any, Any]:
    """Every feasible evaluation in grey and the non-dominated designs numbered, on the first two
    objectives (a third, if any, colours the front): all of them on the left, and on the right
    the neighbourhood of the front, where a few poor designs no longer squash it, with each
    design's 95% intervals where `front` has them (`<outcome>_ci_low`, `<outcome>_ci_high`).

    Args:
        evaluations: One row per candidate evaluated, with `feasible` and the outcome columns.
        front: The non-dominated designs, in the order their files are numbered.
        objectives: (outcome, "min" or "max") pairs, in the file's order.

    Returns:
        The figure and the two axes.
    """
    fig = style.figure(style.WIDTH, 6.0)
    axes = fig.subplots(1, 2)
    feasible = evaluations[evaluations["feasible"]]
    (x, sx), (y, sy) = objectives[0], objectives[1] if len(objectives) > 1 else objectives[0]
    for ax, zoom in zip(axes, (False, True)):
        ax.scatter(feasible[x], feasible[y], s=22, color=OTHERS, label="evaluated designs")
        colour: Any = front[objectives[2][0]] if len(objectives) > 2 else FRONT
        points = ax.scatter(front[x], front[y], s=70, c=colour, edgecolor="black", zorder=3,
                            label="non-dominated designs")
        if zoom and len(front):
            _intervals(ax, front, x, y)
            _around(ax, front, feasible, x, y)
            for k, (a, b) in enumerate(zip(front[x], front[y]), start=1):
                ax.annotate(str(k), (a, b), textcoords="offset points", xytext=(6, 4),
                            fontsize=style.SMALL)
        ax.set_xlabel(_axis_label(x, sx), fontsize=style.SMALL)
        style.readable_axis(ax.xaxis)
        style.readable_axis(ax.yaxis)
        style.tidy(ax, "both")
    axes[0].set_ylabel(_axis_label(y, sy), fontsize=style.SMALL)
    axes[0].set_title("all feasible designs", fontsize=style.LABEL)
    axes[1].set_title("around the front (numbers: design files)", fontsize=style.LABEL)
    if len(objectives) > 2:
        fig.colorbar(points, ax=axes[1], label=_axis_label(*objectives[2]))
    style.legend(axes[0], loc="best")
    style.title(fig, "Pareto front", f"{len(front)} non-dominated of {len(feasible)} feasible designs")
    return fig, axes


def _intervals(ax: Any, front: pd.DataFrame, x: str, y: str) -> None:
    """Each front design's 95% intervals over replications, where the front has them."""
    def half(column: str) -> Any:
        if f"{column}_ci_low" not in front or front[f"{column}_ci_low"].isna().all():
            return None
        return [front[column] - front[f"{column}_ci_low"], front[f"{column}_ci_high"] - front[column]]

    xerr, yerr = half(x), half(y)
    if xerr is not None or yerr is not None:
        ax.errorbar(front[x], front[y], xerr=xerr, yerr=yerr, fmt="none", ecolor=FRONT, alpha=0.6,
                    elinewidth=1, capsize=2, zorder=2, label="95% interval over replications")


def _around(ax: Any, front: pd.DataFrame, feasible: pd.DataFrame, x: str, y: str) -> None:
    """Limit `ax` to the front's box widened by its own span (or 5% of all designs' span)."""
    for column, limit in ((x, ax.set_xlim), (y, ax.set_ylim)):
        low, high = front[column].min(), front[column].max()
        pad = max(high - low, 0.05 * (feasible[column].max() - feasible[column].min()), 1e-9)
        limit(low - pad, high + pad)


def convergence(curve: pd.DataFrame) -> tuple[Any, Any]:
    """Hypervolume of the front found by each generation (objectives scaled to [0, 1]).

    Args:
        curve: [generation, candidates, hypervolume].

    Returns:
        The figure and the axes.
    """
    fig = style.figure(style.WIDTH * 0.8, 4.5)
    ax = fig.subplots()
    ax.plot(curve["generation"], curve["hypervolume"], "o-", color=style.PALETTE[0])
    ax.set_xlabel("generation (0: the initial population)", fontsize=style.LABEL)
    ax.set_ylabel("hypervolume (scaled)", fontsize=style.LABEL)
    ax.set_ylim(bottom=0)
    style.tidy(ax, "both")
    style.title(fig, "Convergence", "hypervolume of the front found so far; flat: the search "
                "has stopped improving")
    return fig, ax
