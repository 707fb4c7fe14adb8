"""The organisation under one operating model: headcount of each unit by function."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from orgsim.plots import style


def structure(headcount: pd.DataFrame, model: str, widest: float | None = None,
              colour: str | None = None) -> tuple[Any, Any]:
    """Stacked horizontal bars, one per unit (or service-team set), split by function.

    Functions are tints of the model's colour with a hatch each, so that colour
    keeps meaning the model across a report.

    Args:
        headcount: [bar, function, headcount]; bars keep their first-seen order, top to bottom.
        model: The operating model drawn (for the title).
        widest: Right end of the headcount axis (give every model the same to compare them).
        colour: The model's colour (default: the first of the palette).

    Returns:
        The figure and the axes.
    """
    bars = list(dict.fromkeys(headcount["bar"]))
    functions = list(dict.fromkeys(headcount["function"]))
    marks = style.function_marks(functions, colour or style.model_colours([model])[model])
    table = headcount.pivot_table(index="bar", columns="function", values="headcount",
                                  aggfunc="sum", fill_value=0)
    table = table.reindex(index=bars, columns=functions)
    fig = style.figure(style.WIDTH, 1.9 + 0.55 * len(bars))
    ax = fig.subplots()
    y = np.arange(len(bars))[::-1]
    left = np.zeros(len(bars))
    for f in functions:
        values = table[f].to_numpy(dtype=float)
        face, hatch = marks[f]
        ax.barh(y, values, left=left, height=0.7, color=face, hatch=hatch, label=f,
                edgecolor="white", linewidth=0.6)
        left += values
    for yi, total in zip(y, left):
        ax.text(total, yi, f" {total:,.0f}", va="center", fontsize=style.TICK)
    ax.set_yticks(y, bars, fontsize=style.TICK)
    ax.set_xlabel("headcount (people)", fontsize=style.LABEL)
    ax.set_xlim(0, max(widest or 0, left.max(), 1) * 1.1)
    style.tidy(ax)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=len(functions),
               fontsize=style.TICK, frameon=False)
    style.title(fig, f"{style.model_label(model)}: organisation structure",
                f"people by unit and function, {left.sum():,.0f} in all")
    return fig, ax
