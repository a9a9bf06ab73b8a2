"""Refresh orchestration: ingest every configured source into a new warehouse file, build it with dbt, publish.

Each step is timed and recorded in the state database (``refresh_run``), with every table load
(``ingest_run``) and rejected row (``ingest_reject``). Nothing is published unless every step succeeded; the
unfinished file is removed and the previous warehouse keeps serving.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
import sqlalchemy as sa

from ingest.checked import raw_table
from ingest.home import DBT_PROJECT_DIR, ConfigError, Home
from ingest.locking import RefreshLockedError, die_with_parent, refresh_lock
from ingest.obcms_schema import SOURCE_TABLES
from ingest.raw import RAW_SCHEMA as RAW_SCHEMA_NAME
from ingest.raw import MergeScope, RawTable, ensure_table, mark_deleted
from ingest.sources import KINDS, LoadContext, SourceError, TableOutcome, loader, validate_sources
from ingest.state import (
    StateStore,
    bdp_review,
    ingest_control_total,
    ingest_reject,
    ingest_run,
    new_run_id,
    refresh_run,
    scenario,
    scenario_version,
    utcnow,
)
from ingest.warehouse import META_SCHEMA, cleanup_builds, new_build_path, publish, published_path

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


# dbt sees every build of a home under one file name, a hard link to the build file made for the run: the warehouse
# path is part of dbt's profile, and a new path at every refresh made dbt parse the whole project again each time
# (7-35 s). DuckDB names the database after the file it was opened as ("building") and stores views without it, so
# the build keeps working under its own name once the link is gone.
BUILDING = "building.duckdb"


@contextmanager
def _building_name(home: Home, warehouse: Path) -> Iterator[Path]:
    link = home.warehouse_dir / BUILDING
    wal = link.with_name(BUILDING + ".wal")
    for stale in (link, wal):  # left by a killed run (we hold the refresh lock)
        stale.unlink(missing_ok=True)
    try:
        os.link(warehouse, link)
    except OSError:  # another file system, or no hard links: dbt uses the build's own name (and parses in full)
        yield warehouse
        return
    try:
        yield link
        if wal.exists():  # dbt ended without checkpointing: fold the WAL into the build before the name goes
            duckdb.connect(str(link)).close()
    finally:
        for p in (link, wal):
            p.unlink(missing_ok=True)


def run_dbt(home: Home, warehouse: Path, args: tuple[str, ...] = ("build",), say: Say | None = None) -> None:
    """Run dbt on ``warehouse``; its progress lines are passed to ``say`` as they come. After a build, the tables
    and views of the project's schemas that the project no longer defines are dropped (see
    ``drop_stale_relations``)."""
    with _building_name(home, warehouse) as path:
        _run_dbt(home, path, args, say)
    if args[:1] == ("build",):
        dropped = drop_stale_relations(warehouse, home.dbt_dir / "target" / "manifest.json")
        if dropped and say:
            say(f"dropped {len(dropped)} relation(s) the dbt project no longer defines: {', '.join(dropped)}")


def drop_stale_relations(warehouse: Path, manifest_path: Path) -> list[str]:
    """Drop what a removed or renamed model left behind. A build starts from a copy of the published warehouse, so a
    model taken out of the project would otherwise stay in it for good, stale, and readable by ``oobc sql``. Only the
    schemas dbt builds models in are looked at, less any schema holding a dbt source (``raw``, ``meta``: loaded by
    the refresh, not by dbt); there, every table or view that is not a model, seed or snapshot of the manifest is
    dropped. Returns the dropped relations as ``schema.name``."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    built = {
        (node["schema"], node.get("alias") or node["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed", "snapshot")
    }
    sources = {node["schema"] for node in manifest["sources"].values()}
    schemas = {schema for schema, _ in built} - sources
    if not schemas:
        return []
    dropped = []
    con = duckdb.connect(str(warehouse))
    try:
        found = con.execute(
            "SELECT schema_name, table_name, 'TABLE' FROM duckdb_tables() WHERE database_name = current_database() "
            "UNION ALL SELECT schema_name, view_name, 'VIEW' FROM duckdb_views() "
            "WHERE database_name = current_database() AND NOT internal"
        ).fetchall()
        for schema, name, kind in sorted(found):
            if schema in schemas and (schema, name) not in built:
                con.execute(f'DROP {kind} IF EXISTS "{schema}"."{name}" CASCADE')
                dropped.append(f"{schema}.{name}")
    finally:
        con.close()
    return dropped


