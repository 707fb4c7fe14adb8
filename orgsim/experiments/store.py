"""The results store: each finished run lands on disk at once, so a killed sweep loses nothing.

`runs/<key>.series.parquet` is written first and `runs/<key>.json` last, each
atomically; a run counts as done when its JSON exists. `consolidate` gathers
the runs into tables sorted by (point, replication, model), so the tables are
the same whatever order the runs finished in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from orgsim.experiments.tasks import Output
from orgsim.store.atomic import write_atomic, write_text

KEYS = ["point", "replication", "model"]


class Store:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.runs = self.root / "runs"

    def done(self) -> set[str]:
        if not self.runs.is_dir():
            return set()
        return {p.name[: -len(".json")] for p in self._files("*.json")}

    def _files(self, pattern: str) -> list[Path]:
        """Finished files in runs/, in name order; temporary files (hidden, `.NAME...`) are not."""
        return sorted(p for p in self.runs.glob(pattern) if not p.name.startswith("."))

    def add(self, out: Output) -> None:
        write_atomic(self.runs / f"{out.key}.series.parquet",
                     lambda tmp: out.timeseries.to_parquet(tmp, index=False))
        record = {"row": out.row, "handoffs": out.handoffs, "waits": out.waits, "staff": out.staff}
        write_text(self.runs / f"{out.key}.json", json.dumps(record, sort_keys=True, allow_nan=True))

    def _records(self) -> list[dict[str, Any]]:
        return [json.loads(p.read_text()) for p in self._files("*.json")]

    def consolidate(self) -> pd.DataFrame:
        """Write metrics, flows, waits and time series tables; returns the metrics table."""
        records = self._records()
        metrics = pd.DataFrame([r["row"] for r in records]).sort_values(KEYS, ignore_index=True)
        ids = [{k: r["row"][k] for k in KEYS} for r in records]
        for name in ("handoffs", "waits", "staff"):
            rows = [dict(i, **x) for i, r in zip(ids, records) for x in r.get(name, [])]
            table = pd.DataFrame(rows)
            if len(table):
                table = table.sort_values(KEYS + [c for c in table.columns if c not in KEYS
                                                  and table[c].dtype == object], ignore_index=True)
            self._table(name, table)
        self._table("metrics", metrics)
        write_text(self.root / "metrics.csv", metrics.to_csv(index=False, float_format="%.10g"))
        self._series()
        return metrics

    def _table(self, name: str, frame: pd.DataFrame) -> None:
        write_atomic(self.root / f"{name}.parquet", lambda tmp: frame.to_parquet(tmp, index=False))

    def _series(self) -> None:
        """Stream every run's series into one file, one run in memory at a time."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        files = self._files("*.series.parquet")

        def write(tmp: Path) -> None:
            writer: pq.ParquetWriter | None = None
            for f in files:
                table = pa.Table.from_pandas(pd.read_parquet(f), preserve_index=False)
                writer = writer or pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table)
            if writer is not None:
                writer.close()
            else:
                pd.DataFrame().to_parquet(tmp)

        write_atomic(self.root / "timeseries.parquet", write)

    def metrics(self) -> pd.DataFrame:
        return pd.read_parquet(self.root / "metrics.parquet")

    def timeseries(self, columns: list[str] | None = None) -> pd.DataFrame:
        return pd.read_parquet(self.root / "timeseries.parquet", columns=columns)
