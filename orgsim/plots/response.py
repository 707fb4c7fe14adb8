"""What-if pictures: each outcome against a lever, and two levers at once as a heat map."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from orgsim.plots import style

TODAY = "#4D4D4D"


def _lever_axis(label: str) -> str:
    """A lever's name, its unit in brackets on a second line so neighbouring panels stay apart."""
    short = label if len(label) <= 60 else label[:57] + "..."
    return short.replace(" (", "\n(", 1)


def response(table: pd.DataFrame, lever: str, outcomes: Sequence[str],
             colours: Mapping[str, str] | None = None, switches: pd.DataFrame | None = None,
             today: float | None = None, label: str | None = None,
             ncols: int = 3) -> tuple[Any, Any]:
    """One panel per outcome: its mean against the lever's value, a line per model with its CI band.

    Args:
        table: [`lever`, model, outcome, mean, ci_low, ci_high]: one row per lever value, model
            and outcome (the other levers held at one value by the caller).
        lever: The column holding the lever's value (numeric).
        outcomes: Panels, in order.
        colours: Model colours.
        switches: Rows of `switch_points` along this lever [outcome, low, high, estimate]; each is
            drawn as a grey band between the settings it lies between, and a dashed line at the
            interpolated estimate when there is one.
        today: The lever's value today, marked by a dotted line.
        label: The lever's name for the x axis (default: its path).

    Returns:
        The figure and the axes drawn.
    """
    outcomes = [o for o in outcomes if o in set(table["outcome"])]
    models = list(dict.fromkeys(table["model"]))
    colour = style.model_colours(models, colours)
    ncols = max(1, min(ncols, len(outcomes)))
    nrows = max(1, math.ceil(len(outcomes) / ncols))
    fig = style.figure(style.WIDTH, 1.2 + 3.4 * nrows)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for ax, outcome in zip(axes, outcomes):
        rows = table[table["outcome"] == outcome]
        for model in models:
            line = rows[rows["model"] == model].sort_values(lever, kind="stable")
            x = line[lever].to_numpy(dtype=float)
            ax.plot(x, line["mean"], "o-", color=colour[model], linewidth=2.2, markersize=6,
                    label=style.model_label(model))
            ax.fill_between(x, line["ci_low"].to_numpy(dtype=float),
                            line["ci_high"].to_numpy(dtype=float), color=colour[model],
                            alpha=0.2, linewidth=0)
        _marks(ax, outcome, switches, today)
        title, unit = style.outcome_label(outcome)
        ax.set_title(title, fontsize=style.LABEL)
        ax.set_ylabel(f"{unit}\n{style.better_hint(outcome).strip()}".strip(), fontsize=style.SMALL)
        ax.set_xlabel(_lever_axis(label or lever), fontsize=style.SMALL)
        style.readable_axis(ax.xaxis, ticks=5)
        style.tidy(ax, grid="y")
    for ax in axes[len(outcomes):]:
        ax.set_visible(False)
    if len(outcomes):
        handles, names = axes[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside upper right", ncols=len(models), frameon=False,
                   fontsize=style.SMALL)
    words = (label or lever).split(" (")[0]
    style.title(fig, f"Response to {words}"[:70], "mean and 95% confidence band per model; grey: "
                "where the better model changes; dotted: today")
    return fig, axes[: len(outcomes)]


def _marks(ax: Any, outcome: str, switches: pd.DataFrame | None, today: float | None) -> None:
    if today is not None and np.isfinite(today):
        ax.axvline(today, color=TODAY, linestyle=":", linewidth=1.6)
    if switches is None or not len(switches):
        return
    for row in switches[switches["outcome"] == outcome].itertuples():
        ax.axvspan(float(row.low), float(row.high), color=style.NEUTRAL, alpha=0.18, linewidth=0)
        if pd.notna(row.estimate):
            ax.axvline(float(row.estimate), color=style.NEUTRAL, linestyle="--", linewidth=1.6)


