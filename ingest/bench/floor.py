"""The floor a refresh cannot beat: loading the same source tables straight into DuckDB, nothing else.

Every table of the demo OBCMS SQLite file is read with the plain ``sqlite3`` driver (DuckDB's sqlite scanner is an
extension that needs a download, so it is not assumed), handed to DuckDB as an Arrow table, and written with
``CREATE TABLE ... AS``: no parsing, checks, merge, history or models. A refresh does all of that on top.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import duckdb
import pyarrow as pa

BATCH = 200_000


def raw_load_seconds(source_db: Path, dest: Path) -> tuple[float, int]:
    """Load every table of ``source_db`` into a new DuckDB file ``dest``; returns (seconds, rows)."""
    dest.unlink(missing_ok=True)
    start = time.perf_counter()
    src = sqlite3.connect(source_db)
    con = duckdb.connect(str(dest))
    rows = 0
    try:
        tables = [
            r[0]
            for r in src.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        ]
        for table in tables:
            cur = src.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from sqlite_master
            names = [d[0] for d in cur.description]
            created = False
            while batch := cur.fetchmany(BATCH):
                # sqlite values are mixed-type per column: carry them as text, as a raw landing zone would
                columns = list(zip(*batch, strict=True))
                arrow = pa.table(
                    {
                        n: pa.array([None if v is None else str(v) for v in col])
                        for n, col in zip(names, columns, strict=True)
                    }
                )
                con.register("_batch", arrow)
                if created:
                    con.execute(f'INSERT INTO "{table}" SELECT * FROM _batch')  # noqa: S608
                else:
                    con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM _batch')  # noqa: S608
                    created = True
                con.unregister("_batch")
                rows += len(batch)
        con.execute("CHECKPOINT")
    finally:
        con.close()
        src.close()
    return time.perf_counter() - start, rows
