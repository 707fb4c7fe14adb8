"""A small sampled experiment shared by the tests of regret, satisficing and discovery."""

from __future__ import annotations

from pathlib import Path

from orgsim.experiments.runner import run
from tiny import SCENARIO

EXPERIMENT = f"""
name: decision_test
description: Joined-up planning's cadence and overhead sampled, against internal commissioning.
scenario: {SCENARIO}
models: [internal_commissioning, joined_up_planning]
uncertainties:
  models.joined_up_planning.forums.business_planning.cadence_weeks: {{low: 2, high: 40}}
  models.joined_up_planning.planning_overhead.TD: {{low: 0.0, high: 0.6}}
design: {{kind: lhs, samples: 12}}
replications: 2
horizon_weeks: 60
warmup_weeks: 10
seed: 8
outcomes: [lead_time_mean, needs_met, decision_latency_mean]
satisficing:
  decision_latency_mean: {{below: 12}}
  needs_met: {{above: 20}}
"""


def sampled_results(where: Path) -> Path:
    """Run the experiment into `where/results` (serially) and return the folder."""
    (where / "experiment.yaml").write_text(EXPERIMENT, encoding="utf-8")
    return run(where / "experiment.yaml", out=where / "results", backend="serial")
