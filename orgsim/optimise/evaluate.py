"""Evaluating candidates: their runs on the experiment backends, stored one by one as they finish.

A run is one candidate under one uncertainty sample and one replication seed;
every candidate gets the same samples and seeds (common random numbers), so
candidates differ only by their levers. Each finished run is written at once
(`runs/<candidate digest>-s<sample>-r<replication>.json`, atomically), so a
search killed at any moment loses no finished run, and the same candidate asked
for again, in this search or a resumed one, is not simulated twice.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from orgsim.config.yamlio import ConfigError
from orgsim.experiments.backends import Backend, outputs
from orgsim.experiments.progress import Progress
from orgsim.experiments.tasks import Task
from orgsim.optimise.problem import MEASURES, Candidate, Problem, headcount_violation
from orgsim.store.atomic import TEMPORARY, write_text

INVALID = 1e9  # constraint violation of a candidate that is no valid operating model


@dataclass(frozen=True)
class Scored:
    """A candidate's aggregated objectives (minimised: maximised ones negated) and feasibility."""

    candidate: Candidate
    objectives: dict[str, float]  # in the outcome's own sign
    headcount: int | None
    violation: float  # 0 when feasible
    reason: str


class Runs:
    """The runs folder of a search."""

    def __init__(self, root: Path) -> None:
        self.folder = Path(root) / "runs"

    def keys(self) -> set[str]:
        if not self.folder.is_dir():
            return set()
        return {p.name[: -len(".json")] for p in self.folder.glob("*.json")
                if not TEMPORARY.fullmatch(p.name)}  # not a write a kill cut short

    def read(self, key: str) -> dict[str, Any]:
        return json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))["row"]

    def write(self, key: str, candidate: Candidate, row: dict[str, Any]) -> None:
        record = {"levers": candidate.values, "row": row}
        write_text(self.folder / f"{key}.json",
                   json.dumps(record, sort_keys=True, allow_nan=True, default=str))


def run_key(candidate: Candidate, sample: int, replication: int) -> str:
    return digest_key(candidate.digest, sample, replication)


def digest_key(digest: str, sample: int, replication: int) -> str:
    """The name of a stored run: the candidate's digest, the uncertainty sample and replication."""
    return f"{digest}-s{sample:03d}-r{replication:03d}"


def statistic(values: np.ndarray, name: str) -> float:
    """`mean` or a percentile `pNN` of `values`; NaN when any value is missing."""
    if not len(values) or np.isnan(values).any():
        return math.nan
    return float(np.mean(values)) if name == "mean" else float(np.percentile(values, int(name[1:])))


class Evaluator:
    """Scores candidates, simulating only the runs not already stored."""

    def __init__(self, problem: Problem, root: Path, backend: Backend, workers: int,
                 scheduler: str | None, progress: Progress) -> None:
        self.problem, self.runs = problem, Runs(root)
        self.backend, self.workers, self.scheduler = backend, workers, scheduler
        self.progress = progress
        self.done = self.runs.keys()
        self.finished = 0

    def score(self, candidates: list[Candidate]) -> list[Scored]:
        """Scores in the order of `candidates`, whatever order their runs finish in."""
        unique = list({c.digest: c for c in candidates}.values())
        checked = {c.digest: self._check(c) for c in unique}
        valid = [c for c in unique if checked[c.digest][1] == 0]
        needed = [run_key(c, s, r) for c in valid for s in range(len(self.problem.samples))
                  for r in range(self.problem.opt.replications)]
        self.progress.start(self.finished + len(set(needed) - self.done), self.finished)
        # a generator: plans are built as the backend takes tasks, a bounded number at a time
        tasks = (t for i, c in enumerate(valid) for t in self._tasks(i, c))
        by_point = {i: c for i, c in enumerate(valid)}
        for out in outputs(tasks, self.backend, self.workers, self.scheduler):
            candidate = by_point[out.row["point"]]
            s, r = divmod(int(out.row["replication"]), self.problem.opt.replications)
            key = run_key(candidate, s, r)
            self.runs.write(key, candidate, out.row)
            self.done.add(key)
            self.finished += 1
            self.progress.advance()
        return [self._aggregate(c, *checked[c.digest]) for c in candidates]

    def _check(self, candidate: Candidate) -> tuple[int | None, float, str]:
        """(headcount, violation, reason): invalid designs and designs over budget are not run."""
        try:
            plan = self.problem.plan(candidate, 0)
        except ConfigError as err:
            return None, INVALID, re.sub(r"^.*?\.ya?ml:\d+: ", "", err.message.split(": ", 1)[-1])
        over = headcount_violation(self.problem, plan)
        reason = f"{over:,} people over the headcount budget" if over else ""
        return plan.headcount(), float(over), reason

    def _tasks(self, point: int, candidate: Candidate) -> Iterator[Task]:
        """The candidate's runs not yet stored; `point` numbers it within the batch scored."""
        p = self.problem
        for s in range(len(p.samples)):
            plan = None
            for r, seed in enumerate(p.seeds):
                if run_key(candidate, s, r) in self.done:
                    continue
                plan = plan or p.plan(candidate, s)
                yield Task(point, s * p.opt.replications + r, p.name, seed, plan)

    def _aggregate(self, candidate: Candidate, headcount: int | None, violation: float,
                   reason: str) -> Scored:
        p = self.problem
        objectives = {o.outcome: math.nan for o in p.opt.objectives}
        if violation == 0:
            rows = [[self.runs.read(run_key(candidate, s, r)) for r in range(p.opt.replications)]
                    for s in range(len(p.samples))]
            for o in p.opt.objectives:
                if o.outcome in MEASURES:  # the design's own number, as its budget is checked
                    objectives[o.outcome] = MEASURES[o.outcome](p.plan(candidate, 0))
                    continue
                per_sample = np.array([statistic(np.array([float(x[o.outcome]) for x in sample]),
                                                 o.over_replications) for sample in rows])
                objectives[o.outcome] = statistic(per_sample, o.over_uncertainties)
            missing = [k for k, v in objectives.items() if math.isnan(v)]
            if missing:
                violation, reason = 1.0, f"no value for {', '.join(missing)} in some runs"
        return Scored(candidate, objectives, headcount, violation, reason)
