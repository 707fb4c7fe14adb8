"""Flow tables (handoff volumes, waits by cause) on the hand-checked tiny run."""

from __future__ import annotations

import pytest

from orgsim.metrics.flows import handoffs, waits
from tiny import run_tiny


def test_waits_by_unit_and_cause() -> None:
    """Staff waits in ICS01: reuse starts when the original is delivered (week 11, no wait),
    the local build waits from 12 to 13 for the digital person, its strategy part does not wait."""
    table = waits(run_tiny()[0].events_frame()).set_index(["unit", "cause"])
    assert table.loc[("ICS01", "staff"), "n"] == 3
    assert table.loc[("ICS01", "staff"), "mean_wait"] == pytest.approx(1 / 3)
    assert table.loc[("HQ", "forum"), "mean_wait"] == pytest.approx(2.0)  # queued 4, approved 6
    assert table.loc[("HQ", "staff"), "mean_wait"] == pytest.approx(0.0)


def test_handoff_volumes() -> None:
    table = handoffs(run_tiny()[0].events_frame()).set_index(["sender", "receiver"])["handoffs"]
    assert table.to_dict() == {("HQ", "ICS01"): 1, ("ICS01", "HQ"): 2}


def test_service_teams_wait_apart_from_their_unit() -> None:
    """Pandemic cells work in NHSEI's service team `cells`: its staff waits are its own rows."""
    from orgsim.config.load import load_plan
    from orgsim.engine.run import simulate
    from orgsim.metrics.flows import service_teams
    from tiny import SCENARIO

    plan = load_plan(SCENARIO, "pandemic_cells")
    events = simulate(plan, 1).events_frame()
    assert service_teams(plan) == {"cells"}
    table = waits(events, service_teams(plan)).set_index(["unit", "cause", "team"])
    started = events[(events["kind"] == "stage_start") & (events["what"] == "cells")]
    assert table.loc[("NHSEI", "staff", "cells"), "n"] == len(started) > 0
    assert (table.xs("", level="team")["n"].sum() + table.loc[("NHSEI", "staff", "cells"), "n"]
            == table["n"].sum())
    assert set(waits(events).columns) == set(table.reset_index().columns)


def test_service_teams_of_a_model_reorganised_into() -> None:
    from orgsim.config.load import load_plan
    from orgsim.metrics.flows import service_teams
    from tiny import CONFIGS

    plan = load_plan(CONFIGS / "scenarios" / "reorganisation_2022.yaml", "internal_commissioning")
    assert not plan.teams and service_teams(plan) == {"factory"}