def _run_dbt(home: Home, warehouse: Path, args: tuple[str, ...], say: Say | None) -> None:
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
    # preexec_fn: a refresh killed with kill -9 takes its dbt with it (no orphan writing the build or dbt's target)
    with subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=die_with_parent()
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip())
            if say:
                say(line.rstrip())
    if proc.returncode != 0:
        failing = [ln for ln in lines if "ERROR" in ln or "FAIL" in ln or "Error" in ln]
        detail = "\n".join(failing[-20:] or lines[-20:])
        raise BuildError(f"dbt {' '.join(args)} failed (exit {proc.returncode}):\n{detail}")


def ingest_memory_limit() -> str:
    """DuckDB's memory limit while a refresh ingests (env OOBC_INGEST_MEMORY_LIMIT, default 1GB): above it DuckDB
    spills the merge's temporary tables to disk instead of growing (unlimited, it took 80 % of RAM by default and
    the scale-100 ingest peaked at 2.4 GB)."""
    return os.environ.get("OOBC_INGEST_MEMORY_LIMIT", "1GB")


def dbt_build_args(command: str) -> tuple[str, ...]:
    """``dbt build`` for a refresh: every model and data test. dbt's unit tests check the models' SQL on fixed
    fixtures, not the data: they run when the models may have changed (``oobc build``, and the test suite), and a
    data refresh leaves them out (at scale 1 they were 70 % of the build's time)."""
    if command == "build":
        return ("build",)
    return ("build", "--exclude-resource-type", "unit_test")


# ----------------------------------------------------------------------------- incremental dbt build
# A refresh that starts from a copy of the published warehouse rebuilds only what its changes reach: the dbt nodes
# downstream of the raw tables this run wrote to, of the run history (meta, new at every refresh), of the models that
# read the date or the clock, and of stg_meta__raw_tables (it reads every raw table's load metadata through the dbt
# graph, a dependency dbt does not see). Every other model is a table or view copied with the published warehouse,
# built by the same project from the same data, so it is already what a full build would make. Anything unusual
# (no published build, a different dbt project than the one that built it, a raw table whose columns changed, a
# changed table no source declares, `--full`, `oobc build`) builds everything.
PUBLISHED_BUILD_RECORD = "published_build.json"
ALWAYS_REBUILT = ("source:meta+", "stg_meta__raw_tables+")
_READS_THE_CLOCK = re.compile(r"current_date|current_timestamp|now\(\)|utc_now\(|budget_as_of_date\(", re.IGNORECASE)


