"""The Python API: load, simulate, measure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from orgsim.config.load import load_plan, load_plans
from orgsim.config.plan import Plan
from orgsim.engine.run import RunResult, simulate
from orgsim.metrics.core import Window, compute


def measure(result: RunResult) -> dict[str, Any]:
    """The metrics of one run, labelled with its model and seed."""
    sc = result.plan.scenario
    metrics = compute(result.records, result.initiatives, result.pools,
                      Window(sc.warmup_weeks, sc.horizon_weeks), result.prices)
    return {"operating_model": result.plan.model, "seed": result.seed, **metrics}


def run(scenario: str | Path, model: str, seed: int | None = None) -> tuple[RunResult, dict[str, Any]]:
    """Simulate one operating model on a scenario file and measure it."""
    result = simulate(load_plan(scenario, model), seed)
    return result, measure(result)


__all__ = ["Plan", "RunResult", "load_plan", "load_plans", "measure", "run", "simulate"]
