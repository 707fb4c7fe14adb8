"""Utilisation by organisation and team: where the people are busy, model by model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from orgsim.plots import style


def utilisation_table(staff: pd.DataFrame, ics_prefix: str = "ICS") -> pd.DataFrame:
    """Busy over available staff-weeks by (organisation, team) and model; the ICSs as one.

    Args:
        staff: Rows of (model, unit, team, busy, available), one per team and run.
        ics_prefix: Units whose name starts with this followed by digits are pooled as ICSs.

    Returns:
        A table indexed by "organisation: team" with one column per model (NaN where the
        model has no such team).
    """
    pooled = staff["unit"].str.fullmatch(rf"{ics_prefix}\d+")
    n = staff.loc[pooled, "unit"].nunique()
    org = staff["unit"].where(~pooled, f"{ics_prefix}s ({n}, together)")
    rows = staff.assign(row=org + ": " + staff["team"])
    sums = rows.groupby(["row", "model"], sort=False)[["busy", "available"]].sum()
    share = (sums["busy"] / sums["available"].where(sums["available"] > 0)).unstack("model")
    return share.reindex(columns=list(dict.fromkeys(staff["model"])))


def utilisation(table: pd.DataFrame) -> tuple[Any, Any]:
    """A grid of utilisation shares: rows are organisation and team, columns are models."""
    values = table.to_numpy(dtype=float)
    fig = style.figure(style.WIDTH, 1.8 + 0.38 * len(table))
    ax = fig.subplots()
    image = ax.imshow(np.ma.masked_invalid(values), cmap="Greys", vmin=0.0, vmax=1.0, aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        text = "–" if not np.isfinite(v) else f"{v:.0%}"
        colour = "white" if np.isfinite(v) and v > 0.55 else "black"
        ax.text(j, i, text, ha="center", va="center", fontsize=style.SMALL, color=colour)
    ax.set_xticks(range(values.shape[1]), [style.model_label(m) for m in table.columns],
                  fontsize=style.TICK)
    ax.set_yticks(range(values.shape[0]), list(table.index), fontsize=style.SMALL)
    ax.tick_params(top=True, labeltop=True, bottom=False, labelbottom=False)
    bar = fig.colorbar(image, ax=ax, fraction=0.03)
    bar.set_label("utilisation (busy ÷ available staff-weeks)", fontsize=style.SMALL)
    style.title(fig, "Utilisation by organisation and team",
                "busy over available staff-weeks in the measured window, over every run of a model")
    return fig, ax
