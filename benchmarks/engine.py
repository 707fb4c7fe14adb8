"""Engine cost per event, against a bare SimPy loop timed in the same process.

    python benchmarks/engine.py [--repeat N] [--json] [--check] [--scenario FILE] [--model NAME ...]

For each operating model of the scenario this runs one replication with
`orgsim.engine.run.simulate` and reads `RunResult.events` (SimPy events
processed) and `RunResult.wall_seconds`, the measure. The measure includes
setup (drawing the demand, building the Mesa model with its pools, forums and
DataCollector) because a replication cannot run without it; setup alone
(`build`, timed by constructing `OrgModel` on its own) is shown beside it, and
the `engine` ratio leaves it out. Two costs outside the measure are shown
apart: turning the raw records into the `RunResult` after the clock stops
(`assembly`), and computing the metrics (`orgsim.api.measure`), which is not
engine time at all. The metrics have a target of their own: for the
replication, at most `METRICS_TARGET` times what simulating it cost (the whole
`simulate` call: wall plus assembly), both measured here in the same run.

The baseline is the cheapest way to write the same kind of model in SimPy:
processes that arrive over the horizon and each do a few cycles of

    with res.request() as req:
        yield req
        yield env.timeout(hold)

on one of 20 `simpy.Resource`s. It is sized from the orgsim run it is set
against: as many processes as initiatives, arriving at random over the same
horizon; cycles per process chosen so the event count is close to orgsim's
(each process costs its arrival timeout, its start and its end, and each cycle
a request, a timeout and a release); hold times chosen by Little's law so that
as many processes are in the system on average as orgsim has initiatives in
progress; capacity set for 80% utilisation, so some requests queue. Random
draws are made before the clock starts, so the baseline times SimPy alone.
Its events are counted exactly as orgsim's are (scheduled minus still
pending). Cost per event grows with the number of live processes and the size
of SimPy's queue, which is why the baseline copies orgsim's concurrency rather
than running a fixed loop.

The target (at most 1.7 times bare SimPy's cost per event) applies to one
replication of the scenario as a whole: every operating model it names, run
once, total wall over total events (the `all` line), as `orgsim run` runs it.
Each model's own ratio is shown and marked too.

Both sides run in the same process, interleaved, `--repeat` times, after a
full garbage collection each. The ratio compares the best (least disturbed)
time per event of each side; the median of the per-repetition ratios is shown
beside it.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import statistics
import sys
import time
from collections.abc import Generator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import simpy

from orgsim.api import measure
from orgsim.config.load import load_plans
from orgsim.config.plan import Plan
from orgsim.engine.model import OrgModel
from orgsim.engine.run import RunResult, simulate

TARGET = 1.7  # orgsim's cost per event at most this multiple of bare SimPy's
METRICS_TARGET = 0.3  # metrics of a replication, against simulating it
RESOURCES = 20
UTILISATION = 0.8
DEFAULT_SCENARIO = Path(__file__).resolve().parents[1] / "configs" / "nhs_england.yaml"


@dataclass(frozen=True)
class Shape:
    """What the baseline copies from an orgsim run."""

    processes: int
    events: int
    horizon: float
    in_progress: float  # mean initiatives in the system, from the weekly time series

    @classmethod
    def of(cls, result: RunResult) -> Shape:
        wip = float(result.timeseries["wip"].mean()) if len(result.timeseries) else 1.0
        return cls(len(result.initiatives), result.events,
                   float(result.plan.scenario.horizon_weeks), max(wip, 1.0))


def bare_simpy(shape: Shape, seed: int = 0) -> tuple[float, int]:
    """Wall seconds and events of the baseline sized by `shape`."""
    rng = random.Random(seed)
    n = max(shape.processes, 1)
    cycles = max(1, round((shape.events / n - 3) / 3))
    hold = shape.in_progress * shape.horizon / (n * cycles)  # Little's law, ignoring queueing
    capacity = max(1, math.ceil(shape.in_progress / (RESOURCES * UTILISATION)))
    arrivals = sorted(rng.uniform(0.0, shape.horizon) for _ in range(n))
    jobs = [(rng.randrange(RESOURCES), [rng.expovariate(1.0 / hold) for _ in range(cycles)])
            for _ in range(n)]

    env = simpy.Environment()
    resources = [simpy.Resource(env, capacity) for _ in range(RESOURCES)]

    def worker(res: simpy.Resource, holds: list[float]) -> Generator[simpy.Event, Any, None]:
        for h in holds:
            with res.request() as req:
                yield req
                yield env.timeout(h)

    def source() -> Generator[simpy.Event, Any, None]:
        for week, (r, holds) in zip(arrivals, jobs):
            yield env.timeout(week - env.now)
            env.process(worker(resources[r], holds))

    start = time.perf_counter()
    env.process(source())
    env.run()
    wall = time.perf_counter() - start
    return wall, _events(env)


def _events(env: simpy.Environment) -> int:
    """Events processed: scheduled (the id counter) minus still queued, as OrgModel counts them."""
    return int(repr(env._eid)[6:-1]) - len(env._queue)


@dataclass
class Row:
    model: str
    events: int
    wall_ms: float  # RunResult.wall_seconds: build + run (best of the repetitions)
    build_ms: float
    assembly_ms: float  # simulate() call minus wall: records into the RunResult
    measure_ms: float  # orgsim.api.measure: metrics, not engine time
    us_per_event: float
    engine_us_per_event: float  # run only
    baseline_events: int
    baseline_ms: float
    baseline_us_per_event: float
    ratio: float
    engine_ratio: float
    median_ratio: float
    meets_target: bool


def _timed(fn: Any, *args: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def bench_model(plan: Plan, repeat: int) -> Row:
    """Interleave orgsim and baseline `repeat` times; keep the best of each side."""
    walls, calls, builds, measures, base, ratios = [], [], [], [], [], []
    result = simulate(plan)  # warm-up, and the shape the baseline copies
    shape = Shape.of(result)
    for _ in range(repeat):
        gc.collect()
        result, call = _timed(simulate, plan)
        walls.append(result.wall_seconds)
        calls.append(call - result.wall_seconds)
        built, took = _timed(OrgModel, plan, plan.scenario.seed)
        built.release()  # Mesa 3.3 would otherwise keep every model built
        builds.append(took)
        measures.append(_timed(measure, result)[1])
        gc.collect()
        base.append(bare_simpy(shape))
        ratios.append((walls[-1] / result.events) / (base[-1][0] / base[-1][1]))
    events, (b_wall, b_events) = result.events, min(base)
    wall, build = min(walls), min(builds)
    us, b_us = wall / events * 1e6, b_wall / b_events * 1e6
    engine_us = (wall - build) / events * 1e6
    return Row(plan.model, events, wall * 1e3, build * 1e3, min(calls) * 1e3,
               min(measures) * 1e3, us, engine_us, b_events, b_wall * 1e3, b_us,
               us / b_us, engine_us / b_us, statistics.median(ratios), us / b_us <= TARGET)


def summary(rows: list[Row]) -> dict[str, Any]:
    """All models together: total time over total events, each side."""
    events, b_events = sum(r.events for r in rows), sum(r.baseline_events for r in rows)
    wall = sum(r.wall_ms for r in rows)
    us = wall * 1e3 / events
    engine_us = (wall - sum(r.build_ms for r in rows)) * 1e3 / events
    b_us = sum(r.baseline_ms for r in rows) * 1e3 / b_events
    return {"events": events, "wall_ms": wall, "build_ms": sum(r.build_ms for r in rows),
            "assembly_ms": sum(r.assembly_ms for r in rows),
            "measure_ms": sum(r.measure_ms for r in rows), "us_per_event": us,
            "engine_us_per_event": engine_us, "baseline_us_per_event": b_us,
            "ratio": us / b_us, "engine_ratio": engine_us / b_us, "target": TARGET,
            "meets_target": us / b_us <= TARGET, "metrics_ratio": metrics_ratio(rows),
            "metrics_target": METRICS_TARGET, "metrics_meet_target": metrics_ratio(rows) <= METRICS_TARGET}


def metrics_ratio(rows: list[Row]) -> float:
    """Metrics of the replication over its simulation (wall and assembly), every model together."""
    simulated = sum(r.wall_ms + r.assembly_ms for r in rows)
    return sum(r.measure_ms for r in rows) / simulated if simulated > 0 else float("nan")


COLUMNS = (("operating model", 24), ("events", 7), ("wall ms", 8), ("build ms", 8),
           ("µs/event", 8), ("bare µs/event", 13), ("ratio", 6), ("engine", 6), ("median", 6),
           ("assembly ms", 11), ("measure ms", 10), ("target", 6))


def _line(cells: list[str]) -> str:
    return " ".join(c.ljust(w) if i == 0 else c.rjust(w)
                    for i, (c, (_, w)) in enumerate(zip(cells, COLUMNS)))


def render(rows: list[Row], total: dict[str, Any], repeat: int) -> str:
    head = _line([name for name, _ in COLUMNS])
    rule = "-" * len(head)
    intro = (f"One replication per operating model, best of {repeat}. wall = simulate's "
             "RunResult.wall_seconds (build + run); ratio = µs/event over bare SimPy's; "
             "engine = the same without build; median = median ratio of the repetitions; "
             "assembly and measure are outside wall.")
    lines = [intro, head, rule]
    for r in rows:
        lines.append(_line([r.model, f"{r.events}", f"{r.wall_ms:.1f}", f"{r.build_ms:.1f}",
                            f"{r.us_per_event:.2f}", f"{r.baseline_us_per_event:.2f}",
                            f"{r.ratio:.2f}", f"{r.engine_ratio:.2f}", f"{r.median_ratio:.2f}",
                            f"{r.assembly_ms:.1f}", f"{r.measure_ms:.1f}",
                            "met" if r.meets_target else "missed"]))
    lines.append(rule)
    lines.append(_line(["all", f"{total['events']}", f"{total['wall_ms']:.1f}",
                        f"{total['build_ms']:.1f}", f"{total['us_per_event']:.2f}",
                        f"{total['baseline_us_per_event']:.2f}", f"{total['ratio']:.2f}",
                        f"{total['engine_ratio']:.2f}", "", f"{total['assembly_ms']:.1f}",
                        f"{total['measure_ms']:.1f}",
                        "met" if total["meets_target"] else "missed"]))
    verdict = "met" if total["meets_target"] else "not met"
    lines.append(f"Target, for the replication as a whole (every operating model run): orgsim's cost "
                 f"per event at most {TARGET}x bare SimPy's: {verdict} ({total['ratio']:.2f}x).")
    met = "met" if total["metrics_meet_target"] else "not met"
    lines.append(f"Metrics (orgsim.api.measure) of the replication at most {METRICS_TARGET}x its "
                 f"simulation (wall + assembly): {met} ({total['metrics_ratio']:.2f}x).")
    above = [f"{r.model} {r.ratio:.2f}x" for r in rows if not r.meets_target]
    if above and total["meets_target"]:
        lines.append(f"Above it on their own: {', '.join(above)} (benchmarks/README.md says why).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="repetitions per model (default 7)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--model", action="append", help="operating model (repeatable)")
    parser.add_argument("--check", action="store_true",
                        help="exit with status 1 when a target is missed")
    args = parser.parse_args(argv)
    plans = load_plans(args.scenario, args.model)
    rows = [bench_model(p, max(args.repeat, 1)) for p in plans]
    total = summary(rows)
    if args.json:
        print(json.dumps({"repeat": args.repeat, "python": sys.version.split()[0],
                          "simpy": simpy.__version__, "models": [asdict(r) for r in rows],
                          "all": total}, indent=2))
    else:
        print(render(rows, total, args.repeat))
    missed = not (total["meets_target"] and total["metrics_meet_target"])
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
