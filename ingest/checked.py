"""Rows of an OBCMS table, as text from any source, checked into typed rows and rejects.

The same checks apply whether rows come from the OBCMS database or from a spreadsheet an office sent:
parse every value by the column's type (``ingest.parse``), then validate the typed rows with the table's pandera
contract (``validation.obcms``, ``lazy=True``). Good rows are staged in a DuckDB temp table; once every batch is
in, keys that appear more than once are rejected (every copy: they cannot be told apart) and the stage is
merged into ``raw`` (``ingest.raw.merge``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

import duckdb
import numpy as np
import polars as pl
import sqlalchemy as sa

from ingest.obcms_schema import SourceTable
from ingest.parse import ColumnSpec, parse_expr, parse_failures
from ingest.raw import LOCATION_COLUMNS, MergeStats, RawTable, duckdb_type_of, hashed_rows_sql
from ingest.sources import SourceError, TableOutcome
from ingest.state import Reject, TableLoad
from ingest.warehouse import polars_type
from validation.failures import ContractMismatch, Failure, failures
from validation.obcms import ROW_RULES, contract

# Amounts whose totals are recorded at the source and reconciled in the marts.
CONTROL_MEASURES: dict[str, tuple[str, ...]] = {
    "monitoring_monitoringentry": ("budget_allocation",),
    "monitoring_monitoringentryfunding": ("amount",),
    "common_work_item": ("allocated_budget", "actual_expenditure"),
    "mana_need": ("estimated_cost",),
    "common_province": ("population_total",),
    "common_municipality": ("population_total",),
    "common_barangay": ("population_total",),
}

Locate = Callable[[int], tuple[str | None, int | None]]  # row position in the batch -> (file, line)


def raw_table(src: SourceTable) -> RawTable:
    return RawTable(src.name, {str(c.name): polars_type(c) for c in src.columns}, key=tuple(src.key))


def specs(src: SourceTable) -> list[ColumnSpec]:
    return [ColumnSpec(str(c.name), polars_type(c), isinstance(c.type, sa.Uuid)) for c in src.columns]


# --------------------------------------------------------------------------------------------- parsing
# ``ingest.parse`` states the rules; ``parse_text`` gives exactly its result, faster. Most values arrive in the one
# canonical form each type has in OBCMS (``2024-01-06 08:15:49.485663``, a 32-digit hex UUID, ``398057.21``): for
# each column a guard recognises that form and a cheap expression parses it, and only the values the guard does not
# recognise go through the full rule. A guard accepts only text for which both give the same value (the tests
# compare them on generated and hostile text).
_DATETIME_FORM = r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(\+00)?$"
_DATE_FORM = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_UUID_FORM = r"^[0-9a-f]{32}$"
_FLOAT_FORM = r"^-?[0-9]+(\.[0-9]+)?$"
_EXACT_FLOAT_DIGITS = 15  # whole numbers of up to 15 digits are exact as float64, which ``ingest.parse`` goes through


def _fast_parse(spec: ColumnSpec) -> tuple[pl.Expr, pl.Expr] | None:
    """(guard, parse) for the canonical form of ``spec``'s values, or None when the full rule is cheap anyway."""
    c = pl.col(spec.name)
    dtype = spec.dtype
    if spec.is_uuid:
        parts = [c.str.slice(0, 8), c.str.slice(8, 4), c.str.slice(12, 4), c.str.slice(16, 4), c.str.slice(20, 12)]
        return c.str.contains(_UUID_FORM), pl.concat_str(parts, separator="-")
    if isinstance(dtype, pl.Datetime):
        return c.str.contains(_DATETIME_FORM), c.str.strip_suffix("+00").str.to_datetime(
            "%Y-%m-%d %H:%M:%S%.f", strict=False, time_unit="us"
        )
    if dtype == pl.Date:
        return c.str.contains(_DATE_FORM), c.str.to_date("%Y-%m-%d", strict=False)
    if isinstance(dtype, pl.Decimal):
        precision, scale = dtype.precision or 38, dtype.scale
        whole = precision - scale
        if whole < 1:
            return None
        form = rf"^-?[0-9]{{1,{whole}}}" + (rf"(\.[0-9]{{1,{scale}}})?$" if scale else "$")
        return c.str.contains(form), c.cast(pl.Decimal(38, scale), strict=False)
    if dtype in (pl.Int32, pl.Int64):
        return c.str.contains(rf"^-?[0-9]{{1,{_EXACT_FLOAT_DIGITS}}}$"), c.cast(pl.Int64, strict=False)
    if dtype == pl.Float64:
        return c.str.contains(_FLOAT_FORM), c.cast(pl.Float64, strict=False)
    return None


