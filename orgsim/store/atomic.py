"""Atomic file writes: a crash leaves the old file or none, never half a file.

A file is written under a temporary name beside its final one (`.NAME.XXXXXXXX.tmp.SUFFIX`,
keeping the suffix so writers that choose a format by it still can), then renamed into
place. It gets the mode the user's umask gives a new file, as `open()` would, not the
0600 of `tempfile`: results are often shared with colleagues. Temporary files a killed
writer left behind are removed by `clean_temporary`, which the next writer of the folder
calls once it holds the folder's lock.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

TEMPORARY = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp(\.[A-Za-z0-9]+)?")


def umask() -> int:
    """The process's umask, read without changing it where Linux allows."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)  # elsewhere: read by setting it, then put it back at once
    os.umask(mask)
    return mask


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp)` on a temporary file beside `path`, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~umask())
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    write_atomic(path, write)


def write_bytes(path: Path, data: bytes) -> None:
    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    write_atomic(path, write)


def clean_temporary(folder: Path) -> int:
    """Remove temporary files of `write_atomic` under `folder`; returns how many.

    Only safe while no one else writes there: call it holding the folder's lock.
    """
    removed = 0
    if not Path(folder).is_dir():
        return 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            if TEMPORARY.fullmatch(name):
                Path(dirpath, name).unlink(missing_ok=True)
                removed += 1
    return removed
