"""Headline outcomes per operating model: mean and confidence interval, one panel per outcome."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from orgsim.plots import style


def headline(by_model: pd.DataFrame, outcomes: Sequence[str] | None = None,
             colours: Mapping[str, str] | None = None, ncols: int = 3) -> tuple[Any, Any]:
    """Dot-and-whisker panels from `by_model` [model, outcome, mean, ci_low, ci_high, n].

    Args:
        by_model: One row per (model, outcome).
        outcomes: Panels to draw, in order (default: every outcome in the table).
        colours: Model colours (default: the palette in order of appearance).
        ncols: Panels per row.

    Returns:
        The figure and the array of axes (unused panels hidden).
    """
    outcomes = list(outcomes or dict.fromkeys(by_model["outcome"]))
    models = list(dict.fromkeys(by_model["model"]))
    colour = style.model_colours(models, colours)
    ncols = max(1, min(ncols, len(outcomes)))
    nrows = math.ceil(len(outcomes) / ncols)
    fig = style.figure(style.WIDTH, 1.0 + nrows * (0.55 * len(models) + 1.4))
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharey=True, squeeze=False)).ravel()
    y = {m: len(models) - 1 - i for i, m in enumerate(models)}
    for ax, outcome in zip(axes, outcomes):
        rows = by_model[by_model["outcome"] == outcome]
        for row in rows.itertuples():
            err = [[row.mean - row.ci_low], [row.ci_high - row.mean]]
            ax.errorbar(row.mean, y[row.model], xerr=np.nan_to_num(err), fmt="o", markersize=9,
                        color=colour[row.model], capsize=5, elinewidth=2.2)
        label, unit = style.outcome_label(outcome)
        ax.set_title(label, fontsize=style.LABEL)
        ax.set_xlabel(f"{unit}\n{style.better_hint(outcome).strip()}".strip(),
                      fontsize=style.SMALL)  # two lines: neighbouring panels' labels stay apart
        ax.margins(x=0.15)
        style.readable_axis(ax.xaxis, ticks=5)
        style.tidy(ax)
    axes[0].set_yticks(list(y.values()), [style.model_label(m) for m in y], fontsize=style.TICK)
    axes[0].set_ylim(-0.6, len(models) - 0.4)
    for ax in axes[len(outcomes):]:
        ax.set_visible(False)
    low, high = (by_model["n"].min(), by_model["n"].max()) if "n" in by_model else (0, 0)
    runs = f"{low:g}" if low == high else f"{low:g} to {high:g}"
    style.title(fig, "Headline outcomes by operating model",
                "one run per model: its values, without confidence intervals" if high <= 1
                else f"mean and 95% confidence interval over {runs} runs per model")
    return fig, axes[: len(outcomes)]
