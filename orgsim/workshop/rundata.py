"""A recorded run read back from its directory: the records and the demand, nothing re-simulated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from orgsim.config.yamlio import ConfigError
from orgsim.domain.costs import Prices
from orgsim.domain.records import BID, ENVELOPE, FINAL
from orgsim.store.read import read_json, read_parquet

ICS_NODE = "ICSs"


class ReplayError(ConfigError):
    """A run directory, or a choice made about it, that cannot be replayed."""

    def __init__(self, where: str | Path, message: str, path: str = "") -> None:
        super().__init__(where, None, path, message)


@dataclass(frozen=True)
class RunData:
    """One operating model's run: its event log, its initiatives (indexed by id) and its clock."""

    path: Path
    events: pd.DataFrame
    items: pd.DataFrame
    model: str
    scenario: str
    seed: int | None
    horizon: float
    warmup: float
    ics_prefix: str = "ICS"
    pools: pd.DataFrame | None = None  # [unit, pool, people, people_per_slot]: who could work
    prices: Prices | None = None  # what the cost outcomes need beyond the records (runs with money)

    @property
    def has_money(self) -> bool:
        """Whether money moved in the run: envelopes given or bids made."""
        return bool(self.events["kind"].isin((ENVELOPE, BID)).any())

    def node(self, unit: str) -> str:
        """The organisation as drawn and summarised: every ICS is one node, `ICSs`."""
        return ICS_NODE if self.is_ics(unit) else unit

    def is_ics(self, unit: str) -> bool:
        return re.fullmatch(rf"{re.escape(self.ics_prefix)}\d+", unit) is not None

    def final(self) -> pd.DataFrame:
        """Per finished item: `outcome` (delivered, reused or rejected) and `end_week`."""
        ev = self.events
        done = ev[ev["kind"].isin(FINAL)].drop_duplicates("item")
        return done.set_index("item")[["kind", "week"]].rename(columns={"kind": "outcome",
                                                                         "week": "end_week"})


EVENT_COLUMNS = ("week", "kind", "item", "unit", "what", "amount", "stage")
ITEM_COLUMNS = ("id", "origin", "arrival_week", "theme", "capability_key")
POOL_COLUMNS = ("unit", "pool", "people", "people_per_slot")


def _yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ReplayError(path, f"is not readable YAML (damaged?): {type(exc).__name__}") from None
    return data if isinstance(data, dict) else {}


def _not_a_run(path: Path) -> ReplayError:
    inside = sorted(p.parent.name for p in path.glob("*/events.parquet")) if path.is_dir() else []
    if inside:
        return ReplayError(path, "holds one run per operating model; replay one of them, e.g. "
                                 f"{path / inside[0]} (found: {', '.join(inside)})")
    what = "no such directory" if not path.exists() else "no events.parquet"
    return ReplayError(path, f"{what}; expected one operating model's folder written by `orgsim run`")


def load_run(path: str | Path) -> RunData:
    """Read a run directory written by `orgsim run` (one operating model's folder)."""
    path = Path(path)
    if not (path / "events.parquet").is_file():
        raise _not_a_run(path)
    events = read_parquet(path / "events.parquet", EVENT_COLUMNS).reset_index(drop=True)
    for column in ("kind", "unit", "what", "stage"):
        events[column] = events[column].astype(object).fillna("").astype(str)
    if not (events["kind"] == "arrival").any():
        raise ReplayError(path / "events.parquet", "no initiative arrived in this run, so there is "
                          "nothing to replay; check the scenario's demand")
    items = read_parquet(path / "initiatives.parquet", ITEM_COLUMNS, "the run's demand, written "
                         "with its events")
    config = _yaml(path / "config.yaml")
    scenario = config.get("scenario") or {}
    manifest = read_json(path / "manifest.json") if (path / "manifest.json").is_file() else {}
    if not isinstance(manifest, dict):
        raise ReplayError(path / "manifest.json", "expected a JSON object")
    last = float(events["week"].max()) if len(events) else 0.0
    pools = (read_parquet(path / "pools.parquet", POOL_COLUMNS) if (path / "pools.parquet").is_file()
             else None)
    return RunData(
        path=path, events=events, items=items.set_index("id", drop=False),
        model=str(manifest.get("operating_model") or path.name),
        scenario=str(manifest.get("scenario") or scenario.get("name") or ""),
        seed=manifest.get("seed", scenario.get("seed")),
        horizon=float(scenario.get("horizon_weeks", last)),
        warmup=float(scenario.get("warmup_weeks", 0.0)),
        ics_prefix=str((scenario.get("ics") or {}).get("prefix", "ICS")), pools=pools,
        prices=_prices(path / "prices.json"))


def _prices(path: Path) -> Prices | None:
    """The run's prices from `prices.json` (None when it has none: a run without money)."""
    if not path.is_file():
        return None
    doc = read_json(path)
    try:
        rates = {str(u): float(r) for u, r in doc["rates"].items()}
        non_staff = {int(i): float(c) for i, c in doc["non_staff"].items()}
    except (TypeError, KeyError, ValueError, AttributeError):
        raise ReplayError(path, 'expected {"rates": {unit: pounds}, "non_staff": {initiative id: '
                                "pounds}} as `orgsim run` writes it (damaged?)") from None
    return Prices(rates, non_staff)
