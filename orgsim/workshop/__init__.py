"""Workshop tools that read a recorded run back: a narrative, journeys and an animation's tables.

Nothing here simulates: every function reads the files of a run directory.
"""

from orgsim.workshop.frames import Frames, frames
from orgsim.workshop.journey import Journey, Step, journey
from orgsim.workshop.replay import Totals, Week, heading, narrative
from orgsim.workshop.rundata import ReplayError, RunData, load_run
from orgsim.workshop.waits import segments

__all__ = ["Frames", "Journey", "ReplayError", "RunData", "Step", "Totals", "Week", "frames",
           "heading", "journey", "load_run", "narrative", "segments"]
