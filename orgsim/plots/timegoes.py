"""Where the time goes: each model's mean lead time split into its components, stacked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from orgsim.metrics.table import LABELS
from orgsim.plots import style

# Shades of grey with hatching: no model colour is reused for a component.
SHADES = {"work": ("#2B2B2B", ""), "rework": ("#5E5E5E", "//"), "forum_wait": ("#8C8C8C", ""),
          "staff_wait": ("#B3B3B3", ".."), "handoff_delay": ("#D0D0D0", "\\\\"),
          "duplicate_wait": ("#E8E8E8", "xx"), "funding_wait": ("#A6A6A6", "oo"),
          "other": ("#FFFFFF", "--")}


def time_goes(by_model: pd.DataFrame, models: Sequence[str], components: Sequence[str]
              ) -> tuple[Any, Any]:
    """Stacked bars of mean lead time components per model, the total's 95% CI and hidden work.

    Args:
        by_model: The summary's rows (model, outcome, mean, ci_low, ci_high); outcomes
            `lead_time_<component>`, `lead_time_mean` and `hidden_work_share`.
        models: Models, top to bottom.
        components: Component names, in stacking order.

    Returns:
        The figure and its axes.
    """
    cell = by_model.set_index(["outcome", "model"])
    fig = style.figure(style.WIDTH, 1.6 + 0.9 * len(models))
    ax = fig.subplots()
    y = np.arange(len(models))[::-1]
    left = np.zeros(len(models))
    for comp in components:
        values = np.array([_get(cell, f"lead_time_{comp}", m) for m in models])
        values = np.nan_to_num(values)
        colour, hatch = SHADES.get(comp, ("#FFFFFF", "++"))
        ax.barh(y, values, left=left, height=0.6, color=colour, hatch=hatch, edgecolor="#444444",
                linewidth=0.6, label=LABELS[f"lead_time_{comp}"][0].removeprefix("Lead time: "))
        left += values
    totals = [_get(cell, "lead_time_mean", m) for m in models]
    low = [_get(cell, "lead_time_mean", m, "ci_low") for m in models]
    high = [_get(cell, "lead_time_mean", m, "ci_high") for m in models]
    spread = np.array([[t - lo for t, lo in zip(totals, low)], [h - t for t, h in zip(totals, high)]])
    if np.isfinite(spread).all():
        ax.errorbar(totals, y, xerr=spread, fmt="none", ecolor="black", capsize=5, linewidth=1.4)
    edge = float(np.nanmax(np.nan_to_num(high, nan=0.0) + 0.0)) if len(models) else 1.0
    edge = max(edge, float(np.nanmax(left)) if len(models) else 1.0)
    for yi, model, total in zip(y, models, totals):
        hidden = _get(cell, "hidden_work_share", model)
        text = f"{style.number(total)} weeks"
        if np.isfinite(hidden):
            text += f"; hidden work {hidden:.0%} of staff time"
        ax.text(edge * 1.02, yi, text, va="center", fontsize=style.SMALL)
    ax.set_yticks(y, [style.model_label(m) for m in models], fontsize=style.TICK)
    ax.set_xlim(0, edge * 1.45)
    ax.set_xlabel("mean lead time of delivered initiatives (weeks)", fontsize=style.LABEL)
    style.tidy(ax, grid="x")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center",
               ncols=min(4, len(components)), fontsize=style.SMALL, frameon=False)
    style.title(fig, "Where the time goes", "mean over runs of each part of the lead time; "
                "whisker: 95% CI of the mean lead time")
    return fig, ax


def _get(cell: pd.DataFrame, outcome: str, model: str, column: str = "mean") -> float:
    try:
        return float(cell.loc[(outcome, model), column])
    except KeyError:
        return float("nan")
