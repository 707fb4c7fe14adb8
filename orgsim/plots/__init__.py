"""Plots: each function takes DataFrames and returns (fig, ax); nothing is shown or simulated.

Figures are built from `matplotlib.figure.Figure` directly, so no pyplot state
or interactive backend is involved; save them with `fig.savefig`.
"""

from orgsim.plots.distributions import distributions
from orgsim.plots.export import png, save
from orgsim.plots.flows import flow_tables, flows
from orgsim.plots.forest import forest
from orgsim.plots.headline import headline
from orgsim.plots.robustness import robustness
from orgsim.plots.sensitivity import sensitivity
from orgsim.plots.structure import structure
from orgsim.plots.style import model_colours
from orgsim.plots.timegoes import time_goes
from orgsim.plots.timeseries import over_time
from orgsim.plots.utilisation import utilisation, utilisation_table

__all__ = ["distributions", "flow_tables", "flows", "forest", "headline", "model_colours",
           "over_time", "png", "robustness", "save", "sensitivity", "structure", "time_goes",
           "utilisation", "utilisation_table"]
