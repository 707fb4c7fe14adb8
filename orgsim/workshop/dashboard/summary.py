"""The dashboard's words and tables: the week, the interventions so far, the running figures side by side.

Plain functions of a `Workshop` returning HTML and DataFrames, so they are
tested without a browser. (HTML rather than Markdown: Solara's Markdown loads
a maths typesetter from a CDN, which a workshop room may not reach.)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from html import escape

import pandas as pd

from orgsim.plots.style import PALETTE
from orgsim.workshop import words
from orgsim.workshop.dashboard.feeds import Feed, label
from orgsim.workshop.dashboard.levers import ALL, Levers
from orgsim.workshop.dashboard.model import Workshop
from orgsim.workshop.dashboard.settings import NO_INTERVENTIONS
from orgsim.workshop.dashboard.tracker import SERIES, STATES

LEVER_WORDS = {"cadence": "forum cadence", "overhead": "planning overhead",
               "detection": "duplicate detection", "staff": "staff", "demand": "demand"}
ROWS = (
    ("in the system now", lambda t: t.in_system, "{:d}"),
    ("arrived", lambda t: len(t.arrival), "{:d}"),
    ("delivered", lambda t: t.counts["delivered"], "{:d}"),
    ("reused (duplicate avoided)", lambda t: t.counts["reused"], "{:d}"),
    ("rejected", lambda t: t.counts["rejected"], "{:d}"),
    ("decision latency (weeks)", lambda t: t.latency(), "{:.1f}"),
    ("needs met (per quarter)", lambda t: t.needs_met(), "{:.1f}"),
    ("duplication (build effort)", lambda t: t.duplication(), "{:.1%}"),
    ("duplicates built", lambda t: t.duplicates_built(), "{:d}"),
    ("work in progress (mean)", lambda t: t.wip(), "{:.1f}"),
)
# The log keeps the figures in view: three lines or so, scrolling when there are more.
LOG_STYLE = "margin:0;padding-left:18px;line-height:1.35;max-height:4.3em;overflow-y:auto"
TABLE_STYLE = "border-collapse:collapse;line-height:1.3;margin-top:6px;white-space:nowrap"


def run_name(feed: Feed) -> str:
    """What a run is called now: its operating model in force, and the one it was if reorganised."""
    base = feed.name.removesuffix(NO_INTERVENTIONS)
    if feed.model_now == base:
        return label(feed.name)
    return f"{label(feed.model_now)} (was {label(base)})"


def levers_text(levers: Levers) -> str:
    """`forum cadence ×2, digital staff ×1.5`, or `as configured`."""
    parts = []
    for name, value in levers.changed().items():
        what = f"{levers.function} staff" if name == "staff" and levers.function != ALL else LEVER_WORDS[name]
        parts.append(f"{what} ×{value:g}")
    return ", ".join(parts) or "as configured"


def heading(ws: Workshop) -> list[str]:
    """The week, then lines on the clock, where the runs come from and the levers."""
    lines = [f"Week {words.weeks(ws.week)} of {words.weeks(ws.horizon)}"]
    warmup = max((f.tracker.warmup for f in ws.feeds), default=0.0)
    clock = f"Warm-up to week {words.weeks(warmup)}. " if warmup > 0 else ""
    if ws.settings.replay:
        lines.append(f"{clock}Replaying {words.listing(ws.settings.run_dirs)}: recorded, not re-simulated.")
    else:
        seeds = ", ".join(sorted({str(f.seed) for f in ws.feeds}))
        lines.append(f"{clock}Seed {seeds}: every operating model gets the same initiatives.")
        lines.append(f"Levers: {levers_text(ws.levers)} (set under Models and levers, applied on Reset).")
    return lines


def log(feeds: Sequence[Feed]) -> list[str]:
    """Every intervention so far, scripted or decided during play, one line each in week order.

    One that every run shown took at the same week is listed once, for both.
    """
    entries: dict[tuple[float, str, str | None, int], list[str]] = {}
    for slot, f in zip("AB", feeds):
        seen: Counter[tuple[float, str, str | None]] = Counter()
        for i, (week, what) in enumerate(f.tracker.notes):
            key = (week, what, f.decided.get(i))
            seen[key] += 1  # the same change made twice in a week is listed twice
            entries.setdefault((*key, seen[key]), []).append(f"{slot} ({run_name(f)})")
    lines = []
    for (week, what, did, _), runs in sorted(entries.items(), key=lambda e: e[0][0]):
        whose = "" if len(feeds) < 2 else " · both runs" if len(runs) == len(feeds) else f" · {runs[0]}"
        tag = "" if did is None else " (decided in the room)" if did == what else \
            f" — {did} (decided in the room)"
        lines.append(f"week {words.weeks(week)}{whose}: {what}{tag}")
    return lines


def figures(feeds: Sequence[Feed]) -> pd.DataFrame:
    """The running figures as text, one column per operating model (`–` where there is none yet)."""
    table = {}
    for f in feeds:
        cells = []
        for _, get, fmt in ROWS:
            value = get(f.tracker)
            cells.append("–" if isinstance(value, float) and math.isnan(value) else fmt.format(value))
        table[run_name(f)] = cells
    return pd.DataFrame(table, index=[name for name, _, _ in ROWS])


KEY = ("in the system now", "decision latency (weeks)", "needs met (per quarter)",
       "duplication (build effort)", "work in progress (mean)")  # what a projector shows


def week_text(ws: Workshop) -> str:
    return heading(ws)[0]


def page_html(ws: Workshop, key_only: bool = False) -> str:
    """The lines under the week, the intervention log and the figures table as one HTML fragment.

    Args:
        ws: The runs.
        key_only: Only the key figures and no notes, for a projector.
    """
    _, *rest = heading(ws)
    table = figures(ws.feeds)
    if key_only:
        table = table.loc[list(KEY)]
    cell = "padding:1px 8px;border-bottom:1px solid #e4e4e4"
    head = "".join(f'<th style="{cell};text-align:right;white-space:normal;max-width:12em">'
                   f'<span style="color:{colour}">■</span> {slot}: {escape(c)}</th>'
                   for slot, colour, c in zip("AB", PALETTE, table.columns))  # a long name wraps
    body = "".join(
        f'<tr><td style="{cell}">{escape(str(name))}</td>'
        + "".join(f'<td style="{cell};text-align:right">{escape(v)}</td>' for v in row) + "</tr>"
        for name, row in zip(table.index, table.to_numpy()))
    entries = "".join(f"<li>{escape(line)}</li>" for line in reversed(log(ws.feeds)))
    listed = (f'<b>Interventions, latest first:</b><ul style="{LOG_STYLE}">{entries}</ul>' if entries
              else "<b>Interventions:</b> none so far")
    interventions = f'<div class="orgsim-log" style="margin-top:4px">{listed}</div>'
    note = ("Counts run from week 0. Latency, needs met, duplication and work in progress count "
            "initiatives that arrived after the warm-up, as the final metrics do, and equal them at "
            "the horizon.")
    lines = "" if key_only else "".join(f'<div style="color:#444">{escape(line)}</div>' for line in rest)
    small = "font-size:0.85em;color:#444;margin-top:4px"
    notes = "" if key_only else f'<div style="{small}">{escape(note)}</div>'
    figures_table = (f'<table class="orgsim-figures" style="{TABLE_STYLE}"><tr><th></th>{head}</tr>'
                     f'{body}</table>')
    return lines + figures_table + interventions + notes


def series(feeds: Sequence[Feed]) -> pd.DataFrame:
    """Every run's weekly figures so far: [model, week, wip, latency, delivered_quarter, duplication]."""
    frames = [pd.DataFrame(f.tracker.rows, columns=list(SERIES)).assign(model=f.name) for f in feeds]
    return pd.concat(frames, ignore_index=True)[["model", *SERIES]]


def states(feeds: Sequence[Feed]) -> tuple[str, ...]:
    """What held work can wait for in these runs: waiting for money only where money moves."""
    return STATES if any(f.has_money for f in feeds) else tuple(s for s in STATES if s != "funding")


def holdings(feed: Feed) -> pd.DataFrame:
    """Items each organisation holds now, by what they wait for (organisations as rows)."""
    shown = states([feed])
    held = feed.tracker.holdings(feed.nodes, shown)
    return pd.DataFrame.from_dict(held, orient="index", columns=list(shown)).rename_axis("node")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def queues(feed: Feed) -> pd.Series:
    """Items waiting for each forum now, every forum of the run listed (named for a room)."""
    waiting = feed.tracker.forum_queues()
    names = list(dict.fromkeys([*feed.forums, *waiting]))
    units = {*feed.nodes, feed.ics_prefix}
    labels = [_capital(words.forum(n, units)) for n in names]
    return pd.Series([waiting.get(n, 0) for n in names], index=labels, dtype=int)
