"""Where the answer switches along a lever (placeholder: filled in below)."""

from __future__ import annotations

import pandas as pd

from orgsim.experiments.spec import Experiment

COLUMNS = ["lever", "others", "outcome", "kind", "low", "high", "before", "after", "sure",
           "estimate", "estimate_low", "estimate_high"]


def switch_points(paired: pd.DataFrame, metrics: pd.DataFrame, exp: Experiment) -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS)