def heatmap(table: pd.DataFrame, x: str, y: str, outcomes: Sequence[str], models: Sequence[str],
            today: tuple[float, float] | None = None,
            labels: Mapping[str, str] | None = None) -> tuple[Any, Any]:
    """Two levers at once: the mean of each outcome (columns) under each model (rows).

    Args:
        table: [`x`, `y`, model, outcome, mean]: one row per pair of lever values, model and outcome;
            an optional boolean `clear` (False: the change from today is within the noise, and the
            cell says so; today's own cell is True).
        x, y: The columns holding the two levers' values.
        outcomes: Columns of panels; models: rows of panels.
        today: (x, y) of today's setting, outlined in every panel.
        labels: Axis names of the levers (default: their paths).

    Returns:
        The figure and the 2-D array of axes [model, outcome]. Each outcome's column shares one
        colour scale, darker for better.
    """
    labels = dict(labels or {})
    outcomes = [o for o in outcomes if o in set(table["outcome"])]
    nrows, ncols = max(1, len(models)), max(1, len(outcomes))
    fig = style.figure(style.WIDTH, 2.2 + 3.6 * nrows)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    xs = sorted(set(table[x].astype(float)))
    ys = sorted(set(table[y].astype(float)))
    for j, outcome in enumerate(outcomes):
        rows = table[table["outcome"] == outcome]
        low, high = float(rows["mean"].min()), float(rows["mean"].max())
        higher = style.better_hint(outcome).startswith(" (higher")
        cmap = "cividis_r" if higher else "cividis"  # the darker, the better
        image = None
        for i, model in enumerate(models):
            ax = axes[i, j]
            grid = _grid(rows[rows["model"] == model], x, y, xs, ys)
            noise = _grid(rows[rows["model"] == model], x, y, xs, ys, "clear") \
                if "clear" in rows else np.ones_like(grid)
            image = ax.imshow(grid, origin="lower", aspect="auto", cmap=cmap, vmin=low,
                              vmax=high if high > low else low + 1)
            _annotate(ax, grid, noise, low, high, dark_high=higher)
            _ticks(ax, xs, ys)
            if today is not None and float(today[0]) in xs and float(today[1]) in ys:
                ax.add_patch(_outline(xs.index(float(today[0])), ys.index(float(today[1]))))
            title = style.outcome_label(outcome)[0]
            ax.set_title(f"{style.model_label(model)}:\n{title}", fontsize=style.SMALL)
            ax.set_xlabel(_lever_axis(labels.get(x) or x), fontsize=style.SMALL)
            if j == 0:
                ax.set_ylabel(_lever_axis(labels.get(y) or y), fontsize=style.SMALL)
        if image is not None:
            bar = fig.colorbar(image, ax=list(axes[:, j]), location="bottom", shrink=0.9)
            bar.set_label(f"{style.outcome_label(outcome)[1]}{style.better_hint(outcome)}",
                          fontsize=style.SMALL)
            bar.ax.tick_params(labelsize=style.TICK)
            style.readable_axis(bar.ax.xaxis, ticks=3)
    style.title(fig, "Two levers at once", "mean per setting; outlined: today; each outcome's "
                "colours span its own range")
    return fig, axes


def _grid(rows: pd.DataFrame, x: str, y: str, xs: list[float], ys: list[float],
          column: str = "mean") -> np.ndarray:
    grid = np.full((len(ys), len(xs)), np.nan)
    for values in rows.to_dict("records"):
        grid[ys.index(float(values[y])), xs.index(float(values[x]))] = float(values[column])
    return grid


def _annotate(ax: Any, grid: np.ndarray, clear: np.ndarray, low: float, high: float,
              dark_high: bool) -> None:
    """Each cell's value; `(≈ today)` under it where its change from today is within the noise."""
    middle = (low + high) / 2
    for (row, col), value in np.ndenumerate(grid):
        if np.isfinite(value):
            dark = value > middle if dark_high else value < middle
            text = style.short(value) + ("" if clear[row, col] else "\n(≈ today)")
            ax.text(col, row, text, ha="center", va="center", fontsize=style.SMALL,
                    color="white" if dark else "black")


def _ticks(ax: Any, xs: list[float], ys: list[float]) -> None:
    ax.set_xticks(range(len(xs)), [style.short(v) for v in xs], fontsize=style.TICK)
    ax.set_yticks(range(len(ys)), [style.short(v) for v in ys], fontsize=style.TICK)


def _outline(col: int, row: int) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="#D55E00", linewidth=3)
