"""Charts of runs in progress, redrawn every week by the workshop dashboard.

They are sized for a browser panel rather than a slide; colours and words are
those of the other plots, so a room sees the same picture in both. Margins are
set by hand: a constrained layout would draw every figure twice, and these are
drawn every week while the dashboard plays.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from orgsim.plots import style
from orgsim.plots.animation import STATES

PANELS = (("wip", "Work in progress (initiatives)"),
          ("latency", "Decision latency (mean weeks)"),
          ("delivered_quarter", "Delivered in the last 13 weeks"),
          ("duplication", "Duplication (share of build effort)"))
SMALL = 9
WARMUP = "#E8E8E8"
WIDTH = 7.2  # inches
CHAR = 0.078  # inches per character of a SMALL label, for the left margin of bar charts
LEGEND_CHAR, LEGEND_HANDLE = 0.068, 0.5  # inches per character of a legend label, and per entry
MARK = (0, (2, 2))  # dash pattern of an intervention's line: thin, so the data stay in front


def png(fig: Figure, dpi: int = 110) -> bytes:
    """`fig` as PNG bytes, for a page that shows it inline."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def live_charts(series: pd.DataFrame, colours: Mapping[str, str], warmup: float, horizon: float,
                marks: Mapping[str, Sequence[float]] | None = None) -> tuple[Figure, np.ndarray]:
    """Four small panels of the runs so far, one line per operating model.

    Args:
        series: [model, week, wip, latency, delivered_quarter, duplication], one row per model and week.
        colours: Colour of each model.
        warmup: Week the warm-up ends (shaded: per-item figures start after it).
        horizon: Last week, so the x axis stays put while the lines grow.
        marks: Weeks of each model's interventions so far, drawn as thin vertical lines in its colour
            (grey where every model has one), so a change in a line can be read against the decision
            before it.

    Returns:
        The figure and its 2 x 2 axes.
    """
    marks = {m: sorted(set(w)) for m, w in (marks or {}).items() if len(w)}
    if len(colours) > 1 and set(marks) == set(colours):  # a week every model shares: one grey line
        shared = sorted(set.intersection(*(set(w) for w in marks.values())))
        marks = {"": shared, **{m: [x for x in w if x not in shared] for m, w in marks.items()}}
    handles: list[Artist] = [Patch(color=c, label=style.model_label(m)) for m, c in colours.items()]
    if warmup > 0:
        handles.append(Patch(color=WARMUP, label="warm-up (per-item figures start after it)"))
    if marks:
        handles.append(Line2D([], [], color=style.NEUTRAL, lw=1.0, ls=MARK, label="intervention"))
    wide = sum(len(str(h.get_label())) * LEGEND_CHAR + LEGEND_HANDLE for h in handles)
    rows = 1 if wide < WIDTH else 2
    fig = style.figure(WIDTH, 4.6 + 0.2 * (rows - 1), layout=None)
    fig.subplots_adjust(left=0.07, right=0.985, top=0.86 - 0.04 * (rows - 1), bottom=0.1, wspace=0.22,
                        hspace=0.32)
    axes = fig.subplots(2, 2, sharex=True)
    for ax, (column, name) in zip(axes.flat, PANELS):
        _panel(ax, series, column, colours, warmup, horizon, marks)
        ax.set_title(name, fontsize=SMALL + 1, loc="left")
    for ax in axes[1]:
        ax.set_xlabel("week", fontsize=SMALL)
    axes[1, 1].yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1.0),
               ncol=-(-len(handles) // rows), frameon=False, fontsize=SMALL)
    return fig, axes


def _panel(ax: Axes, series: pd.DataFrame, column: str, colours: Mapping[str, str], warmup: float,
           horizon: float, marks: Mapping[str, Sequence[float]]) -> None:
    if warmup > 0:
        ax.axvspan(0, warmup, color=WARMUP, lw=0)
    for model, weeks in marks.items():
        for week in weeks:
            ax.axvline(week, color=colours.get(model, style.NEUTRAL), lw=1.0, ls=MARK, alpha=0.9, zorder=1)
    for model, rows in series.groupby("model", sort=False):
        ax.plot(rows["week"], rows[column], color=colours.get(str(model), style.NEUTRAL), lw=1.6)
    ax.set_xlim(0, max(horizon, 1.0))
    ax.set_ylim(bottom=0)
    style.tidy(ax, "y")
    ax.tick_params(labelsize=SMALL)


def holdings_chart(holdings: Mapping[str, pd.DataFrame], week: float) -> tuple[Figure, np.ndarray]:
    """Who holds how much work now: one panel per operating model, a stacked bar per organisation.

    Args:
        holdings: Per model, a frame indexed by organisation with columns queue, forum, work, duplicate
            and, in a run with money, funding.
        week: The moment shown (said in the titles).

    Returns:
        The figure and its axes (one per model, sharing the x scale).
    """
    present = {c for h in holdings.values() for c in h.columns}  # no money, no "waiting for money"
    parts = {label: colour for k, (label, colour) in STATES.items() if k in present}
    names = {k: label for k, (label, _) in STATES.items()}
    tables = {m: h.rename(columns=names) for m, h in holdings.items()}
    return _bars(tables, parts, f"initiatives each organisation holds, week {style.number(week)}")


def queues_chart(queues: Mapping[str, pd.Series], week: float) -> tuple[Figure, np.ndarray]:
    """Initiatives waiting for each forum's decision now, one panel per operating model.

    Args:
        queues: Per model, the number waiting indexed by forum.
        week: The moment shown (said in the titles).

    Returns:
        The figure and its axes (one per model, sharing the x scale).
    """
    label, colour = STATES["forum"]
    tables = {m: q.rename(label).to_frame() for m, q in queues.items()}
    return _bars(tables, {label: colour}, f"waiting for a forum's decision, week {style.number(week)}",
                 legend=False)


def _bars(tables: Mapping[str, pd.DataFrame], parts: Mapping[str, str], what: str,
          legend: bool = True) -> tuple[Figure, np.ndarray]:
    """One panel per model, one bar per row stacking `parts` (column -> colour), a shared x scale."""
    sizes = [max(1, len(t)) for t in tables.values()] or [1]
    top_in, gap_in, bottom_in, row_in = (0.35 if legend else 0.1), 0.45, 0.45, 0.24
    height = top_in + bottom_in + gap_in * len(sizes) + row_in * sum(sizes)
    fig = style.figure(WIDTH, height, layout=None)
    longest = max((len(str(i)) for t in tables.values() for i in t.index), default=4)
    fig.subplots_adjust(left=min(0.45, (longest * CHAR + 0.3) / WIDTH), right=0.95,
                        top=1 - (top_in + gap_in) / height, bottom=bottom_in / height,
                        hspace=gap_in / (row_in * sum(sizes) / len(sizes)))
    axes = np.atleast_1d(fig.subplots(len(sizes), 1, sharex=True, height_ratios=sizes))
    top = max((float(t.sum(axis=1).max()) for t in tables.values() if len(t)), default=0.0)
    for ax, (model, table) in zip(axes, tables.items()):
        _stack(ax, table, parts)
        ax.set_title(f"{style.model_label(model)}: {what}", fontsize=SMALL + 1, loc="left")
        ax.set_xlim(0, max(top * 1.1, 5.0))
    axes[-1].set_xlabel("initiatives", fontsize=SMALL)
    if legend:
        fig.legend(handles=[Patch(color=c, label=label) for label, c in parts.items()],
                   loc="upper center", bbox_to_anchor=(0.5, 1.0), ncol=len(parts), frameon=False,
                   fontsize=SMALL)
    return fig, axes


def _stack(ax: Axes, table: pd.DataFrame, parts: Mapping[str, str]) -> None:
    y = np.arange(len(table))
    left = np.zeros(len(table))
    for part, colour in parts.items():
        values = table[part].to_numpy(dtype=float) if part in table else np.zeros(len(table))
        ax.barh(y, values, left=left, color=colour, height=0.7)
        left += values
    for yi, total in zip(y, left):
        ax.text(float(total), float(yi), f" {int(total)}", va="center", fontsize=SMALL)
    ax.set_yticks(y, [str(i) for i in table.index], fontsize=SMALL)
    if not len(table):
        ax.text(0.5, 0.5, "none", transform=ax.transAxes, ha="center", va="center", fontsize=SMALL,
                color=style.NEUTRAL)
        ax.set_yticks([])
    ax.invert_yaxis()
    style.tidy(ax, "x")
    ax.tick_params(labelsize=SMALL)
