"""Every raw table a refresh creates before ``dbt build``, for hand-made test warehouses.

A refresh creates every known raw table, empty when its source kind is not configured, so dbt always finds
them. The test warehouses do the same: the OBCMS tables of ``ingest.obcms_schema``, the tables of every file
source kind (``ingest.pipeline.known_raw_tables``, and the ``RawTable`` definitions of the kind modules), and the
``meta`` tables of ``ingest.pipeline.META_DDL``.
"""

from __future__ import annotations

import importlib

import duckdb

from ingest.pipeline import META_DDL, known_raw_tables
from ingest.raw import RawTable, ensure_table
from ingest.sources import KINDS


def raw_tables() -> dict[str, RawTable]:
    """Every raw table by name."""
    tables = {t.name: t for t in known_raw_tables()}
    for module_name in KINDS.values():
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if isinstance(value, RawTable):
                tables.setdefault(value.name, value)
    return tables


def create_every_table(con: duckdb.DuckDBPyConnection) -> dict[str, RawTable]:
    """Create the schemas ``raw`` and ``meta`` with every table, empty; return the raw tables by name."""
    tables = raw_tables()
    for table in tables.values():
        ensure_table(con, table)
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    for ddl in META_DDL.values():
        con.execute(ddl)
    return tables


def insert_row(con: duckdb.DuckDBPyConnection, table: str, row: dict) -> None:
    """Insert one hand-made row into ``raw.<table>``; columns named by the row, values bound."""
    columns = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" for _ in row)
    con.execute(f'INSERT INTO raw."{table}" ({columns}) VALUES ({marks})', list(row.values()))
