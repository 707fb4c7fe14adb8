"""The page `solara run` serves: every browser page gets its own `Session` from ORGSIM_WORKSHOP.

Start it with `orgsim workshop`, which checks the files first and sets the
variable. The page is Solara components of our own rather than Mesa's
SolaraViz page, which builds one model when the server starts and so shares it
between every browser: here the session lives in the page's own state, and its
play thread stops when the page closes. Panels are HTML (`components`), cheap
enough to draw every week.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from html import escape
from typing import Any

import solara
from solara.server import kernel_context

from orgsim.plots.live import PANELS
from orgsim.workshop.dashboard import components as P
from orgsim.workshop.dashboard import summary
from orgsim.workshop.dashboard.band import SEEDS
from orgsim.workshop.dashboard.decide import DecidePanel
from orgsim.workshop.dashboard.inputs import Rule, check
from orgsim.workshop.dashboard.levers import ALL, Levers
from orgsim.workshop.dashboard.model import NONE
from orgsim.workshop.dashboard.params import LEVERS
from orgsim.workshop.dashboard.session import FASTEST, PARKING, SPEEDS, Session
from orgsim.workshop.dashboard.settings import Settings

SIZES = {False: 14, True: 18}  # body text in px: laptop, projector
CSS = """
.orgsim-root .v-input, .orgsim-root .v-btn, .orgsim-root .v-label, .orgsim-root input,
.orgsim-root .v-select__selection { font-size: inherit !important; }
.orgsim-root .v-messages__message { font-size: 0.85em; line-height: 1.2; }
.orgsim-root .v-btn { text-transform: none; letter-spacing: 0; }
.orgsim-screen { display: flex; flex-direction: column; height: 100vh; box-sizing: border-box; }
.orgsim-main { flex: 1 1 0; min-height: 0; display: grid; gap: 8px;
               grid-template-columns: minmax(24em, 36%) minmax(0, 1fr); padding: 0 8px 8px; }
.orgsim-left { display: flex; flex-direction: column; min-height: 0; gap: 4px; }
.orgsim-summary { flex: 1 1 0; min-height: 4em; overflow: auto; }
.orgsim-charts { display: grid; grid-template-columns: 1fr 1fr; grid-template-rows: auto 1fr 1fr;
                 gap: 6px 14px; min-height: 0; }
.orgsim-cell { position: relative; min-height: 0; }
.orgsim-enlarge { position: absolute !important; top: 0; right: 0; min-width: 0 !important; }
.orgsim-zoom { position: fixed; inset: 0; z-index: 100; background: white; padding: 16px 24px;
               display: flex; flex-direction: column; font-size: 1.3em; }
