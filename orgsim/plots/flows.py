"""Who hands work to whom under one operating model, and where items wait."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from orgsim.plots import style

ICS_NODE = "ICSs"
BOX = (0.02, 0.08, 0.96, 0.74)  # axes position in figure fractions


def flow_tables(handoffs: pd.DataFrame, waits: pd.DataFrame, model: str, runs: int | None = None,
                ics_prefix: str = "ICS") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Edges [sender, receiver, per_run, kind] and nodes [unit, staff, forum] (ICSs one node).

    Edge volumes are mean handoffs per run (`kind` "handoff"); a service team is a
    node of its own, `UNIT: TEAM`, linked from its unit by an edge of kind "team"
    carrying the items it started per run. Node waits are means over every wait
    (weighted by `n`) in weeks.
    """
    pattern = re.compile(rf"^{re.escape(ics_prefix)}\d+$")

    def node(name: str) -> str:
        return ICS_NODE if pattern.match(name) else name

    h = handoffs[handoffs["model"] == model]
    w = waits[waits["model"] == model]
    if runs is None:
        keys = ["point", "replication"]
        runs = len(pd.concat([h[keys], w[keys]]).drop_duplicates()) or 1
    edges = (h.assign(sender=h["sender"].map(node), receiver=h["receiver"].map(node))
             .groupby(["sender", "receiver"], as_index=False)["handoffs"].sum())
    edges = edges.assign(per_run=edges.pop("handoffs") / runs, kind="handoff")
    team = w["team"].fillna("") if "team" in w else pd.Series("", index=w.index)
    home = w["unit"].map(node)
    w = w.assign(unit=home.where(team == "", home + ": " + team), home=home,
                 total=w["n"] * w["mean_wait"])
    links = (w[team != ""].groupby(["home", "unit"], as_index=False)["n"].sum()
             .rename(columns={"home": "sender", "unit": "receiver"}))
    links = links.assign(per_run=links.pop("n") / runs, kind="team")
    edges = pd.concat([edges, links], ignore_index=True) if len(links) else edges
    sums = w.groupby(["unit", "cause"])[["total", "n"]].sum()
    nodes = (sums["total"] / sums["n"].where(sums["n"] > 0)).unstack("cause")
    nodes = nodes.reindex(columns=["staff", "forum"]).reset_index()
    extra = sorted((set(edges["sender"]) | set(edges["receiver"])) - set(nodes["unit"]))
    nodes = pd.concat([nodes, pd.DataFrame({"unit": extra})], ignore_index=True)
    return edges, nodes


def layout(edges: pd.DataFrame, units: list[str], aspect: float = 2.3
           ) -> tuple[dict[str, tuple[float, float]], float]:
    """Positions and column gap: columns by handoff distance from where work starts.

    A service team (the receiver of a "team" edge) sits just below its unit, in
    the same column; units without handoffs go below; columns are spread to fill
    a drawing `aspect` times wider than tall.
    """
    kind = edges["kind"] if "kind" in edges else pd.Series("handoff", index=edges.index)
    team = edges[kind == "team"]
    parent = dict(zip(team["receiver"], team["sender"]))
    hand = edges[kind != "team"]
    graph = nx.DiGraph()
    graph.add_nodes_from(u for u in units if u not in parent)
    graph.add_edges_from(zip(hand["sender"], hand["receiver"]))
    starts = [n for n in graph if graph.in_degree(n) == 0 and graph.out_degree(n) > 0]
    starts = starts or [n for n in graph if graph.out_degree(n) > 0][:1]
    depth = nx.multi_source_dijkstra_path_length(graph, starts) if starts else {}
    columns: dict[int, list[str]] = {}
    for n in units:
        if n in depth:
            columns.setdefault(int(depth[n]), []).append(n)
            columns[int(depth[n])] += [t for t in units if parent.get(t) == n]
    alone = [n for n in units if not any(n in c for c in columns.values())]
    tall = 1.4 * (max(map(len, columns.values()), default=1) - 1) + 1.3 * bool(alone) + 1.8
    gap = min(5.0, max(2.2, (aspect * tall - 2.4) / max(1, len(columns) - 1)))
    pos = {n: (gap * d, 1.4 * (len(c) - 1) / 2 - 1.4 * i) for d, c in columns.items()
           for i, n in enumerate(c)}
    width = max(columns, default=0) * gap
    low = min((p[1] for p in pos.values()), default=0.0) - 1.3
    for i, n in enumerate(alone):
        pos[n] = (width / 2 + 2.2 * (i - (len(alone) - 1) / 2), low)
    return pos, gap


