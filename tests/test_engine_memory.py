"""A finished run leaves nothing behind: sweeps of thousands of runs must not grow."""

from __future__ import annotations

import gc
from pathlib import Path

from orgsim.config.load import load_plan
from orgsim.engine.model import OrgModel
from orgsim.engine.run import simulate

SCENARIO = Path(__file__).resolve().parents[1] / "configs" / "nhs_england.yaml"


def test_models_are_freed_after_a_run() -> None:
    plan = load_plan(SCENARIO, "joined_up_planning")
    for seed in range(3):
        simulate(plan, seed)
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, OrgModel)]
    assert alive == [], f"{len(alive)} finished models are still referenced"
