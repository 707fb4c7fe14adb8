"""A run directory: resolved config, event log, series, metrics and a manifest.

Layout of `OUT/<operating model>/`:
  config.yaml         the scenario and operating model exactly as run (after `extends`)
  events.parquet      every record (orgsim.domain.records)
  initiatives.parquet the demand
  pools.parquet       who could work (for utilisation)
  timeseries.parquet  weekly series from Mesa's DataCollector
  metrics.json        headline metrics (byte-identical for the same seed)
  prices.json         pounds per unit-week of each unit and each initiative's non-staff cost
                      (only for a scenario with money: the cost outcomes need them beyond the records)
  manifest.json       versions, seed, config hash; written last, so its presence means complete
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from orgsim.config.plan import Plan
from orgsim.store.atomic import write_atomic, write_text
from orgsim.store.provenance import now, package_version, provenance

__all__ = ["manifest", "metrics_json", "package_version", "prices_json", "resolved_config", "write_run"]

if TYPE_CHECKING:  # the engine imports Mesa (over a second): not for reading or hashing results
    from orgsim.engine.run import RunResult


def resolved_config(plan: Plan) -> str:
    """The scenario and operating model as YAML, with every default filled in."""
    doc = {"scenario": plan.scenario.model_dump(mode="json"),
           "operating_model": plan.operating_model.model_dump(mode="json", by_alias=True)}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def manifest(plan: Plan, seed: int, config_text: str, result: RunResult) -> dict[str, Any]:
    return {
        **provenance(), "operating_model": plan.model, "scenario": plan.scenario.name, "seed": seed,
        "config_sha256": hashlib.sha256(config_text.encode()).hexdigest(),
        "source_files": list(plan.source_files), "simpy_events": result.events,
        "wall_seconds": round(result.wall_seconds, 3),
        "written_utc": now(),
    }


def metrics_json(metrics: dict[str, Any]) -> str:
    return json.dumps(metrics, indent=2, sort_keys=True, allow_nan=False) + "\n"


def prices_json(rates: dict[str, float], non_staff: dict[int, float]) -> str:
    """The run's prices: `{"rates": {unit: pounds per unit-week}, "non_staff": {id: pounds}}`."""
    doc = {"rates": dict(sorted(rates.items())),
           "non_staff": {str(i): non_staff[i] for i in sorted(non_staff)}}
    return json.dumps(doc, indent=1, allow_nan=False) + "\n"


def _parquet(path: Path, frame: pd.DataFrame) -> None:
    write_atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))


def write_run(out: Path, result: RunResult, metrics: dict[str, Any], name: str | None = None) -> Path:
    """Write one run into `out/<name>/` (default: the model's name); returns that directory."""
    run_dir = Path(out) / (name or result.plan.model)
    text = resolved_config(result.plan)
    write_text(run_dir / "config.yaml", text)
    _parquet(run_dir / "events.parquet", result.events_frame())
    _parquet(run_dir / "initiatives.parquet", result.initiatives_frame())
    _parquet(run_dir / "pools.parquet", result.pools_frame())
    _parquet(run_dir / "timeseries.parquet", result.timeseries)
    write_text(run_dir / "metrics.json", metrics_json(metrics))
    if result.prices is not None:
        write_text(run_dir / "prices.json", prices_json(result.prices.rates, result.prices.non_staff))
    write_text(run_dir / "manifest.json",
               json.dumps(manifest(result.plan, result.seed, text, result), indent=2) + "\n")
    return run_dir

