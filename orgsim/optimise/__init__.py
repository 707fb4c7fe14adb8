"""Many-objective search for the best settings of one operating model (`orgsim optimise FILE`).

`optimise(path)` runs the search of an optimisation file on the experiment
backends and writes the Pareto front, its convergence and each non-dominated
design as an operating model file.
"""

from orgsim.optimise.problem import load
from orgsim.optimise.search import optimise

__all__ = ["load", "optimise"]
