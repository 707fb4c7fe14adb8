"""Work flowing between organisations, frame by frame: an animation for slides.

Save the returned animation with `anim.save("flow.gif", writer="pillow", fps=4, dpi=DPI)`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.animation import FuncAnimation
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch, Rectangle

from orgsim.plots import style
from orgsim.plots.flows import ICS_NODE, layout

DPI = 100  # 1200 x 675 pixels: a 16:9 slide
FPS = 4
STATES = {"queue": ("waiting for staff", "#E69F00"), "forum": ("at a forum", "#CC79A7"),
          "work": ("in work", "#009E73"), "duplicate": ("waiting for a duplicate's original", "#56B4E9"),
          "funding": ("waiting for money", "#D55E00")}  # funding: only runs with money have the column
ARROW = style.PALETTE[0]
BOX_W, BOX_H, BAR_H, BAR_L = 2.4, 1.5, 0.22, 1.5  # in data units
BARS_ROOM = 0.95  # from the first bar's middle to the last bar's foot
X_GAP, Y_GAP = 4.0, 2.2  # between columns and rows of boxes, centre to centre
AXES = (0.02, 0.1, 0.96, 0.7)  # in figure fractions


def flow_animation(states: pd.DataFrame, moves: pd.DataFrame, tally: pd.DataFrame, title: str,
                   step: float) -> tuple[Any, FuncAnimation]:
    """An animation of one run: bars of work held at each organisation, arrows for handoffs.

    Args:
        states: [frame, week, node, queue, forum, work, duplicate, funding]: initiatives held at
            `week` (a run without money has no `funding` column, and no bar or key for it).
        moves: [frame, sender, receiver, handoffs] since the previous frame.
        tally: [frame, week, arrived, in_system, delivered, reused, rejected].
        title: What is shown, e.g. the operating model's label.
        step: Weeks between frames (said in the subtitle).

    Returns:
        The figure and the animation (nothing is drawn until it is saved).
    """
    nodes = sorted(dict.fromkeys(states["node"]), key=lambda n: n != ICS_NODE)
    edges = moves.groupby(["sender", "receiver"], as_index=False)["handoffs"].sum()
    pos = _grid(edges, nodes)
    fig = style.figure(style.WIDTH, style.WIDTH * 9 / 16, layout=None)
    ax = fig.add_axes(AXES)
    _limits(ax, fig, pos)
    shown = [s for s in STATES if s in states.columns]
    top = max(1, int(states[shown].to_numpy().max()))
    bars = {node: _node(ax, node, pos[node], shown) for node in nodes}
    fig.text(0.012, 0.955, f"{title}: work flowing between organisations", fontsize=style.TITLE,
             fontweight="bold", va="center")
    fig.text(0.012, 0.895, f"bars: initiatives each organisation holds; arrows: handoffs in the last "
             f"{style.number(step)} weeks", fontsize=style.LABEL, va="center")
    clock = fig.text(0.985, 0.93, "", ha="right", va="center", fontsize=28, fontweight="bold")
    totals = fig.text(0.012, 0.04, "", ha="left", va="center", fontsize=style.LABEL)
    fig.legend(handles=[Patch(color=STATES[s][1], label=STATES[s][0]) for s in shown],
               loc="center left", bbox_to_anchor=(0.005, 0.83), ncol=len(shown), frameon=False,
               fontsize=style.SMALL, handlelength=1.2, columnspacing=1.5)
    by_frame = {k: f.set_index("node") for k, f in states.groupby("frame")}
    moved = {k: f for k, f in moves.groupby("frame")}
    widest = max(1, int(moves["handoffs"].max())) if len(moves) else 1
    drawn: list[Any] = []
    pairs = set(zip(edges["sender"], edges["receiver"]))

    def draw(k: int) -> list[Any]:
        held = by_frame[k]
        for node in nodes:
            for state, (bar, label) in bars[node].items():
                n = int(held.at[node, state]) if node in held.index else 0
                bar.set_width(BAR_L * n / top)
                label.set_text(str(n))
                label.set_x(bar.get_x() + bar.get_width() + 0.06)
        while drawn:
            drawn.pop().remove()
        for m in moved.get(k, pd.DataFrame()).itertuples():
            drawn.extend(_arrow(ax, pos, m, widest, pairs))
        row = tally.set_index("frame").loc[k]
        clock.set_text(f"Week {style.number(float(row['week']))}")
        totals.set_text(f"arrived {int(row['arrived'])}    in the system {int(row['in_system'])}    "
                        f"delivered {int(row['delivered'])}    reused {int(row['reused'])}    "
                        f"rejected {int(row['rejected'])}")
        return []

    frames = sorted(by_frame)
    anim = FuncAnimation(fig, draw, frames=frames, init_func=lambda: draw(frames[0]), blit=False,
                         repeat=False, cache_frame_data=False)
    return fig, anim


def _grid(edges: pd.DataFrame, nodes: list[str]) -> dict[str, tuple[float, float]]:
    """Columns by handoff distance from where work starts (as in the flow picture), spaced for boxes."""
    pos, gap = layout(edges, nodes)
    linked = set(edges["sender"]) | set(edges["receiver"])
    alone = [n for n in nodes if n not in linked]
    grid = {n: (pos[n][0] / gap * X_GAP, pos[n][1] / 1.4 * Y_GAP) for n in nodes if n not in alone}
    low = min((y for _, y in grid.values()), default=0.0) - Y_GAP
    middle = (max((x for x, _ in grid.values()), default=0.0)) / 2
    for i, n in enumerate(alone):
        grid[n] = (middle + (BOX_W + 0.6) * (i - (len(alone) - 1) / 2), low)
    return grid


def _limits(ax: Any, fig: Any, pos: dict[str, tuple[float, float]]) -> None:
    """Equal scales on both axes, every box inside, room above for arcs that run back."""
    xs, ys = zip(*pos.values())
    x0, x1 = min(xs) - BOX_W / 2 - 0.3, max(xs) + BOX_W / 2 + 0.3
    y0, y1 = min(ys) - BOX_H / 2 - 0.3, max(ys) + BOX_H / 2 + 1.3
    width, height = fig.get_figwidth() * AXES[2], fig.get_figheight() * AXES[3]
    per_inch = max((x1 - x0) / width, (y1 - y0) / height)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ax.set_xlim(cx - per_inch * width / 2, cx + per_inch * width / 2)
    ax.set_ylim(cy - per_inch * height / 2, cy + per_inch * height / 2)
    ax.set_axis_off()


def _node(ax: Any, name: str, at: tuple[float, float], shown: list[str]) -> dict[str, tuple[Any, Any]]:
    """A box with the organisation's name and one bar (with its count) per state shown."""
    x, y = at
    box = FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H, boxstyle="round,pad=0.04",
                         facecolor="#F4F4F4", edgecolor="#666666", zorder=2)
    ax.add_patch(box)
    ax.text(x, y + BOX_H / 2 - 0.24, name, ha="center", va="center", fontsize=style.LABEL,
            fontweight="bold", zorder=3)
    bars = {}
    left = x - BOX_W / 2 + 0.15
    pitch = min(BAR_H + 0.06, BARS_ROOM / (len(shown) - 1 + BAR_H / (BAR_H + 0.06) / 2))
    height = pitch * BAR_H / (BAR_H + 0.06)  # five bars fit the box as four do
    for i, state in enumerate(shown):
        yy = y + BOX_H / 2 - 0.6 - i * pitch
        bar = Rectangle((left, yy - height / 2), 0.0, height, facecolor=STATES[state][1], zorder=3)
        ax.add_patch(bar)
        label = ax.text(left, yy, "0", ha="left", va="center", fontsize=style.SMALL, zorder=3)
        bars[state] = (bar, label)
    return bars


