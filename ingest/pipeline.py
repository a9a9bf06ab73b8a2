"""Refresh orchestration: ingest every configured source into a new warehouse file, build it with dbt, publish.

Each step is timed and recorded in the state database (``refresh_run``), with every table load
(``ingest_run``) and rejected row (``ingest_reject``). Nothing is published unless every step succeeded; the
unfinished file is removed and the previous warehouse keeps serving.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
import sqlalchemy as sa

from ingest.home import DBT_PROJECT_DIR, ConfigError, Home
from ingest.obcms import SOURCE_TABLES, SourceError, TableOutcome, ingest_obcms
from ingest.state import StateStore, ingest_reject, ingest_run, new_run_id, refresh_run
from ingest.warehouse import META_SCHEMA, RAW_SCHEMA, new_build_path, publish, published_path

Say = Callable[[str], None]
Progress = Callable[[str, int, int], None]


class BuildError(Exception):
    """dbt build failed: its models or tests did not pass."""


@dataclass
class StepTimer:
    steps: list[dict] = field(default_factory=list)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        status = "failed"
        try:
            yield
            status = "succeeded"
        finally:
            self.steps.append({"step": name, "seconds": round(time.perf_counter() - start, 3), "status": status})


@dataclass
class RefreshResult:
    run_id: str
    warehouse: Path
    steps: list[dict]
    loads: list[TableOutcome]

    @property
    def rows_rejected(self) -> int:
        return sum(o.load.rows_rejected for o in self.loads)


# -------------------------------------------------------------------------------------------- dbt
def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(home: Home, warehouse: Path, args: tuple[str, ...] = ("build",), say: Say | None = None) -> None:
    """Run dbt on ``warehouse``; its progress lines are passed to ``say`` as they come."""
    env = {
        **os.environ,
        "OOBC_WAREHOUSE_PATH": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    cmd = [
        dbt_executable(),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(home.dbt_dir / "target"),
        "--log-path",
        str(home.dbt_dir / "logs"),
    ]
    lines: list[str] = []
    with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip())
            if say:
                say(line.rstrip())
    if proc.returncode != 0:
        failing = [ln for ln in lines if "ERROR" in ln or "FAIL" in ln or "Error" in ln]
        detail = "\n".join(failing[-20:] or lines[-20:])
        raise BuildError(f"dbt {' '.join(args)} failed (exit {proc.returncode}):\n{detail}")


# ------------------------------------------------------------------------------------------- meta
META_DDL = {
    "refreshes": """CREATE OR REPLACE TABLE meta.refreshes (run_id VARCHAR, command VARCHAR, started_at TIMESTAMP,
        finished_at TIMESTAMP, status VARCHAR, warehouse_file VARCHAR, steps VARCHAR, error VARCHAR)""",
    "runs": """CREATE OR REPLACE TABLE meta.runs (run_id VARCHAR, source VARCHAR, table_name VARCHAR,
        started_at TIMESTAMP, finished_at TIMESTAMP, status VARCHAR, rows_read BIGINT, rows_loaded BIGINT,
        rows_rejected BIGINT, seconds DOUBLE, error VARCHAR)""",
    "rejects": """CREATE OR REPLACE TABLE meta.rejects (run_id VARCHAR, source VARCHAR, table_name VARCHAR,
        row_number BIGINT, row_key VARCHAR, column_name VARCHAR, check_name VARCHAR, failure_value VARCHAR,
        reason VARCHAR)""",
}
META_FROM_STATE = {"refreshes": refresh_run, "runs": ingest_run, "rejects": ingest_reject}


def copy_state_to_meta(state: StateStore, con: duckdb.DuckDBPyConnection) -> None:
    """The state database's run history becomes ``meta.*`` in the warehouse being built."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {META_SCHEMA}")
    with state.engine.connect() as conn:
        for name, table in META_FROM_STATE.items():
            con.execute(META_DDL[name])
            cols = [r[0] for r in con.execute(f"DESCRIBE meta.{name}").fetchall()]
            rows = conn.execute(sa.select(*[table.c[c] for c in cols])).all()
            if rows:
                frame = pl.DataFrame([tuple(r) for r in rows], schema=cols, orient="row", infer_schema_length=None)
                con.register("_meta", frame.to_arrow())
                con.execute(f"INSERT INTO meta.{name} SELECT * FROM _meta")  # noqa: S608 (fixed names)
                con.unregister("_meta")