def parse_text(text: pl.DataFrame, column_specs: list[ColumnSpec]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``ingest.parse.parse_frame``'s result (typed frame, parse failures), with the canonical forms parsed fast."""
    fast = {s.name: _fast_parse(s) for s in column_specs}
    exprs, guards = [], []
    for spec in column_specs:
        pair = fast[spec.name]
        if pair is None:
            exprs.append(parse_expr(spec))
        else:
            exprs.append(pair[1].cast(spec.dtype, strict=False).alias(spec.name))
            guards.append((~pair[0] & pl.col(spec.name).is_not_null()).alias(spec.name))
    typed = text.select(exprs)
    if guards:
        slow = text.select(guards)
        columns = []
        for spec in column_specs:
            if fast[spec.name] is None or not slow.get_column(spec.name).any():
                continue
            idx = slow.get_column(spec.name).arg_true()
            full = text.select(pl.col(spec.name).gather(idx)).select(parse_expr(spec)).to_series()
            column = typed.get_column(spec.name).clone()
            column.scatter(idx, full)
            columns.append(column)
        if columns:
            typed = typed.with_columns(columns)
    return typed, parse_failures(text, typed, column_specs)


def _key_of(frame: pl.DataFrame, src: SourceTable) -> pl.Series:
    return frame.select(
        pl.concat_str([pl.col(k).cast(pl.String) for k in src.key], separator="|", ignore_nulls=False)
    ).to_series()


def _validate(typed: pl.DataFrame, src: SourceTable) -> list[Failure]:
    """Rows (positions within ``typed``) that break the contract, with column, check, value and reason."""
    try:
        found = failures(contract(src.name), typed, explain=_reason)
    except ContractMismatch as exc:
        raise SourceError(str(exc)) from exc
    # A row rule's failure case is the whole row: keep only the columns the rule reads.
    rule_columns = {desc: expr.meta.root_names() for _, expr, desc in ROW_RULES.get(src.name, ())}
    return [
        replace(f, value=", ".join(f"{c}={typed[f.row, c]}" for c in rule_columns[f.check]))
        if f.check in rule_columns
        else f
        for f in found
    ]


def _reason(check: str, column: str | None, value: str | None) -> str:
    if check.startswith("isin"):
        return f"{column} has a value OBCMS does not allow: {value!r}"
    if check.startswith("greater_than_or_equal_to(0"):
        return f"{column} must not be negative: {value}"
    if check.startswith("in_range"):
        return f"{column} is out of range {check.removeprefix('in_range')}: {value}"
    if check == "not_nullable":
        return f"{column} is required but empty"
    if column is None:
        return check  # row rules carry their description as the check name
    return f"{column} failed {check}: {value}"


@dataclass
class Stage:
    """Checked rows of one table accumulating in a DuckDB temp table, with the rejects and totals so far."""

    con: duckdb.DuckDBPyConnection
    src: SourceTable
    rows_read: int = 0
    rejected_rows: int = 0
    rejects: list[Reject] = field(default_factory=list)
    read_totals: dict[str, Decimal] = field(default_factory=dict)
    # hashed: each staged row carries its ``_row_hash``, computed batch by batch, and the stage is merged as it is
    # (``merge(..., hashed=True)``)
    hashed: bool = False
    batch_rows: int = 200_000  # the batches of a read in key order (for the order of rejects, see ``add``)

    def __post_init__(self) -> None:
        self._reordered = False
        self._orders: list[np.ndarray] = []
        self._reject_order: list[tuple] = []
        self.table = raw_table(self.src)
        self.name = f'"_stage_{self.src.name}"'
        cols = [f'"{c}" {duckdb_type_of(t)}' for c, t in self.table.columns.items()]
        cols += ['"_file" VARCHAR', '"_line" BIGINT']
        if self.hashed:
            cols += ['"_ord" BIGINT', '"_row_hash" VARCHAR']
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {self.name} ({', '.join(cols)})")

    def add(self, text: pl.DataFrame, locate: Locate | None = None, order: pl.Series | None = None) -> None:
        """Check one batch of text rows (columns named as the table's) and stage the good ones.

        Rows are numbered in the order batches are added, unless ``order`` gives each row's 0-based position in
        the table's key order (a source read in another order): once every batch is in, rejects are then numbered
        by their row's rank, in key order, among the rows read, and put in the order that reading those rows in key
        order, in batches of ``batch_rows``, would have given (``reject_duplicate_keys`` does it)."""
        offset = self.rows_read
        self.rows_read += text.height
        typed, parse_failures = parse_text(text, specs(self.src))
        keys = _key_of(typed, self.src).fill_null(_key_of(text, self.src))
        positions_in_key_order = None
        if order is not None:
            self._reordered = True
            self._orders.append(order.to_numpy())
            positions_in_key_order = order.to_list()
        column_index = {spec.name: i for i, spec in enumerate(specs(self.src))}

        def reject(pos: int, column: str | None, check: str, value: str | None, reason: str, phase: int) -> None:
            file, line = locate(pos) if locate else (None, None)
            location = f"{file}:{line}" if file else None
            number = offset + pos + 1 if positions_in_key_order is None else None  # numbered once all are read
            self.rejects.append(Reject(self.src.name, number, keys[pos], column, check, value, reason, location))
            where = positions_in_key_order[pos] if positions_in_key_order is not None else offset + pos
            self._reject_order.append((where, phase, column_index.get(column or "", -1), column))

        bad = set(parse_failures.get_column("row").to_list())
        for f in parse_failures.iter_rows(named=True):
            reject(f["row"], f["column"], "parse", f["value"], f["reason"], 0)
        for measure in CONTROL_MEASURES.get(self.src.name, ()):
            total = typed.get_column(measure).sum()
            self.read_totals[measure] = self.read_totals.get(measure, Decimal(0)) + Decimal(str(total or 0))
        candidates = typed.with_row_index("_pos").filter(~pl.col("_pos").is_in(sorted(bad)))
        positions = candidates.get_column("_pos")
        for f in _validate(candidates.drop("_pos"), self.src):
            pos = positions[f.row]
            bad.add(pos)
            reject(pos, f.column, f.check, f.value, f.reason, 1)
        self.rejected_rows += len(bad)
        if self.hashed:  # each row's position in key order: the stage is merged in that order
            ords = (
                order.cast(pl.Int64) if order is not None else pl.int_range(offset, offset + typed.height, eager=True)
            )
            typed = typed.with_columns(ords.alias("_ord"))
        good = typed.with_row_index("_pos").filter(~pl.col("_pos").is_in(sorted(bad)))
        if locate:
            where = [locate(p) for p in good.get_column("_pos").to_list()]
            good = good.with_columns(
                pl.Series("_file", [w[0] for w in where], dtype=pl.String),
                pl.Series("_line", [w[1] for w in where], dtype=pl.Int64),
            )
        else:
            good = good.with_columns(pl.lit(None, pl.String).alias("_file"), pl.lit(None, pl.Int64).alias("_line"))
        good = good.select([*self.table.columns, *LOCATION_COLUMNS, *(["_ord"] if self.hashed else [])])
        if good.height:
            self.con.register("_stage_batch", good.to_arrow())
            try:
                rows = hashed_rows_sql(self.table, "_stage_batch") if self.hashed else "SELECT * FROM _stage_batch"
                self.con.execute(f"INSERT INTO {self.name} {rows}")
            finally:
                self.con.unregister("_stage_batch")

    def _number_in_key_order(self) -> None:
        """Number and order the rejects of batches read out of key order as a read in key order would (``add``)."""
        read = np.sort(np.concatenate(self._orders))
        ranked = []
        for seq, ((where, phase, column_at, column), r) in enumerate(
            zip(self._reject_order, self.rejects, strict=True)
        ):
            rank = int(np.searchsorted(read, where))
            r.row_number = rank + 1
            # the batch, then parse failures column by column and row by row, then contract failures row by row
            # (by column, row rules last)
            within = (column_at, rank, False, "") if phase == 0 else (rank, column is None, column or "")
            ranked.append(((rank // self.batch_rows, phase, *within, seq), r))
        self.rejects = [r for _, r in sorted(ranked, key=lambda item: item[0])]
        self._reordered = False

    def reject_duplicate_keys(self) -> int:
        """Remove every copy of a key staged more than once; returns how many rows that was. Call it once every
        batch is in."""
        if self._reordered:
            self._number_in_key_order()
        key_cols = ", ".join(f'"{k}"' for k in self.src.key)
        key_text = " || '|' || ".join(f'CAST("{k}" AS VARCHAR)' for k in self.src.key)
        duplicated = f"({key_cols}) IN (SELECT {key_cols} FROM {self.name} GROUP BY ALL HAVING count(*) > 1)"
        dupes = self.con.execute(
            f"SELECT {key_text}, _file, _line FROM {self.name} WHERE {duplicated} ORDER BY ALL"
        ).fetchall()
        if dupes:
            self.con.execute(f"DELETE FROM {self.name} WHERE {duplicated}")
        for key, file, line in dupes:
            self.rejects.append(
                Reject(
                    self.src.name,
                    None,
                    key,
                    ",".join(self.src.key),
                    "duplicate_key",
                    key,
                    f"key {','.join(self.src.key)} = {key} appears more than once; no copy is loaded",
                    f"{file}:{line}" if file else None,
                )
            )
        self.rejected_rows += len(dupes)
        return len(dupes)

    def loaded_totals(self) -> dict[str, Decimal]:
        out = {}
        for measure in CONTROL_MEASURES.get(self.src.name, ()):
            value = self.con.execute(f'SELECT sum("{measure}") FROM {self.name}').fetchall()[0][0]
            out[measure] = Decimal(str(value or 0))
        return out

    @property
    def staged_rows(self) -> int:
        return self.con.execute(f"SELECT count(*) FROM {self.name}").fetchall()[0][0]

    def drop(self) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {self.name}")

    def outcome(self, load: TableLoad, stats: MergeStats, where: str) -> TableOutcome:
        """Close ``load`` with this stage's counts and the merge's effect, checking that every row read was
        loaded or rejected; ``where`` names the table or file in the error if that ever fails."""
        load.rows_read = self.rows_read
        load.rows_rejected = self.rejected_rows
        load.rows_loaded = stats.inserted + stats.updated + stats.unchanged + stats.restored
        load.rows_inserted, load.rows_updated = stats.inserted, stats.updated + stats.restored
        load.rows_unchanged, load.rows_deleted = stats.unchanged, stats.deleted
        if load.rows_read != load.rows_loaded + load.rows_rejected:
            raise AssertionError(
                f"{where}: rows read {load.rows_read} != loaded {load.rows_loaded} + rejected {load.rows_rejected}"
            )
        loaded = self.loaded_totals()
        load.finish()
        return TableOutcome(load, self.rejects, {m: (self.read_totals.get(m), loaded.get(m)) for m in loaded})
