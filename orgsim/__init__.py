"""orgsim: an agent-based simulator of how the centre of the NHS organises transformation work.

The public API is imported lazily, so that `orgsim --help` and `orgsim validate`
never pay for Mesa, pandas or matplotlib.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "ConfigError": "orgsim.config.yamlio",
    "load_scenario": "orgsim.config.load",
    "load_plan": "orgsim.config.load",
    "load_plans": "orgsim.config.load",
    "Plan": "orgsim.config.plan",
    "simulate": "orgsim.engine.run",
    "RunResult": "orgsim.engine.run",
    "measure": "orgsim.api",
    "run": "orgsim.api",
    "compute_metrics": "orgsim.metrics.core",
    "Window": "orgsim.metrics.core",
    "write_run": "orgsim.store.rundir",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'orgsim' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
