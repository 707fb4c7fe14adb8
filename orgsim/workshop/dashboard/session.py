"""One browser page's dashboard: its runs, its choices for the next Reset, and play.

Every page builds its own `Session` (the page keeps it in its own state), so
one table's Step, decisions and levers never reach another's. Play is a thread
of the session that steps a week, lets the page draw it, and waits to keep the
chosen pace; it stops at the target week, on Pause, on Reset, and as soon as
`alive` says the page is gone, so a closed tab stops computing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from orgsim.workshop.dashboard.band import Band, Bands, until
from orgsim.workshop.dashboard.levers import Levers
from orgsim.workshop.dashboard.model import NONE, Workshop
from orgsim.workshop.dashboard.settings import Settings

FASTEST = 0.0  # weeks a second: as fast as the page draws
SPEEDS = (1.0, 2.0, 5.0, 10.0, 20.0, FASTEST)


@dataclass(frozen=True)
class Choice:
    """What Reset builds: the operating models shown and the levers."""

    model_a: str = ""
    model_b: str = ""
    levers: Levers = field(default_factory=Levers)

    def problem(self) -> str:
        """Why these cannot be run side by side, or "" if they can."""
        if self.model_a and self.model_a == self.model_b:
            return ("A and B are the same operating model on the same initiatives: they would draw one "
                    "line twice. Choose another for B, or (none) to show A alone.")
        return ""


def first_choice(settings: Settings) -> Choice:
    shown = [*settings.models, NONE, NONE]
    return Choice(shown[0], shown[1] if len(settings.models) > 1 else NONE)


class Session:
    """A page's runs and play.

    Args:
        settings: The command's choices.
        notify: Called after every change the page should draw (from the play thread too);
            `draw`, called after each week of play, is it too unless the page sets its own.
        alive: Whether the page is still open; play stops when it says no.
    """

    def __init__(self, settings: Settings, notify: Callable[[], None] = lambda: None,
                 alive: Callable[[], bool] = lambda: True) -> None:
        self.settings, self.notify, self.alive = settings, notify, alive
        self.draw = notify  # what play calls each week: the page may draw just what changes
        self.choice = self.pending = first_choice(settings)
        self.speed = 10.0
        self.ws = self._build()
        self.lock = threading.RLock()  # one change at a time: a click and the play thread
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.band_on = False
        self.saved = 0  # decisions taken when the session was last saved
        self._bands: Bands | None = None
        self._band: list[Band | None] = []  # each run's band once all its seeds are done

    def _build(self) -> Workshop:
        c = self.choice
        lv = c.levers
        return Workshop(self.settings, c.model_a, c.model_b, cadence=lv.cadence, overhead=lv.overhead,
                        detection=lv.detection, staff=lv.staff, function=lv.function, demand=lv.demand)

    @property
    def playing(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def choose(self, **changes: object) -> None:
        """Change what the next Reset builds (`model_a`, `model_b` or `levers`)."""
        self.pending = replace(self.pending, **changes)  # type: ignore[arg-type]
        self.notify()

    def reset(self) -> str:
        """Stop play and build the runs afresh from the pending choice; "" or why not."""
        problem = self.pending.problem()
        if problem:
            return problem
        self.pause()
        with self.lock:
            self.choice = self.pending
            self.ws = self._build()
            self.saved = 0
        if self.band_on:
            self.show_band(True)  # the band of the new runs
        self.notify()
        return ""

    def show_band(self, on: bool) -> None:
        """Start (or stop) computing each run's band over seeds, in the background."""
        if self._bands is not None:
            self._bands.close()
        self.band_on, self._bands, self._band = on, None, []
        if on and self.ws.live():
            self._bands = bands = Bands([(f.plan, f.seed) for f in self.ws.live() if f.seed is not None])
            threading.Thread(target=self._watch, args=(bands,), daemon=True, name="orgsim-band").start()
        self.notify()

    def _watch(self, bands: Bands) -> None:
        """Tell the page as seed runs finish; keep the bands once all are done."""
        seen = -1
        while bands is self._bands and self.alive():
            done = bands.done()
            if done == bands.total():
                made = bands.bands()
                bands.close()  # complete: its worker has nothing left to do
                if bands is self._bands:
                    self._band = made
                    self.notify()
                return
            if done != seen:
                seen = done
                self.notify()
            time.sleep(0.5)
        bands.close()

    def band_status(self) -> str:
        """How far the band is: "" when off."""
        if not self.band_on or self._bands is None:
            return ""
        done, total = self._bands.done(), self._bands.total()
        return "" if done == total else f"Band: {done} of {total} seed runs done"

    def bands(self) -> list[Band | None]:
        """Each run's band up to the week shown (None: none yet)."""
        week = self.ws.week
        return [None if b is None else until(b, week) for b in self._band]

    def step(self) -> None:
        """One week, drawn (ignored while playing: play is stepping)."""
        if not self.playing:
            self._step(self.ws, None)
            self.notify()

    def _step(self, ws: Workshop, stop: threading.Event | None) -> bool:
        """One week of `ws` if it is still the session's and running; whether it stepped."""
        with self.lock:
            if ws is not self.ws or not ws.running or (stop is not None and stop.is_set()):
                return False
            ws.step()
            return True

    def play(self, until: float | None = None) -> None:
        """Step at `speed` weeks a second until week `until` (default: the horizon)."""
        self.pause()
        target = self.ws.horizon if until is None else min(until, self.ws.horizon)
        if self.ws.week >= target:
            return
        self._stop = stop = threading.Event()
        self._thread = threading.Thread(target=self._play, args=(self.ws, target, stop), daemon=True,
                                        name="orgsim-play")
        self._thread.start()
        self.notify()

    def _play(self, ws: Workshop, target: float, stop: threading.Event) -> None:
        try:
            while not stop.is_set() and self.alive() and ws.week < target:
                started = time.monotonic()
                if not self._step(ws, stop):
                    break
                self.draw()  # the page draws the week before the next is stepped
                if self.speed > 0:
                    stop.wait(max(0.0, 1.0 / self.speed - (time.monotonic() - started)))
        finally:
            stop.set()
            if self.alive():
                self.notify()  # the buttons show play has stopped

    def pause(self) -> None:
        """Stop play after the week under way (it never starts another)."""
        was = self.playing
        self._stop.set()
        if was:
            self.notify()  # the buttons show play has stopped

    def jump(self, week: float) -> None:
        """Show week `week` at once, drawing only it: a replay's way back and forth."""
        self.pause()
        with self.lock:
            if week < self.ws.week:
                self.ws = self._build()
            while self.ws.running and self.ws.week < week:
                self.ws.step()
        self.notify()

    def save(self) -> str:
        """Write the runs' decisions as scenario files and the runs as run folders; what was written."""
        from orgsim.workshop.dashboard.save import save

        self.pause()
        with self.lock:
            message = save(self.ws, Path(self.settings.save_dir)).message
            self.saved = self.decisions()
        return message

    def decisions(self) -> int:
        """Decisions taken in the runs shown."""
        return sum(len(f.entries) for f in self.ws.live())

    def unsaved(self) -> int:
        """Decisions a Reset would lose: taken since the last save."""
        return max(0, self.decisions() - self.saved)

    def close(self) -> None:
        """The page has gone: stop play and the band's seed runs."""
        self.alive = lambda: False
        self.pause()
        if self._bands is not None:
            self._bands.close()

    def resume(self, notify: Callable[[], None], alive: Callable[[], bool]) -> None:
        """Go on in another page (a parked session resumed): draw there, and restart the band if shown."""
        self.notify, self.alive = notify, alive
        if self.band_on:
            self.show_band(True)
        self.notify()


class Parking:
    """Sessions whose page went away (a refresh, a closed tab), kept for their browser to resume.

    Keyed by the browser's session cookie, so only the browser that played a
    session is offered it, and only once its page has gone: a second tab of
    the same browser still starts afresh. A parked session computes nothing.

    Args:
        keep: Sessions kept at most; the oldest is dropped first.
    """

    def __init__(self, keep: int = 8) -> None:
        self.keep = keep
        self._lock = threading.Lock()
        self._parked: dict[str, Session] = {}

    def park(self, browser: str, session: Session) -> None:
        """Keep `session` for `browser` if it has been played (a fresh one is not worth offering)."""
        if session.ws.week <= 0:
            return
        with self._lock:
            self._parked.pop(browser, None)
            self._parked[browser] = session
            while len(self._parked) > self.keep:
                self._parked.pop(next(iter(self._parked)))

    def peek(self, browser: str) -> Session | None:
        with self._lock:
            return self._parked.get(browser)

    def take(self, browser: str) -> Session | None:
        with self._lock:
            return self._parked.pop(browser, None)


PARKING = Parking()
