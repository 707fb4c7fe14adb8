"""Pausing Python's cyclic garbage collector while many objects that are not garbage are made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, if it runs, for the duration.

    Building a run or walking its records allocates tens of thousands of objects
    that live on; each automatic collection would visit every one of them (and
    every record of the run) only to find no garbage.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
