"""Writing run directories on disk."""

from orgsim.store.rundir import write_run

__all__ = ["write_run"]
