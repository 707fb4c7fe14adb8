"""One look for every plot: colours, labels and sizes that stay legible on a slide."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

from orgsim.metrics.table import BETTER, LABELS

# Colour names an operating model and nothing else, in every figure of a report: models take
# Okabe and Ito's colour-blind-safe palette (black left out) in the order they are listed.
# Whatever is not a model is grey; categories within one model's figure (its staff
# functions) are tints of the model's colour told apart by hatching as well.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
NEUTRAL = "#8C8C8C"  # no model: "no clear difference", intervention marks
GREYS = ("#4D4D4D", "#B3B3B3")  # two kinds of mark that are not a model (e.g. S1 and ST)
HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "--", "++")
TITLE, LABEL, TICK, SMALL = 16, 14, 12, 12
WIDTH = 12.0  # inches; a 16:9 slide shows this at about full width
DPI = 150


def model_colours(models: Iterable[str], given: Mapping[str, str] | None = None) -> dict[str, str]:
    """A colour per model: `given` where it has one, else the palette in order of appearance."""
    given = dict(given or {})
    out: dict[str, str] = {}
    free = [c for c in PALETTE if c not in given.values()]
    for name in dict.fromkeys(models):
        out[name] = given.get(name) or free[len([m for m in out if m not in given]) % len(free)]
    return out


def tints(colour: str, n: int) -> list[str]:
    """`n` shades of one colour, from full strength towards white (at least 35% strength)."""
    rgb = np.array(to_rgb(colour))
    strengths = np.linspace(1.0, 0.35, n) if n > 1 else np.ones(1)
    return [to_hex(1 - t * (1 - rgb)) for t in strengths]


def function_marks(functions: Iterable[str], colour: str) -> dict[str, tuple[str, str]]:
    """(face colour, hatch) per staff function, within a figure drawn in one model's `colour`."""
    names = list(dict.fromkeys(functions))
    return {f: (c, HATCHES[i % len(HATCHES)])
            for i, (f, c) in enumerate(zip(names, tints(colour, len(names))))}


def model_label(name: str) -> str:
    """`two_tier_model` -> `Two tier model`."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def outcome_label(outcome: str) -> tuple[str, str]:
    """(label, unit) of an outcome; unknown outcomes keep their name."""
    return LABELS.get(outcome, (outcome.replace("_", " "), "value"))


def better_hint(outcome: str) -> str:
    """A short reading aid for axis labels."""
    return {-1: " (lower is better)", 1: " (higher is better)"}.get(BETTER.get(outcome, 0), "")


def figure(width: float, height: float,
           layout: Literal["constrained", "tight"] | None = "constrained") -> Figure:
    """A figure that belongs to no pyplot state (nothing global, nothing shown)."""
    return Figure(figsize=(width, height), dpi=DPI, layout=layout)


def tidy(ax: Axes, grid: Literal["x", "y", "both", ""] = "x") -> None:
    """Light grid, no top or right frame, legible ticks; the grid's axis gets short labels."""
    ax.tick_params(labelsize=TICK)
    axes: dict[str, list[Any]] = {"x": [ax.xaxis], "y": [ax.yaxis], "both": [ax.xaxis, ax.yaxis]}
    for axis in axes.get(grid, []):
        if not isinstance(axis.get_major_formatter(), Compact):
            readable_axis(axis)
    ax.spines[["top", "right"]].set_visible(False)
    if grid:
        ax.grid(axis=grid, color="#DDDDDD", linewidth=0.8)
        ax.set_axisbelow(True)


def title(fig: Figure, text: str, subtitle: str = "") -> None:
    """Figure title in bold where the font allows, with an optional line saying what is drawn."""
    head = text
    if re.fullmatch(r"[A-Za-z0-9 ,.:()]+", text):
        head = "$\\bf{" + text.replace(" ", "\\ ").replace(":", "\\colon") + "}$"
    fig.suptitle(head + (f"\n{subtitle}" if subtitle else ""), fontsize=TITLE, x=0.01, ha="left",
                 linespacing=1.5)


def number(value: float, sign: bool = False) -> str:
    """Three significant figures, with thousands separators for large numbers."""
    if not np.isfinite(value):
        return "n/a"
    plus = "+" if sign else ""
    if abs(value) >= 1000:
        return f"{float(f'{value:.3g}'):{plus},.0f}"
    return f"{value:{plus}.3g}"


class Compact(Formatter):  # type: ignore[misc]
    """Tick labels short enough not to collide: `750k`, `1.25M`, `2bn`, one suffix per axis.

    The suffix is chosen from the largest tick, so every label on an axis is read
    in the same unit; numbers below ten thousand keep their digits (`2,500`).
    """

    SUFFIXES = ((1e9, "bn"), (1e6, "M"), (1e4, "k"))

    def __init__(self) -> None:
        self.scale, self.suffix = 1.0, ""

    def set_locs(self, locs: Any) -> None:
        super().set_locs(locs)
        top = max((abs(v) for v in locs), default=0.0)
        self.scale, self.suffix = next(((d if d > 1e4 else 1e3, s) for d, s in self.SUFFIXES
                                        if top >= d), (1.0, ""))

    def __call__(self, value: float, pos: int | None = None) -> str:
        v = value / self.scale
        text = f"{v:.4g}" if abs(v) < 1000 else f"{v:,.0f}"
        return ("0" if text in ("-0", "") else text) + (self.suffix if v else "")


def short(value: float) -> str:
    """Three significant figures in at most five characters: `7.5`, `424`, `73.5k`, `1.25M`."""
    if not np.isfinite(value):
        return "n/a"
    for div, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= div * (9.9995 if div == 1e3 else 0.9995):
            return f"{value / div:.3g}{suffix}"
    return f"{value:.3g}" if abs(value) < 999.5 else f"{value:,.0f}"


def readable_axis(axis: Any, ticks: int | None = None) -> None:
    """Short tick labels (no offsets or exponents); at most `ticks` intervals if given."""
    axis.set_major_formatter(Compact())
    if ticks:
        axis.set_major_locator(MaxNLocator(nbins=ticks, steps=[1, 2, 2.5, 5, 10]))


def legend(ax: Axes, **kw: Any) -> None:
    ax.legend(fontsize=SMALL, frameon=False, **kw)
