"""How long the report of a what-if experiment takes: a 3-lever grid, 20 replications.

Usage: python benchmarks/whatif_report.py [--results FOLDER | --out FOLDER] [--workers N] [--json]

Without `--results` it first runs (not timed) the grid: three levers of three
values each (the NHSEI board's cadence under internal commissioning, NHSD's
digital team, joined-up planning's planning overhead), 27 settings x 20
replications x 2 operating models = 1,080 runs of the default scenario cut to
two years (warm-up 26 weeks), into a temporary folder. It then times
`orgsim.report.write_report` on the results folder in a fresh process: reading
the results, summarising them per setting, drawing every figure (the response
curves and the heat map among them) and writing the page. Target: under 30 s
on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "configs" / "nhs_england.yaml"
TARGET_SECONDS = 30.0
LEVERS = {
    "models.internal_commissioning.forums.nhsei_board.cadence_weeks":
        {"values": [2.17, 4.33, 8.67], "label": "NHSEI board cadence (weeks)"},
    "organisations.NHSD.teams.digital": {"values": [32, 40, 48], "label": "NHSD digital team (people)"},
    "models.joined_up_planning.planning_overhead.TD":
        {"values": [0.0, 0.1, 0.3], "label": "planning overhead (share of TD capacity)"},
}
TIMED = ("import resource, sys, time; from pathlib import Path; "
         "from orgsim.report import write_report; "
         "cpu = lambda: sum(getattr(resource.getrusage(w), f) for w in (resource.RUSAGE_SELF, "
         "resource.RUSAGE_CHILDREN) for f in ('ru_utime', 'ru_stime')); "
         "t, c = time.perf_counter(), cpu(); write_report(Path(sys.argv[1])); "
         "print(time.perf_counter() - t, cpu() - c)")


def grid(tmp: Path, replications: int, workers: int) -> Path:
    """Run the 3-lever grid into `tmp`; returns its results folder."""
    from orgsim.experiments.runner import run

    doc = {"name": "whatif_grid", "scenario": str(SCENARIO),
           "models": ["internal_commissioning", "joined_up_planning"],
           "compare": ["internal_commissioning", "joined_up_planning"],
           "levers": LEVERS, "design": {"kind": "grid"}, "replications": replications,
           "seed": 3, "horizon_weeks": 104.0, "warmup_weeks": 26.0,
           "outcomes": ["lead_time_mean", "needs_met", "decision_latency_mean", "benefit"]}
    path = tmp / "whatif_grid.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    backend = "serial" if workers == 1 else "processes"
    return run(path, out=tmp / "results", backend=backend, workers=workers)


def timed(results: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of writing the report, in a fresh process (its drawing workers' CPU
    included); on a shared machine the CPU time is the steadier figure."""
    done = subprocess.run([sys.executable, "-c", TIMED, str(results)], capture_output=True,
                          text=True, check=True)
    wall, cpu = done.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, help="an existing results folder to report on")
    parser.add_argument("--out", type=Path, help="run the grid into this folder and keep it")
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = args.results
        run_s = float("nan")
        if results is None:
            start = time.perf_counter()
            where = args.out or Path(tmp)
            where.mkdir(parents=True, exist_ok=True)
            results = grid(where, args.replications, args.workers)
            run_s = time.perf_counter() - start
        runs = len(__import__("pandas").read_parquet(results / "metrics.parquet"))
        wall, cpu = timed(results)
        plots = len(list((results / "plots").glob("*.png")))
    out = {"runs": runs, "run_s": run_s, "report_s": wall, "report_cpu_s": cpu, "plots": plots,
           "target_s": TARGET_SECONDS}
    if args.json:
        print(json.dumps(out))
    else:
        print(f"{runs} runs (run in {run_s:.0f} s, not timed); report in {wall:.1f} s "
              f"({cpu:.1f} s of CPU) with {plots} figures; target < {TARGET_SECONDS:.0f} s")


if __name__ == "__main__":
    main()