def flows(handoffs: pd.DataFrame, waits: pd.DataFrame, model: str, runs: int | None = None,
          ics_prefix: str = "ICS", colours: Mapping[str, str] | None = None,
          widest: float | None = None) -> tuple[Any, Any]:
    """Directed graph of organisations: edge width and label by handoffs per run, waits on nodes.

    Args:
        handoffs: [point, replication, model, sender, receiver, handoffs].
        waits: [point, replication, model, unit, cause, n, mean_wait].
        model: The operating model drawn.
        runs: Runs of this model (default: runs seen in the two tables).
        ics_prefix: Units named prefix + digits are drawn as one ICS node.
        colours: Model colours; edges take the model's colour.
        widest: Handoffs per run drawn at full width (default: this model's largest flow);
            give the same value to every model to compare widths across pictures.

    Returns:
        The figure and the axes.
    """
    edges, nodes = flow_tables(handoffs, waits, model, runs, ics_prefix)
    colour = style.model_colours([model], colours)[model]
    units = sorted(nodes["unit"], key=lambda u: u != ICS_NODE)  # ICSs first, then as found
    pos, gap = layout(edges, units)
    fig = style.figure(style.WIDTH, 6.8, layout=None)
    ax = fig.add_axes(BOX)
    _limits(ax, fig, pos)
    boxes = {row.unit: _node(ax, pos[row.unit], row) for row in nodes.itertuples()}
    top = widest or (edges["per_run"].max() if len(edges) else 1.0)
    pairs = set(zip(edges["sender"], edges["receiver"]))
    for e in edges.itertuples():
        if e.sender == e.receiver:
            continue
        (x0, y0), (x1, y1) = pos[e.sender], pos[e.receiver]
        rad = _bend(e.sender, e.receiver, pos, pairs, gap)
        ax.annotate("", pos[e.receiver], pos[e.sender], arrowprops=dict(
            arrowstyle="-|>,head_length=0.8,head_width=0.45", color=colour, alpha=0.8,
            linewidth=1.5 + 10 * e.per_run / top, connectionstyle=f"arc3,rad={rad}",
            linestyle="--" if e.kind == "team" else "-",
            patchA=boxes[e.sender], patchB=boxes[e.receiver], shrinkA=4, shrinkB=4))
        at = 0.5 if rad else 0.42  # a straight arrow's label keeps clear of its head
        mid = np.array([x0 + at * (x1 - x0) + rad * (y1 - y0) / 2,
                        y0 + at * (y1 - y0) - rad * (x1 - x0) / 2])
        upright = not rad and abs(x1 - x0) < 1e-9  # a short arrow down a column: label beside it
        ax.text(float(mid[0]) + 0.15 * upright, float(mid[1]), style.short(e.per_run),
                ha="left" if upright else "center", va="center",
                fontsize=style.TICK, color="#222222", fontweight="bold", zorder=4,
                bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.9))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.spines[:].set_visible(False)
    ax.set_xlabel("arrows: handoffs per run (width and number); dashed: items a service team "
                  "started per run\nboxes: mean wait (weeks) for a decision forum and for staff",
                  fontsize=style.SMALL)
    style.title(fig, f"{style.model_label(model)}: flow of work between organisations",
                "work starts on the left; ICSs drawn as one node; a service team is a node of "
                "its own (UNIT: TEAM)")
    return fig, ax


def _bend(a: str, b: str, pos: dict[str, tuple[float, float]], pairs: set[tuple[str, str]],
          gap: float) -> float:
    """Curvature of edge a -> b: straight unless it runs back, skips a column or has a twin."""
    (x0, _), (x1, _) = pos[a], pos[b]
    if abs(x1 - x0) > 1.05 * gap:
        return 0.3
    return 0.2 if (b, a) in pairs or x1 < x0 else 0.0


def _limits(ax: Any, fig: Any, pos: dict[str, tuple[float, float]]) -> None:
    """Equal scales on both axes, so curved edges bend as computed for their labels."""
    xs, ys = zip(*pos.values()) if pos else ((0.0,), (0.0,))
    width_in, height_in = fig.get_figwidth() * BOX[2], fig.get_figheight() * BOX[3]
    per_inch = max((max(xs) - min(xs) + 2.4) / width_in, (max(ys) - min(ys) + 1.8) / height_in)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    ax.set_xlim(cx - per_inch * width_in / 2, cx + per_inch * width_in / 2)
    ax.set_ylim(cy - per_inch * height_in / 2, cy + per_inch * height_in / 2)


def _node(ax: Any, at: tuple[float, float], row: Any) -> Any:
    lines = [f"{cause} {weeks(value)}" for cause, value in (("forum", row.forum),
                                                                   ("staff", row.staff))
             if pd.notna(value)]
    text = ax.text(*at, "\n".join([str(row.unit)] + lines), ha="center", va="center",
                   fontsize=style.TICK, linespacing=1.3, zorder=3,
                   bbox=dict(boxstyle="round,pad=0.5", facecolor="#F2F2F2", edgecolor="#666666"))
    return text.get_bbox_patch()


def weeks(value: float) -> str:
    """A wait as people read it: `12 wk`, `3.2 wk`, `<0.1 wk`, `0 wk`."""
    if value >= 9.95:
        return f"{value:,.0f} wk"
    if value >= 0.05:
        return f"{value:.1f} wk"
    return "<0.1 wk" if value > 0 else "0 wk"
