"""Design matrices have the size and the ranges the experiment asks for, and the
sensitivity samplers give the same points for the same seed."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from orgsim.experiments.design import expected_size, sample
from orgsim.experiments.spec import Experiment

RANGES = {"demand.ics_rate_per_week": {"low": 0.03, "high": 0.09},
          "model.planning_overhead.TD": {"low": 0.0, "high": 0.5},
          "organisations.NHSD.teams.digital": {"low": 10.0, "high": 40.0}}


def experiment(kind: str, uncertainties: dict[str, Any] | None = None, **design: int) -> Experiment:
    return Experiment.model_validate({
        "name": kind, "scenario": "s.yaml", "models": ["a", "b"],
        "uncertainties": RANGES if uncertainties is None else uncertainties,
        "design": {"kind": kind, **design}})


def bounds(exp: Experiment) -> tuple[np.ndarray, np.ndarray]:
    pairs = np.array([u.bounds for u in exp.uncertainties.values()])
    return pairs[:, 0], pairs[:, 1]


@pytest.mark.parametrize(("kind", "design", "size"), [
    ("lhs", {"samples": 7}, 7),
    ("morris", {"samples": 5, "levels": 4}, 5 * 4),
    ("sobol", {"samples": 16}, 16 * 5),
    ("grid", {"levels": 3}, 27),
])
def test_sampled_designs_have_the_size_and_ranges_asked_for(kind: str, design: dict,
                                                            size: int) -> None:
    exp = experiment(kind, **design)
    matrix = sample(exp, 3)
    low, high = bounds(exp)
    assert expected_size(exp) == size
    assert matrix.shape == (size, len(RANGES))
    assert np.all(matrix >= low) and np.all(matrix <= high)


def test_single_design_is_one_point_with_no_columns() -> None:
    exp = experiment("single", {})
    assert expected_size(exp) == 1 and sample(exp, 0).shape == (1, 0)


def test_grid_takes_exactly_the_given_values_and_levels() -> None:
    exp = experiment("grid", {"demand.ics_rate_per_week": {"values": [0.05, 0.02, 0.08]},
                              "model.planning_overhead.TD": {"low": 0.0, "high": 0.3}}, levels=4)
    matrix = sample(exp, 0)
    wanted = list(itertools.product([0.05, 0.02, 0.08], np.linspace(0.0, 0.3, 4)))
    assert expected_size(exp) == 12
    assert np.array_equal(matrix, np.array(wanted))


def test_lhs_puts_one_point_in_every_stratum() -> None:
    exp = experiment("lhs", samples=9)
    matrix = sample(exp, 4)
    low, high = bounds(exp)
    strata = np.floor((matrix - low) / (high - low) * 9).astype(int)
    for column in strata.T:
        assert sorted(column) == list(range(9))


def test_morris_points_lie_on_the_grid_levels() -> None:
    exp = experiment("morris", samples=4, levels=6)
    matrix = sample(exp, 1)
    low, high = bounds(exp)
    steps = (matrix - low) / (high - low) * 5
    assert np.allclose(steps, np.round(steps))
    trajectories = np.diff(matrix.reshape(4, len(RANGES) + 1, len(RANGES)), axis=1)
    assert np.all((trajectories != 0).sum(axis=2) == 1)  # one factor moves per step


@pytest.mark.parametrize("kind", ["lhs", "morris", "sobol"])
def test_samplers_are_reproducible_for_the_same_seed(kind: str) -> None:
    exp = experiment(kind, samples=8)
    assert np.array_equal(sample(exp, 42), sample(exp, 42))
    assert not np.array_equal(sample(exp, 42), sample(exp, 43))
