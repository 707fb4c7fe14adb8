"""Finished simulations of a calibration, kept as they arrive so a killed run loses none.

One append-only file of pickled `(key, result)` records, each flushed to the
operating system as it arrives: a killed process loses none of them (syncing to
disk after each, against power cuts, would cost more than the runs). A kill can
leave a half-written record at the end: reading stops there and the file is cut
back to the last whole record before anything is appended.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

NAME = "simulations.log"  # in a calibration's results folder


def _records(path: Path) -> tuple[dict[str, Any], int]:
    """The whole records of the log at `path`, and where the last one ends."""
    done: dict[str, Any] = {}
    good = 0
    if path.exists():
        with open(path, "rb") as fh:
            while True:
                try:
                    key, result = pickle.load(fh)
                except (EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
                    break
                done[key] = result
                good = fh.tell()
    return done, good


def finished(path: Path) -> int:
    """How many simulations the log at `path` holds, without changing it."""
    return len(_records(path)[0])


class Log:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.done, good = _records(path)
        if path.exists():
            with open(path, "rb+") as fh:
                fh.truncate(good)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(path, "ab")  # noqa: SIM115 - kept open for the run, closed by close()

    def add(self, key: str, result: Any) -> None:
        pickle.dump((key, result), self._fh, protocol=pickle.HIGHEST_PROTOCOL)
        self._fh.flush()
        self.done[key] = result

    def close(self) -> None:
        self._fh.close()
