"""Statistics of experiments: intervals, paired differences, sensitivity and robustness.

`summarise(results_dir)` is the entry point; it returns a `Summary` of
DataFrames and writes them as CSV files under `results_dir/summary/`.
"""

from __future__ import annotations

from orgsim.analysis.robustness import robustness
from orgsim.analysis.sensitivity import sensitivity
from orgsim.analysis.stats import Estimate, Paired, mean_ci, paired
from orgsim.analysis.summary import Summary, load, summarise

__all__ = ["Estimate", "Paired", "Summary", "load", "mean_ci", "paired", "robustness",
           "sensitivity", "summarise"]
