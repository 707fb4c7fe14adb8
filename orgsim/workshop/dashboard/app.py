"""The page `solara run` serves: SolaraViz around a `Workshop` built from ORGSIM_WORKSHOP.

Start it with `orgsim workshop`, which checks the files first and sets the
variable; `solara run` imports this module and shows `page`.
"""

from __future__ import annotations

from mesa.visualization import SolaraViz

from orgsim.workshop.dashboard.components import panels
from orgsim.workshop.dashboard.model import Workshop
from orgsim.workshop.dashboard.params import model_params
from orgsim.workshop.dashboard.settings import Settings

settings = Settings.from_env()
page = SolaraViz(Workshop(settings), components=panels(settings), model_params=model_params(settings),
                 name="orgsim workshop", play_interval=50)
