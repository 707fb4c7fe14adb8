"""Writing and reading run directories on disk."""

from orgsim.store.rundir import read_metrics, write_run

__all__ = ["read_metrics", "write_run"]
