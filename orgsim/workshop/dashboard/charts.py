"""The dashboard's charts as HTML: lines in an SVG that stretches to its box, words in HTML text.

Drawing a week costs a few string joins rather than a matplotlib figure and a
PNG (about 375 ms a week), so play can draw every week. The text is page text,
so it is as large as the page's own and stays legible on a projector; the
lines are an SVG whose strokes keep their width however the box is stretched.
`orgsim.plots.live` still draws the same charts as a PNG for download.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from orgsim.plots.animation import STATES
from orgsim.plots.live import PANELS, WARMUP
from orgsim.plots.style import NEUTRAL

Y_TICKS = 4  # lines across a chart, about
PERCENT = {"duplication"}  # columns shown as a share


@dataclass(frozen=True)
class Line:
    """One run's line: [(week, value)] with NaN where there is no value yet, its colour and weeks marked."""

    name: str
    colour: str
    points: Sequence[tuple[float, float]]
    marks: Sequence[float] = ()
    band: Sequence[tuple[float, float, float]] = field(default=())  # (week, low, high) over seeds


def nice_top(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten at or above `value` (1 for nothing)."""
    if not value > 0 or math.isnan(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value * (1 - 1e-9))


def _fmt(value: float, percent: bool) -> str:
    return f"{round(value * 100, 6):g}%" if percent else f"{round(value, 6):g}"


def _path(points: Sequence[tuple[float, float]], x: float, y: float) -> str:
    """SVG path data in a 1000 x 1000 box; a NaN breaks the line."""
    parts, pen = [], "M"
    for week, value in points:
        if math.isnan(value):
            pen = "M"
            continue
        parts.append(f"{pen}{week * x:.1f} {1000 - value * y:.1f}")
        pen = "L"
    return "".join(parts)


def line_chart(title: str, lines: Sequence[Line], horizon: float, warmup: float, percent: bool = False,
               css: str = "") -> str:
    """One chart: the title, y ticks, x ticks, the warm-up shaded, a line per run, decisions as dashes."""
    values = [v for ln in lines for _, v in ln.points if not math.isnan(v)]
    values += [hi for ln in lines for _, _, hi in ln.band if not math.isnan(hi)]
    floor = 0.04 if percent else 4.0  # an empty or flat chart still gets a scale
    top = Y_TICKS * nice_top(max(max(values, default=0.0), floor) / Y_TICKS)
    x, y = 1000 / max(horizon, 1.0), 1000 / top
    shapes = []
    if warmup > 0:
        shapes.append(f'<rect x="0" y="0" width="{warmup * x:.1f}" height="1000" fill="{WARMUP}"/>')
    for i in range(1, Y_TICKS):
        shapes.append(f'<line x1="0" x2="1000" y1="{i * 250}" y2="{i * 250}" stroke="#e4e4e4" '
                      'vector-effect="non-scaling-stroke"/>')
    for ln in lines:
        if ln.band:
            upper = [(w, hi) for w, _, hi in ln.band]
            lower = [(w, lo) for w, lo, _ in reversed(ln.band)]
            data = _path(upper, x, y) + _path(lower, x, y).replace("M", "L", 1)
            shapes.append(f'<path class="orgsim-band" d="{data}Z" fill="{ln.colour}" fill-opacity="0.18" '
                          'stroke="none"/>')
    for ln in lines:
        for week in ln.marks:
            shapes.append(f'<line x1="{week * x:.1f}" x2="{week * x:.1f}" y1="0" y2="1000" '
                          f'stroke="{ln.colour}" stroke-dasharray="3 3" vector-effect="non-scaling-stroke"/>')
    for ln in lines:
        shapes.append(f'<path d="{_path(ln.points, x, y)}" fill="none" stroke="{ln.colour}" '
                      'stroke-width="2.5" vector-effect="non-scaling-stroke" stroke-linejoin="round"/>')
    svg = ('<svg viewBox="0 0 1000 1000" preserveAspectRatio="none" '
           'style="position:absolute;inset:0;width:100%;height:100%;overflow:visible">'
           + "".join(shapes) + "</svg>")
    yticks = "".join(f'<div style="position:absolute;right:4px;bottom:{i / Y_TICKS:.0%};'
                     f'transform:translateY(50%)">{_fmt(top * i / Y_TICKS, percent)}</div>'
                     for i in range(Y_TICKS + 1))
    step = nice_top(horizon / 5)
    xs = [step * i for i in range(int(horizon // step) + 1)]
    xticks = "".join(f'<div style="position:absolute;left:{w / max(horizon, 1.0):.2%};'
                     f'transform:translateX(-50%)">{w:g}</div>' for w in xs)
    return (f'<div class="orgsim-chart {css}" style="display:grid;grid-template-columns:3.2em 1fr;'
            'grid-template-rows:auto 1fr 1.4em;height:100%;min-height:0">'
            f'<div class="orgsim-chart-title" style="grid-column:1/3;font-weight:600">{escape(title)}</div>'
            f'<div style="position:relative">{yticks}</div>'
            f'<div class="orgsim-plot" style="position:relative;border-left:1px solid #999;'
            f'border-bottom:1px solid #999;margin-right:0.8em">{svg}</div>'
            f'<div></div><div style="position:relative;margin-right:0.8em">{xticks}</div></div>')


def legend(entries: Mapping[str, str], warmup: float, marks: bool, band: bool = False,
           status: str = "") -> str:
    """Run name -> colour, the warm-up's shade, the decisions' dashes and the band, in one line that wraps."""
    swatch = "display:inline-block;width:1.4em;height:0.6em;margin-right:0.3em;vertical-align:middle"
    items = [f'<span style="white-space:nowrap"><span style="{swatch};background:{c}"></span>'
             f'{escape(n)}</span>'
             for n, c in entries.items()]
    if warmup > 0:
        items.append(f'<span style="white-space:nowrap"><span style="{swatch};background:{WARMUP}"></span>'
                     "warm-up</span>")
    if marks:
        items.append(f'<span style="white-space:nowrap"><span style="{swatch};border-top:2px dashed '
                     f'{NEUTRAL};height:0"></span>intervention</span>')
    if band:
        items.append(f'<span class="orgsim-band-key" style="white-space:nowrap"><span style="{swatch};'
                     f'background:{NEUTRAL};opacity:0.35"></span>middle 80% of other seeds, as scripted '
                     '(without the room\'s decisions)</span>')
    if status:
        items.append(f'<span class="orgsim-band-status" style="color:#444">{escape(status)}</span>')
    return ('<div class="orgsim-legend" style="display:flex;flex-wrap:wrap;gap:0.2em 1.2em">'
            + "".join(items) + "</div>")


def charts(lines: Mapping[str, Sequence[Line]], horizon: float, warmup: float) -> dict[str, str]:
    """Every chart of `plots.live.PANELS` by column: `lines` holds each column's lines."""
    return {column: line_chart(title, lines[column], horizon, warmup, column in PERCENT, f"orgsim-{column}")
            for column, title in PANELS}


def bars(title: str, rows: Mapping[str, Mapping[str, int]], css: str) -> str:
    """Horizontal bars, one per row, stacking the parts of `plots.animation.STATES` it has."""
    top = max((sum(parts.values()) for parts in rows.values()), default=0)
    scale = 100 / max(top, 1)
    out = []
    for name, parts in rows.items():
        segments = "".join(f'<span title="{escape(STATES[k][0])}: {n}" style="display:inline-block;'
                           f'height:0.9em;width:{n * scale:.2f}%;background:{STATES[k][1]}"></span>'
                           for k, n in parts.items() if n > 0)
        out.append(f'<div style="display:contents"><div style="text-align:right;white-space:nowrap;'
                   f'overflow:hidden;text-overflow:ellipsis">{escape(name)}</div>'
                   f'<div style="white-space:nowrap">{segments} {sum(parts.values())}</div></div>')
    body = "".join(out) or '<div style="color:#666">none</div>'
    return (f'<div class="{css}"><div style="font-weight:600">{escape(title)}</div>'
            '<div style="display:grid;grid-template-columns:minmax(6em,max-content) 1fr;gap:2px 8px;'
            f'align-items:center">{body}</div></div>')


def bar_key(states: Sequence[str] = tuple(STATES)) -> str:
    """What the colours of the organisation bars mean (for the `states` shown)."""
    swatch = "display:inline-block;width:0.9em;height:0.9em;margin-right:0.3em;vertical-align:middle"
    return ('<div style="display:flex;flex-wrap:wrap;gap:0 1em">' + "".join(
        f'<span><span style="{swatch};background:{STATES[k][1]}"></span>{escape(STATES[k][0])}</span>'
        for k in states) + "</div>")