# ---------------------------------------------------------------------------------------- refresh
def _ingest_source(
    source: dict, con: duckdb.DuckDBPyConnection, run_id: str, state: StateStore, progress: Progress | None
) -> list[TableOutcome]:
    kind = source["kind"]
    if kind != "obcms":
        raise ConfigError(f"source {source['name']!r}: unknown kind {kind!r} (known: obcms)")
    if not source.get("url"):
        raise ConfigError(f"source {source['name']!r}: an obcms source needs a `url` (a SQLAlchemy database URL)")
    outcomes = ingest_obcms(source["url"], con, run_id=run_id, source_name=source["name"], progress=progress)
    for o in outcomes:
        state.record_load(run_id, o.load)
        state.record_rejects(run_id, source["name"], o.rejects)
    return outcomes


def _drop_source_tables(con: duckdb.DuckDBPyConnection) -> None:
    for src in SOURCE_TABLES:
        con.execute(f'DROP TABLE IF EXISTS {RAW_SCHEMA}."{src.name}"')


def refresh(
    home: Home,
    *,
    sources: list[dict] | None = None,
    command: str = "refresh",
    start_from_current: bool = False,
    say: Say | None = None,
    progress: Progress | None = None,
) -> RefreshResult:
    """Ingest ``sources`` (default: every configured source), build with dbt and publish atomically.

    With ``start_from_current`` the new file starts as a copy of the published warehouse, so sources not
    listed keep the raw data they had (used by ``oobc ingest`` and ``oobc build``).
    """
    home.ensure()
    if sources is None:
        sources = home.load_config().get("sources", [])
    state = StateStore(home.state_url)
    run_id = new_run_id()
    state.start_refresh(run_id, command)
    log_file = (home.logs_dir / f"{command.replace(' ', '-')}-{run_id}.log").open("w", encoding="utf-8")
    terminal = say

    def say(line: str) -> None:  # every line goes to the run's log file, and to the terminal if asked
        log_file.write(line + "\n")
        log_file.flush()
        if terminal:
            terminal(line)

    timer = StepTimer()
    build = new_build_path(home)
    loads: list[TableOutcome] = []
    try:
        current = published_path(home, missing_ok=True) if start_from_current else None
        if current is not None:
            with timer.step("copy published warehouse"):
                shutil.copyfile(current, build)
        con = duckdb.connect(str(build))
        try:
            for source in sources:
                with timer.step(f"ingest {source['name']}"):
                    say(f"ingesting source {source['name']} ({source['kind']})")
                    _drop_source_tables(con)
                    loads += _ingest_source(source, con, run_id, state, progress)
            with timer.step("record run history"):
                copy_state_to_meta(state, con)
        finally:
            con.close()
        with timer.step("dbt build"):
            run_dbt(home, build, ("build",), say)
        with timer.step("publish"):
            build.with_suffix(".duckdb.done").touch()
            publish(home, build)
    except BaseException as exc:
        for p in (build, build.with_suffix(".duckdb.wal"), build.with_suffix(".duckdb.done")):
            p.unlink(missing_ok=True)
        say(f"failed: {type(exc).__name__}: {exc}")
        log_file.close()
        state.finish_refresh(run_id, "failed", timer.steps, error=f"{type(exc).__name__}: {exc}")
        raise
    for step in timer.steps:
        say(f"{step['step']}: {step['seconds']:.2f}s {step['status']}")
    say(f"published {build}")
    log_file.close()
    state.finish_refresh(run_id, "succeeded", timer.steps, warehouse_file=str(build))
    return RefreshResult(run_id, build, timer.steps, loads)


__all__ = ["BuildError", "ConfigError", "RefreshResult", "SourceError", "refresh", "run_dbt"]
