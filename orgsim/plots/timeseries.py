"""Work in progress and needs met week by week: mean over runs with a band across runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from orgsim.config.limits import count
from orgsim.plots import style

QUARTER = 13.0
RUN = ["model", "point", "replication"]


def quarterly_needs_met(ts: pd.DataFrame) -> pd.Series:
    """Initiatives delivered or reused in the trailing 13 weeks, from the cumulative columns."""
    keys = [k for k in RUN if k in ts.columns]
    weeks = np.sort(ts["week"].unique())
    step = float(np.median(np.diff(weeks))) if len(weeks) > 1 else 1.0
    lag = max(1, int(round(QUARTER / step)))
    ordered = ts.sort_values(keys + ["week"])
    met = ordered["delivered"] + ordered["reused"]
    done = met.groupby([ordered[k] for k in keys], sort=False).diff(lag) if keys else met.diff(lag)
    return done.reindex(ts.index) * (QUARTER / (lag * step))


def over_time(ts: pd.DataFrame, warmup_weeks: float | None = None,
              colours: Mapping[str, str] | None = None, band: tuple[float, float] = (0.1, 0.9)
              ) -> tuple[Any, Any]:
    """Two stacked panels: WIP and quarterly needs met, each a mean line and a percentile band.

    Args:
        ts: Weekly rows per run: `week`, `wip`, cumulative `delivered` and `reused`, `model`,
            `point`, `replication`.
        warmup_weeks: Shaded as warm-up when given.
        colours: Model colours.
        band: Lower and upper quantiles across runs drawn as the band.

    Returns:
        The figure and the two axes.
    """
    data = ts.assign(needs_met=quarterly_needs_met(ts))
    models = list(dict.fromkeys(data["model"]))
    colour = style.model_colours(models, colours)
    fig = style.figure(style.WIDTH, 7.2)
    axes = fig.subplots(2, 1, sharex=True)
    panels = (("wip", "Work in progress", "initiatives"),
              ("needs_met", "Needs met: delivered or reused in the trailing 13 weeks",
               "initiatives per quarter"))
    for ax, (column, name, unit) in zip(axes, panels):
        for model in models:
            by_week = data[data["model"] == model].groupby("week")[column]
            mean, low, high = by_week.mean(), by_week.quantile(band[0]), by_week.quantile(band[1])
            ax.fill_between(mean.index, low, high, color=colour[model], alpha=0.2, linewidth=0)
            ax.plot(mean.index, mean, color=colour[model], linewidth=2.4,
                    label=style.model_label(model))
        if warmup_weeks:
            ax.axvspan(0, warmup_weeks, color="#EEEEEE", zorder=0)
            ax.text(warmup_weeks / 2, 0.97, "warm-up", transform=ax.get_xaxis_transform(),
                    ha="center", va="top", fontsize=style.SMALL, color="#555555")
        ax.set_title(name, fontsize=style.LABEL, loc="left")
        ax.set_ylabel(unit, fontsize=style.LABEL)
        ax.set_ylim(bottom=0)
        style.tidy(ax, grid="y")
    axes[1].set_xlabel("simulated time (weeks)", fontsize=style.LABEL)
    axes[1].set_xlim(data["week"].min(), data["week"].max())
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center",
               ncols=min(4, len(models)), fontsize=style.TICK, frameon=False)
    runs = data.groupby("model")[["point", "replication"]].apply(lambda d: len(d.drop_duplicates()))
    style.title(fig, "Work in progress and needs met over time",
                f"line: mean of {count(int(runs.min()), 'run')} per model; band: from the "
                f"{_nth(band[0])} to the {_nth(band[1])} percentile of runs")
    return fig, axes


def _nth(q: float) -> str:
    n = int(round(100 * q))
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
