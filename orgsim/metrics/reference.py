"""The metrics reference (docs/metrics.md), generated from `orgsim.metrics.table`.

`python -m orgsim.metrics.reference` prints it; a test keeps the file current.
"""

from __future__ import annotations

import sys

from orgsim.metrics.table import BETTER, DEFINITIONS, LABELS

INTRO = """\
# Metrics reference

Generated from `orgsim/metrics/table.py` by `python -m orgsim.metrics.reference`
(`make reference`); edit the definitions there, not this file.

Every metric is a function of a run's records alone (`orgsim/metrics/`): no
simulation is repeated to compute one. Each row is one column of an
experiment's `metrics.parquet`, usable as an experiment's `outcomes` and in its
summaries. A run's `metrics.json` holds the same figures, grouped (for example
`lead_time` with `mean`, `median`, `p90` and `n`; `lead_time_components`;
`time_in_system` with `censored`; `utilisation` with `overall`, `by_unit`,
`by_pool` and `staff_weeks`, busy and available, per team; `hidden_work` with
its parts in staff-weeks).

| outcome | label | unit | better | definition |
| --- | --- | --- | --- | --- |
"""


def render() -> str:
    better = {-1: "lower", 1: "higher", 0: "neither"}
    rows = [f"| `{name}` | {LABELS[name][0]} | {LABELS[name][1]} | {better[BETTER[name]]} | {text} |"
            for name, text in DEFINITIONS.items()]
    return INTRO + "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
