"""How often each operating model comes out best across the design points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from orgsim.plots import style


def robustness(table: pd.DataFrame, outcomes: Sequence[str] | None = None,
               colours: Mapping[str, str] | None = None) -> tuple[Any, Any]:
    """Grouped bars of `share_best` per outcome and model.

    Args:
        table: [outcome, model, share_best] with shares in [0, 1].
        outcomes: Rows in order (default: every outcome in the table).
        colours: Model colours.

    Returns:
        The figure and the axes.
    """
    outcomes = list(outcomes or dict.fromkeys(table["outcome"]))
    models = list(dict.fromkeys(table["model"]))
    colour = style.model_colours(models, colours)
    fig = style.figure(style.WIDTH, 1.6 + len(outcomes) * (0.3 * len(models) + 0.35))
    ax = fig.subplots()
    height = 0.8 / len(models)
    base = np.arange(len(outcomes))[::-1]
    share = table.set_index(["outcome", "model"])["share_best"]
    for j, model in enumerate(models):
        values = [100 * share.get((o, model), np.nan) for o in outcomes]
        at = base + 0.4 - height * (j + 0.5)
        ax.barh(at, values, height=height * 0.9, color=colour[model],
                label=style.model_label(model))
    ax.set_yticks(base, [style.outcome_label(o)[0] for o in outcomes], fontsize=style.TICK)
    ax.set_xlim(0, 100)
    ax.set_xlabel("design points where the model is best (%)", fontsize=style.LABEL)
    style.tidy(ax)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center",
               ncols=min(4, len(models)), fontsize=style.TICK, frameon=False)
    style.title(fig, "Robustness: which model wins where",
                "share of design points at which each model has the best mean outcome")
    return fig, ax
