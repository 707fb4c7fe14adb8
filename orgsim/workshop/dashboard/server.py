"""Starting and stopping the dashboard's web server (`solara run` in a child process).

The child gets the checked settings through ORGSIM_WORKSHOP and writes its own
messages to a log file, so the command's terminal shows only the address and,
if the server fails to start, the end of that log.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from orgsim.config.yamlio import ConfigError
from orgsim.workshop.dashboard.settings import ENV, Settings

APP = Path(__file__).with_name("app.py")
START_SECONDS = 120.0  # importing Mesa and Solara takes a few seconds on a cold machine
QUIET = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "PYTHONUNBUFFERED": "1",
         "SOLARA_THEME_SHOW_BANNER": "False", "SOLARA_THEME_VARIANT": "light"}  # no badge over a chart


class ServerError(Exception):
    """The server process stopped or never answered."""


def _socket(host: str) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.socket(family, socket.SOCK_STREAM)


def loopback(host: str) -> bool:
    """Whether `host` is only reachable from this machine (127.0.0.0/8, ::1 or localhost)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_of(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def listenable(host: str, port: int) -> int:
    """`port` (0: one the system picks) if `host` can listen on it now; else ConfigError."""
    if not 0 <= port < 65536:
        raise ConfigError("--port", None, "", f"must be between 0 and 65535, got {port}")
    with _socket(host) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will: TIME_WAIT is free
        try:
            s.bind((host, port))
        except OSError as exc:
            raise ConfigError("--host/--port", None, "",
                              f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        return int(s.getsockname()[1])


def command(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "solara", "run", str(APP), "--host", host, "--port", str(port),
            "--production", "--no-open", "--log-level", "warning"]


def _wait(url: str, child: subprocess.Popen[bytes], log: Path, stop: threading.Event) -> None:
    """Until the server answers at `url` (or a stop is asked for)."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and not stop.is_set():
        if child.poll() is not None:
            raise ServerError(f"the server stopped (exit status {child.returncode}):\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            stop.wait(0.3)
    if not stop.is_set():
        raise ServerError(f"no answer from {url} after {START_SECONDS:.0f} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 20) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def _stop(child: subprocess.Popen[bytes]) -> None:
    """Ask the server to stop as Ctrl-C would; kill it if it has not after ten seconds."""
    if child.poll() is None:
        child.send_signal(signal.SIGINT)
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def asker(stop: threading.Event) -> Callable[[int, Any], None]:
    """A signal handler that asks `stop` to be set, from a thread of its own.

    A handler runs in the main thread between two of its steps, possibly inside
    `stop.wait` while that holds the event's lock: setting the event there would wait
    for that lock forever, and Ctrl-C would leave the server running.
    """
    def handler(signum: int, frame: Any) -> None:
        threading.Thread(target=stop.set, daemon=True).start()
    return handler


def serve(settings: Settings, host: str, port: int, say: Callable[[str], None]) -> None:
    """Run the dashboard until Ctrl-C (or SIGTERM), saying its address once it answers.

    Ctrl-C in a terminal reaches the server too, which may then stop first: a
    stop asked for, or a server ending with status 0, is a normal end.
    """
    port = listenable(host, port)
    log = Path(tempfile.mkdtemp(prefix="orgsim-workshop-")) / "server.log"
    env = {**os.environ, **QUIET, ENV: settings.to_env()}
    stop = threading.Event()
    previous = {s: signal.signal(s, asker(stop)) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        with log.open("wb") as out:
            child = subprocess.Popen(command(host, port), env=env, stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        try:
            _wait(url_of(host, port), child, log, stop)
            if not stop.is_set():
                say(f"workshop: {url_of(host, port)}  (Ctrl-C stops it; server log: {log})")
            while child.poll() is None and not stop.is_set():
                stop.wait(0.5)
            if not stop.is_set() and child.returncode != 0:
                raise ServerError(f"the server stopped (exit status {child.returncode}):\n{_tail(log)}")
            say("workshop stopped")
        finally:
            _stop(child)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        shutil.rmtree(log.parent, ignore_errors=True)  # the log lives as long as the server
