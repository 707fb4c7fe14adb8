"""Wall and CPU time of an `orgsim` command, for the benchmarks that time whole commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs `orgsim ARGS` and, at exit, writes its own CPU time and its workers' to stderr.
WRAPPER = ("import atexit, json, resource, runpy, sys\n"
           "def note():\n"
           "    me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, "
           "resource.RUSAGE_CHILDREN))\n"
           "    sys.stderr.write('CPU ' + json.dumps([me.ru_utime + me.ru_stime, "
           "kids.ru_utime + kids.ru_stime]) + '\\n')\n"
           "atexit.register(note)\n"
           "sys.argv = ['orgsim', *sys.argv[1:]]\n"
           "runpy.run_module('orgsim.cli', run_name='__main__')\n")


def timed(args: list[str], source: Path | None = None) -> dict[str, float]:
    """Wall and CPU seconds of `orgsim ARGS`: CPU of the command itself and of its workers.

    On 2 quiet cores the command would take about its own CPU time plus half its workers'
    (the workers run two at a time while it mostly waits): `quiet_2_cores_s`.
    """
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)  # with the working directory there, its orgsim is imported
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", WRAPPER, *args], env=env, cwd=source or ROOT,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"orgsim {' '.join(args)} failed:\n{done.stderr}")
    line = [x for x in done.stderr.splitlines() if x.startswith("CPU ")][-1]
    own, workers = json.loads(line[4:])
    return {"wall_s": wall, "cpu_s": own + workers, "own_cpu_s": own, "workers_cpu_s": workers,
            "quiet_2_cores_s": own + workers / 2, "load": os.getloadavg()[0]}
