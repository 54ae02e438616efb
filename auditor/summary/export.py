"""The per-site table as sites.csv (any tool) and sites.parquet (typed, for pandas and pyarrow).

Values are written as they are, never "defused" for spreadsheets: the files are research data, and a
changed site key would no longer match the batch. docs/summary.md warns about opening the CSV in a
spreadsheet program. In the CSV, empty means no value and heuristics are joined with ';'; in Parquet,
missing values are nulls and heuristics a list of strings.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import astuple
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from auditor.evidence.atomic import write_bytes_atomic, write_text_atomic
from auditor.summary.table import COLUMNS, SiteRow

HEURISTIC_SEPARATOR = ";"

SCHEMA = pa.schema([
    ("site", pa.string()), ("kind", pa.string()), ("input", pa.string()), ("status", pa.string()),
    ("reason", pa.string()), ("friction", pa.int32()), ("band", pa.string()), ("goal_clicks", pa.int32()),
    ("baseline_clicks", pa.int32()), ("extra_clicks", pa.int32()), ("goal_effort_s", pa.float64()),
    ("baseline_effort_s", pa.float64()), ("effort_ratio", pa.float64()), ("refusal_on_first_screen", pa.bool_()),
    ("findings", pa.int32()), ("suppressed", pa.int32()), ("heuristics", pa.list_(pa.string())), ("run_dir", pa.string()),
    ("seconds", pa.float64()), ("attempts", pa.int32()), ("worker", pa.string()), ("manifest_sha256", pa.string()),
])


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return HEURISTIC_SEPARATOR.join(value)
    return value


def csv_text(rows: Sequence[SiteRow]) -> str:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([_cell(v) for v in astuple(row)] for row in rows)
    return buf.getvalue()


def write_csv(rows: Sequence[SiteRow], path: Path) -> None:
    write_text_atomic(path, csv_text(rows))


def arrow_table(rows: Sequence[SiteRow]) -> pa.Table:
    columns = {name: [getattr(r, name) for r in rows] for name in COLUMNS}
    columns["heuristics"] = [list(h) for h in columns["heuristics"]]
    return pa.table(columns, schema=SCHEMA)


def write_parquet(rows: Sequence[SiteRow], path: Path) -> None:
    buf = pa.BufferOutputStream()
    pq.write_table(arrow_table(rows), buf)
    write_bytes_atomic(path, buf.getvalue().to_pybytes())
