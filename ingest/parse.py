"""Turning source text into typed columns, with every value that does not parse reported, never guessed.

Sources are read as text on purpose: SQLite stores whatever it is given (a budget typed as "12,000" stays
text in a NUMERIC column), files are text, and PostgreSQL renders every type as text the same way. Parsing
here, column by column with explicit rules, means a bad value becomes a reject that names the row, the
column and the value, while the rest of the row's table loads.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

UUID_RE = r"^[0-9a-f]{32}$"
DATETIME_RE = r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(\.\d{1,9})?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$"
TRUE = ("1", "true", "t", "yes", "y")
FALSE = ("0", "false", "f", "no", "n")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    dtype: pl.DataType
    is_uuid: bool = False


def _blank_to_null(col: str) -> pl.Expr:
    s = pl.col(col).str.strip_chars()
    return pl.when(s == "").then(None).otherwise(s)


def _parse_uuid(col: str) -> pl.Expr:
    hexed = pl.col(col).str.strip_chars().str.to_lowercase().str.replace_all(r"[-{}]", "")
    ok = hexed.str.contains(UUID_RE)
    dashed = pl.concat_str(
        [
            hexed.str.slice(0, 8),
            hexed.str.slice(8, 4),
            hexed.str.slice(12, 4),
            hexed.str.slice(16, 4),
            hexed.str.slice(20, 12),
        ],
        separator="-",
    )
    return pl.when(ok).then(dashed).otherwise(None)


def _parse_int(col: str, dtype: pl.DataType) -> pl.Expr:
    s = _blank_to_null(col)
    as_float = s.cast(pl.Float64, strict=False)
    integral = as_float.is_finite() & (as_float == as_float.floor())
    return pl.when(integral).then(as_float).otherwise(None).cast(dtype, strict=False)


def _parse_decimal(col: str, dtype: pl.Decimal) -> pl.Expr:
    """Exact decimals: more places than the column keeps (``1.005`` for centavos) is an error, never rounded
    away; noise far below them (a REAL rendered as ``0.30000000000000004``) is not."""
    precision, scale = dtype.precision or 38, dtype.scale
    wide = _blank_to_null(col).cast(pl.Decimal(38, scale + 8), strict=False)
    limit = 10 ** (precision - scale)
    exact = wide == wide.round(scale)
    return pl.when((wide.abs() < limit) & exact).then(wide.round(scale)).otherwise(None).cast(dtype, strict=False)


def _parse_bool(col: str) -> pl.Expr:
    s = _blank_to_null(col).str.to_lowercase()
    return pl.when(s.is_in(TRUE)).then(True).when(s.is_in(FALSE)).then(False).otherwise(None)


def _parse_date(col: str) -> pl.Expr:
    s = _blank_to_null(col)
    head = s.str.slice(0, 10)
    rest = s.str.slice(10).str.strip_chars()
    ok = rest.is_null() | (rest == "") | rest.str.contains(r"^[T ]?00:00(:00)?(\.0+)?(Z|[+-]00(:?00)?)?$")
    return pl.when(ok).then(head.str.to_date("%Y-%m-%d", strict=False)).otherwise(None)


def _parse_datetime(col: str) -> pl.Expr:
    """ISO-like timestamps as SQLite (Django/SQLAlchemy) and PostgreSQL render them, to naive UTC."""
    s = _blank_to_null(col)
    parts = s.str.extract_groups(DATETIME_RE)
    day, clock = parts.struct.field("1"), parts.struct.field("2")
    frac = parts.struct.field("3").fill_null("")
    offset = parts.struct.field("4")
    clock = pl.when(clock.str.len_chars() == 5).then(clock + ":00").otherwise(clock)
    frac = frac.str.slice(0, 7)  # '.' + microseconds
    local = pl.concat_str([day, pl.lit(" "), clock, frac]).str.to_datetime(
        "%Y-%m-%d %H:%M:%S%.f", strict=False, time_unit="us"
    )
    sign = pl.when(offset.str.starts_with("-")).then(-1).otherwise(1)
    digits = offset.str.replace_all(r"[^0-9]", "")
    hours = digits.str.slice(0, 2).cast(pl.Int64, strict=False).fill_null(0)
    minutes = digits.str.slice(2, 2).cast(pl.Int64, strict=False).fill_null(0)
    shift = pl.duration(minutes=(hours * 60 + minutes) * sign)
    return pl.when(offset.is_null() | (offset == "Z")).then(local).otherwise(local - shift)


def parse_expr(spec: ColumnSpec) -> pl.Expr:
    col, dtype = spec.name, spec.dtype
    if spec.is_uuid:
        expr = _parse_uuid(col)
    elif dtype == pl.String:
        expr = pl.col(col)
    elif isinstance(dtype, pl.Decimal):
        expr = _parse_decimal(col, dtype)
    elif dtype in (pl.Int32, pl.Int64):
        expr = _parse_int(col, dtype)
    elif dtype == pl.Float64:
        expr = _blank_to_null(col).cast(pl.Float64, strict=False)
    elif dtype == pl.Boolean:
        expr = _parse_bool(col)
    elif dtype == pl.Date:
        expr = _parse_date(col)
    elif isinstance(dtype, pl.Datetime):
        expr = _parse_datetime(col)
    else:  # pragma: no cover - the registry only produces the types above
        raise TypeError(f"no parser for {col}: {dtype}")
    return expr.cast(dtype).alias(col)


def describe(dtype: pl.DataType, is_uuid: bool) -> str:
    if is_uuid:
        return "a UUID"
    if isinstance(dtype, pl.Decimal):
        return (
            f"a number with at most {(dtype.precision or 38) - dtype.scale} digits before the decimal point "
            f"and {dtype.scale} after"
        )
    return {
        pl.Int32: "a whole number",
        pl.Int64: "a whole number",
        pl.Float64: "a number",
        pl.Boolean: "true or false",
        pl.Date: "a date (YYYY-MM-DD)",
    }.get(dtype, "a timestamp (YYYY-MM-DD HH:MM:SS)")


def parse_frame(text: pl.DataFrame, specs: list[ColumnSpec]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Parse an all-text frame into typed columns.

    Returns the typed frame (same rows, same order) and the parse failures: one row per bad value with
    ``row`` (0-based position in ``text``), ``column``, ``value`` and ``reason``. A failed value is null in the
    typed frame; the caller decides what happens to its row.
    """
    typed = text.select([parse_expr(s) for s in specs])
    return typed, parse_failures(text, typed, specs)


