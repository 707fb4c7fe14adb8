"""The dashboard's levers as sliders: name -> (label, min, max, step).

Each lever's neutral value, 1, is its default (`levers.Levers`); the page
applies them on Reset to every run alike.
"""

from __future__ import annotations

LEVERS = {
    "cadence": ("Weeks between forum meetings ×", 0.25, 4.0, 0.25),
    "overhead": ("Planning overhead ×", 0.0, 4.0, 0.25),
    "detection": ("Duplicate detection ×", 0.0, 1.5, 0.05),
    "staff": ("Staff ×", 0.25, 3.0, 0.25),
    "demand": ("Demand ×", 0.25, 3.0, 0.25),
}
