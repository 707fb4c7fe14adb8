"""The dashboard's sidebar controls, in the form SolaraViz takes (`model_params`).

A dict with a "type" is a control; anything else is passed unchanged to
`Workshop` on every reset. Each lever's neutral value, 1, is its default.
"""

from __future__ import annotations

from typing import Any

from orgsim.workshop.dashboard.levers import ALL
from orgsim.workshop.dashboard.model import NONE
from orgsim.workshop.dashboard.settings import Settings

# name -> (label, min, max, step) of the multiplier sliders
LEVERS = {
    "cadence": ("Weeks between forum meetings ×", 0.25, 4.0, 0.25),
    "overhead": ("Planning overhead ×", 0.0, 4.0, 0.25),
    "detection": ("Duplicate detection ×", 0.0, 1.5, 0.05),
    "staff": ("Staff ×", 0.25, 3.0, 0.25),
    "demand": ("Demand ×", 0.25, 3.0, 0.25),
}


def model_params(settings: Settings) -> dict[str, Any]:
    """Controls for `settings`: a replay has none, a live run has models and levers."""
    if settings.replay:
        return {"settings": settings}
    shown = [*settings.models, NONE][:2]
    params: dict[str, Any] = {
        "settings": settings,
        "model_a": {"type": "Select", "value": shown[0], "values": list(settings.choices),
                    "label": "Operating model A"},
        "model_b": {"type": "Select", "value": shown[1],
                    "values": [NONE, *settings.choices, *settings.baselines], "label": "Operating model B"},
    }
    for name, (label, lo, hi, step) in LEVERS.items():
        if name == "staff":
            params["function"] = {"type": "Select", "value": ALL, "values": [ALL, *settings.functions],
                                  "label": "Staff function (for Staff ×)"}
        params[name] = {"type": "SliderFloat", "value": 1.0, "min": lo, "max": hi, "step": step,
                        "label": label}
    return params