def parse_failures(text: pl.DataFrame, typed: pl.DataFrame, column_specs: list[ColumnSpec]) -> pl.DataFrame:
    """The parse failures of ``typed`` (parsed from ``text``): a value present in ``text`` whose parse is null, one
    row each with ``row`` (0-based position), ``column``, ``value`` and ``reason``."""
    failures = []
    for spec in column_specs:
        if spec.dtype == pl.String and not spec.is_uuid:
            continue
        original, parsed = text.get_column(spec.name), typed.get_column(spec.name)
        if parsed.null_count() == original.null_count():
            continue  # every parse of a null is null: no value that was there was lost
        present = original.is_not_null() & (original.str.strip_chars() != "")
        bad = present & parsed.is_null()
        if bad.any():
            idx = bad.arg_true()
            n = len(idx)
            failures.append(
                pl.DataFrame(
                    [
                        pl.Series("row", idx, dtype=pl.Int64),
                        pl.Series("column", [spec.name] * n, dtype=pl.String),
                        original.gather(idx).alias("value"),
                        pl.Series(
                            "reason", [f"{spec.name} must be {describe(spec.dtype, spec.is_uuid)}"] * n, dtype=pl.String
                        ),
                    ]
                )
            )
    empty = pl.DataFrame(schema={"row": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String})
    return pl.concat(failures) if failures else empty
