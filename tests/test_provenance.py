"""Provenance: a manifest names orgsim's own version and source commit (wherever the command ran),
whether that tree had uncommitted changes, the libraries and the command line; a resumed
experiment keeps its first start; CITATION.cff, `orgsim --version` and the report agree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from orgsim.store.provenance import LIBRARIES, identity, source_identity

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny" / "scenario.yaml"
ORGSIM = str(Path(sys.executable).parent / "orgsim")
ENV = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, env=ENV,
                          check=True)
    return done.stdout.strip()


def new_repository(folder: Path, files: dict[str, str]) -> str:
    """A git repository in `folder` holding `files`, committed; returns its commit."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "x")
    return git(folder, "rev-parse", "HEAD")


def experiment(where: Path) -> Path:
    doc = {"name": "tiny", "scenario": str(TINY), "models": ["tiny", "tiny_reject"],
           "replications": 2, "seed": 5}
    path = where / "tiny.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def orgsim(cwd: Path, *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ORGSIM, *map(str, args)], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env=ENV)


ORGSIM_COMMIT = git(ROOT, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished experiment's results folder (copy it before changing it)."""
    where = tmp_path_factory.mktemp("finished")
    done = orgsim(where, "experiment", experiment(where), "--out", "out", "--backend", "serial", "-q")
    assert done.returncode == 0, done.stderr
    return where / "out"


def copy_of(folder: Path, tmp_path: Path) -> Path:
    shutil.copytree(folder, tmp_path / "out")
    shutil.copy(folder.parent / "tiny.yaml", tmp_path / "tiny.yaml")
    return tmp_path / "out"


@pytest.mark.parametrize("inside", ["an unrelated repository", "no repository"])
def test_the_commit_recorded_is_orgsims_wherever_the_command_runs(tmp_path: Path, inside: str) -> None:
    cwd = tmp_path / "elsewhere"
    other = new_repository(cwd, {"notes.txt": "another project\n"}) if inside != "no repository" \
        else None
    cwd.mkdir(exist_ok=True)
    if other is None and subprocess.run(["git", "-C", str(cwd), "rev-parse"], capture_output=True,
                                        env=ENV).returncode == 0:
        pytest.skip("the temporary folder lies inside a git repository on this machine")
    done = orgsim(cwd, "experiment", experiment(cwd), "--out", "out", "--backend", "serial", "-q")
    assert done.returncode == 0, done.stderr
    ran = orgsim(cwd, "run", TINY, "--out", "run")
    assert ran.returncode == 0, ran.stderr
    for path in (cwd / "out" / "manifest.json", cwd / "run" / "tiny" / "manifest.json"):
        manifest = json.loads(path.read_text())
        assert manifest["git_commit"] == ORGSIM_COMMIT != other
        assert manifest["git_dirty"] == identity().dirty
        assert manifest["orgsim_identity"] == str(identity())
        assert manifest["command_line"][:2] in (["orgsim", "experiment"], ["orgsim", "run"])
        for name in ("orgsim", "python", *LIBRARIES):
            assert manifest[name] and manifest[name] != "unknown", name


def test_a_tree_with_uncommitted_changes_is_dirty(tmp_path: Path) -> None:
    commit = new_repository(tmp_path / "src", {"pkg/__init__.py": "x = 1\n"})
    clean = source_identity(tmp_path / "src" / "pkg")
    assert (clean.commit, clean.dirty) == (commit, False)
    assert str(clean).endswith(f"({commit[:7]})")
    (tmp_path / "src" / "pkg" / "__init__.py").write_text("x = 2\n")
    dirty = source_identity(tmp_path / "src" / "pkg")
    assert (dirty.commit, dirty.dirty) == (commit, True) and str(dirty).endswith(f"({commit[:7]}, dirty)")


def test_a_copy_inside_another_repository_has_no_commit(tmp_path: Path) -> None:
    """An installed copy (a virtualenv inside some project) is not that project's commit."""
    new_repository(tmp_path / "project", {"README": "a project\n"})
    copy = tmp_path / "project" / "venv" / "orgsim"
    copy.mkdir(parents=True)
    shutil.copy(ROOT / "orgsim" / "__init__.py", copy / "__init__.py")
    found = source_identity(copy)
    assert found.commit is None and found.dirty is None and str(found).endswith("(no git commit)")


def test_a_resumed_experiment_keeps_its_first_start(finished: Path, tmp_path: Path) -> None:
    out = copy_of(finished, tmp_path)
    first = json.loads((out / "manifest.json").read_text())
    first.update(started_utc="2020-01-01T00:00:00+00:00")  # as if it had started long ago
    first["sessions"][0]["started_utc"] = first["started_utc"]
    del first["finished_utc"]  # and been killed
    first["sessions"][0]["finished_utc"] = None
    (out / "manifest.json").write_text(json.dumps(first))
    for lost in sorted((out / "runs").glob("*.json"))[:3]:
        lost.unlink()
    done = orgsim(tmp_path, "experiment", experiment(tmp_path), "--out", out, "--backend", "serial",
                  "-q", "--resume")
    assert done.returncode == 0, done.stderr
    after = json.loads((out / "manifest.json").read_text())
    assert after["started_utc"] == "2020-01-01T00:00:00+00:00"
    assert after["finished_utc"] >= after["last_started_utc"] > after["started_utc"]
    assert [s["resumed_from"] for s in after["sessions"]] == [0, after["runs"] - 3]
    assert after["sessions"][0]["finished_utc"] is None and after["sessions"][1]["finished_utc"]
    assert "--resume" in after["sessions"][1]["command_line"]


def test_a_manifest_from_before_sessions_keeps_its_start(finished: Path, tmp_path: Path) -> None:
    out = copy_of(finished, tmp_path)
    old = json.loads((out / "manifest.json").read_text())
    for key in ("sessions", "last_started_utc"):
        del old[key]
    old["started_utc"] = "2021-06-01T10:00:00+00:00"
    (out / "manifest.json").write_text(json.dumps(old))
    assert orgsim(tmp_path, "experiment", experiment(tmp_path), "--out", out, "--backend", "serial",
                  "-q", "--resume").returncode == 0
    after = json.loads((out / "manifest.json").read_text())
    assert after["started_utc"] == "2021-06-01T10:00:00+00:00" and len(after["sessions"]) == 2


def test_version_report_and_citation_name_the_same_orgsim(finished: Path, tmp_path: Path) -> None:
    version = orgsim(tmp_path, "--version").stdout.strip()
    assert version == f"orgsim {identity()}"
    assert identity().short and identity().short in version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["version"] == project["version"] == identity().version
    out = copy_of(finished, tmp_path)
    assert orgsim(tmp_path, "report", out).returncode == 0
    html = (out / "report.html").read_text()
    footer = html[html.index("<footer>"):]
    assert f"Written by orgsim {identity()}" in footer and "CITATION.cff" in footer


def test_citation_file_follows_cff_1_2_0() -> None:
    """The keys CFF 1.2.0 requires, with the types its schema gives; no licence the project does
    not state."""
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert isinstance(cff["message"], str) and isinstance(cff["title"], str)
    assert cff["type"] in ("software", "dataset")
    assert cff["authors"] and all(("name" in a) != ("family-names" in a) for a in cff["authors"])
    allowed = {"abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi",
               "identifiers", "keywords", "license", "license-url", "message", "preferred-citation",
               "references", "repository", "repository-artifact", "repository-code", "title", "type",
               "url", "version"}
    assert set(cff) <= allowed
    stated = (ROOT / "LICENSE").exists() or "license" in tomllib.loads(
        (ROOT / "pyproject.toml").read_text())["project"]
    assert ("license" in cff) == stated
