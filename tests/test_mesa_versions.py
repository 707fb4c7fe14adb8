"""Same seed, same bytes on Mesa 3.3 and on Mesa 3.5.

Mesa 3.4 and later need Python 3.12, so this runs `orgsim run` (this work tree's
code) on the shipped scenario, one seed, two operating models, in this interpreter
and in a Python 3.12 venv with Mesa 3.5, and asserts byte-identical metrics.json and
equal tables (events, initiatives, pools, timeseries).

The venv is `.venv-mesa35/` (git-ignored), built when first needed with the first
Python 3.12 found (`python3.12` on PATH, then pyenv's `~/.pyenv/versions/3.12*`) and
rebuilt when pyproject.toml changes (its hash is in a stamp file inside the venv).
It holds orgsim with its dev extras, so `.venv-mesa35/bin/python -m pytest` runs the
whole suite on Mesa 3.5 too. Building it downloads and installs orgsim's dependencies:
a couple of minutes on a fresh machine, once; after that the test takes about ten seconds.

Skipped, with the reason, when no Python 3.12 is found, when this interpreter already
runs Mesa 3.5, when ORGSIM_SKIP_MESA35=1, or when the package registry is too slow for
the build to finish within its time limit. A build that fails outright fails the test
with pip's own words.
"""

from __future__ import annotations

import difflib
import fcntl
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest

from tiny import ROOT, SCENARIO

MESA = "mesa[rec]>=3.5,<3.6"
VENV = ROOT / ".venv-mesa35"
STAMP = VENV / ".orgsim-stamp"
MODELS = ["internal_commissioning", "joined_up_planning"]
SEED = 7
TABLES = ("events", "initiatives", "pools", "timeseries")
PIP = ["--quiet", "--disable-pip-version-check"]
BUILD_SECONDS = 1800  # pip on a fresh machine with a slow registry; a warm rebuild takes ~1.5 min
RUN_SECONDS = 600


def _python312() -> tuple[str, str] | None:
    """(sys.executable, version) of the first working Python 3.12, or None."""
    home = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates = [shutil.which("python3.12"),
                  *sorted(glob.glob(str(home / "versions" / "3.12*" / "bin" / "python3.12")), reverse=True),
                  *sorted(glob.glob("/root/.pyenv/versions/3.12*/bin/python3.12"), reverse=True)]
    for exe in filter(None, candidates):
        try:
            done = subprocess.run([exe, "-c", "import sys, venv; print(sys.executable); print(sys.version)"],
                                  capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        lines = done.stdout.splitlines()
        if done.returncode == 0 and len(lines) >= 2 and lines[1].startswith("3.12"):
            return lines[0], lines[1]
    return None


def _stamp(python: str) -> str:
    """What the venv was built from: pyproject.toml, the Mesa wanted, the interpreter, this tree."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return json.dumps({"pyproject_sha256": digest, "mesa": MESA, "python": python, "root": str(ROOT)})


@pytest.fixture(scope="module")
def mesa35() -> Iterator[str]:
    """The Python of `.venv-mesa35/`, built or rebuilt if needed."""
    if os.environ.get("ORGSIM_SKIP_MESA35") == "1":
        pytest.skip("ORGSIM_SKIP_MESA35=1")
    if metadata.version("mesa").startswith("3.5"):
        pytest.skip(f"this interpreter already runs Mesa {metadata.version('mesa')}: nothing to compare")
    found = _python312()
    if found is None:
        pytest.skip("no Python 3.12 (python3.12 on PATH or ~/.pyenv/versions/3.12*), which Mesa 3.5 needs")
    python, version = found
    tree = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    lock = Path(tempfile.gettempdir()) / f"orgsim-mesa35-{tree}.lock"
    with lock.open("w") as handle:  # two test runs at once build the venv once
        fcntl.flock(handle, fcntl.LOCK_EX)
        wanted = _stamp(python)
        if not (STAMP.exists() and STAMP.read_text() == wanted and (VENV / "bin" / "python").exists()):
            _build(python, version, wanted)
        yield str(VENV / "bin" / "python")


def _build(python: str, version: str, stamp: str) -> None:
    steps = [("python3.12 -m venv", [python, "-m", "venv", "--clear", str(VENV)], 300),
             (f"pip install -e .[dev] '{MESA}'",
              [str(VENV / "bin" / "python"), "-m", "pip", "install", *PIP, "-e", f"{ROOT}[dev]", MESA],
              BUILD_SECONDS)]
    for label, command, seconds in steps:
        try:
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=seconds)
        except subprocess.TimeoutExpired:
            pytest.skip(f"building {VENV.name} with Python {version.split()[0]}: `{label}` took over "
                        f"{seconds} s (package registry too slow?); Mesa 3.5 not checked this time")
        if done.returncode != 0:
            pytest.fail(f"building {VENV.name} with Python {version.split()[0]} failed at "
                        f"`{' '.join(command)}` (exit {done.returncode}):\n{_tail(done)}", pytrace=False)
    STAMP.write_text(stamp)


def _tail(done: subprocess.CompletedProcess[str], lines: int = 30) -> str:
    text = "\n".join(line for line in (done.stdout + done.stderr).splitlines()
                     if not line.startswith("WARNING: Location"))  # pip's notes on absent local indexes
    return "\n".join(text.splitlines()[-lines:])


def _start(python: str, out: Path) -> subprocess.Popen[str]:
    """`orgsim run` of this work tree's code (PYTHONPATH) under `python`."""
    args = [python, "-m", "orgsim.cli", "run", str(SCENARIO), "--seed", str(SEED), "--out", str(out), "-q"]
    for m in MODELS:
        args += ["--model", m]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _finish(proc: subprocess.Popen[str], what: str) -> None:
    try:
        _, err = proc.communicate(timeout=RUN_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"`orgsim run` under {what} took over {RUN_SECONDS} s", pytrace=False)
    assert proc.returncode == 0, f"`orgsim run` under {what} failed (exit {proc.returncode}):\n{err}"


def _versions(python: str) -> str:
    code = ("import sys; from importlib.metadata import version as v; "
            "print(f'Python {sys.version.split()[0]}, Mesa {v(\"mesa\")}, NumPy {v(\"numpy\")}')")
    return subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=120).stdout.strip()


def test_mesa_3_5_gives_the_same_bytes(mesa35: str, tmp_path: Path) -> None:
    here, there = _versions(sys.executable), _versions(mesa35)
    assert "Mesa 3.5" in there, f"{VENV.name} does not run Mesa 3.5 ({there}); delete it to rebuild"
    runs = {"here": _start(sys.executable, tmp_path / "here"), "there": _start(mesa35, tmp_path / "there")}
    _finish(runs["here"], here)
    _finish(runs["there"], there)
    for model in MODELS:
        a, b = tmp_path / "here" / model, tmp_path / "there" / model
        ours, theirs = (a / "metrics.json").read_text(), (b / "metrics.json").read_text()
        diff = "\n".join(list(difflib.unified_diff(ours.splitlines(), theirs.splitlines(), here, there,
                                                    lineterm=""))[:20])
        assert ours == theirs and (a / "metrics.json").read_bytes() == (b / "metrics.json").read_bytes(), (
            f"{model}: metrics.json differs between {here} and {there}:\n{diff}")
        for table in TABLES:
            one, two = pd.read_parquet(a / f"{table}.parquet"), pd.read_parquet(b / f"{table}.parquet")
            assert one.equals(two), f"{model}: {table}.parquet differs between {here} and {there}"
