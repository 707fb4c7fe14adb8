"""One writer per results folder.

A command that writes a folder first takes `FOLDER/.orgsim.lock`: an exclusive `flock`
on that file, which the kernel releases when the holder exits however it exits (a
SIGKILL, the out-of-memory killer), so a lock left by a killed process is simply taken
over by the next writer. The file also says who holds it (command, process id, host,
start time), so a second writer is refused with a line naming the holder.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orgsim.config.yamlio import ConfigError
from orgsim.store.atomic import clean_temporary

LOCK = ".orgsim.lock"


class FolderBusy(ConfigError):
    """Another process is writing the folder."""


def writable_folder(folder: Path, option: str = "--out", create: bool = True) -> Path:
    """`folder`, created if needed (and `create`); a ConfigError naming `option` if it cannot be written."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(option, None, "", f"{folder} is a file; expected a folder to write results in")
    if not create and not folder.is_dir():
        raise ConfigError(folder, None, "", "no such folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(option, None, "", f"cannot create the folder {folder}: "
                          f"{exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(option, None, "", f"cannot write in the folder {folder}: permission denied")
    return folder


def _holder(command: str) -> dict[str, Any]:
    return {"command": command, "pid": os.getpid(), "host": socket.gethostname(),
            "started_utc": datetime.now(UTC).isoformat(timespec="seconds")}


def _describe(path: Path) -> str:
    try:
        who = json.loads(path.read_text(encoding="utf-8"))
        return (f"`{who['command']}` (process {who['pid']} on {who['host']}, "
                f"since {who['started_utc']})")
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


def _acquire(folder: Path, command: str) -> int:
    """The open, locked lock file's descriptor; FolderBusy if another process holds it."""
    path = folder / LOCK
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise ConfigError(folder, None, "", f"cannot write in this folder: {exc.strerror or exc}") \
                from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise FolderBusy(folder, None, "", f"is being written by {_describe(path)}; wait for it "
                             "to finish, or choose another folder") from None
        try:  # the holder before us may have removed the file after we opened it: lock the new one
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


@contextmanager
def hold(folder: Path, command: str | None = None, option: str = "--out",
         create: bool = True) -> Iterator[Path]:
    """Hold `folder` (created if needed) for writing; temporary files of killed writers are removed.

    Args:
        folder: The results folder.
        command: How the holder is named to a second writer (default: this process's command line).
        option: The command-line option that named the folder, for messages.
        create: Create the folder if it does not exist (else that is an error).
    """
    folder = writable_folder(folder, option, create)
    command = command or " ".join(["orgsim", *sys.argv[1:]])
    fd = _acquire(folder, command)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, (json.dumps(_holder(command)) + "\n").encode())
        clean_temporary(folder)
        yield folder
    finally:
        try:
            (folder / LOCK).unlink(missing_ok=True)
        finally:
            os.close(fd)
