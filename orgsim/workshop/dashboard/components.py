"""The dashboard's panels as HTML, from a `Workshop` as it is now: charts, organisations, forums.

Plain functions, tested without a browser; the page (`app`) places them.
Every run is drawn in its place's colour (A, then B), so a line keeps its
colour when its run is reorganised into another operating model, and is named
after the operating model in force (`summary.run_name`).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from orgsim.plots.live import PANELS, live_charts, png
from orgsim.plots.style import PALETTE
from orgsim.workshop.dashboard import charts as C
from orgsim.workshop.dashboard import costs, summary
from orgsim.workshop.dashboard.band import Band
from orgsim.workshop.dashboard.feeds import Feed
from orgsim.workshop.dashboard.model import Workshop


def colours(feeds: Sequence[Feed]) -> dict[str, str]:
    """Run name now -> its place's colour."""
    return {summary.run_name(f): PALETTE[i] for i, f in enumerate(feeds)}


def chart_lines(ws: Workshop, bands: Sequence[Band | None] = ()) -> dict[str, list[C.Line]]:
    """Each chart's lines: a run's weekly figures, its interventions, and its band over seeds if any."""
    out: dict[str, list[C.Line]] = {column: [] for column, _ in PANELS}
    for i, f in enumerate(ws.feeds):
        rows = f.tracker.rows
        marks = [week for week, _ in f.tracker.notes]
        band = bands[i] if i < len(bands) else None
        for column in out:
            points = [(r["week"], r[column]) for r in rows]
            out[column].append(C.Line(summary.run_name(f), PALETTE[i], points, marks,
                                      (band or {}).get(column, [])))
    return out


def charts_html(ws: Workshop, bands: Sequence[Band | None] = ()) -> dict[str, str]:
    """Every chart, by column."""
    warmup = max((f.tracker.warmup for f in ws.feeds), default=0.0)
    return C.charts(chart_lines(ws, bands), ws.horizon, warmup)


def legend_html(ws: Workshop, band: bool = False, status: str = "") -> str:
    """The runs' colours, the warm-up, interventions, the band over seeds if shown and how far it is."""
    warmup = max((f.tracker.warmup for f in ws.feeds), default=0.0)
    return C.legend(colours(ws.feeds), warmup, any(f.tracker.notes for f in ws.feeds), band, status)


def organisations_html(ws: Workshop) -> str:
    """Who holds how much work now, by what it waits for, in each run (the units in force listed)."""
    states = summary.states(ws.feeds)
    parts = [C.bars(f"{slot}: {summary.run_name(f)}", f.tracker.holdings(f.nodes, states), "orgsim-holdings")
             for slot, f in zip("AB", ws.feeds)]
    return C.bar_key(states) + "".join(parts)


def costs_html(ws: Workshop, fresh: bool = True) -> str:
    """What each run has cost so far (`costs`), measured again now if `fresh` or often enough."""
    for f in ws.feeds:
        f.spend.measure(f.week, f.tracker.warmup, f.rows, f.pricing if f.has_money else lambda: None,
                        f.node, fresh or f.finished)
    nodes = list(dict.fromkeys(n for f in ws.feeds for n in f.nodes))
    warmup = max((f.tracker.warmup for f in ws.feeds), default=0.0)
    return costs.panel({slot: summary.run_name(f) for slot, f in zip("AB", ws.feeds)},
                       [f.spend for f in ws.feeds], [f.tracker.waiting_for_money() for f in ws.feeds],
                       nodes, warmup, [f.has_money for f in ws.feeds])


def forums_html(ws: Workshop) -> str:
    """How many initiatives wait for each forum's decision now (the forums in force listed)."""
    parts = []
    for slot, f in zip("AB", ws.feeds):
        rows = {name: {"forum": int(n)} for name, n in summary.queues(f).items()}
        parts.append(C.bars(f"{slot}: {summary.run_name(f)}", rows, "orgsim-queues"))
    return "".join(parts)


def charts_png(ws: Workshop) -> bytes:
    """The four charts as one PNG (matplotlib), for the download button."""
    frame = summary.series(ws.feeds)
    names = {f.name: summary.run_name(f) for f in ws.feeds}
    frame["model"] = frame["model"].map(names)
    marks = {summary.run_name(f): [w for w, _ in f.tracker.notes] for f in ws.feeds}
    warmup = max((f.tracker.warmup for f in ws.feeds), default=0.0)
    fig, _ = live_charts(frame, colours(ws.feeds), warmup, ws.horizon, marks)
    return png(fig, 150)


def figures_csv(ws: Workshop) -> bytes:
    """Every run's weekly figures so far, one row per run and week, named as the page names them."""
    frame = summary.series(ws.feeds)
    frame.insert(0, "run", frame["model"].map({f.name: "AB"[i] for i, f in enumerate(ws.feeds)}))
    frame["model"] = frame["model"].map({f.name: f.model_now for f in ws.feeds})
    buf = io.StringIO()
    frame.to_csv(buf, index=False, float_format=lambda v: "" if math.isnan(v) else f"{v:.6g}")  # type: ignore[arg-type]
    return buf.getvalue().encode("utf-8")
