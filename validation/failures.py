"""Pandera failures as rows a loader can reject: one ``Failure`` per failing value or row rule, with a reason a
person can act on. Shared by every source's contracts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors


class ContractMismatch(Exception):
    """The frame's columns or types are not the table's: a loader bug, never a data problem."""


@dataclass(frozen=True)
class Failure:
    row: int  # 0-based position in the validated frame
    column: str | None  # None for a row rule
    check: str
    value: str | None
    reason: str


def row_check(expr: pl.Expr, description: str) -> pa.Check:
    def check(data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(expr.fill_null(True).alias("ok"))

    return pa.Check(check, name=description, error=description)


def reason(check: str, column: str | None, value: str | None) -> str:
    if column is None:
        return check  # row rules carry their description as the check name
    if check == "not_nullable":
        return f"{column} is required but empty"
    if check.startswith("str_length"):
        return f"{column} is required but blank"
    if check.startswith("isin"):
        return f"{column} must be one of {check.removeprefix('isin')}, not {value!r}"
    if check.startswith("greater_than_or_equal_to(0"):
        return f"{column} must not be negative: {value}"
    if check.startswith("greater_than_or_equal_to"):
        return f"{column} must be at least {check.removeprefix('greater_than_or_equal_to')}: {value}"
    if check.startswith("in_range"):
        return f"{column} is out of range {check.removeprefix('in_range')}: {value}"
    return f"{column} failed {check}: {value}"


def failures(
    schema: pa.DataFrameSchema, frame: pl.DataFrame, explain: Callable[[str, str | None, str | None], str] | None = None
) -> list[Failure]:
    """Every failure of ``frame`` against ``schema`` (``lazy=True``), by row; empty when the frame is valid."""
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as err:
        fc = err.failure_cases
        structural = fc.filter(pl.col("index").is_null())
        if structural.height:
            raise ContractMismatch(
                f"{schema.name}: the frame does not match its contract: "
                + "; ".join(f"{r['check']}: {r['failure_case']}" for r in structural.iter_rows(named=True))
            ) from err
        out = []
        for r in fc.sort("index", "column", nulls_last=True).iter_rows(named=True):
            column = r["column"] if r["schema_context"] == "Column" else None
            value = r["failure_case"]
            out.append(
                Failure(int(r["index"]), column, r["check"], value, (explain or reason)(r["check"], column, value))
            )
        return out
    return []
