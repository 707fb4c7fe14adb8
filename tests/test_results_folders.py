"""Results folders: one writer at a time, workers that die with their parent, tables checked
against their manifest, files written whole with the user's umask, nothing temporary left."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from orgsim.store.atomic import write_text

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny" / "scenario.yaml"
ORGSIM = str(Path(sys.executable).parent / "orgsim")
LOCK = ".orgsim.lock"


def experiment(where: Path, name: str = "tiny", **changes: object) -> Path:
    """A small experiment on the tiny scenario: two models, two replications."""
    doc: dict[str, object] = {"name": name, "scenario": str(TINY), "models": ["tiny", "tiny_reject"],
                              "replications": 2, "seed": 5}
    doc.update(changes)
    path = where / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def orgsim(*args: object, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ORGSIM, *map(str, args)], capture_output=True, text=True, timeout=300,
                          **kw)  # type: ignore[call-overload]


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    return done.stderr


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished experiment's results folder (copy it before changing it)."""
    where = tmp_path_factory.mktemp("finished")
    done = orgsim("experiment", experiment(where), "--out", where / "out", "--backend", "serial", "-q")
    assert done.returncode == 0, done.stderr
    return where / "out"


def copy_of(folder: Path, tmp: Path) -> Path:
    out = tmp / folder.name
    shutil.copytree(folder, out)
    return out


def holding_process(folder: Path, tmp: Path) -> subprocess.Popen[bytes]:
    """A Python process that holds `folder` as a writer would, until killed."""
    ready = tmp / "ready"
    code = ("import sys, time, pathlib\nfrom orgsim.store.lock import hold\n"
            f"with hold(pathlib.Path({str(folder)!r}), 'orgsim experiment other.yaml'):\n"
            f"    pathlib.Path({str(ready)!r}).touch()\n    time.sleep(600)\n")
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.time() + 60
    while not ready.exists():
        assert proc.poll() is None and time.time() < deadline, "the holder did not start"
        time.sleep(0.05)
    return proc


def test_a_second_experiment_writing_the_same_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = experiment(tmp_path, "first", horizon_weeks=20)
    holder = holding_process(out, tmp_path)
    try:
        err = one_line(orgsim("experiment", first, "--out", out, "--backend", "serial", "-q"))
        assert "is being written by `orgsim experiment other.yaml` (process " in err
        assert f"process {holder.pid} " in err
    finally:
        holder.kill()
        holder.wait()
    assert not (out / "runs").exists() and not (out / "metrics.parquet").exists()


