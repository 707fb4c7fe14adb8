"""Records in, metrics out: no simulation happens here."""

from orgsim.metrics.core import Window, compute, summary

__all__ = ["Window", "compute", "summary"]
