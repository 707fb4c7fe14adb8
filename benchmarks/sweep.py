"""Sweep benchmarks: parallel speed-up, memory against sweep size, time to first progress.

Usage: python benchmarks/sweep.py [--quick] [--repeat N] [--json] [--baseline DIR] [--only NAME]

- throughput: the default comparison (experiments/compare_operating_models.yaml, 120
  runs) by `orgsim experiment` on 2 workers, as `make run` runs it: runs per second of
  wall time, and CPU seconds of the command and of its workers (getrusage). On a shared
  machine wall time follows the load; the command's own CPU time plus half its workers'
  is what 2 quiet cores would take. Target >= 8 runs/s, towards 11.
  --baseline DIR runs a checkout of another orgsim version alternately in the same run.

- speed-up: the same experiment (full five-year horizon, 2 models x N replications)
  run serially and with the process backend on 2 workers, timed in this process,
  best of `--repeat`. Target >= 1.8x on a 2-core machine.
- memory: peak resident memory (ru_maxrss of a fresh process, children excluded)
  of a 100-run and a 1,000-run serial sweep of a short-horizon experiment.
  Target: the 1,000-run peak at most 1.1x the 100-run peak.
- first progress: seconds from starting `orgsim experiment` (in a pseudo-terminal,
  as a user sees it) to its first progress line. Target < 3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from timing import ROOT, timed  # beside this file

SCENARIO = ROOT / "configs" / "nhs_england.yaml"
ORGSIM = str(Path(sys.executable).parent / "orgsim")


DEFAULT = ROOT / "experiments" / "compare_operating_models.yaml"


def throughput(tmp: Path, repeat: int, baseline: Path | None) -> dict[str, dict[str, float]]:
    """The default comparison on 2 workers, this tree and (alternately) the baseline's."""
    doc = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    runs = len(doc["models"]) * doc["replications"]
    sources = {"this": None, **({"baseline": baseline.resolve()} if baseline else {})}
    samples: dict[str, list[dict[str, float]]] = {k: [] for k in sources}
    for i in range(repeat):
        for name, source in sources.items():
            out = tmp / f"throughput-{name}-{i}"
            samples[name].append(timed(["experiment", str(DEFAULT), "--out", str(out), "-q",
                                        "--workers", "2"], source))
    out = {}
    for name, got in samples.items():
        wall, cpu = min(s["wall_s"] for s in got), min(s["cpu_s"] for s in got)
        quiet = min(s["quiet_2_cores_s"] for s in got)
        out[name] = {"runs": runs, "wall_s": wall, "cpu_s": cpu, "runs_per_s": runs / wall,
                     "own_cpu_s": min(s["own_cpu_s"] for s in got),
                     "workers_cpu_s": min(s["workers_cpu_s"] for s in got),
                     "quiet_2_cores_s": quiet, "runs_per_s_quiet_2_cores": runs / quiet,
                     "load": sorted(s["load"] for s in got)[len(got) // 2], "target": 8.0}
    return out


def experiment(tmp: Path, name: str, replications: int, horizon: float, samples: int = 1) -> Path:
    doc = {"name": name, "scenario": str(SCENARIO),
           "models": ["internal_commissioning", "joined_up_planning"],
           "replications": replications, "seed": 1, "horizon_weeks": horizon,
           "warmup_weeks": min(52.0, horizon / 5)}
    if samples > 1:
        doc["uncertainties"] = {"demand.ics_rate_per_week": {"low": 0.05, "high": 0.07}}
        doc["design"] = {"kind": "lhs", "samples": samples}
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def speedup(tmp: Path, replications: int, repeat: int) -> dict[str, float]:
    from orgsim.experiments.runner import run

    path = experiment(tmp, "speed", replications, 260.0)
    best = {"serial": float("inf"), "processes": float("inf")}
    for i in range(repeat):
        for backend in best:
            start = time.perf_counter()
            run(path, tmp / f"speed-{backend}-{i}", backend=backend, workers=2)  # type: ignore[arg-type]
            best[backend] = min(best[backend], time.perf_counter() - start)
    runs = 2 * replications
    return {"runs": runs, "serial_s": best["serial"], "two_workers_s": best["processes"],
            "speedup": best["serial"] / best["processes"], "target": 1.8}


PEAK = ("import resource, sys; from pathlib import Path; from orgsim.experiments.runner import run; "
        "run(sys.argv[1], Path(sys.argv[2]), backend='serial'); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")


def peak_kib(path: Path, out: Path) -> int:
    done = subprocess.run([sys.executable, "-c", PEAK, str(path), str(out)],
                          capture_output=True, text=True, check=True)
    return int(done.stdout.strip().splitlines()[-1])


def memory(tmp: Path, quick: bool) -> dict[str, float]:
    small, large = (50, 500) if quick else (100, 1000)
    kib = {}
    for runs in (small, large):
        path = experiment(tmp, f"mem{runs}", replications=runs // 20, horizon=20.0, samples=10)
        kib[runs] = peak_kib(path, tmp / f"mem-{runs}")
    return {"small_runs": small, "large_runs": large, "small_peak_mib": kib[small] / 1024,
            "large_peak_mib": kib[large] / 1024, "ratio": kib[large] / kib[small], "target": 1.1}


def first_progress(tmp: Path) -> dict[str, float]:
    path = experiment(tmp, "first", 4, 260.0)
    main, child = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen([ORGSIM, "experiment", str(path), "--out", str(tmp / "first")],
                            stdout=child, stderr=child, close_fds=True)
    os.close(child)
    seen, elapsed = b"", float("nan")
    while proc.poll() is None and time.perf_counter() - start < 60:
        ready, _, _ = select.select([main], [], [], 0.05)
        if ready:
            try:
                seen += os.read(main, 4096)
            except OSError:
                break
            if b"preparing" in seen or b"runs" in seen:
                elapsed = time.perf_counter() - start
                break
    proc.kill()  # only the first line matters; a full pseudo-terminal would block the child
    proc.wait()
    os.close(main)
    return {"first_progress_s": elapsed, "target": 3.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sweeps")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--baseline", type=Path, help="source tree of another orgsim (throughput)")
    parser.add_argument("--only", choices=["throughput", "first_progress", "speedup", "memory"],
                        action="append", help="run only these parts (repeatable)")
    args = parser.parse_args()
    parts = args.only or ["throughput", "first_progress", "speedup", "memory"]
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if "throughput" in parts:
            results["throughput"] = throughput(tmp, args.repeat, args.baseline)
        if "first_progress" in parts:
            results["first_progress"] = first_progress(tmp)
        if "speedup" in parts:
            results["speedup"] = speedup(tmp, 10 if args.quick else 20, args.repeat)
        if "memory" in parts:
            results["memory"] = memory(tmp, args.quick)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for name, tp in dict(results.get("throughput") or {}).items():  # type: ignore[call-overload]
        print(f"default comparison ({name}): {tp['runs']} runs in {tp['wall_s']:.1f} s on 2 workers "
              f"-> {tp['runs_per_s']:.2f} runs/s (load {tp['load']:.1f}); CPU {tp['own_cpu_s']:.1f} s "
              f"own + {tp['workers_cpu_s']:.1f} s workers -> {tp['quiet_2_cores_s']:.1f} s, "
              f"{tp['runs_per_s_quiet_2_cores']:.1f} runs/s on 2 quiet cores (target >= 8)")
    if "first_progress" in results:
        fp = results["first_progress"]
        print(f"first progress line after {fp['first_progress_s']:.2f} s (target < 3 s)")  # type: ignore[index]
    if "speedup" in results:
        sp = results["speedup"]
        print(f"speed-up, {sp['runs']} runs: serial {sp['serial_s']:.1f} s, 2 workers "  # type: ignore[index]
              f"{sp['two_workers_s']:.1f} s -> {sp['speedup']:.2f}x (target >= 1.8x)")  # type: ignore[index]
    if "memory" in results:
        mem = results["memory"]
        print(f"peak memory: {mem['small_runs']} runs {mem['small_peak_mib']:.0f} MiB, "  # type: ignore[index]
              f"{mem['large_runs']} runs {mem['large_peak_mib']:.0f} MiB -> {mem['ratio']:.2f}x "  # type: ignore[index]
              "(target <= 1.1x)")


if __name__ == "__main__":
    main()
