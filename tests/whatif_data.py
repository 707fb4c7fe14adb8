"""Per-setting tables made by hand (tests/data/whatif/), shaped as `orgsim.analysis.whatif` reads them.

`sweep`: one lever (joined-up planning's planning overhead, seven values, today 0.1), two
models; joined-up planning has the lower lead time up to 0.4 and loses from 0.5, and meets
more needs at every setting. `board`: two levers (the NHSEI board's cadence, 4.33 or 2.17
weeks, and NHSD's digital team, 32 or 48 people) under internal commissioning alone.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

DATA = Path(__file__).resolve().parent / "data" / "whatif"
OVERHEAD = "models.joined_up_planning.planning_overhead.TD"
CADENCE = "models.internal_commissioning.forums.nhsei_board.cadence_weeks"
DIGITAL = "organisations.NHSD.teams.digital"


def _read(folder: str, name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / folder / f"{name}.csv", keep_default_na=True)


def whatif(folder: str, levers: list[str], labels: dict[str, str], baseline: dict[str, Any],
           scenarios: int = 1, replications: int = 10) -> SimpleNamespace:
    by_setting = _read(folder, "by_setting")
    by_setting["is_baseline"] = by_setting["is_baseline"].astype(bool)
    switches = _read(folder, "switch_points")
    switches["others"] = switches["others"].astype(object).fillna("")
    return SimpleNamespace(levers=levers, labels=labels, baseline=baseline,
                           paired=_read(folder, "paired_by_point"), by_setting=by_setting,
                           switches=switches, scenarios=scenarios, replications=replications)


def sweep(**kw: Any) -> SimpleNamespace:
    return whatif("sweep", [OVERHEAD], {OVERHEAD: "planning overhead (share of TD capacity)"},
                  {OVERHEAD: 0.1}, **kw)


def board(**kw: Any) -> SimpleNamespace:
    kw.setdefault("replications", 20)
    return whatif("board", [CADENCE, DIGITAL],
                  {CADENCE: "NHSEI board cadence (weeks)", DIGITAL: "NHSD digital team (people)"},
                  {CADENCE: 4.33, DIGITAL: 32}, **kw)
