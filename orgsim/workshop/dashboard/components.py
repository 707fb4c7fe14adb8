"""The dashboard's panels: functions of the `Workshop` model that return Solara elements.

They are plain functions, not `@solara.component`s, on purpose: SolaraViz
wraps plain functions in a component that redraws after every step, while a
component of our own would see the same model object and never redraw.
Panels sit in boxes of a fixed size that the room can drag and resize;
figures are PNGs that scale to their box.
"""

from __future__ import annotations

import base64
from typing import Any

import solara

from orgsim.plots.live import holdings_chart, live_charts, png, queues_chart
from orgsim.plots.style import model_colours
from orgsim.workshop.dashboard import summary
from orgsim.workshop.dashboard.decide import DecidePanel
from orgsim.workshop.dashboard.model import Workshop
from orgsim.workshop.dashboard.settings import Settings

DPI = 110
FILL = "width:100%;height:100%;object-fit:contain;object-position:top left"


def _image(fig: Any, name: str) -> Any:
    """`fig` as an image that fills its box, keeping its proportions."""
    src = "data:image/png;base64," + base64.b64encode(png(fig, DPI)).decode("ascii")
    return solara.HTML(tag="img", attributes={"src": src, "alt": name}, style=FILL,
                       classes=[f"orgsim-{name}"])


def summary_panel(model: Workshop) -> Any:
    """The week and the running figures of each operating model, side by side."""
    return solara.HTML(tag="div", unsafe_innerHTML=summary.page_html(model),
                       style="height:100%;overflow:auto;padding:4px 8px", classes=["orgsim-summary"])


def charts_panel(model: Workshop) -> Any:
    """Work in progress, decision latency, deliveries and duplication week by week."""
    warmup = max(f.tracker.warmup for f in model.feeds)
    colours = model_colours(f.name for f in model.feeds)
    marks = {f.name: [week for week, _ in f.tracker.notes] for f in model.feeds}
    fig, _ = live_charts(summary.series(model.feeds), colours, warmup, model.horizon, marks)
    return _image(fig, "charts")


def organisations_panel(model: Workshop) -> Any:
    """Who holds how much work now, and what it waits for."""
    fig, _ = holdings_chart({f.name: summary.holdings(f) for f in model.feeds}, model.week)
    return _image(fig, "organisations")


def forums_panel(model: Workshop) -> Any:
    """How many initiatives wait for each forum's decision now."""
    fig, _ = queues_chart({f.name: summary.queues(f) for f in model.feeds}, model.week)
    return _image(fig, "forums")


PANELS = [summary_panel, charts_panel, organisations_panel, forums_panel]


def panels(settings: Settings) -> list[Any]:
    """The panels of a page: live runs also get "Decide now", beside the figures it changes."""
    return PANELS if settings.replay else [*PANELS[:2], DecidePanel, *PANELS[2:]]
