"""Report benchmark: `orgsim report` of the default comparison, cold and warm.

Usage: python benchmarks/report.py [--repeat N] [--results FOLDER] [--baseline DIR] [--json]

Runs the default comparison (experiments/compare_operating_models.yaml, 120 runs) once
unless --results names a finished copy of it, then times `orgsim report` on it:

- cold: no plots/ folder (every figure drawn);
- warm: the same report again (the figures unchanged);
- all formats, cold: `--formats png,pdf,svg`, every figure drawn in the three formats.

Each is its own process (`python -m orgsim.cli`), timed by wall clock and by CPU time
(the process and its workers, from `getrusage`). On a shared machine the wall time
depends on the load; the CPU time much less, and CPU time over two cores (plus the
part that is not parallel) is what a quiet 2-core machine would take. Target: cold
report in at most 10 s on 2 cores.

--baseline DIR times a checkout of another orgsim version (e.g. `git worktree add
/tmp/before COMMIT`) in the same run, alternating with this one, so that the two are
compared under the same load: its report writes every format (it knows no other).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = ROOT / "experiments" / "compare_operating_models.yaml"


def timed(args: list[str], source: Path | None = None) -> dict[str, float]:
    """Wall and CPU seconds of `python -m orgsim.cli ARGS` (CPU of the process and its workers)."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "orgsim.cli", *args], env=env, cwd=source or ROOT,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"orgsim {' '.join(args)} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "load": os.getloadavg()[0]}


def results_folder(tmp: Path, given: Path | None) -> tuple[Path, dict[str, float]]:
    if given is not None:
        return given, {}
    out = tmp / "compare_operating_models"
    return out, timed(["experiment", str(EXPERIMENT), "--out", str(out), "-q"])


def report_times(results: Path, tmp: Path, tag: str, source: Path | None,
                 formats: str | None) -> dict[str, dict[str, float]]:
    """Cold and warm report of a fresh copy of `results`."""
    copy = tmp / f"report-{tag}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(results, copy, ignore=shutil.ignore_patterns("plots", "report.html"))
    args = ["report", str(copy)] + (["--formats", formats, "-q"] if formats else [])
    return {"cold": timed(args, source), "warm": timed(args, source)}


def best(samples: list[dict[str, float]]) -> dict[str, float]:
    return {"wall_s": min(s["wall_s"] for s in samples), "cpu_s": min(s["cpu_s"] for s in samples),
            "wall_median_s": median(s["wall_s"] for s in samples),
            "cpu_median_s": median(s["cpu_s"] for s in samples),
            "load": median(s["load"] for s in samples), "n": len(samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--results", type=Path, help="a finished run of the default comparison")
    parser.add_argument("--baseline", type=Path, help="source tree of another orgsim to compare")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    variants: dict[str, tuple[Path | None, str | None]] = {
        "png (default)": (None, None), "png,pdf,svg": (None, "png,pdf,svg")}
    if args.baseline:
        variants["baseline (png,pdf,svg)"] = (args.baseline.resolve(), None)
    samples: dict[str, dict[str, list[dict[str, float]]]] = {
        v: {"cold": [], "warm": []} for v in variants}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        results, experiment = results_folder(tmp, args.results)
        for i in range(args.repeat):  # interleaved, so every variant sees the same load
            for name, (source, formats) in variants.items():
                for when, t in report_times(results, tmp, f"{i}", source, formats).items():
                    samples[name][when].append(t)
    out: dict[str, Any] = {"experiment": experiment, "target_cold_s": 10.0,
                           "report": {v: {w: best(s) for w, s in ws.items()}
                                      for v, ws in samples.items()}}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"{'report':24s} {'when':5s} {'wall s':>7s} {'median':>7s} {'CPU s':>6s} {'median':>7s} "
          f"{'load':>5s}")
    for name, ws in out["report"].items():
        for when, b in ws.items():
            print(f"{name:24s} {when:5s} {b['wall_s']:7.1f} {b['wall_median_s']:7.1f} "
                  f"{b['cpu_s']:6.1f} {b['cpu_median_s']:7.1f} {b['load']:5.1f}")


if __name__ == "__main__":
    main()
