"""How decision latency and lead time vary across runs: box plots per statistic and model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from orgsim.plots import style

STATS = (("median", "median"), ("mean", "mean"), ("p90", "90th percentile"))


def distributions(metrics: pd.DataFrame,
                  measures: Sequence[str] = ("decision_latency", "lead_time"),
                  colours: Mapping[str, str] | None = None) -> tuple[Any, Any]:
    """Boxes of each run's median, mean and 90th percentile, one panel per measure.

    Args:
        metrics: One row per run with `model` and `<measure>_<stat>` columns.
        measures: Per-item measures in weeks.
        colours: Model colours.

    Returns:
        The figure and the array of axes.
    """
    models = list(dict.fromkeys(metrics["model"]))
    colour = style.model_colours(models, colours)
    fig = style.figure(style.WIDTH, 5.6)
    axes = np.atleast_1d(fig.subplots(1, len(measures), squeeze=False)).ravel()
    width = 0.8 / len(models)
    for ax, measure in zip(axes, measures):
        for j, model in enumerate(models):
            runs = metrics[metrics["model"] == model]
            at = np.arange(len(STATS)) - 0.4 + width * (j + 0.5)
            data = [runs[f"{measure}_{s}"].dropna().to_numpy() for s, _ in STATS]
            _boxes(ax, data, at, width, colour[model])
        ax.set_xticks(range(len(STATS)), [name for _, name in STATS], fontsize=style.TICK)
        ax.set_xlabel("statistic of one run's initiatives", fontsize=style.SMALL)
        ax.set_ylabel("weeks", fontsize=style.LABEL)
        ax.set_title(style.outcome_label(f"{measure}_mean")[0].split(" (")[0], fontsize=style.LABEL)
        ax.set_ylim(bottom=0)
        style.tidy(ax, grid="y")
    handles = [ax.scatter([], [], s=60, marker="s", color=colour[m], label=style.model_label(m))
               for m in models]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(4, len(models)),
               fontsize=style.TICK, frameon=False)
    style.title(fig, "Decision latency and lead time across runs",
                f"each dot is one run ({len(metrics) // max(1, len(models))} per model); "
                "boxes show quartiles, whiskers 1.5 IQR")
    return fig, axes


def _boxes(ax: Any, data: list[np.ndarray], at: np.ndarray, width: float, colour: str) -> None:
    """Boxes at `at` with each run drawn as a dot spread evenly across the box."""
    keep = [i for i, d in enumerate(data) if len(d)]
    if not keep:
        return
    box = ax.boxplot([data[i] for i in keep], positions=at[keep], widths=width * 0.8,
                     patch_artist=True, showfliers=False, manage_ticks=False)
    for patch in box["boxes"]:
        patch.set(facecolor=colour, alpha=0.35, edgecolor=colour, linewidth=1.5)
    for part in ("whiskers", "caps", "medians"):
        for line in box[part]:
            line.set(color=colour, linewidth=1.8)
    for i in keep:
        spread = ((np.arange(len(data[i])) * 0.618034) % 1 - 0.5) * 0.6 * width  # even, not random
        ax.scatter(at[i] + spread, data[i], s=14, color=colour,
                   edgecolor="white", linewidth=0.4, zorder=3)