def test_two_experiments_started_together_one_wins_and_the_results_are_its_own(tmp_path: Path) -> None:
    out = tmp_path / "out"
    a = experiment(tmp_path, "a", seed=1, replications=6)
    b = experiment(tmp_path, "b", seed=2, replications=6)
    procs = [subprocess.Popen([ORGSIM, "experiment", str(p), "--out", str(out), "--backend", "serial",
                               "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for p in (a, b)]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    loser = next(err for code, err in results if code == 2)
    assert "is being written by" in loser and "Traceback" not in loser
    winner = json.loads((out / "experiment.json").read_text())["name"]
    done = orgsim("summarise", out)
    assert done.returncode == 0, done.stderr
    import pandas as pd

    seeds = json.loads((out / "manifest.json").read_text())["replication_seeds"]
    metrics = pd.read_parquet(out / "metrics.parquet")
    assert sorted(metrics["seed"].unique()) == sorted(set(seeds)) and winner in ("a", "b")


def test_a_lock_left_by_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    out = tmp_path / "out"
    holder = holding_process(out, tmp_path)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (out / LOCK).exists()  # left behind, naming a dead process
    done = orgsim("experiment", experiment(tmp_path, horizon_weeks=20), "--out", out, "--backend",
                  "serial", "-q")
    assert done.returncode == 0, done.stderr
    assert not (out / LOCK).exists()


@pytest.mark.parametrize("command", ["run", "summarise", "report"])
def test_every_command_that_writes_a_results_folder_holds_it(tmp_path: Path, finished: Path,
                                                             command: str) -> None:
    out = copy_of(finished, tmp_path) if command != "run" else tmp_path / "run"
    args = {"run": ["run", TINY, "--out", out, "-q"], "summarise": ["summarise", out],
            "report": ["report", out]}[command]
    holder = holding_process(out, tmp_path)
    try:
        assert "is being written by `orgsim experiment other.yaml`" in one_line(orgsim(*args))
    finally:
        holder.kill()
        holder.wait()
    assert orgsim(*args).returncode == 0  # once the holder is gone


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads processes from /proc")
def test_pool_workers_exit_when_the_sweep_is_killed(tmp_path: Path) -> None:
    path = experiment(tmp_path, replications=400, horizon_weeks=20)
    proc = subprocess.Popen([ORGSIM, "experiment", str(path), "--out", str(tmp_path / "out"),
                             "--backend", "processes", "--workers", "2", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    workers: list[int] = []
    while time.time() < deadline and len(list((tmp_path / "out" / "runs").glob("*.json"))) < 4:
        time.sleep(0.05)
    workers = [c for c in _children(proc.pid) if _alive(c)]
    assert workers, "the sweep should be running in worker processes"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 15
    while time.time() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    left = [w for w in workers if _alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert not left, f"workers {left} outlived their killed parent"


def test_summarise_and_report_refuse_metrics_from_another_experiment(tmp_path: Path,
                                                                      finished: Path) -> None:
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    done = orgsim("experiment", experiment(other_dir, seed=99), "--out", other_dir / "out",
                  "--backend", "serial", "-q")
    assert done.returncode == 0, done.stderr
    out = copy_of(finished, tmp_path)
    shutil.copy(other_dir / "out" / "metrics.parquet", out / "metrics.parquet")
    for command in ("summarise", "report"):
        err = one_line(orgsim(command, out))
        assert f"{out / 'metrics.parquet'}: is not the table this experiment wrote" in err


def test_a_metrics_table_with_foreign_seeds_is_refused_even_without_recorded_hashes(
        tmp_path: Path, finished: Path) -> None:
    import pandas as pd

    out = copy_of(finished, tmp_path)
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["tables_sha256"]  # as an older orgsim wrote it
    (out / "manifest.json").write_text(json.dumps(manifest))
    metrics = pd.read_parquet(out / "metrics.parquet")
    metrics.loc[metrics["replication"] == 1, "seed"] += 1
    metrics.to_parquet(out / "metrics.parquet", index=False)
    err = one_line(orgsim("summarise", out))
    assert "replication 1 was run with seed" in err and "another experiment" in err


def test_report_says_loudly_when_the_configuration_changed_since_the_run(tmp_path: Path) -> None:
    scenario_dir = tmp_path / "sc"
    shutil.copytree(TINY.parent, scenario_dir)
    path = experiment(tmp_path, scenario=str(scenario_dir / "scenario.yaml"))
    out = tmp_path / "out"
    assert orgsim("experiment", path, "--out", out, "--backend", "serial", "-q").returncode == 0
    assert orgsim("report", out).returncode == 0
    assert "configuration has changed" not in (out / "report.html").read_text()
    text = (scenario_dir / "scenario.yaml").read_text().replace("maturity_gain: 0.25",
                                                                "maturity_gain: 0.5")
    (scenario_dir / "scenario.yaml").write_text(text)
    done = orgsim("report", out)
    assert done.returncode == 0, done.stderr
    page = (out / "report.html").read_text()
    assert "The configuration has changed since these results were run (tiny, tiny_reject)" in page
    assert page.index("configuration has changed") < page.index("Headline outcomes")


def test_resume_compares_the_experiment_not_its_bytes(tmp_path: Path) -> None:
    path = experiment(tmp_path, horizon_weeks=20)
    out = tmp_path / "out"
    assert orgsim("experiment", path, "--out", out, "--backend", "serial", "-q").returncode == 0
    path.write_text("# a comment and a blank line change nothing\n\n" + path.read_text())
    done = orgsim("experiment", path, "--out", out, "--backend", "serial", "-q", "--resume")
    assert done.returncode == 0, done.stderr
    path.write_text(path.read_text().replace("seed: 5", "seed: 6"))
    err = one_line(orgsim("experiment", path, "--out", out, "--backend", "serial", "-q", "--resume"))
    assert "was made from a different experiment" in err


def _modes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode)
            for p in folder.rglob("*") if p.is_file() and p.name != LOCK}


@pytest.mark.parametrize("mask", [0o022, 0o002])
def test_files_get_the_mode_the_umask_gives(tmp_path: Path, mask: int) -> None:
    path = experiment(tmp_path, horizon_weeks=20)

    def with_mask() -> None:
        os.umask(mask)

    for args in (["experiment", path, "--out", tmp_path / "exp", "--backend", "serial", "-q"],
                 ["report", tmp_path / "exp"], ["run", TINY, "--out", tmp_path / "run", "-q"],
                 ["replay", tmp_path / "run" / "tiny", "--animate", tmp_path / "run" / "flow.gif"]):
        done = orgsim(*args, preexec_fn=with_mask)
        assert done.returncode == 0, done.stderr
    modes = {**_modes(tmp_path / "exp"), **_modes(tmp_path / "run")}
    assert {"report.html", "metrics.parquet", "summary/by_model.csv", "manifest.json",
            "tiny/events.parquet", "flow.gif", "comparison.csv"} <= set(modes)
    assert any(name.startswith("plots/") for name in modes)
    wrong = {name: oct(m) for name, m in modes.items() if m != 0o666 & ~mask}
    assert not wrong


def test_temporary_files_of_a_killed_writer_are_removed_by_the_next(tmp_path: Path,
                                                                   finished: Path) -> None:
    out = copy_of(finished, tmp_path)
    stale = [out / ".metrics.parquet.ab12cd34.tmp.parquet",
             out / "summary" / ".by_model.csv.x1y2z3w4.tmp.csv",
             out / "plots" / ".flows.png.k9k9k9k9.tmp.png",
             out / "runs" / ".p00000.json.a_b_c_d_.tmp.json"]
    for s in stale:
        s.parent.mkdir(parents=True, exist_ok=True)
        s.write_bytes(b"half a file")
    keep = out / "notes.tmp"  # not one of ours
    keep.write_text("mine")
    assert orgsim("report", out).returncode == 0
    assert not [s for s in stale if s.exists()] and keep.exists()
    assert not [p for p in out.rglob("*.tmp*") if p != keep]


def test_an_interrupted_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "table.csv"
    write_text(target, "old\n")

    def fail(tmp: Path) -> None:
        tmp.write_text("half")
        raise KeyboardInterrupt

    from orgsim.store.atomic import write_atomic

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, fail)
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["table.csv"]


@pytest.mark.parametrize("where", ["file", "under a file", "unwritable"])
def test_out_that_cannot_hold_results_is_refused_in_one_line(tmp_path: Path, where: str) -> None:
    a_file = tmp_path / "results.txt"
    a_file.write_text("not a folder")
    if where == "unwritable":
        if os.geteuid() == 0:
            out = Path("/proc/self/orgsim-results")  # not even root can create a folder here
        else:
            (tmp_path / "ro").mkdir(mode=0o500)
            out = tmp_path / "ro" / "out"
    else:
        out = a_file if where == "file" else a_file / "out"
    for args in (["run", TINY, "--out", out, "-q"],
                 ["experiment", experiment(tmp_path, horizon_weeks=20), "--out", out, "-q"]):
        err = one_line(orgsim(*args))
        assert "--out" in err and str(out) in err


def test_the_workshop_leaves_no_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from orgsim.workshop.dashboard import server
    from orgsim.workshop.dashboard.settings import Settings

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    code = ("import http.server, sys, threading\n"
            "handler = http.server.SimpleHTTPRequestHandler\n"
            "s = http.server.HTTPServer((sys.argv[1], int(sys.argv[2])), handler)\n"
            "threading.Timer(1.5, s.shutdown).start()\ns.serve_forever()\n")
    monkeypatch.setattr(server, "command", lambda host, port: [sys.executable, "-c", code, host, str(port)])
    said: list[str] = []
    server.serve(Settings(scenario=str(TINY)), "127.0.0.1", 0, said.append)
    assert said[-1] == "workshop stopped"
    assert list(tmp_path.iterdir()) == []


def test_a_temporary_file_in_runs_is_not_a_finished_run(tmp_path: Path) -> None:
    from orgsim.experiments.store import Store

    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "p00000-r0000-tiny.json").write_text("{}")
    (runs / ".p00000-r0001-tiny.json.abcd1234.tmp.json").write_text("{")
    assert Store(tmp_path).done() == {"p00000-r0000-tiny"}


def test_compute_metrics_takes_a_run_folders_tables_as_it_did_and_the_records(tmp_path: Path) -> None:
    """`orgsim.compute_metrics` on the tables of a run folder (the first form of the API, which a
    script may still use) gives the metrics the records give, and those the run folder holds."""
    import pandas as pd

    import orgsim

    result, metrics = orgsim.run(TINY, "tiny", seed=4)
    folder = orgsim.write_run(tmp_path, result, metrics)
    sc = result.plan.scenario
    w = orgsim.Window(sc.warmup_weeks, sc.horizon_weeks)
    tables = [pd.read_parquet(folder / f"{name}.parquet") for name in ("events", "initiatives", "pools")]
    from_tables = orgsim.compute_metrics(*tables, w)
    from_records = orgsim.compute_metrics(result.records, result.initiatives, result.pools, w)
    mixed = orgsim.compute_metrics(tables[0], result.initiatives, tables[2], w=w)
    assert from_tables == from_records == mixed
    saved = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert saved["needs_met"] == pytest.approx(from_tables["needs_met"])
    assert from_tables["counts"]["arrived"] > 0