def _edge(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """Where the line from box centre `a` towards `b` leaves the box."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    t = min(BOX_W / 2 / abs(dx) if dx else np.inf, BOX_H / 2 / abs(dy) if dy else np.inf)
    return a[0] + t * dx, a[1] + t * dy


def _arrow(ax: Any, pos: dict[str, tuple[float, float]], m: Any, widest: int,
           pairs: set[tuple[str, str]]) -> list[Any]:
    """A handoff arrow, as wide as its volume, with its count."""
    if m.sender == m.receiver or m.sender not in pos or m.receiver not in pos:
        return []
    a, b = pos[m.sender], pos[m.receiver]
    (x0, y0), (x1, y1) = a, b
    back = (m.receiver, m.sender) in pairs or x1 < x0
    rad = 0.3 if abs(x1 - x0) > 1.05 * X_GAP else (0.25 if back else 0.0)
    if rad:  # curved arrows leave from the top or bottom edge, clear of straight ones
        side = 1.0 if x1 < x0 else -1.0
        a, b = (x0, y0 + side * BOX_H / 2), (x1, y1 + side * BOX_H / 2)
    else:
        a, b = _edge(a, b), _edge(b, a)
    arrow = FancyArrowPatch(a, b, connectionstyle=f"arc3,rad={rad}", shrinkA=2, shrinkB=2,
                            arrowstyle="-|>,head_length=0.7,head_width=0.4", mutation_scale=14,
                            linewidth=1.5 + 7 * m.handoffs / widest, color=ARROW, alpha=0.85, zorder=1)
    ax.add_patch(arrow)
    (ax0, ay0), (ax1, ay1) = a, b
    mid = np.array([(ax0 + ax1) / 2 + rad * (ay1 - ay0) / 2, (ay0 + ay1) / 2 - rad * (ax1 - ax0) / 2])
    text = ax.text(*mid, str(m.handoffs), ha="center", va="center", fontsize=style.TICK,
                   fontweight="bold", color="#222222", zorder=4,
                   bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.9))
    return [arrow, text]
