"""Which uncertainties move the compared difference: Morris or Sobol bars per outcome."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from orgsim.plots import style


def short_path(path: str) -> str:
    """`models.m.forums.board.cadence_weeks` -> `board.cadence_weeks` over `(M)`: a tick label."""
    parts = path.split(".")
    owner = ""
    if parts[0] == "models" and len(parts) > 2:
        owner, parts = style.model_label(parts[1]), parts[2:]
    elif parts[0] == "model":
        owner, parts = "every model", parts[1:]
    name = ".".join(parts[-2:])
    return name + (f"\n({owner})" if owner else "")


def sensitivity(table: pd.DataFrame, outcomes: Sequence[str] | None = None,
                pair: tuple[str, str] | None = None, ncols: int = 3) -> tuple[Any, Any]:
    """Horizontal bars per uncertainty, one panel per outcome.

    Morris tables (`mu_star`, `mu_star_conf`, `sigma`) draw mu* with its CI and
    sigma as a dot, in the outcome's unit; Sobol tables (`S1`, `ST` and their
    `_conf`) draw first-order and total indices.

    Args:
        table: [outcome, uncertainty, ...] as above.
        outcomes: Panels in order (default: every outcome in the table).
        pair: The compared models (A, B), named in the title.
        ncols: Panels per row.

    Returns:
        The figure and the array of axes.
    """
    morris = "mu_star" in table.columns
    key = "mu_star" if morris else "ST"
    outcomes = list(outcomes or dict.fromkeys(table["outcome"]))
    table = table[table["outcome"].isin(outcomes)]
    order = _order(table, key)
    ncols = max(1, min(ncols, len(outcomes)))
    nrows = math.ceil(len(outcomes) / ncols)
    fig = style.figure(style.WIDTH + 1, 1.2 + nrows * (0.5 * len(order) + 1.3))
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharey=True, squeeze=False)).ravel()
    y = {u: len(order) - 1 - i for i, u in enumerate(order)}
    for ax, outcome in zip(axes, outcomes):
        rows = table[table["outcome"] == outcome]
        pos = np.array([y[u] for u in rows["uncertainty"]])
        (_morris if morris else _sobol)(ax, rows, pos)
        label, unit = style.outcome_label(outcome)
        ax.set_title(label, fontsize=style.LABEL)
        ax.set_xlabel(f"μ* ({unit})" if morris else "index (share of variance)",
                      fontsize=style.SMALL)
        ax.set_xlim(left=min(0.0, ax.get_xlim()[0]) if not morris else 0.0)
        style.readable_axis(ax.xaxis)
        style.tidy(ax)
    axes[0].set_yticks(list(y.values()), [short_path(u) for u in y], fontsize=style.SMALL)
    axes[0].set_ylim(-0.6, len(order) - 0.4)
    for ax in axes[len(outcomes):]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=style.TICK,
               frameon=False)
    what = (f"{style.model_label(pair[0])} minus {style.model_label(pair[1])}" if pair
            else "the outcomes")
    method = "Morris elementary effects" if morris else "Sobol indices"
    style.title(fig, f"Sensitivity of {what}", f"{method}; bars are sorted by overall importance, "
                "whiskers are 95% confidence intervals")
    return fig, axes[: len(outcomes)]


def _order(table: pd.DataFrame, key: str) -> list[str]:
    """Uncertainties, most influential first (mean rank across outcomes, so units do not matter)."""
    ranks = table.groupby("outcome")[key].rank(ascending=False)
    return list(ranks.groupby(table["uncertainty"]).mean().sort_values(kind="stable").index)


def _morris(ax: Any, rows: pd.DataFrame, pos: np.ndarray) -> None:
    ax.barh(pos, rows["mu_star"], xerr=rows.get("mu_star_conf"), height=0.6, color=style.GREYS[0],
            error_kw={"elinewidth": 1.5, "capsize": 3}, label="μ*: mean absolute effect")
    if "sigma" in rows:
        ax.scatter(rows["sigma"], pos, marker="D", s=36, color=style.GREYS[1], zorder=3,
                   edgecolor=style.GREYS[0],
                   label="σ: interaction or non-linearity")


def _sobol(ax: Any, rows: pd.DataFrame, pos: np.ndarray) -> None:
    for shift, name, colour, hatch, label in ((0.18, "S1", style.GREYS[0], "", "S1: first order"),
                                              (-0.18, "ST", style.GREYS[1], "//", "ST: total")):
        ax.barh(pos + shift, rows[name], xerr=rows.get(f"{name}_conf"), height=0.34, color=colour,
                hatch=hatch,
                error_kw={"elinewidth": 1.2, "capsize": 2}, label=label)
    ax.axvline(0, color="#444444", linewidth=0.8)
