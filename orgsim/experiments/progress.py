"""What long work reports as it goes: how many tasks there are, and each one done.

Experiments, calibrations, optimisations and the report's drawing take a
`Progress`; the command line passes a bar (`orgsim.cli.progress.Bar`), a library
caller nothing, which means `Silent`.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def start(self, total: int, done: int) -> None: ...
    def advance(self) -> None: ...


class Silent:
    """Progress that shows nothing."""

    def start(self, total: int, done: int) -> None:
        pass

    def advance(self) -> None:
        pass

    def say(self, text: str) -> None:
        pass
