"""The state database: what the warehouse remembers across rebuilds.

It lives beside the warehouse (SQLite by default, any SQLAlchemy URL in production), is never rebuilt, and is
ingested into every new warehouse as ``meta.*``. It holds the record of every refresh and every ingest of every
table (rows read, loaded and rejected, timings, status, error) and every rejected row with its reason, so
that a failed refresh, whose warehouse file is thrown away, still leaves its trace.

It also keeps what people enter on the dashboards, which no source holds: the BDP alignment reviews of the BPDA
reviewers (``bdp_review``), copied into the warehouse as ``meta.bdp_reviews`` like the run history.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

state_metadata = sa.MetaData()

refresh_run = sa.Table(
    "refresh_run",
    state_metadata,
    sa.Column("run_id", sa.String(40), primary_key=True),
    sa.Column("command", sa.String(40), nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime),
    sa.Column("status", sa.String(20), nullable=False),  # running, succeeded, failed
    sa.Column("warehouse_file", sa.Text),
    sa.Column("steps", sa.Text),  # JSON list of {step, seconds, status}
    sa.Column("error", sa.Text),
)

ingest_run = sa.Table(
    "ingest_run",
    state_metadata,
    sa.Column("run_id", sa.String(40), nullable=False),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("table_name", sa.String(100), nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime),
    sa.Column("status", sa.String(20), nullable=False),  # loaded, loaded_with_rejects, failed
    sa.Column("rows_read", sa.BigInteger, nullable=False, default=0),
    sa.Column("rows_loaded", sa.BigInteger, nullable=False, default=0),
    sa.Column("rows_rejected", sa.BigInteger, nullable=False, default=0),
    # what the loaded rows did to the raw table: new keys, changed rows, identical rows left alone,
    # and rows that disappeared from the source (marked deleted, never dropped)
    sa.Column("rows_inserted", sa.BigInteger),
    sa.Column("rows_updated", sa.BigInteger),
    sa.Column("rows_unchanged", sa.BigInteger),
    sa.Column("rows_deleted", sa.BigInteger),
    sa.Column("seconds", sa.Float),
    sa.Column("error", sa.Text),
    sa.PrimaryKeyConstraint("run_id", "source", "table_name"),
)

ingest_reject = sa.Table(
    "ingest_reject",
    state_metadata,
    sa.Column("reject_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(40), nullable=False, index=True),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("table_name", sa.String(100), nullable=False),
    sa.Column("row_number", sa.BigInteger),  # 1-based position in the source read order (by key)
    sa.Column("row_key", sa.Text),
    sa.Column("location", sa.Text),  # file:line for file sources
    sa.Column("column_name", sa.String(100)),
    sa.Column("check_name", sa.String(200), nullable=False),
    sa.Column("failure_value", sa.Text),
    sa.Column("reason", sa.Text, nullable=False),
)


ingest_control_total = sa.Table(
    "ingest_control_total",
    state_metadata,
    sa.Column("run_id", sa.String(40), nullable=False),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("table_name", sa.String(100), nullable=False),
    sa.Column("measure", sa.String(100), nullable=False),  # e.g. approved_budget, population
    sa.Column("read_value", sa.Numeric(38, 2)),  # over every row read whose value parsed
    sa.Column("loaded_value", sa.Numeric(38, 2)),  # over the rows loaded
    sa.PrimaryKeyConstraint("run_id", "source", "table_name", "measure"),
)

high_water_mark = sa.Table(
    "high_water_mark",
    state_metadata,
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("table_name", sa.String(100), nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),  # the newest source updated_at already loaded
    sa.Column("warehouse_file", sa.Text),  # the warehouse the rows went into
    sa.Column("fingerprint", sa.String(64)),  # hash of the source's configuration: another database, another mark
    sa.PrimaryKeyConstraint("source", "table_name"),
)

# A reviewer's note on a PPA's alignment with the Bangsamoro Development Plan, optionally tagging it to a BDP goal
# (a strategic goal that aligns with the RDP). Written by the dashboard (dashboards/reviews.py), never changed.
BDP_REVIEW_NOTE_MAX = 2000
BDP_REVIEW_REVIEWER_MAX = 120

bdp_review = sa.Table(
    "bdp_review",
    state_metadata,
    sa.Column("review_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ppa_id", sa.String(100), nullable=False, index=True),
    sa.Column("strategic_goal_id", sa.String(100)),  # null: a note without a tag
    sa.Column("note", sa.Text),  # null: a tag without a note
    sa.Column("reviewer", sa.String(BDP_REVIEW_REVIEWER_MAX), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),  # UTC
)

# A budget scenario a planner saved on the scenario page (ingest/scenarios.py validates and writes it). Every save is
# a new row of scenario_version (the engine's spec as JSON, who and when); scenario.current_version names the latest.
SCENARIO_STATUSES = ("draft", "under_review", "approved")

scenario = sa.Table(
    "scenario",
    state_metadata,
    sa.Column("scenario_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("owner", sa.String(120), nullable=False),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # draft, under_review, approved
    sa.Column("created_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("updated_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("current_version", sa.Integer, nullable=False),
    sa.UniqueConstraint("fiscal_year", "name", name="uq_scenario_fiscal_year_name"),
)

scenario_version = sa.Table(
    "scenario_version",
    state_metadata,
    sa.Column("scenario_id", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),  # 1, 2, ... per scenario
    sa.Column("spec", sa.Text, nullable=False),  # models.spec_json: the ScenarioSpec as JSON
    sa.Column("saved_by", sa.String(120), nullable=False),
    sa.Column("saved_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("comment", sa.Text),
    sa.Column("status", sa.String(20), nullable=False),  # the scenario's status as of this version
    sa.PrimaryKeyConstraint("scenario_id", "version"),
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_run_id() -> str:
    return utcnow().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def engine_for(url: str) -> sa.Engine:
    engine = sa.create_engine(url)
    state_metadata.create_all(engine)
    _add_missing_columns(engine)
    return engine


def _add_missing_columns(engine: sa.Engine) -> None:
    """Bring a state database written by an earlier version up to date (columns are only ever added)."""
    inspector = sa.inspect(engine)
    with engine.begin() as conn:
        for table in state_metadata.sorted_tables:
            have = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in have:
                    ddl = column.type.compile(dialect=engine.dialect)
                    conn.execute(sa.text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {ddl}'))


@dataclass
class Reject:
    table_name: str
    row_number: int | None
    row_key: str | None
    column_name: str | None
    check_name: str
    failure_value: str | None
    reason: str
    location: str | None = None  # file:line, for file sources


@dataclass
class TableLoad:
    """The outcome of loading one table of one source."""

    source: str
    table_name: str
    started_at: dt.datetime = field(default_factory=utcnow)
    finished_at: dt.datetime | None = None
    status: str = "running"
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_inserted: int | None = None
    rows_updated: int | None = None
    rows_unchanged: int | None = None
    rows_deleted: int | None = None
    error: str | None = None

    @property
    def seconds(self) -> float | None:
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else None

    def finish(self, error: str | None = None) -> TableLoad:
        self.finished_at = utcnow()
        self.error = error
        if error:
            self.status = "failed"
        else:
            self.status = "loaded_with_rejects" if self.rows_rejected else "loaded"
        return self


class StateStore:
    """Writes run records and rejects to the state database."""

    def __init__(self, url: str):
        self.url = url
        self.engine = engine_for(url)

    def start_refresh(self, run_id: str, command: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                refresh_run.insert().values(run_id=run_id, command=command, started_at=utcnow(), status="running")
            )

    def finish_refresh(
        self, run_id: str, status: str, steps: list[dict], warehouse_file: str | None = None, error: str | None = None
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                refresh_run.update()
                .where(refresh_run.c.run_id == run_id)
                .values(
                    finished_at=utcnow(),
                    status=status,
                    steps=json.dumps(steps),
                    warehouse_file=warehouse_file,
                    error=error,
                )
            )

    def record_load(self, run_id: str, load: TableLoad) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                ingest_run.insert().values(
                    run_id=run_id,
                    source=load.source,
                    table_name=load.table_name,
                    started_at=load.started_at,
                    finished_at=load.finished_at,
                    status=load.status,
                    rows_read=load.rows_read,
                    rows_loaded=load.rows_loaded,
                    rows_rejected=load.rows_rejected,
                    rows_inserted=load.rows_inserted,
                    rows_updated=load.rows_updated,
                    rows_unchanged=load.rows_unchanged,
                    rows_deleted=load.rows_deleted,
                    seconds=load.seconds,
                    error=load.error,
                )
            )

    def record_rejects(self, run_id: str, source: str, rejects: Iterable[Reject]) -> int:
        rows = [{"run_id": run_id, "source": source, **r.__dict__} for r in rejects]
        if rows:
            with self.engine.begin() as conn:
                for i in range(0, len(rows), 10_000):
                    conn.execute(ingest_reject.insert(), rows[i : i + 10_000])
        return len(rows)

    def record_control_totals(self, run_id: str, source: str, table_name: str, totals: dict[str, tuple]) -> None:
        """``totals``: measure -> (value over the rows read, value over the rows loaded)."""
        rows = [
            {
                "run_id": run_id,
                "source": source,
                "table_name": table_name,
                "measure": m,
                "read_value": r,
                "loaded_value": loaded,
            }
            for m, (r, loaded) in totals.items()
        ]
        if rows:
            with self.engine.begin() as conn:
                conn.execute(ingest_control_total.insert(), rows)

    def high_water_marks(self, source: str, warehouse_file: str, fingerprint: str) -> dict[str, dt.datetime]:
        """The newest ``updated_at`` loaded per table of ``source``, configured as ``fingerprint`` says, into
        ``warehouse_file`` (of which the warehouse being built is a copy)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(high_water_mark.c.table_name, high_water_mark.c.updated_at).where(
                    high_water_mark.c.source == source,
                    high_water_mark.c.warehouse_file == warehouse_file,
                    high_water_mark.c.fingerprint == fingerprint,
                )
            ).all()
        return {table: at for table, at in rows}

    def set_high_water_marks(
        self, source: str, warehouse_file: str, fingerprint: str, marks: dict[str, dt.datetime]
    ) -> None:
        with self.engine.begin() as conn:
            for table, at in marks.items():
                conn.execute(
                    high_water_mark.delete().where(
                        high_water_mark.c.source == source, high_water_mark.c.table_name == table
                    )
                )
                conn.execute(
                    high_water_mark.insert().values(
                        source=source,
                        table_name=table,
                        updated_at=at,
                        warehouse_file=warehouse_file,
                        fingerprint=fingerprint,
                    )
                )

    # ------------------------------------------------------------------------------------- BDP reviews
    def add_bdp_review(self, ppa_id: str, strategic_goal_id: str | None, note: str | None, reviewer: str) -> dict:
        """Store one review (already validated: dashboards.reviews) and return it as stored, with its id."""
        values = {
            "ppa_id": ppa_id,
            "strategic_goal_id": strategic_goal_id,
            "note": note,
            "reviewer": reviewer,
            "created_at": utcnow(),
        }
        with self.engine.begin() as conn:
            result = conn.execute(bdp_review.insert().values(**values))
            review_id = result.inserted_primary_key[0]
        return {"review_id": review_id, **values}

    def bdp_reviews(self) -> list[dict]:
        """Every review, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(bdp_review).order_by(bdp_review.c.created_at.desc(), bdp_review.c.review_id.desc())
            ).all()
        return [dict(r._mapping) for r in rows]
