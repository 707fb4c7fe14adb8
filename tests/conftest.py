"""Fixtures shared across test modules."""

from __future__ import annotations

import pytest

from orgsim.config.load import load_plans
from orgsim.engine.run import RunResult, simulate
from scenarios import SHIPPED


@pytest.fixture(scope="session")
def shipped_runs() -> dict[str, RunResult]:
    """One run of the shipped scenario under each of its operating models, at its own seed."""
    return {plan.model: simulate(plan) for plan in load_plans(SHIPPED)}
