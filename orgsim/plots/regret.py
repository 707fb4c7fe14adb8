"""Regret per operating model, and how often each meets the experiment's thresholds."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from orgsim.plots import style


def regret(table: pd.DataFrame, outcomes: Sequence[str] | None = None,
           colours: Mapping[str, str] | None = None, ncols: int = 3) -> tuple[Any, Any]:
    """One panel per outcome: a bar to each model's 90th-percentile regret, a dot at its maximum
    and a tick at its mean, in the outcome's units (0 is the best model of every scenario).

    Args:
        table: [outcome, model, mean_regret, p90_regret, max_regret, n].
        outcomes: Panels in order (default: every outcome in the table).
        colours: Model colours.

    Returns:
        The figure and the array of axes.
    """
    outcomes = list(outcomes or dict.fromkeys(table["outcome"]))
    models = list(dict.fromkeys(table["model"]))
    colour = style.model_colours(models, colours)
    ncols = max(1, min(ncols, len(outcomes)))
    nrows = math.ceil(len(outcomes) / ncols)
    fig = style.figure(style.WIDTH, 1.2 + nrows * (0.5 * len(models) + 1.4))
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharey=True, squeeze=False)).ravel()
    y = {m: len(models) - 1 - i for i, m in enumerate(models)}
    cell = table.set_index(["outcome", "model"])
    for ax, outcome in zip(axes, outcomes):
        for m in models:
            if (outcome, m) not in cell.index:
                continue
            row = cell.loc[(outcome, m)]
            ax.barh(y[m], row["p90_regret"], height=0.6, color=colour[m], alpha=0.85)
            ax.plot(row["max_regret"], y[m], "o", color=colour[m], markersize=8,
                    markeredgecolor="black")
            ax.plot(row["mean_regret"], y[m], "|", color="black", markersize=16, mew=2)
        label, unit = style.outcome_label(outcome)
        ax.set_title(label, fontsize=style.LABEL)
        ax.set_xlabel(f"regret ({unit})", fontsize=style.SMALL)
        ax.set_xlim(left=0)
        ax.margins(x=0.1)
        style.readable_axis(ax.xaxis)
        style.tidy(ax)
    axes[0].set_yticks(list(y.values()), [style.model_label(m) for m in y], fontsize=style.TICK)
    for ax in axes[len(outcomes):]:
        ax.set_visible(False)
    style.title(fig, "Regret: how far each model falls short of the best",
                "per scenario: bar to the 90th percentile, dot at the maximum, tick at the mean")
    return fig, axes[: len(outcomes)]


def satisficing(table: pd.DataFrame, colours: Mapping[str, str] | None = None) -> tuple[Any, Any]:
    """Grouped bars: share of scenarios in which each model meets each threshold and all of them.

    Args:
        table: [criterion, model, share_runs] with shares in [0, 1].
        colours: Model colours.

    Returns:
        The figure and the axes.
    """
    criteria = list(dict.fromkeys(table["criterion"]))
    models = list(dict.fromkeys(table["model"]))
    colour = style.model_colours(models, colours)
    fig = style.figure(style.WIDTH, 1.8 + len(criteria) * (0.3 * len(models) + 0.4))
    ax = fig.subplots()
    height = 0.8 / len(models)
    base = np.arange(len(criteria))[::-1]
    share = table.set_index(["criterion", "model"])["share_runs"]
    for j, model in enumerate(models):
        values = [100 * share.get((c, model), np.nan) for c in criteria]
        ax.barh(base + 0.4 - height * (j + 0.5), values, height=height * 0.9, color=colour[model],
                label=style.model_label(model))
    ax.set_yticks(base, criteria, fontsize=style.TICK)
    ax.set_xlim(0, 100)
    ax.set_xlabel("scenarios in which the model meets it (%)", fontsize=style.LABEL)
    style.tidy(ax)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center",
               ncols=min(4, len(models)), fontsize=style.TICK, frameon=False)
    style.title(fig, "Satisficing: how often each model is good enough",
                "share of scenarios (design point and replication) meeting the thresholds")
    return fig, ax
