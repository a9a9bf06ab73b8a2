"""Values out of DuckDB → JSON and CSV.

Money and every other DECIMAL column travel as exact decimal strings with the column's scale (``"1000000.50"``),
never as JSON numbers, which most clients read as binary floats and round. Integers are JSON integers, DOUBLE
columns JSON numbers (non-finite values as null), dates ``YYYY-MM-DD``, timestamps ISO 8601 without an offset
(UTC, as the warehouse keeps them), lists JSON arrays (in CSV: the items joined by ``;``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from decimal import Decimal
from typing import Any


def json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return str(value)


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(csv_value(v) for v in value)
    converted = json_value(value)
    return converted if isinstance(converted, str) else json.dumps(converted)


def records(columns: list[str], rows: list[tuple]) -> list[dict[str, Any]]:
    return [{name: json_value(v) for name, v in zip(columns, row, strict=True)} for row in rows]


def csv_text(columns: list[str], rows: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return out.getvalue()


def json_text(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
