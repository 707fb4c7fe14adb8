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


def _same(a: list[dict[str, object]], b: list[dict[str, object]]) -> bool:
    """Equal rows, floats compared bit for bit (NaN equal to NaN), types included."""
    return len(a) == len(b) and all(
        x.keys() == y.keys() and all(type(x[k]) is type(y[k]) and repr(x[k]) == repr(y[k]) for k in x)
        for x, y in zip(a, b))


@pytest.mark.parametrize(("scenario", "model"), [
    ("nhs_england.yaml", "internal_commissioning"), ("nhs_england.yaml", "joined_up_planning"),
    ("nhs_england.yaml", "merged_devolved"), ("nhs_england.yaml", "pandemic_cells"),
    ("scenarios/reorganisation_2022.yaml", "internal_commissioning")])
def test_flow_rows_from_records_match_the_frame_based_tables(scenario: str, model: str) -> None:
    """The sweep's one-pass flow tables are the frame-based tables, bit for bit (means included)."""
    from orgsim.config.load import load_plan
    from orgsim.engine.run import simulate
    from orgsim.metrics.flows import flow_rows, service_teams
    from tiny import CONFIGS

    plan = load_plan(CONFIGS / scenario, model)
    result = simulate(plan, 7)
    events, teams = result.events_frame(), service_teams(plan)
    found_handoffs, found_waits = flow_rows(result.records, teams)
    assert found_handoffs and found_waits
    assert _same(found_handoffs, handoffs(events).to_dict("records"))
    assert _same(found_waits, waits(events, teams).to_dict("records"))


def test_flow_rows_on_the_tiny_run() -> None:
    """The hand-checked numbers of the tiny run, and a duplicate's wait from its original's end."""
    from orgsim.metrics.flows import flow_rows

    result = run_tiny()[0]
    found_handoffs, found_waits = flow_rows(result.records)
    assert {(r["sender"], r["receiver"]): r["handoffs"] for r in found_handoffs} == {
        ("HQ", "ICS01"): 1, ("ICS01", "HQ"): 2}
    table = {(r["unit"], r["cause"]): r for r in found_waits}
    assert table[("ICS01", "staff")]["n"] == 3
    assert table[("ICS01", "staff")]["mean_wait"] == pytest.approx(1 / 3)
    assert table[("HQ", "forum")]["mean_wait"] == pytest.approx(2.0)


def test_mean_is_compensated_as_pandas_sums() -> None:
    """Kahan summation: a naive left-to-right sum of these values loses the small ones."""
    import pandas as pd

    from orgsim.metrics.flows import _kahan_mean

    values = [1e16, 1.0, 1.0, 1.0, -1e16, 3.0, float("nan")]
    naive = sum(v for v in values if v == v) / 6
    kahan = _kahan_mean(values)
    assert kahan == pd.Series(values).groupby([0] * len(values)).mean().iloc[0]
    assert kahan != naive


def test_a_sweeps_run_measures_what_simulate_and_measure_give() -> None:
    """`execute` reads the records unregrouped: same metrics row, flows and series as the API's."""
    import pandas as pd

    from orgsim.api import measure
    from orgsim.config.load import load_plan
    from orgsim.engine.run import simulate
    from orgsim.experiments.tasks import Task, execute, staff_rows
    from orgsim.metrics.flows import service_teams
    from orgsim.metrics.table import flat
    from tiny import SCENARIO

    plan = load_plan(SCENARIO, "pandemic_cells")
    out = execute(Task(0, 0, "pandemic_cells", 3, plan))
    result = simulate(plan, 3)
    metrics = measure(result)
    expected = {"point": 0, "replication": 0, "model": "pandemic_cells", "seed": 3, **flat(metrics)}
    assert out.row.keys() == expected.keys()
    assert pd.Series(out.row, dtype=object).equals(pd.Series(expected, dtype=object))  # NaN == NaN
    assert out.staff == staff_rows(metrics)
    events = result.events_frame()
    assert out.handoffs == handoffs(events).to_dict("records")
    assert out.waits == waits(events, service_teams(plan)).to_dict("records")
    pd.testing.assert_frame_equal(out.timeseries.drop(columns=["point", "replication", "model"]),
                                  result.timeseries)