def project_hash() -> str:
    """A hash of every file of the dbt project that decides what a build makes."""
    digest = hashlib.sha256()
    for path in sorted(DBT_PROJECT_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".sql", ".py", ".yml", ".yaml", ".csv", ".md"):
            digest.update(str(path.relative_to(DBT_PROJECT_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _source_selectors() -> dict[str, str]:
    """raw table name -> dbt selector of the source declaring it."""
    import yaml

    out: dict[str, str] = {}
    for path in sorted((DBT_PROJECT_DIR / "models").rglob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for source in doc.get("sources") or []:
            if source.get("schema", source["name"]) != RAW_SCHEMA_NAME:
                continue
            for table in source.get("tables") or []:
                out[table.get("identifier", table["name"])] = f"source:{source['name']}.{table['name']}"
    return out


def _clock_models() -> list[str]:
    return sorted(
        path.stem
        for path in (DBT_PROJECT_DIR / "models").rglob("*")
        if path.suffix in (".sql", ".py") and _READS_THE_CLOCK.search(path.read_text(encoding="utf-8"))
    )


def _raw_signature(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """Each raw table's columns and row count."""
    columns: dict[str, list] = {}
    for table, column, dtype in con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = ? "
        "ORDER BY table_name, ordinal_position",
        [RAW_SCHEMA_NAME],
    ).fetchall():
        columns.setdefault(table, []).append((column, dtype))
    return {
        t: (tuple(cols), con.execute(f'SELECT count(*) FROM {RAW_SCHEMA_NAME}."{t}"').fetchall()[0][0])
        for t, cols in columns.items()
    }


def changed_raw_tables(con: duckdb.DuckDBPyConnection, before: dict[str, tuple], run_id: str) -> set[str] | None:
    """The raw tables this run wrote to (rows stamped with its run id, or a different count), or None when a table
    appeared, disappeared or changed its columns (only a full build is then safe)."""
    after = _raw_signature(con)
    if set(after) != set(before) or any(after[t][0] != before[t][0] for t in after):
        return None
    changed = {t for t in after if after[t][1] != before[t][1]}
    for table in after:
        if (
            table not in changed
            and con.execute(
                f'SELECT count(*) FROM (SELECT 1 FROM {RAW_SCHEMA_NAME}."{table}" WHERE _run_id = ? LIMIT 1)', [run_id]
            ).fetchall()[0][0]
        ):
            changed.add(table)
    return changed


def incremental_selection(home: Home, current: Path | None, changed: set[str] | None, command: str) -> list[str] | None:
    """The dbt selectors of an incremental build, or None for a full build (see above)."""
    if current is None or changed is None or command == "build":
        return None
    record_file = home.dbt_dir / PUBLISHED_BUILD_RECORD
    try:
        record = json.loads(record_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("warehouse") != current.name or record.get("project_hash") != project_hash():
        return None
    sources = _source_selectors()
    if not changed <= set(sources):
        return None
    return [*ALWAYS_REBUILT, *(f"{m}+" for m in _clock_models()), *sorted(f"{sources[t]}+" for t in changed)]


def _record_published_build(home: Home, build: Path, project: str) -> None:
    record = {"warehouse": build.name, "project_hash": project}
    (home.dbt_dir / PUBLISHED_BUILD_RECORD).write_text(json.dumps(record), encoding="utf-8")


# ------------------------------------------------------------------------------------------- meta
META_FROM_STATE = {
    "refreshes": refresh_run,
    "runs": ingest_run,
    "rejects": ingest_reject,
    "control_totals": ingest_control_total,
    "bdp_reviews": bdp_review,
    "scenarios": scenario,
    "scenario_versions": scenario_version,
}


def _duckdb_type(column: sa.Column) -> str:
    t = column.type
    if isinstance(t, sa.Numeric) and not isinstance(t, sa.Float):
        return f"DECIMAL({t.precision},{t.scale})"
    if isinstance(t, sa.Float):
        return "DOUBLE"
    if isinstance(t, sa.Integer):
        return "BIGINT"
    if isinstance(t, sa.DateTime):
        return "TIMESTAMP"
    return "VARCHAR"


# meta.<name> mirrors the state table it is copied from, column for column.
META_DDL = {
    name: f"CREATE OR REPLACE TABLE {META_SCHEMA}.{name} ("
    + ", ".join(f'"{c.name}" {_duckdb_type(c)}' for c in table.columns)
    + ")"
    for name, table in META_FROM_STATE.items()
}


def copy_state_to_meta(state: StateStore, con: duckdb.DuckDBPyConnection) -> None:
    """The state database's run history becomes ``meta.*`` in the warehouse being built."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {META_SCHEMA}")
    with state.engine.connect() as conn:
        for name, table in META_FROM_STATE.items():
            con.execute(META_DDL[name])
            cols = [str(c.name) for c in table.columns]
            rows = conn.execute(sa.select(table)).all()
            if rows:
                frame = pl.DataFrame([tuple(r) for r in rows], schema=cols, orient="row", infer_schema_length=None)
                con.register("_meta", frame.to_arrow())
                con.execute(f"INSERT INTO meta.{name} SELECT * FROM _meta")
                con.unregister("_meta")


# ---------------------------------------------------------------------------------------- refresh
def known_raw_tables() -> list[RawTable]:
    """Every raw table any source kind writes, so dbt always finds them (empty when not configured)."""
    tables = [raw_table(src) for src in SOURCE_TABLES]
    for kind, module_name in KINDS.items():
        if kind == "obcms":
            continue
        module = importlib.import_module(module_name)
        tables += list(getattr(module, "RAW_TABLES", ()))
    return tables


def fingerprint(source: dict) -> str:
    """A hash of a source's configuration: high-water marks hold only for the same database, same settings."""
    return hashlib.sha256(json.dumps(source, sort_keys=True, default=str).encode()).hexdigest()


def _record(state: StateStore, run_id: str, source_name: str, outcomes: list[TableOutcome]) -> None:
    for o in outcomes:
        state.record_load(run_id, o.load)
        state.record_rejects(run_id, source_name, o.rejects)
        state.record_control_totals(run_id, source_name, o.load.table_name, o.control_totals)


def _retire_unconfigured_sources(con: duckdb.DuckDBPyConnection, configured: set[str], run_id: str, say: Say) -> None:
    """Rows of a source no longer in the configuration are marked deleted (kept, never dropped)."""
    for table in known_raw_tables():
        rows = con.execute(f"SELECT DISTINCT _source FROM {table.qualified} WHERE _deleted_at IS NULL").fetchall()
        for (source,) in rows:
            if source not in configured:
                n = mark_deleted(
                    con,
                    table,
                    pl.DataFrame(schema={k: table.columns[k] for k in table.key}),
                    run_id=run_id,
                    scope=MergeScope(source),
                )
                say(f"{table.name}: {n:,} rows of source {source!r}, no longer configured, marked deleted")


def refresh(
    home: Home,
    *,
    sources: list[dict] | None = None,
    command: str = "refresh",
    full: bool = False,
    say: Say | None = None,
    progress: Progress | None = None,
    lock_wait: float = 0.0,
) -> RefreshResult:
    """Ingest ``sources`` (default: every configured source), build with dbt and publish atomically.

    The new warehouse starts as a copy of the published one, so loads are incremental: unchanged rows are
    left alone, OBCMS tables are read from their high-water mark, and sources not listed keep their data.
    ``full=True`` starts from an empty warehouse and reads everything.

    One refresh at a time per home: the refresh lock (``ingest.locking``) is held throughout. When another refresh
    holds it, this one waits up to ``lock_wait`` seconds, then raises ``RefreshLockedError`` (recorded as a failed
    refresh). Holding the lock, it first cleans up after refreshes that were killed (``recover_killed_refreshes``).
    """
    home.ensure()
    all_configured = sources is None
    base_dir = home.root
    if sources is None:
        sources = home.load_config().get("sources", [])
        base_dir = home.config_file.parent
    validate_sources(sources, str(home.config_file) if all_configured else "command line")
    state = StateStore(home.state_url)
    run_id = new_run_id()
    with ExitStack() as locked:
        try:
            locked.enter_context(refresh_lock(home, lock_wait, command=command, run_id=run_id))
        except RefreshLockedError as exc:
            _record_refused(state, run_id, command, exc)
            raise
        recovered = recover_killed_refreshes(home, state, run_id)
        return _refresh_locked(
            home, state, run_id, sources, all_configured, base_dir, command, full, say, progress, recovered
        )


# ------------------------------------------------------------------------ killed and refused refreshes
ABANDONED = "abandoned: the refresh process ended without finishing (killed or crashed); noticed by run {run_id}"


def _record_refused(state: StateStore, run_id: str, command: str, exc: Exception) -> None:
    now = utcnow()
    with state.engine.begin() as conn:
        conn.execute(
            refresh_run.insert().values(
                run_id=run_id,
                command=command,
                started_at=now,
                finished_at=now,
                status="failed",
                steps="[]",
                error=f"refused: {exc}",
            )
        )


def recover_killed_refreshes(home: Home, state: StateStore, run_id: str) -> list[str]:
    """Clean up after refreshes that died without finishing. Call only while holding the refresh lock.

    Holding the lock proves no other refresh is running, so a ``running`` refresh row belongs to a process that
    died (``kill -9``, power loss): it is marked failed, its error starting with ``abandoned:`` (the status stays one
    the data-quality models know: its loads never reached a published warehouse). Build files without their
    ``.done`` marker (half-written by such a refresh), their WAL files and temporary links go, and old builds are
    cleaned up as after a publish. Returns a line per thing done, for the run's log.
    """
    lines = []
    with state.engine.begin() as conn:
        stale = [
            r[0] for r in conn.execute(sa.select(refresh_run.c.run_id).where(refresh_run.c.status == "running")).all()
        ]
        if stale:
            conn.execute(
                refresh_run.update()
                .where(refresh_run.c.run_id.in_(stale), refresh_run.c.status == "running")
                .values(status="failed", finished_at=utcnow(), error=ABANDONED.format(run_id=run_id))
            )
    lines += [f"refresh {r} had been left running by a process that died: marked failed (abandoned)" for r in stale]
    removed = cleanup_builds(home, unfinished_too=True)
    lines += [f"removed old or unfinished build {p.name}" for p in removed]
    return lines


def _refresh_locked(
    home: Home,
    state: StateStore,
    run_id: str,
    sources: list[dict],
    all_configured: bool,
    base_dir: Path,
    command: str,
    full: bool,
    say: Say | None,
    progress: Progress | None,
    recovered: list[str],
) -> RefreshResult:
    state.start_refresh(run_id, command)
    log_file = (home.logs_dir / f"{command.replace(' ', '-')}-{run_id}.log").open("w", encoding="utf-8")
    terminal = say

    def say(line: str) -> None:  # every line goes to the run's log file, and to the terminal if asked
        log_file.write(line + "\n")
        log_file.flush()
        if terminal:
            terminal(line)

    for line in recovered:
        say(line)
    timer = StepTimer()
    build = new_build_path(home)
    loads: list[TableOutcome] = []
    new_marks: dict[str, dict] = {}
    try:
        current = None if full else published_path(home, missing_ok=True)
        if current is not None:
            with timer.step("copy published warehouse"):
                shutil.copyfile(current, build)
        con = duckdb.connect(str(build), config={"memory_limit": ingest_memory_limit()})
        try:
            raw_before = _raw_signature(con) if current is not None else {}
            for source in sources:
                with timer.step(f"ingest {source['name']}"):
                    say(f"ingesting source {source['name']} ({source['kind']})")
                    ctx = LoadContext(
                        con=con,
                        run_id=run_id,
                        source=source,
                        base_dir=base_dir,
                        progress=progress,
                        say=say,
                        previous_warehouse=str(current) if current else None,
                        high_water_marks=(
                            state.high_water_marks(source["name"], str(current), fingerprint(source)) if current else {}
                        ),
                    )
                    outcomes = loader(source["kind"])(ctx)
                    _record(state, run_id, source["name"], outcomes)
                    loads += outcomes
                    new_marks[source["name"]] = ctx.new_high_water_marks
            with timer.step("prepare raw tables"):
                for table in known_raw_tables():
                    ensure_table(con, table)
                if all_configured:
                    _retire_unconfigured_sources(con, {s["name"] for s in sources}, run_id, say)
            with timer.step("record run history"):
                copy_state_to_meta(state, con)
            changed = changed_raw_tables(con, raw_before, run_id) if current is not None else None
        finally:
            con.close()
        project = project_hash()
        selection = None if full else incremental_selection(home, current, changed, command)
        with timer.step("dbt build"):
            if selection is None:
                say("dbt: building every model")
                run_dbt(home, build, dbt_build_args(command), say)
            else:
                say(f"dbt: building what changed raw tables reach ({', '.join(sorted(changed or ())) or 'none'})")
                run_dbt(home, build, (*dbt_build_args(command), "--select", *selection), say)
        with timer.step("publish"):
            build.with_suffix(".duckdb.done").touch()
            publish(home, build)
            _record_published_build(home, build, project)
    except BaseException as exc:
        for p in (build, build.with_suffix(".duckdb.wal"), build.with_suffix(".duckdb.done")):
            p.unlink(missing_ok=True)
        say(f"failed: {type(exc).__name__}: {exc}")
        log_file.close()
        state.finish_refresh(run_id, "failed", timer.steps, error=f"{type(exc).__name__}: {exc}")
        raise
    for source in sources:
        marks = new_marks.get(source["name"])
        if marks:
            state.set_high_water_marks(source["name"], str(build.resolve()), fingerprint(source), marks)
    for step in timer.steps:
        say(f"{step['step']}: {step['seconds']:.2f}s {step['status']}")
    say(f"published {build}")
    log_file.close()
    state.finish_refresh(run_id, "succeeded", timer.steps, warehouse_file=str(build))
    return RefreshResult(run_id, build, timer.steps, loads)


__all__ = ["BuildError", "ConfigError", "RefreshResult", "SourceError", "refresh", "run_dbt"]
