"""The OBCMS way of rolling up work items, as a baseline: one descendant query per node over MPTT columns.

OBCMS (django-mptt on ``common_work_item``) gets a node's rolled-up figures with
``node.get_descendants(include_self=...).aggregate(Sum(...))``: one SQL query per node,
``WHERE tree_id = ? AND lft >= ? AND rght <= ?`` (``>``/``<`` without ``include_self``). Here that query runs in
SQLite through the plain ``sqlite3`` driver (no ORM overhead, so the baseline is if anything flattered), on a
table shaped like OBCMS's (id, parent_id, lft, rght, tree_id, level, allocated_budget, actual_expenditure, with
django-mptt's indexes), copied from the demo source the warehouse was built from: the same tree, so the figures
can be compared with ``fct_work_item_rollup``.

Ours: the warehouse computes every node's rollup at once, set-based. It is timed by running the compiled SQL of
``fct_work_item_rollup`` (closure, tree walk and rollups all inside the one model) on the published
warehouse.
"""

from __future__ import annotations

import random
import re
import sqlite3
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from ingest.home import Home
from ingest.warehouse import published_path

COLUMNS = ("id", "parent_id", "lft", "rght", "tree_id", "level", "allocated_budget", "actual_expenditure")
DESCENDANTS = {
    True: "SELECT count(*), sum(allocated_budget), sum(actual_expenditure) FROM work_item "
    "WHERE tree_id = ? AND lft >= ? AND rght <= ?",
    False: "SELECT count(*), sum(allocated_budget), sum(actual_expenditure) FROM work_item "
    "WHERE tree_id = ? AND lft > ? AND rght < ?",
}


def build_mptt_db(source_db: Path, dest: Path) -> int:
    """Write ``dest``: OBCMS's work-item MPTT columns from ``source_db`` (a demo OBCMS SQLite); returns N."""
    dest.unlink(missing_ok=True)
    con = sqlite3.connect(dest)
    try:
        con.execute(
            "CREATE TABLE work_item (id CHAR(32) PRIMARY KEY, parent_id CHAR(32), lft INTEGER NOT NULL, "
            "rght INTEGER NOT NULL, tree_id INTEGER NOT NULL, level INTEGER NOT NULL, "
            "allocated_budget DECIMAL(14, 2), actual_expenditure DECIMAL(14, 2))"
        )
        # django-mptt indexes each MPTT column, and OBCMS adds (tree_id, lft, rght)
        for cols in ("parent_id", "lft", "rght", "tree_id", "level", "tree_id, lft, rght"):
            con.execute(f"CREATE INDEX work_item_{cols.replace(', ', '_')} ON work_item ({cols})")
        con.execute("ATTACH DATABASE ? AS src", [str(source_db)])
        con.execute(f"INSERT INTO work_item SELECT {', '.join(COLUMNS)} FROM src.common_work_item")  # noqa: S608
        con.commit()
        con.execute("DETACH DATABASE src")
        con.execute("ANALYZE")
        return con.execute("SELECT count(*) FROM work_item").fetchone()[0]
    finally:
        con.close()


@dataclass
class PerNode:
    nodes: int  # nodes in the table
    timed: int  # nodes actually queried (all, or a random sample)
    seconds: float  # measured, for the timed nodes
    include_self: bool

    @property
    def estimated_seconds(self) -> float:
        """For every node: measured when all were timed, else extrapolated from the sample."""
        return self.seconds * self.nodes / self.timed if self.timed else 0.0

    @property
    def sampled(self) -> bool:
        return self.timed < self.nodes


def per_node_rollups(db: Path, *, include_self: bool, sample: int | None = None, seed: int = 1) -> PerNode:
    """Time one descendant aggregate per node (all nodes, or a random ``sample`` of them)."""
    con = sqlite3.connect(db)
    try:
        nodes = con.execute("SELECT tree_id, lft, rght FROM work_item").fetchall()
        chosen = nodes if sample is None or sample >= len(nodes) else random.Random(seed).sample(nodes, sample)
        query = DESCENDANTS[include_self]
        start = time.perf_counter()
        for node in chosen:
            con.execute(query, node).fetchone()
        seconds = time.perf_counter() - start
        return PerNode(len(nodes), len(chosen), seconds, include_self)
    finally:
        con.close()


