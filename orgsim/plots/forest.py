"""Forest plot of paired differences between operating models (common random numbers)."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from orgsim.metrics.table import BETTER
from orgsim.plots import style

XLABEL = "difference, A minus B (% of B's mean)"


def forest(paired: pd.DataFrame, by_model: pd.DataFrame, outcomes: Sequence[str] | None = None,
           colours: Mapping[str, str] | None = None, ncols: int = 3) -> tuple[Any, Any]:
    """Mean paired difference (A minus B) with its 95% CI, as a percentage of B's mean.

    Outcomes have different units, so each difference is scaled by model B's
    mean to share one axis. A single pair is drawn with the absolute
    difference, in its unit, and the share of paired runs each model won
    written beside each row; several pairs are drawn one panel per pair.

    Args:
        paired: [model_a, model_b, outcome, mean_diff, ci_low, ci_high, n, share_a_better,
            share_b_better].
        by_model: [model, outcome, mean], for the scale.
        outcomes: Rows to draw, in order (default: every outcome in `paired`).
        colours: Model colours; a row takes the better model's colour when its CI excludes zero.
        ncols: Panels per row when there are several pairs.

    Returns:
        The figure and the axes (an array of axes for several pairs).
    """
    outcomes = list(outcomes or dict.fromkeys(paired["outcome"]))
    rows = _scaled(paired[paired["outcome"].isin(outcomes)], by_model)
    pairs = list(dict.fromkeys(zip(rows["model_a"], rows["model_b"])))
    models = list(dict.fromkeys(list(by_model["model"]) + [m for p in pairs for m in p]))
    colour = style.model_colours(models, colours)
    if len(pairs) == 1:
        return _single(rows, outcomes, pairs[0], colour)
    ncols = max(1, min(ncols, len(pairs)))
    nrows = math.ceil(len(pairs) / ncols)
    fig = style.figure(style.WIDTH + 2, 1.4 + nrows * (0.5 * len(outcomes) + 1.9))
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharey=True, squeeze=False)).ravel()
    for ax, (a, b) in zip(axes, pairs):
        _panel(ax, rows[(rows["model_a"] == a) & (rows["model_b"] == b)], outcomes, colour)
        name = f"A: {style.model_label(a)}\nB: {style.model_label(b)}"
        ax.set_title(name, fontsize=style.TICK, loc="left")
        ax.set_xlabel("A minus B (% of B's mean)", fontsize=style.SMALL)
    for ax in axes[len(pairs):]:
        ax.set_visible(False)
    _legend(fig, list(dict.fromkeys(m for p in pairs for m in p)), colour)
    style.title(fig, "Paired differences between operating models",
                "mean and 95% CI of run-by-run differences (same seed, same demand)")
    return fig, axes[: len(pairs)]


def _single(rows: pd.DataFrame, outcomes: list[str], pair: tuple[str, str],
            colour: dict[str, str]) -> tuple[Any, Any]:
    fig = style.figure(style.WIDTH + 2, 2.3 + 0.62 * len(outcomes))
    ax = fig.subplots()
    y = _panel(ax, rows, outcomes, colour)
    for row in rows.itertuples():
        note = ax.annotate(_note(row), (1.03, y[row.outcome]), xycoords=("axes fraction", "data"),
                           va="center", fontsize=style.SMALL, annotation_clip=False)
        note.set_in_layout(False)
    ax.set_xlabel(XLABEL, fontsize=style.LABEL)
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.set(rect=(0, 0, 0.62, 1))  # type: ignore[call-arg]
    _legend(fig, list(pair), colour)
    style.title(fig, f"Paired differences: {style.model_label(pair[0])} (A) minus "
                f"{style.model_label(pair[1])} (B)",
                "mean and 95% CI of run-by-run differences (same seed, same demand)")
    return fig, ax


def _panel(ax: Any, rows: pd.DataFrame, outcomes: list[str],
           colour: dict[str, str]) -> dict[str, int]:
    """One forest: a row per outcome; returns the row positions."""
    y = {o: len(outcomes) - 1 - i for i, o in enumerate(outcomes)}
    for row in rows.itertuples():
        c = colour.get(_winner(row) or "", style.NEUTRAL)
        err = [[row.pct - row.pct_low], [row.pct_high - row.pct]]
        ax.errorbar(row.pct, y[row.outcome], xerr=err,
                    fmt="o", markersize=9, color=c, capsize=4, elinewidth=2.2)
    ax.axvline(0, color="#444444", linewidth=1)
    ax.set_yticks(list(y.values()), ["\n".join(textwrap.wrap(style.outcome_label(o)[0], 24))
                                     for o in y], fontsize=style.TICK)
    ax.set_ylim(-0.6, len(outcomes) - 0.4)
    ax.margins(x=0.12)
    style.tidy(ax)
    return y


def _legend(fig: Any, models: list[str], colour: dict[str, str]) -> None:
    """What the colours mean: the better model when the CI excludes zero, grey otherwise."""
    marks = [(colour[m], f"{style.model_label(m)} better") for m in models]
    marks.append((style.NEUTRAL, "no clear difference (CI includes 0)"))
    handles = [fig.axes[0].scatter([], [], s=70, color=c, label=t) for c, t in marks]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(3, len(marks)),
               fontsize=style.TICK, frameon=False)


def _scaled(rows: pd.DataFrame, by_model: pd.DataFrame) -> pd.DataFrame:
    """Adds pct, pct_low, pct_high: the difference as % of |mean of B| (drops rows where B is 0)."""
    base = by_model.set_index(["model", "outcome"])["mean"]
    scale = np.array([base.get((b, o), np.nan) for b, o in zip(rows["model_b"], rows["outcome"])],
                     dtype=float)
    scale = np.where(np.abs(scale) > 0, np.abs(scale), np.nan) / 100.0
    rows = rows.copy()
    for col, out in (("mean_diff", "pct"), ("ci_low", "pct_low"), ("ci_high", "pct_high")):
        rows[out] = rows[col].to_numpy(dtype=float) / scale
    for col in ("pct_low", "pct_high"):
        rows[col] = rows[col].fillna(rows["pct"])
    return rows[rows["pct"].notna()].reset_index(drop=True)


def _winner(row: Any) -> str | None:
    sign = BETTER.get(row.outcome, 0)
    low, high = row.ci_low * sign, row.ci_high * sign
    if sign and low > 0 and high > 0:
        return str(row.model_a)
    if sign and low < 0 and high < 0:
        return str(row.model_b)
    return None


def _note(row: Any) -> str:
    unit = style.outcome_label(row.outcome)[1]
    text = (f"{style.number(row.mean_diff, sign=True)} {unit} "
            f"[{style.number(row.ci_low)}, {style.number(row.ci_high)}]")
    if BETTER.get(row.outcome, 0) and pd.notna(getattr(row, "share_a_better", np.nan)):
        text += f"\nA better in {row.share_a_better:.0%} of runs, B in {row.share_b_better:.0%}"
    return text
