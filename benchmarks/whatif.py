"""What-if benchmark: summarising a 3-lever grid of about 1,000 runs.

Usage: python benchmarks/whatif.py [--replications N] [--horizon WEEKS] [--out FOLDER] [--json]

Runs (once, on the process backend with 2 workers) an experiment of the shipped scenario
with three levers of three settings each (two values and today's: NHSD's digital team, the
Transformation Directorate's planning overhead under joined-up planning, the NHSEI
board's cadence under internal commissioning), two operating models and 20 replications:
27 settings x 20 x 2 = 1,080 runs. Then it times `orgsim summarise FOLDER` as a user runs
it (a fresh process, start to exit, best of `--repeat`; wall and CPU seconds), and
`summarise()` alone in this process. Target: summarise under 10 s on 2 cores. On a shared
machine the wall time depends on its load (printed); the CPU time does not. The folder is
kept with `--out` (and `--results FOLDER` times a finished one), so the report can be timed
on it too (`orgsim report FOLDER`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "configs" / "nhs_england.yaml"
ORGSIM = str(Path(sys.executable).parent / "orgsim")
TARGET_S = 10.0


def experiment(where: Path, replications: int, horizon: float) -> Path:
    doc = {
        "name": "whatif_bench", "scenario": str(SCENARIO),
        "models": ["internal_commissioning", "joined_up_planning"],
        "levers": {
            "organisations.NHSD.teams.digital": {"values": [40, 48], "label": "NHSD digital team"},
            "models.joined_up_planning.planning_overhead.TD": {"values": [0.0, 0.2],
                                                               "label": "TD planning overhead"},
            "models.internal_commissioning.forums.nhsei_board.cadence_weeks": {
                "values": [2.17, 8.66], "label": "NHSEI board cadence (weeks)"},
        },
        "replications": replications, "seed": 1, "horizon_weeks": horizon,
        "warmup_weeks": min(26.0, horizon / 5),
        "outcomes": ["lead_time_mean", "needs_met", "decision_latency_mean", "benefit"],
    }
    path = where / "whatif_bench.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def timed(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of a command run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(root: Path, repeat: int) -> dict[str, float]:
    """Best of `repeat`: `orgsim summarise` in a fresh process, and `summarise()` in this one."""
    from orgsim.analysis.summary import summarise

    cli = [timed([ORGSIM, "summarise", str(root)]) for _ in range(repeat)]
    inner = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        summarise(root)
        inner.append((time.perf_counter() - start, time.process_time() - cpu))
    return {"summarise_cli_s": round(min(w for w, _ in cli), 2),
            "summarise_cli_cpu_s": round(min(c for _, c in cli), 2),
            "summarise_tables_s": round(min(w for w, _ in inner), 2),
            "summarise_tables_cpu_s": round(min(c for _, c in inner), 2),
            "load_average": round(os.getloadavg()[0], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--horizon", type=float, default=104.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="keep the results here")
    parser.add_argument("--results", type=Path, default=None,
                        help="time the summary of this finished folder instead of running one")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from orgsim.experiments.runner import run

    with tempfile.TemporaryDirectory() as tmp:
        run_s = float("nan")
        root = args.results
        if root is None:
            path = experiment(Path(tmp), args.replications, args.horizon)
            start = time.perf_counter()
            root = run(path, args.out or Path(tmp) / "results", backend="processes", workers=2)
            run_s = time.perf_counter() - start
        import pandas as pd

        metrics = pd.read_parquet(root / "metrics.parquet", columns=["setting"])
        figures = {"runs": len(metrics), "settings": int(metrics["setting"].nunique()),
                   "run_s": round(run_s, 1), **measure(root, args.repeat), "target_s": TARGET_S}
    figures["met"] = figures["summarise_cli_s"] < TARGET_S
    if args.json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        print(f"{key:>24}: {value}")


if __name__ == "__main__":
    main()
