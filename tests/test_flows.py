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
