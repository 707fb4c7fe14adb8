"""Time the shipped stylised-facts calibration with its default budget (target: under 15 minutes).

    .venv/bin/python benchmarks/calibration.py [--workers N] [--file FILE]

Runs `orgsim calibrate` into a temporary folder and prints the wall time, the
number of simulations and of populations, from the results' manifest.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from orgsim.calibration.run import calibrate

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 15 * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", default=str(ROOT / "configs" / "calibration" / "nhs_stylised_facts.yaml"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        root = calibrate(args.file, Path(tmp) / "out", backend="processes", workers=args.workers)
        wall = time.perf_counter() - start
        manifest = json.loads((root / "manifest.json").read_text())
    print(f"{Path(args.file).name}: {wall:.0f} s wall on {args.workers} workers "
          f"({os.cpu_count()} cores), {manifest['simulations']} simulations in "
          f"{manifest['populations']} populations; target < {TARGET_SECONDS} s: "
          f"{'met' if wall < TARGET_SECONDS else 'NOT met'}")


if __name__ == "__main__":
    main()
