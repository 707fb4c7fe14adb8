"""`Workshop`: the Mesa model the dashboard steps, holding one or two runs side by side.

A page's Reset re-creates it from the page's choices, so its arguments are
the dashboard's controls: which operating models, and the levers. Live runs
share the seed, so every operating model gets the same initiatives (common
random numbers) and differences are the models' own.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import mesa

from orgsim.config.load import load_plan
from orgsim.config.plan import InterventionPlan, Plan
from orgsim.workshop import words
from orgsim.workshop.dashboard.decisions import decide
from orgsim.workshop.dashboard.feeds import Feed, LiveFeed, ReplayFeed, label
from orgsim.workshop.dashboard.levers import ALL, Levers, apply
from orgsim.workshop.dashboard.settings import NO_INTERVENTIONS, Settings
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


def plan_of(scenario: str, name: str) -> Plan:
    """The plan a menu entry names: a model, or a model without the scenario's timeline."""
    if name.endswith(NO_INTERVENTIONS):
        return replace(base_plan(scenario, name.removesuffix(NO_INTERVENTIONS)), timeline=())
    return base_plan(scenario, name)


@dataclass(frozen=True)
class Outcome:
    """What became of a decision: applied (to every run chosen) or not (to none), and the words."""

    applied: bool
    message: str


def _close(feeds: Sequence[Feed]) -> None:
    for f in feeds:
        f.close()


class Workshop(mesa.Model):  # type: ignore[misc]
    """One week per step for every run shown; finished when all have reached their horizon.

    Between steps the room may change one run or both (`decide`), as a
    scenario's timeline would have at that week.

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
        self.lock = threading.Lock()  # a decision waits for a step that is under way (play runs in a thread)
        self.feeds: list[Feed] = self._replays() if self.settings.replay else self._live(model_a, model_b)
        weakref.finalize(self, _close, tuple(self.feeds))  # Mesa 3.3 keeps models alive otherwise

    def _live(self, model_a: str, model_b: str) -> list[Feed]:
        shown = list(self.settings.models) + [NONE, NONE]
        names = [model_a or shown[0], model_b or shown[1]]
        names = [n for n in dict.fromkeys(names) if n != NONE]
        plans = [apply(plan_of(self.settings.scenario, n), self.levers) for n in names]
        return [LiveFeed(p, p.scenario.seed if self.settings.seed is None else self.settings.seed, n)
                for p, n in zip(plans, names)]

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
        with self.lock:
            for f in self.feeds:
                if not f.finished:
                    records = f.advance()
                    f.tracker.update(records, f.week)
            self.running = not all(f.finished for f in self.feeds)

    def live(self) -> list[LiveFeed]:
        """The runs that can take decisions (none when replaying)."""
        return [f for f in self.feeds if isinstance(f, LiveFeed)]

    def target(self, name: str) -> Plan:
        """Operating model `name` as a reorganisation brings it in: from its file, with this run's levers."""
        return apply(replace(base_plan(self.settings.scenario, name), timeline=()), self.levers)

    def decide(self, runs: Sequence[int], change: str, fields: Mapping[str, Any],
               name: str = "") -> Outcome:
        """Apply one decision now to the runs numbered `runs` (0 is A), or to none if any refuses it.

        Args:
            runs: Which runs, by their place on the page.
            change, fields: The change, as a timeline entry (see `decisions.decide`).
            name: What the room calls it (default: a description).
        """
        live = self.live()
        if not live:
            return Outcome(False, "A recorded run cannot take decisions: it is replayed, not simulated.")
        chosen = [live[i] for i in dict.fromkeys(runs) if 0 <= i < len(live)]
        if not chosen:
            return Outcome(False, "Choose a run to apply the decision to.")
        with self.lock:
            plans: list[tuple[InterventionPlan, str]] = []
            for f in chosen:
                out = decide(change, fields, f.week, f.in_force(), self.target, name)
                if isinstance(out, str):
                    whose = f"Not applied ({label(f.name)}): " if len(chosen) > 1 else "Not applied: "
                    return Outcome(False, whose + out)
                plain = decide(change, fields, f.week, f.in_force(), self.target) if name.strip() else out
                plans.append((out, plain.label if not isinstance(plain, str) else out.label))
            given = {k: v for k, v in fields.items() if v is not None}
            for f, (iv, did) in zip(chosen, plans):
                entry = {"week": f.week, **({"label": name.strip()} if name.strip() else {}), change: given}
                f.decide(iv, entry, did)
            week = words.weeks(chosen[0].week)
            undone = [(f, switch) for f in chosen if (switch := f.undone_by()) is not None]
        runs_text = "both runs" if len(chosen) == 2 else label(chosen[0].name)
        iv, did = plans[0]
        message = f"Applied at week {week} to {runs_text}: {iv.label}"
        message += f" — {did}" if did != iv.label else ""
        for f, switch in undone:
            message += (f". It will not last in {label(f.name)}: the scenario reorganises it this week "
                        f"({switch.label}), rebuilding the organisation from the scenario")
        return Outcome(True, message)
