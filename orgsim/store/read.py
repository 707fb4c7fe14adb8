"""Reading result files back, with every failure said as one line naming the file.

A results folder can be damaged in many ways: a file missing, empty, cut short by a
full disk, overwritten by another program, or written by a version with other columns.
These readers turn each into a `ResultsError` (`file: what is wrong`) instead of a
traceback from deep inside pyarrow or json.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from orgsim.config.yamlio import ConfigError


class ResultsError(ConfigError):
    """A results file that is missing, unreadable, or not what the folder's other files say."""

    def __init__(self, file: str | Path, message: str) -> None:
        super().__init__(file, None, "", message)


def read_parquet(path: Path, required: Iterable[str] = (), what: str = "") -> pd.DataFrame:
    """The table in `path`, which must exist, be whole Parquet, and have the `required` columns."""
    import pyarrow as pa

    path = Path(path)
    hint = f" ({what})" if what else ""
    if not path.is_file():
        raise ResultsError(path, f"missing{hint}")
    if path.stat().st_size == 0:
        raise ResultsError(path, "is empty (0 bytes); expected a Parquet table")
    try:
        frame = pd.read_parquet(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ResultsError(path, f"is not a readable Parquet table (damaged or cut short?): "
                           f"{first}") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ResultsError(path, f"has no column {', '.join(map(repr, missing))}; "
                           "was it written by another version of orgsim?")
    return frame


def read_json(path: Path, what: str = "") -> Any:
    """The JSON document in `path`, which must exist and parse."""
    path = Path(path)
    if not path.is_file():
        raise ResultsError(path, f"missing{f' ({what})' if what else ''}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ResultsError(path, f"is not readable JSON (damaged or cut short?): {exc}") from None
