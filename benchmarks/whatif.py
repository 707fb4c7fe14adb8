"""What-if benchmark: summarising a 3-lever grid of about 1,000 runs.

Usage: python benchmarks/whatif.py [--replications N] [--horizon WEEKS] [--out FOLDER] [--json]

Runs (once, on the process backend with 2 workers) an experiment of the shipped scenario
with three levers of three settings each (two values and today's: NHSD's digital team, the
Transformation Directorate's planning overhead under joined-up planning, the NHSEI
board's cadence under internal commissioning), two operating models and 20 replications:
27 settings x 20 x 2 = 1,080 runs. Then it times `orgsim summarise FOLDER` as a user runs
it (a fresh process, start to exit, best of `--repeat`), and `summarise()` alone in this
process. Target: summarise under 10 s on 2 cores. The folder is kept with `--out`, so the
report can be timed on it too (`orgsim report FOLDER`).
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


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, text=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--horizon", type=float, default=104.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="keep the results here")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from orgsim.analysis.summary import summarise
    from orgsim.experiments.runner import run

    with tempfile.TemporaryDirectory() as tmp:
        path = experiment(Path(tmp), args.replications, args.horizon)
        out = args.out or Path(tmp) / "results"
        start = time.perf_counter()
        root = run(path, out, backend="processes", workers=2)
        run_s = time.perf_counter() - start
        runs = len(__import__("pandas").read_parquet(root / "metrics.parquet"))
        cli = min(timed([ORGSIM, "summarise", str(root)]) for _ in range(args.repeat))
        inner = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            summarise(root)
            inner = min(inner, time.perf_counter() - start)
    figures = {"runs": runs, "settings": 27, "run_s": round(run_s, 1),
               "summarise_cli_s": round(cli, 2), "summarise_tables_s": round(inner, 2),
               "target_s": TARGET_S, "met": cli < TARGET_S}
    if args.json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        print(f"{key:>20}: {value}")


if __name__ == "__main__":
    main()
