"""Ctrl-C as at a terminal: SIGINT to a command's whole process group, its workers included."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def ctrl_c(command: list[str], ready: Callable[[], bool], cwd: Path | None = None) -> str:
    """Start `command`, press Ctrl-C once `ready()` (some work is saved); its stderr.

    Asserts what every command says after Ctrl-C: exit status 130 and no traceback, from it
    or from any of its workers.
    """
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, cwd=cwd)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not ready():
        time.sleep(0.05)
    assert proc.poll() is None, "the command ended before it could be stopped"
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err and "KeyboardInterrupt" not in err, err
    return err
