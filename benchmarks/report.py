"""Report benchmark: `orgsim report` of the default comparison, cold and warm.

Usage: python benchmarks/report.py [--repeat N] [--results FOLDER] [--baseline DIR] [--json]

Runs the default comparison (experiments/compare_operating_models.yaml, 120 runs) once
unless --results names a finished copy of it, then times `orgsim report` on it:

- cold: no plots/ folder (every figure drawn);
- warm: the same report again (the figures unchanged);
- all formats, cold: `--formats png,pdf,svg`, every figure drawn in the three formats.

Each is its own process, timed by wall clock and by CPU time, the command's own and
its workers' (`getrusage`). On a shared machine the wall time depends on the load; the
CPU time much less: the command's own CPU time plus half its workers' is what 2 quiet
cores would take (the workers draw two at a time while it waits). Target: cold report
in at most 10 s on 2 cores.

--baseline DIR times a checkout of another orgsim version (e.g. `git worktree add
/tmp/before COMMIT`) in the same run, alternating with this one, so that the two are
compared under the same load: its report writes every format (it knows no other).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path
from statistics import median
from typing import Any

from timing import ROOT, timed  # beside this file

EXPERIMENT = ROOT / "experiments" / "compare_operating_models.yaml"


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
    return {**{k: min(s[k] for s in samples) for k in ("wall_s", "cpu_s", "own_cpu_s",
                                                         "workers_cpu_s", "quiet_2_cores_s")},
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
    print(f"{'report':24s} {'when':5s} {'wall s':>7s} {'load':>5s} {'CPU s':>6s} {'own':>5s} "
          f"{'workers':>7s} {'2 quiet cores s':>15s}")
    for name, ws in out["report"].items():
        for when, b in ws.items():
            print(f"{name:24s} {when:5s} {b['wall_s']:7.1f} {b['load']:5.1f} {b['cpu_s']:6.1f} "
                  f"{b['own_cpu_s']:5.1f} {b['workers_cpu_s']:7.1f} {b['quiet_2_cores_s']:15.1f}")


if __name__ == "__main__":
    main()
