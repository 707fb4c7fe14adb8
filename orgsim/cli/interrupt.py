"""Ctrl-C in a command that saves each finished run as it goes: what was kept, and how to go on.

`orgsim experiment`, `optimise` and `calibrate` store every run as it finishes. Ctrl-C
stops the command and its pool of workers (which leave Ctrl-C to it); the command then
says how much is saved, and where, and prints the exact command that continues from
there (`--resume`, the same folder and backend), and exits with status 130, as a shell
expects after Ctrl-C.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import typer

from orgsim.cli.options import BACKEND, WORKERS
from orgsim.cli.progress import Bar
from orgsim.config.limits import count


@dataclass(frozen=True)
class Resumable:
    """A command line that can be stopped and continued: `orgsim COMMAND FILE` and its options."""

    command: str
    file: Path
    out: Path | None
    backend: str
    workers: int
    scheduler: str | None

    @contextmanager
    def saving(self, bar: Bar, kept: Callable[[Path], int], where: str, thing: str = "run",
               total: int | None = None) -> Iterator[None]:
        """Run the body with `bar`. After Ctrl-C, say that `kept(folder)` finished `thing`s (of
        `total`, when known) are saved in `where` in the results folder, and exit 130."""
        try:
            yield
        except KeyboardInterrupt:
            bar.stop()
            self._stopped(kept, where, thing, total)
        finally:
            bar.stop()

    def _stopped(self, kept: Callable[[Path], int], where: str, thing: str, total: int | None) -> None:
        root = self.folder()
        done = kept(root) if root is not None and root.is_dir() else 0
        if not done:
            typer.echo(f"interrupted: no {thing} had finished, so nothing was saved; run "
                       f"`{self.line(root, resume=False)}` again to start", err=True)
            raise typer.Exit(130)
        assert root is not None
        saved = f"{done:,} of {count(total, thing)}" if total is not None else count(done, thing)
        verb = "is" if done == 1 and total is None else "are"
        typer.echo(f"interrupted: {saved} finished and {verb} saved in {root / where} ({thing}s under "
                   f"way when it stopped were not kept).\nTo continue: {self.line(root, resume=True)}",
                   err=True)
        raise typer.Exit(130)

    def folder(self) -> Path | None:
        """The results folder: --out, else results/NAME; None when the file names none (then
        nothing has run: every file is checked first)."""
        if self.out is not None:
            return self.out
        from orgsim.config.yamlio import ConfigError, read_yaml

        try:
            doc = read_yaml(self.file).data
        except ConfigError:
            return None
        name = doc.get("name") if isinstance(doc, dict) else None
        return Path("results") / name if isinstance(name, str) else None

    def line(self, root: Path | None, resume: bool) -> str:
        """The command line again, writing in `root`, continuing (--resume) or not."""
        options = ["--resume"] if resume else []
        if root is not None:
            options += ["--out", str(root)]
        if self.backend != BACKEND:
            options += ["--backend", self.backend]
        if self.workers != WORKERS:
            options += ["--workers", str(self.workers)]
        if self.scheduler:
            options += ["--scheduler", self.scheduler]
        return " ".join(shlex.quote(p) for p in ["orgsim", self.command, str(self.file), *options])