def django_per_node_rollups(db: Path, *, include_self: bool, sample: int | None = None, seed: int = 1) -> PerNode:
    """``per_node_rollups`` the real OBCMS way: Django's ORM and django-mptt, ``node.get_descendants(include_self=
    ...).aggregate(...)`` per node, in a child process (``ingest.bench.obcms_django``) so Django's settings never
    reach this one. RuntimeError, with the child's stderr, when Django or django-mptt is missing or it fails."""
    from ingest.bench import obcms_django

    args = ["--include-self" if include_self else "--descendants-only", "--seed", str(seed)]
    if sample is not None:
        args += ["--sample", str(sample)]
    answer = obcms_django.run(db, *args)
    return PerNode(int(answer["nodes"]), int(answer["timed"]), float(answer["seconds"]), bool(answer["include_self"]))


def mptt_figures(db: Path, *, include_self: bool = True) -> dict[str, tuple[int, Decimal]]:
    """Every node's (descendant count, summed actual expenditure) the OBCMS way (for checking fairness)."""
    con = sqlite3.connect(db)
    try:
        out = {}
        query = DESCENDANTS[include_self]
        for node_id, tree_id, lft, rght in con.execute("SELECT id, tree_id, lft, rght FROM work_item").fetchall():
            count, _, spent = con.execute(query, (tree_id, lft, rght)).fetchone()
            out[str(node_id)] = (count, Decimal(str(round(spent or 0, 2))).quantize(Decimal("0.01")))
        return out
    finally:
        con.close()


def compiled_sql(home: Home, model: str = "fct_work_item_rollup") -> str:
    # the model's own file (unit tests compile files of the same name under <schema>.yml/ folders)
    found = [
        p for p in (home.dbt_dir / "target" / "compiled").rglob(f"{model}.sql") if not p.parent.name.endswith(".yml")
    ]
    if not found:
        raise FileNotFoundError(f"no compiled SQL for {model} under {home.dbt_dir / 'target'}")
    return found[0].read_text(encoding="utf-8")


def our_rollup_seconds(home: Home, repeat: int = 3) -> tuple[float, int]:
    """Best of ``repeat`` runs of the compiled ``fct_work_item_rollup`` SQL on the published warehouse, fully
    materialised (every node's rollup); returns (seconds, rows)."""
    # dbt qualified names with the database it built under ("building", see ingest.pipeline.run_dbt): run unqualified
    sql = re.sub(r'"[^"]+"\.("(?:raw|staging|intermediate|marts|meta)"\.)', r"\1", compiled_sql(home))
    con = duckdb.connect(str(published_path(home).resolve()), read_only=True)
    try:
        best, rows = float("inf"), 0
        for _ in range(repeat):
            start = time.perf_counter()
            con.execute(f"CREATE OR REPLACE TEMP TABLE _bench_rollup AS {sql}")
            best = min(best, time.perf_counter() - start)
            rows = con.execute("SELECT count(*) FROM _bench_rollup").fetchall()[0][0]
        return best, rows
    finally:
        con.close()


def our_figures(home: Home) -> dict[str, tuple[int, Decimal]]:
    """Every node's (descendants + itself, rolled-up actual expenditure) from the published fct_work_item_rollup."""
    con = duckdb.connect(str(published_path(home).resolve()), read_only=True)
    try:
        rows = con.execute(
            "SELECT replace(work_item_id, '-', ''), descendant_count, rolled_up_actual_expenditure "
            "FROM marts.fct_work_item_rollup"
        ).fetchall()
    finally:
        con.close()
    return {wid: (count + 1, Decimal(spent).quantize(Decimal("0.01"))) for wid, count, spent in rows}