"""


@solara.component  # type: ignore[misc]
def Layout(children: list[Any] | None = None) -> Any:
    """The page alone: no app bar, no framework navigation."""
    return solara.Column(children=children or [], gap="0", style="padding:0")


def _alive(context: Any) -> Callable[[], bool]:
    """Whether the page of `context` is still open in a browser (a closed tab closes the context)."""
    def alive() -> bool:
        return not context.closed_event.is_set() and \
            kernel_context.PageStatus.CONNECTED in context.page_status.values()
    return alive


@solara.component  # type: ignore[misc]
def Page() -> Any:
    settings = solara.use_memo(Settings.from_env, [])
    version, set_version = solara.use_state(0)
    context = kernel_context.get_current_context()
    browser = solara.get_session_id()
    projector = solara.use_reactive(False)
    zoom = solara.use_reactive("")
    widgets: dict[str, Any] = solara.use_memo(dict, [])  # the weekly panels' widgets, by name

    def hooks() -> tuple[Callable[[], None], Callable[[], bool], Callable[[Session], None]]:
        count = [0]

        def notify() -> None:
            count[0] += 1
            with context:
                set_version(count[0])

        def draw(session: Session) -> None:
            """A week of play: only the panels that change each week, straight into their widgets."""
            with context:
                for name, text in weekly_html(session, projector.value, zoom.value).items():
                    widget = widgets.get(name)
                    if widget is not None and widget.unsafe_innerHTML != text:
                        widget.unsafe_innerHTML = text

        return notify, _alive(context), draw

    notify, alive, draw = solara.use_memo(hooks, [])
    fresh: Session = solara.use_memo(lambda: Session(settings, notify, alive), [])
    resumed: solara.Reactive[Session | None] = solara.use_reactive(None)
    session = resumed.value or fresh
    session.draw = lambda: draw(session)

    def leave() -> Callable[[], None]:
        def gone() -> None:
            session.close()
            PARKING.park(browser, session)
        return gone

    solara.use_effect(leave, [session])
    solara.use_effect(_look_again(notify), [])
    ws = session.ws
    playing = session.playing
    # Play draws a week by setting the weekly panels' widgets (`draw`), not by drawing the page
    # again; the panels of buttons and menus are drawn when something they show changes (during
    # play, the week is left out of them). So a week of play stays cheap enough to draw every week.
    still = None if playing else ws.week
    runs = (id(ws), playing, ws.running, still, tuple(len(f.tracker.notes) for f in ws.feeds))
    html = weekly_html(session, projector.value, zoom.value)

    def panel(name: str, css: str = "", **style: str) -> None:
        Weekly(name, html[name], css, ";".join(f"{k.replace('_', '-')}:{v}" for k, v in style.items()),
               widgets)
    with solara.Column(gap="0", classes=["orgsim-root"],
                       style=f"font-size:{SIZES[projector.value]}px;color:#1a1a1a;background:white"):
        solara.Style(CSS)
        parked = PARKING.peek(browser) if resumed.value is None and fresh.ws.week == 0 else None
        if parked is not None and parked is not session:
            Resume(parked, browser, resumed, notify, alive)
        with solara.v.Html(tag="div", class_="orgsim-screen"):
            with solara.Row(gap="8px", classes=["orgsim-controls"],
                            style="align-items:center;flex-wrap:wrap;padding:6px 8px"):
                panel("week", "orgsim-week", font_size="1.5em", font_weight="600", margin_right="8px")
                Controls(session, (*runs, session.speed), projector)
            with solara.v.Html(tag="div", class_="orgsim-main"):
                with solara.v.Html(tag="div", class_="orgsim-left"):
                    panel("summary", "orgsim-summary")
                    DecidePanel(session, runs)
                with solara.v.Html(tag="div", class_="orgsim-charts"):
                    panel("legend", grid_column="1/3")
                    for column, _ in PANELS:
                        with solara.v.Html(tag="div", class_="orgsim-cell"):
                            panel(column, height="100%")
                            Enlarge(column, zoom)
        if zoom.value:
            with solara.v.Html(tag="div", class_="orgsim-zoom"):
                with solara.Row(style="align-items:center"):
                    panel("legend_zoom", flex="1")
                    solara.Button("Close", on_click=lambda: zoom.set(""), outlined=True,
                                  classes=["orgsim-close"])
                panel("zoom", flex="1", min_height="0")
        with solara.Row(gap="24px", style="padding:8px 16px;align-items:flex-start;flex-wrap:wrap"):
            Choices(session, (*runs, session.pending, session.choice, session.band_on,
                              session.band_status()))
            panel("organisations", "orgsim-organisations", flex="1 1 24em")
            panel("forums", "orgsim-forums", flex="1 1 20em")
            panel("costs", "orgsim-costs", flex="1 1 24em")


def weekly_html(session: Session, projector: bool, zoom: str) -> dict[str, str]:
    """Every panel that changes each week, by name: the week, figures, legend, charts, who holds what."""
    ws = session.ws
    bands = session.bands()
    drawn = P.charts_html(ws, bands)
    legend = P.legend_html(ws, any(bands), session.band_status())
    return {"week": summary.week_text(ws), "summary": summary.page_html(ws, projector), "legend": legend,
            "legend_zoom": legend, "zoom": drawn.get(zoom, ""), **drawn,
            "organisations": P.organisations_html(ws), "forums": P.forums_html(ws),
            "costs": P.costs_html(ws, fresh=not session.playing)}


@solara.component  # type: ignore[misc]
def Weekly(name: str, html: str, css: str, style: str, widgets: dict[str, Any]) -> Any:
    """A panel that changes every week; its widget is kept in `widgets` for play to set directly."""
    el = solara.HTML(tag="div", unsafe_innerHTML=html, classes=[css] if css else [], style=style)

    def register() -> Callable[[], None]:
        widgets[name] = solara.get_widget(el)
        return lambda: widgets.pop(name, None)

    solara.use_effect(register, [])
    return el


@solara.component  # type: ignore[misc]
def Enlarge(column: str, zoom: solara.Reactive[str]) -> None:
    """The button that shows a chart full screen."""
    solara.Button("⤢", on_click=lambda: zoom.set(column), text=True, classes=["orgsim-enlarge"])


def _look_again(notify: Callable[[], None]) -> Callable[[], Callable[[], None]]:
    """Draw the page again shortly after it opens: a refreshed page's old session is parked a moment later."""
    def start() -> Callable[[], None]:
        timer = threading.Timer(2.0, notify)
        timer.daemon = True
        timer.start()
        return timer.cancel
    return start


