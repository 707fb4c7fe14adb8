"""Scenario discovery: PRIM's coverage-density trade-off and the chosen box against the ranges."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from orgsim.plots import style


def tradeoff(trajectory: pd.DataFrame, chosen: int, cart: pd.DataFrame | None = None) -> tuple[Any, Any]:
    """Coverage against density of every box on PRIM's trajectory (colour: inputs restricted),
    the chosen box ringed, and the classification tree's leaves as a second view.

    Args:
        trajectory: [id, coverage, density, res_dim].
        chosen: The id of the chosen box.
        cart: [leaf, coverage, density] of the tree's leaves, or None.

    Returns:
        The figure and the axes.
    """
    fig = style.figure(style.WIDTH * 0.75, 6.0)
    ax = fig.subplots()
    points = ax.scatter(trajectory["coverage"], trajectory["density"], c=trajectory["res_dim"],
                        cmap="viridis", s=40, zorder=2, label="PRIM boxes")
    from matplotlib.ticker import MaxNLocator

    bar = fig.colorbar(points, ax=ax, label="inputs restricted")
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    pick = trajectory.set_index("id").loc[chosen]
    ax.scatter([pick["coverage"]], [pick["density"]], s=260, facecolors="none", edgecolors="black",
               linewidths=2, zorder=3, label=f"chosen box ({chosen})")
    if cart is not None and len(cart):
        ax.scatter(cart["coverage"], cart["density"], marker="s", s=45, color=style.PALETTE[1],
                   edgecolor="black", zorder=2, label="CART leaves")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("coverage: share of all cases of interest inside the box", fontsize=style.LABEL)
    ax.set_ylabel("density: share of the box that are cases", fontsize=style.LABEL)
    style.tidy(ax, "both")
    style.legend(ax, loc="lower left")
    style.title(fig, "Scenario discovery: coverage against density",
                "each point a box of PRIM's peeling trajectory; pick one that balances the two")
    return fig, ax


def box_limits(limits: pd.DataFrame, labels: dict[str, str] | None = None) -> tuple[Any, Any]:
    """The chosen box's range on each restricted input, within the range explored (scaled 0-1),
    with its limits and quasi-p-values written beside it.

    Args:
        limits: [uncertainty, low, high, explored_low, explored_high, qp_low, qp_high].
        labels: Readable names of the uncertainties.

    Returns:
        The figure and the axes.
    """
    labels = labels or {}
    fig = style.figure(style.WIDTH * 0.85, 1.6 + 0.7 * max(1, len(limits)))
    ax = fig.subplots()
    y = np.arange(len(limits))[::-1]
    for at, row in zip(y, limits.itertuples()):
        span = row.explored_high - row.explored_low or 1.0
        start, stop = (row.low - row.explored_low) / span, (row.high - row.explored_low) / span
        ax.barh(at, 1.0, left=0.0, height=0.5, color="#EEEEEE", edgecolor="#BBBBBB")
        ax.barh(at, stop - start, left=start, height=0.5, color=style.PALETTE[0])
        ax.text(1.02, at, f"{style.number(row.low)} to {style.number(row.high)}"
                f"  (qp {_qp(row.qp_low)}, {_qp(row.qp_high)})", va="center", fontsize=style.SMALL)
    ax.set_yticks(y, [labels.get(u, u) for u in limits["uncertainty"]], fontsize=style.TICK)
    ax.set_xlim(0, 1.75)
    ax.set_xticks([0, 1], ["lowest explored", "highest"], fontsize=style.TICK)
    ax.spines["bottom"].set_bounds(0, 1)
    style.tidy(ax, "")
    style.title(fig, "The chosen box against the ranges explored",
                "blue: the box; grey: the range sampled; qp: quasi-p-values of its lower and "
                "upper limits")
    return fig, ax


def _qp(value: float) -> str:
    return "-" if not np.isfinite(value) else f"{value:.2g}"
