"""Where records go as they arrive: a CSV file written row by row (flushed, so a
sweep stopped half-way keeps what it did), and optionally Parquet at the end when
pandas and pyarrow are installed. :func:`read_csv` reads a results file back.
"""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any, Iterable, Mapping, TextIO

LEADING = ["id", "outcome", "ok", "seed"]
TRAILING = ["wall_seconds", "error", "scenario", "netxsim_version", "params_json", "extra_json", "output"]


def flatten(record: Mapping[str, Any]) -> dict[str, Any]:
    """One CSV row: parameters and result fields as columns of their own."""
    row = {key: record[key] for key in LEADING}
    row.update(record["params"])
    for key, value in record["result"].items():
        row.setdefault(key, value)
    row.update(wall_seconds=record["wall_seconds"], error=record["error"], scenario=record["scenario"],
               netxsim_version=record["netxsim_version"],
               params_json=json.dumps(record["params"], sort_keys=True), extra_json="",
               output=record["output"])
    return row


class CsvSink:
    """Stream records to ``path``; the columns are fixed by the first record (result
    fields a later record adds go to ``extra_json``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._file: TextIO | None = None
        self._writer: csv.DictWriter | None = None
        self._columns: list[str] = []

    def write(self, records: Iterable[Mapping[str, Any]]) -> None:
        for record in records:
            row = flatten(record)
            if self._writer is None:
                middle = [key for key in row if key not in LEADING and key not in TRAILING]
                self._columns = LEADING + middle + TRAILING
                self._file = open(self.path, "w", newline="", encoding="utf-8")
                self._writer = csv.DictWriter(self._file, self._columns)
                self._writer.writeheader()
            extra = {key: value for key, value in row.items() if key not in self._columns}
            if extra:
                row = {key: value for key, value in row.items() if key in self._columns}
                row["extra_json"] = json.dumps(extra, sort_keys=True)
            self._writer.writerow(row)
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _cell(text: str) -> Any:
    if text == "":
        return ""
    try:
        return json.loads(text)
    except ValueError:
        return {"True": True, "False": False}.get(text, text)


def read_csv(path: str | Path) -> list[dict[str, Any]]:
    """Records back from a results CSV (parameters from ``params_json``; other cells
    parsed as JSON numbers/booleans where they are)."""
    records = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            params = json.loads(row["params_json"])
            result = {key: _cell(value) for key, value in row.items()
                      if key not in LEADING and key not in TRAILING and key not in params}
            if row.get("extra_json"):
                result.update(json.loads(row["extra_json"]))
            wall = _cell(row["wall_seconds"])
            records.append({"id": int(row["id"]), "outcome": row["outcome"], "ok": row["ok"] == "True",
                            "seed": int(row["seed"]), "params": params, "result": result,
                            "wall_seconds": float(wall) if wall != "" else math.nan,
                            "error": row["error"], "scenario": row["scenario"],
                            "netxsim_version": row["netxsim_version"], "output": row["output"],
                            "traceback": ""})
    return records


def write_parquet(records: list[Mapping[str, Any]], path: str | Path) -> None:
    """All records as one Parquet table (needs pandas and pyarrow)."""
    try:
        import pandas
    except ImportError as error:
        raise RuntimeError("Parquet output needs pandas and pyarrow (pip install pandas pyarrow)") from error
    pandas.DataFrame([flatten(record) for record in records]).to_parquet(path, index=False)


__all__ = ["CsvSink", "read_csv", "write_parquet", "flatten"]