@solara.component  # type: ignore[misc]
def Resume(parked: Session, browser: str, resumed: solara.Reactive[Session | None],
           notify: Callable[[], None], alive: Callable[[], bool]) -> None:
    """Offer the session this browser left (a refresh or a closed tab) to go on with it."""
    def resume() -> None:
        taken = PARKING.take(browser)
        if taken is not None:
            taken.resume(notify, alive)
            resumed.set(taken)

    def drop() -> None:
        PARKING.take(browser)
        notify()

    names = ", ".join(f"{slot}: {summary.run_name(f)}" for slot, f in zip("AB", parked.ws.feeds))
    with solara.Row(gap="10px", classes=["orgsim-resume"],
                    style="align-items:center;padding:4px 8px;background:#FFF6E0"):
        solara.HTML(tag="div", unsafe_innerHTML=escape(
            f"This browser left a session at week {parked.ws.week:g} ({names})."))
        solara.Button("Resume it", on_click=resume, color="primary", classes=["orgsim-resume-it"])
        solara.Button("Start afresh", on_click=drop, outlined=True)


@solara.component  # type: ignore[misc]
def Controls(session: Session, state: tuple[Any, ...], projector: solara.Reactive[bool]) -> None:
    """The buttons that move the week: step, play, pace, run to a week or the end, reset.

    `state` is what they show: they are drawn again when it changes.
    """
    ws = session.ws
    until = solara.use_reactive("")
    said = solara.use_reactive("")
    replay = ws.settings.replay  # a replay jumps either way; a live run only runs on
    rule = Rule(whole=True, low=0, high=ws.horizon) if replay else \
        Rule(whole=True, above=ws.week, high=ws.horizon)
    target, why = check(until.value, rule)
    playing = session.playing

    def go() -> None:
        if target is not None:
            until.set("")  # the week reached would no longer be a week to run to
            (session.jump if replay else session.play)(float(target))

    def reset() -> None:
        lost = session.unsaved()
        if lost and not said.value.startswith("Reset drops"):
            said.set(f"Reset drops {lost} decision{'s' if lost > 1 else ''} not saved: Save session first "
                     "(below the charts), or press Reset again to drop them.")
            return
        said.set(session.reset())

    speeds = {("as fast as it draws" if s == FASTEST else f"{s:g} weeks/s"): s for s in SPEEDS}
    with solara.Row(gap="8px", style="align-items:center;flex-wrap:wrap"):
        solara.Button("Step", on_click=session.step, disabled=playing or not ws.running, outlined=True)
        if playing:
            solara.Button("❚❚ Pause", on_click=session.pause, color="primary", classes=["orgsim-pause"])
        else:
            solara.Button("▶ Play", on_click=session.play, color="primary", disabled=not ws.running,
                          classes=["orgsim-play"])
        solara.Select("Speed", list(speeds), next(k for k, v in speeds.items() if v == session.speed),
                      on_value=lambda k: setattr(session, "speed", speeds[k]), dense=True,
                      style="max-width:11em", classes=["orgsim-speed"])
        solara.InputText("Jump to week" if replay else "Run to week", until.value, on_value=until.set,
                         continuous_update=True, error=why if until.value else False,
                         style="max-width:9em", classes=["orgsim-until"])
        solara.Button("Go", on_click=go, disabled=target is None, outlined=True, classes=["orgsim-go"])
        solara.Button("Run to the end", on_click=lambda: session.play(), disabled=not ws.running or playing,
                      outlined=True, classes=["orgsim-end"])
        solara.Button("Reset", on_click=reset, outlined=True, classes=["orgsim-reset"])
        with solara.v.Html(tag="div", class_="orgsim-projector"):
            solara.Checkbox(label="Projector", value=projector)
        if said.value:
            solara.HTML(tag="div", unsafe_innerHTML=said.value, classes=["orgsim-refused"],
                        style="color:#C62828")


