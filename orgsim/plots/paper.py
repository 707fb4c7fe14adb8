"""The figure a paper comparing two operating models needs, at a journal's column widths.

One outcome per figure: (a) each model's mean with its 95% confidence interval,
(b) the paired difference A minus B with its interval and a line at zero. No
title is drawn in: the caption belongs to the paper. Sizes follow the common
journal widths (one column about 89 mm, two columns about 183 mm) and text is
set at 7 to 8 pt, the size of a printed caption, so a figure is placed at 100%.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from orgsim.plots import style
from orgsim.plots.export import PRINT_DPI, TEXT_AS_TEXT
from orgsim.store.atomic import write_atomic

MM = 1 / 25.4  # inches per millimetre
WIDTHS_MM = {"single": 89.0, "double": 183.0}
HEIGHTS_MM = {"single": 62.0, "double": 72.0}
FONT_PT = {"single": 7.0, "double": 8.0}
FORMATS = ("pdf", "svg", "png")
Width = Literal["single", "double"]


@dataclass(frozen=True)
class Estimate:
    """A mean with its 95% confidence interval (NaN bounds: no interval, one run)."""

    mean: float
    low: float
    high: float


def pair_figure(a: str, b: str, est_a: Estimate, est_b: Estimate, diff: Estimate, label: str,
                unit: str, colours: dict[str, str] | None = None, width: Width = "single",
                better: int = 0) -> tuple[Figure, np.ndarray]:
    """Two panels: the models' means with 95% CIs, and their paired difference with its CI.

    Args:
        a, b: Model names; the difference is `a` minus `b`.
        est_a, est_b, diff: The estimates to draw.
        label, unit: The outcome's label and unit, for the axes.
        colours: Colour per model (the report's); default: the palette in order a, b.
        width: "single" (89 mm) or "double" (183 mm) column.
        better: +1 if higher is better, -1 if lower is better (said beside the unit), 0 neither.

    Returns:
        The figure and its two axes.
    """
    colour = style.model_colours([a, b], colours)
    font = FONT_PT[width]
    with matplotlib.rc_context({"font.size": font, "axes.linewidth": 0.6, "xtick.major.width": 0.6,
                                "ytick.major.width": 0.6, "lines.linewidth": 1.0}):
        fig = Figure(figsize=(WIDTHS_MM[width] * MM, HEIGHTS_MM[width] * MM), dpi=PRINT_DPI,
                     layout="constrained")
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.3, 1.2]})
        wrap = 16 if width == "single" else 30
        _points(left, [est_a, est_b], [colour[a], colour[b]],
                [_wrapped(style.model_label(a), wrap), _wrapped(style.model_label(b), wrap)], font)
        hint = {1: "; higher is better", -1: "; lower is better"}.get(better, "")
        left.set_ylabel(f"{label}\n({unit}{hint})", fontsize=font)
        _points(right, [diff], ["#000000"], [_wrapped(f"{style.model_label(a)} \u2212 "
                                                       f"{style.model_label(b)}", wrap)], font)
        right.axhline(0.0, color=style.NEUTRAL, linewidth=0.6, linestyle="--", zorder=0)
        right.set_ylabel(f"Paired difference\n({unit})", fontsize=font)
        for ax, letter in ((left, "a"), (right, "b")):
            ax.set_title(letter, loc="left", fontsize=font + 1, fontweight="bold", pad=3)
    return fig, np.array([left, right])


def _wrapped(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _points(ax: Axes, estimates: list[Estimate], colours: list[str], names: list[str],
            font: float) -> None:
    """Points with 95% interval bars, one per category along x, with a little room at both ends."""
    x = np.arange(len(estimates), dtype=float)
    for i, (e, c) in enumerate(zip(estimates, colours)):
        has_ci = np.isfinite(e.low) and np.isfinite(e.high)
        err = np.array([[e.mean - e.low], [e.high - e.mean]]) if has_ci else None
        ax.errorbar([x[i]], [e.mean], yerr=err, fmt="o", color=c, markersize=4, capsize=3,
                    elinewidth=1.0, capthick=1.0)
    ax.set_xticks(x, names, fontsize=font)
    ax.set_xlim(-0.5, len(estimates) - 0.5)
    values = [v for e in estimates for v in (e.mean, e.low, e.high) if np.isfinite(v)]
    if len(ax.lines) and values and max(values) == min(values):
        ax.set_ylim(min(values) - 1, max(values) + 1)
    ax.tick_params(labelsize=font, length=2.5)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.5)
    ax.set_axisbelow(True)
    style.readable_axis(ax.yaxis, ticks=5)


def save_print(fig: Any, folder: Path, name: str) -> dict[str, Path]:
    """`<name>.pdf`, `.svg` (text as text: svg.fonttype none, TrueType in the PDF) and `.png`
    at 300 dpi; the same figure gives the same bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {fmt: folder / f"{name}.{fmt}" for fmt in FORMATS}
    metadata: dict[str, dict[str, Any]] = {"svg": {"Date": None},
                                           "pdf": {"CreationDate": None, "ModDate": None}, "png": {}}
    def saver(fmt: str) -> Callable[[Path], None]:
        return lambda tmp: fig.savefig(tmp, format=fmt, dpi=PRINT_DPI, metadata=metadata[fmt])

    with matplotlib.rc_context(TEXT_AS_TEXT):
        for fmt, path in paths.items():
            write_atomic(path, saver(fmt))
    return paths
