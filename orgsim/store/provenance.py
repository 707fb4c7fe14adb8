"""What made a result: orgsim's version and source commit, the libraries, the command line.

The commit is that of the source tree orgsim was imported from (the folder holding
`orgsim/__init__.py`), never of the folder a command runs in: a command run inside
another project's repository, or outside any repository, still names orgsim's own
commit. A tree with uncommitted changes to tracked files is marked dirty, since its
commit alone does not say what ran. An installed copy that is not a git checkout has
no commit (None).
"""

from __future__ import annotations

import functools
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

# Libraries whose versions can change a result or its tables, recorded in every manifest.
LIBRARIES = ("mesa", "simpy", "numpy", "pandas", "scipy", "salib", "pyarrow", "pydantic", "pyyaml")
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the folder holding orgsim/__init__.py


def package_version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class Identity:
    """orgsim's version, and the commit of its source tree with whether it had uncommitted changes."""

    version: str
    commit: str | None
    dirty: bool | None

    @property
    def short(self) -> str | None:
        return self.commit[:7] if self.commit else None

    def __str__(self) -> str:
        """`0.1.0 (fdf92dd)`, `0.1.0 (fdf92dd, dirty)` or `0.1.0 (no git commit)`."""
        if not self.commit:
            return f"{self.version} (no git commit)"
        return f"{self.version} ({self.short}{', dirty' if self.dirty else ''})"


def _git(folder: Path, *args: str) -> str | None:
    """Output of `git -C folder ARGS`, or None when git is missing or fails.

    GIT_DIR and GIT_WORK_TREE are dropped, so that a repository named by the caller's
    environment cannot stand in for the one holding `folder`.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    try:
        out = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                             timeout=10, env=env)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def source_identity(package_dir: Path = PACKAGE_DIR) -> Identity:
    """The identity of the orgsim imported from `package_dir`.

    The commit counts only when `package_dir`'s own `__init__.py` is tracked by the repository
    git finds there: an installed copy inside some other repository (a virtualenv in a project)
    has no commit of its own.
    """
    version = package_version("orgsim")
    if _git(package_dir, "ls-files", "--error-unmatch", "__init__.py") is None:
        return Identity(version, None, None)
    commit = _git(package_dir, "rev-parse", "HEAD")
    if not commit:
        return Identity(version, None, None)
    status = _git(package_dir, "status", "--porcelain", "--untracked-files=no")
    return Identity(version, commit, None if status is None else bool(status))


@functools.lru_cache(maxsize=1)
def identity() -> Identity:
    """The running orgsim's identity (looked up once per process)."""
    return source_identity()


def versions() -> dict[str, str]:
    """orgsim, Python and each library of `LIBRARIES`, by name."""
    return {"orgsim": package_version("orgsim"), "python": platform.python_version(),
            **{name: package_version(name) for name in LIBRARIES}}


def provenance() -> dict[str, Any]:
    """The manifest's fields that say what made a result (flat, as manifests have always been)."""
    ident = identity()
    return {**versions(), "orgsim_identity": str(ident), "git_commit": ident.commit,
            "git_dirty": ident.dirty, "command_line": command_line()}


def command_line() -> list[str]:
    """The command as typed: the program's name (not its full path) and its arguments."""
    argv = list(sys.argv) or [""]
    return [Path(argv[0]).name, *argv[1:]]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sessions(old: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The runs of an experiment so far, from its previous manifest (none when it starts afresh).

    A manifest written before sessions were kept gives one session from its own start and end.
    """
    if not old:
        return []
    kept = old.get("sessions")
    if isinstance(kept, list):
        return [dict(s) for s in kept if isinstance(s, dict)]
    if old.get("started_utc"):
        return [{"started_utc": old["started_utc"], "finished_utc": old.get("finished_utc"),
                 "resumed_from": old.get("resumed_from", 0)}]
    return []


def first_start(history: list[dict[str, Any]], default: str) -> str:
    """When the experiment first started: the earliest session's start, else `default`."""
    starts = [str(s["started_utc"]) for s in history if s.get("started_utc")]
    return min(starts) if starts else default