@solara.component  # type: ignore[misc]
def Choices(session: Session, state: tuple[Any, ...]) -> None:
    """Operating models and levers for the next Reset, each slider showing its value; save; downloads.

    `state` is what they show: they are drawn again when it changes.
    """
    ws, pending = session.ws, session.pending
    settings = ws.settings
    said = solara.use_reactive("")
    with solara.Column(gap="2px", classes=["orgsim-choices"], style="flex:0 1 22em;min-width:18em"):
        if not settings.replay:
            solara.HTML(tag="div", unsafe_innerHTML="<b>Models and levers</b> (applied on Reset)")
            _models(session, settings)
            _levers(session, pending.levers, settings)
            if pending != session.choice:
                solara.HTML(tag="div", classes=["orgsim-pending"], style="color:#8a5a00",
                            unsafe_innerHTML="Changed: takes effect on Reset (the runs under way go on as "
                            "they were)." if ws.week > 0 else "Changed: takes effect on Reset.")
            problem = pending.problem()
            if problem:
                solara.HTML(tag="div", unsafe_innerHTML=problem, classes=["orgsim-refused"],
                            style="color:#C62828")
        if not settings.replay:
            with solara.v.Html(tag="div", class_="orgsim-band-choice"):
                solara.Checkbox(label=f"Band over {SEEDS} other seeds (computed in the background)",
                                value=session.band_on, on_value=session.show_band)
            solara.Button("Save session", on_click=lambda: said.set(session.save()), outlined=True,
                          disabled=session.playing, classes=["orgsim-save"])
        if said.value:
            solara.HTML(tag="div", unsafe_innerHTML=escape(said.value), classes=["orgsim-saved"])
        with solara.Row(gap="6px", style="flex-wrap:wrap", classes=["orgsim-downloads"]):
            solara.FileDownload(lambda: P.charts_png(session.ws), filename=_named("charts", session, "png"),
                                label="Charts (PNG)")
            solara.FileDownload(lambda: P.figures_csv(session.ws), filename=_named("figures", session, "csv"),
                                label="Figures (CSV)")


def _named(what: str, session: Session, ext: str) -> str:
    """`charts-week12.png`; without the week while playing (the panel is not drawn every week)."""
    return f"{what}.{ext}" if session.playing else f"{what}-week{session.ws.week:g}.{ext}"


def _models(session: Session, settings: Settings) -> None:
    pending = session.pending
    solara.Select("Operating model A", list(settings.choices), pending.model_a or settings.models[0],
                  on_value=lambda v: session.choose(model_a=v), dense=True, classes=["orgsim-choose-model-a"])
    solara.Select("Operating model B", [NONE, *settings.choices, *settings.baselines],
                  pending.model_b or NONE, on_value=lambda v: session.choose(model_b=v), dense=True,
                  classes=["orgsim-choose-model-b"])


def _levers(session: Session, levers: Levers, settings: Settings) -> None:
    for name, (text, lo, hi, step) in LEVERS.items():
        if name == "staff":
            solara.Select("Staff function (for Staff ×)", [ALL, *settings.functions], levers.function,
                          on_value=lambda v: session.choose(levers=_with(session, "function", v)), dense=True)
        value = getattr(levers, name)
        with solara.v.Html(tag="div", class_=f"orgsim-lever-{name}"):
            solara.SliderFloat(f"{text} {value:g}", value=value, min=lo, max=hi, step=step,
                               on_value=lambda v, n=name: session.choose(levers=_with(session, n, v)))  # type: ignore[misc]


def _with(session: Session, name: str, value: Any) -> Levers:
    from dataclasses import replace

    return replace(session.pending.levers, **{name: value})

