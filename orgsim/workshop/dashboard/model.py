"""`Workshop`: the Mesa model the dashboard steps, holding one or two runs side by side.

SolaraViz re-creates the model with its keyword arguments on every reset, so
the arguments are the dashboard's controls: which operating models, and the
levers. Live runs share the seed, so every operating model gets the same
initiatives (common random numbers) and differences are the models' own.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from functools import lru_cache

import mesa

from orgsim.config.load import load_plan
from orgsim.config.plan import Plan
from orgsim.workshop.dashboard.feeds import Feed, LiveFeed, ReplayFeed
from orgsim.workshop.dashboard.levers import ALL, Levers, apply
from orgsim.workshop.dashboard.settings import Settings
from orgsim.workshop.rundata import RunData, load_run

NONE = "(none)"  # the second operating model's menu entry for "show one model only"


@lru_cache(maxsize=16)
def base_plan(scenario: str, model: str) -> Plan:
    """The plan as its files say; cached because every reset asks again."""
    return load_plan(scenario, model)


@lru_cache(maxsize=4)
def recording(path: str) -> RunData:
    """A recorded run, read once: replaying it again needs no new reading."""
    return load_run(path)


def _close(feeds: Sequence[Feed]) -> None:
    for f in feeds:
        f.close()


class Workshop(mesa.Model):  # type: ignore[misc]
    """One week per step for every run shown; finished when all have reached their horizon.

    Args:
        settings: The command's choices (default: read from ORGSIM_WORKSHOP).
        model_a: First operating model (default: the first of `settings.models`).
        model_b: Second operating model, or "(none)" (default: the second of `settings.models`).
        cadence, overhead, detection, staff, function, demand: The levers (see `Levers`).
    """

    def __init__(self, settings: Settings | None = None, model_a: str = "", model_b: str = "",
                 cadence: float = 1.0, overhead: float = 1.0, detection: float = 1.0,
                 staff: float = 1.0, function: str = ALL, demand: float = 1.0) -> None:
        self.settings = settings if settings is not None else Settings.from_env()
        super().__init__(rng=self.settings.seed or 0)  # nothing here draws from it
        self.levers = Levers(cadence, overhead, detection, staff, function, demand)
        self.feeds: list[Feed] = self._replays() if self.settings.replay else self._live(model_a, model_b)
        weakref.finalize(self, _close, tuple(self.feeds))  # Mesa 3.3 keeps models alive otherwise

    def _live(self, model_a: str, model_b: str) -> list[Feed]:
        shown = list(self.settings.models) + [NONE, NONE]
        names = [model_a or shown[0], model_b or shown[1]]
        names = [n for n in dict.fromkeys(names) if n != NONE]
        plans = [apply(base_plan(self.settings.scenario, n), self.levers) for n in names]
        return [LiveFeed(p, p.scenario.seed if self.settings.seed is None else self.settings.seed)
                for p in plans]

    def _replays(self) -> list[Feed]:
        return [ReplayFeed(recording(d)) for d in self.settings.run_dirs]

    @property
    def week(self) -> float:
        return max((f.week for f in self.feeds), default=0.0)

    @property
    def horizon(self) -> float:
        return max((f.horizon for f in self.feeds), default=0.0)

    def step(self) -> None:
        """One more week of every run that has not reached its horizon."""
        for f in self.feeds:
            if not f.finished:
                records = f.advance()
                f.tracker.update(records, f.week)
        self.running = not all(f.finished for f in self.feeds)
