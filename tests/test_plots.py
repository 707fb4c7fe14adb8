"""Plot functions on hand-built DataFrames: (fig, ax) back, units in the labels, figures draw."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from orgsim import plots
from orgsim.plots.flows import ICS_NODE
from orgsim.plots.timeseries import quarterly_needs_met

MODELS = ["alpha_model", "beta_model", "gamma_model"]
LATENCY = "decision_latency_mean"


def check(result: Any, *units: str) -> list[Any]:
    """(fig, ax) with every axes labelled, the labels naming `units`; the figure draws."""
    fig, ax = result
    axes = list(np.atleast_1d(ax))
    assert axes and all(a.figure is fig for a in axes)
    assert fig.canvas.manager is None  # not registered with pyplot
    for a in axes:
        assert (a.get_xlabel() + a.get_ylabel()).strip(), "an axes without a label"
    labels = " ".join(a.get_xlabel() + " " + a.get_ylabel() for a in axes)
    for unit in units:
        assert unit in labels, f"{unit!r} not in axis labels {labels!r}"
    assert fig.get_suptitle()
    fig.savefig(io.BytesIO(), format="png", dpi=40)
    fig.savefig(io.BytesIO(), format="svg")
    return axes


def by_model() -> pd.DataFrame:
    rows = []
    for i, m in enumerate(MODELS):
        for outcome, base in ((LATENCY, 8.0), ("needs_met", 20.0), ("benefit", 3e5)):
            mean = base * (1 + 0.2 * i)
            rows.append({"model": m, "outcome": outcome, "mean": mean, "median": mean,
                         "ci_low": 0.9 * mean, "ci_high": 1.1 * mean, "n": 10})
    return pd.DataFrame(rows)


def metrics() -> pd.DataFrame:
    rows = []
    for i, m in enumerate(MODELS):
        for r in range(6):
            row: dict[str, Any] = {"model": m, "point": 0, "replication": r}
            for measure, base in (("decision_latency", 5.0), ("lead_time", 40.0)):
                row[f"{measure}_median"] = base + i + r * 0.1
                row[f"{measure}_mean"] = base * 1.2 + i + r
                row[f"{measure}_p90"] = base * 2 + i + r
            rows.append(row)
    return pd.DataFrame(rows)


def timeseries() -> pd.DataFrame:
    weeks = np.arange(0, 40.0)
    frames = [pd.DataFrame({"week": weeks, "wip": weeks * (1 + i) + r,
                            "delivered": (weeks * (i + r + 1)) // 3, "reused": weeks // 4,
                            "model": m, "point": 0, "replication": r})
              for i, m in enumerate(MODELS[:2]) for r in range(3)]
    return pd.concat(frames, ignore_index=True)


def paired(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    diffs = ((LATENCY, -2.0), ("needs_met", 0.5), ("benefit", 4e4))
    rows = [{"model_a": a, "model_b": b, "outcome": o, "mean_diff": d, "ci_low": d - 1,
             "ci_high": d + 1, "n": 10, "share_a_better": 0.7, "share_b_better": 0.3}
            for a, b in pairs for o, d in diffs]
    return pd.DataFrame(rows)


def test_headline_panels_per_outcome_with_units() -> None:
    axes = check(plots.headline(by_model()), "weeks", "initiatives per quarter", "value-weeks")
    assert len(axes) == 3
    ticks = [t.get_text() for t in axes[0].get_yticklabels()]
    assert ticks == ["Alpha model", "Beta model", "Gamma model"]


def test_headline_takes_given_colours() -> None:
    fig, axes = plots.headline(by_model(), ["needs_met"], colours={"beta_model": "#123456"})
    assert "#123456" in {to_hex(line.get_color()) for line in axes[0].get_lines()}


def test_distributions_box_per_model_and_statistic() -> None:
    axes = check(plots.distributions(metrics()), "weeks")
    assert len(axes) == 2
    ticks = [t.get_text() for t in axes[0].get_xticklabels()]
    assert ticks == ["median", "mean", "90th percentile"]


def test_over_time_bands_and_quarterly_needs_met() -> None:
    ts = timeseries()
    result = plots.over_time(ts, warmup_weeks=10)
    assert len(check(result, "weeks", "initiatives", "initiatives per quarter")) == 2
    q = quarterly_needs_met(ts.sample(frac=1.0, random_state=1))  # any row order
    one = ts[(ts["model"] == MODELS[0]) & (ts["replication"] == 0)]
    met = one["delivered"] + one["reused"]
    assert q[one.index[13]] == met.iloc[13] - met.iloc[0]
    assert q[one.index[:13]].isna().all()


def test_forest_one_pair_and_several() -> None:
    check(plots.forest(paired([(MODELS[0], MODELS[1])]), by_model()), "% of B's mean")
    several = paired([(MODELS[0], MODELS[1]), (MODELS[0], MODELS[2]), (MODELS[1], MODELS[2])])
    assert len(check(plots.forest(several, by_model()), "% of B's mean")) == 3


def test_forest_scales_by_b_mean_and_colours_the_winner() -> None:
    colours = plots.model_colours(MODELS)
    fig, ax = plots.forest(paired([(MODELS[0], MODELS[1])]), by_model(), [LATENCY])
    line = ax.get_lines()[0]
    assert line.get_xdata()[0] == pytest.approx(100 * -2.0 / (8.0 * 1.2))
    assert to_hex(line.get_color()) == to_hex(colours[MODELS[0]])  # lower latency: A is better


@pytest.mark.parametrize("kind", ["morris", "sobol"])
def test_sensitivity_bars(kind: str) -> None:
    names = ["models.beta_model.forums.board.cadence_weeks", "model.handoff.delay_weeks",
             "demand.ics_rate_per_week"]
    rows = []
    for o in (LATENCY, "needs_met"):
        for i, u in enumerate(names):
            if kind == "morris":
                stats = {"mu": i, "mu_star": i + 1.0, "mu_star_conf": 0.2, "sigma": 0.5}
            else:
                stats = {"S1": 0.1 * i, "S1_conf": 0.05, "ST": 0.2 * i, "ST_conf": 0.05}
            rows.append({"outcome": o, "uncertainty": u, **stats})
    unit = "weeks" if kind == "morris" else "share of variance"
    axes = check(plots.sensitivity(pd.DataFrame(rows), pair=(MODELS[0], MODELS[1])), unit)
    ticks = [t.get_text() for t in axes[0].get_yticklabels()]
    assert ticks == ["demand.ics_rate_per_week", "handoff.delay_weeks\n(every model)",
                     "board.cadence_weeks\n(Beta model)"]  # most influential first


def test_robustness_shares_in_percent() -> None:
    table = pd.DataFrame([{"outcome": o, "model": m, "share_best": s}
                          for o in ("needs_met", "benefit")
                          for m, s in zip(MODELS, (0.5, 0.25, 0.25))])
    fig, ax = plots.robustness(table)
    check((fig, ax), "%")
    assert max(p.get_width() for p in ax.patches) == pytest.approx(50)


def flow_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    moves = (("ICS01", "HUB", 3), ("ICS02", "HUB", 1), ("HUB", "DELIVERY", 2),
             ("DELIVERY", "HUB", 1))
    waits = (("ICS01", "forum", 1, 2.0), ("ICS02", "forum", 3, 4.0), ("HUB", "staff", 2, 1.0),
             ("FUNDER", "forum", 1, 6.0))
    h = pd.DataFrame([(0, r, "alpha_model", *m) for r in (0, 1) for m in moves],
                     columns=["point", "replication", "model", "sender", "receiver", "handoffs"])
    w = pd.DataFrame([(0, r, "alpha_model", *x) for r in (0, 1) for x in waits],
                     columns=["point", "replication", "model", "unit", "cause", "n", "mean_wait"])
    return h, w


def test_flow_tables_aggregate_ics_and_weight_waits() -> None:
    edges, nodes = plots.flow_tables(*flow_frames(), "alpha_model")
    per_run = edges.set_index(["sender", "receiver"])["per_run"]
    assert per_run[(ICS_NODE, "HUB")] == 4.0 and per_run[("HUB", "DELIVERY")] == 2.0
    assert nodes.set_index("unit")["forum"][ICS_NODE] == pytest.approx((1 * 2.0 + 3 * 4.0) / 4)
    assert set(nodes["unit"]) == {ICS_NODE, "HUB", "DELIVERY", "FUNDER"}


def test_flows_graph_draws_every_unit() -> None:
    fig, ax = plots.flows(*flow_frames(), "alpha_model")
    check((fig, ax), "handoffs per run", "weeks")
    texts = " ".join(t.get_text() for t in ax.texts)
    for unit in (ICS_NODE, "HUB", "DELIVERY", "FUNDER"):
        assert unit in texts


def test_structure_stacks_functions_per_unit() -> None:
    table = pd.DataFrame([("HUB", "strategy", 10), ("HUB", "digital", 5),
                          ("HUB: teams\n(2 teams of 3)", "digital", 6),
                          ("ICSs (2, summed)", "digital", 8)],
                         columns=["bar", "function", "headcount"])
    fig, ax = plots.structure(table, "alpha_model")
    check((fig, ax), "people")
    assert ax.get_yticklabels()[0].get_text() == "HUB"
    assert "29 in all" in fig.get_suptitle()
