"""Saved budget scenarios in the state database: save, load, list, versions, clone, set_status.

A scenario (state table ``scenario``) has a name (required, unique within its fiscal year), a description, an owner,
a fiscal year and a status (draft, under_review, approved). Nothing is ever overwritten: every save, clone and status
change adds a row to ``scenario_version`` with the engine's spec as JSON (``models.spec_json``), who saved it and when
(UTC), and ``scenario.current_version`` points at the newest. The refresh copies both tables into the warehouse
(``meta.scenarios``, ``meta.scenario_versions``) and recomputes each scenario's latest version there
(``fct_scenario_allocations``). Scenarios live only here, never in the rebuilt warehouse file.

Bad input raises :class:`ScenarioStoreError`, whose ``problems`` maps each field to a message the page shows inline.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import sqlalchemy as sa

from ingest.state import SCENARIO_STATUSES, engine_for, scenario, scenario_version, utcnow
from models.allocation import ScenarioSpec
from models.spec_json import spec_from_json, spec_to_json

NAME_MAX = 200
OWNER_MAX = 120


@functools.lru_cache(maxsize=16)
def _engine(url: str) -> sa.Engine:
    """One engine per state database (created, and its tables brought up to date, on first use)."""
    return engine_for(url)


class ScenarioStoreError(ValueError):
    """Bad input for a saved scenario; ``problems``: field → message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = dict(problems)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.problems.items()))


def _clean(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def _fiscal_year(problems: dict[str, str], value: object) -> int | None:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        problems["fiscal_year"] = "must be a year such as 2026"
        return None
    if not 1900 <= year <= 2200:
        problems["fiscal_year"] = "must be a year such as 2026"
        return None
    return year


def _person(problems: dict[str, str], field: str, value: object) -> str:
    text = _clean(value)
    if not text:
        problems[field] = "is required"
    elif len(text) > OWNER_MAX:
        problems[field] = f"must be at most {OWNER_MAX} characters"
    return text


def _name_taken(conn: sa.Connection, name: str, fiscal_year: int, other_than: int | None) -> bool:
    query = sa.select(scenario.c.scenario_id).where(
        sa.func.lower(scenario.c.name) == name.lower(), scenario.c.fiscal_year == fiscal_year
    )
    if other_than is not None:
        query = query.where(scenario.c.scenario_id != other_than)
    return conn.execute(query).first() is not None


def _row(conn: sa.Connection, scenario_id: int) -> dict[str, Any]:
    row = conn.execute(sa.select(scenario).where(scenario.c.scenario_id == scenario_id)).first()
    if row is None:
        raise ScenarioStoreError({"scenario_id": f"no saved scenario has the id {scenario_id}"})
    return {str(k): v for k, v in row._mapping.items()}


def _add_version(
    conn: sa.Connection, scenario_id: int, version: int, spec_json: str, saved_by: str, at: dt.datetime, comment, status
) -> None:
    conn.execute(
        scenario_version.insert().values(
            scenario_id=scenario_id,
            version=version,
            spec=spec_json,
            saved_by=saved_by,
            saved_at=at,
            comment=_clean(comment) or None,
            status=status,
        )
    )


def save(
    url: str,
    spec: ScenarioSpec,
    *,
    name: object,
    fiscal_year: object,
    owner: object,
    saved_by: object = None,
    description: object = None,
    status: object = "draft",
    scenario_id: int | None = None,
    comment: object = None,
) -> dict[str, Any]:
    """Save a new scenario (``scenario_id=None``) or a new version of an existing one; returns the scenario row.

    ``saved_by`` defaults to the owner. The name must be unique (ignoring case) among the fiscal year's scenarios.
    """
    problems: dict[str, str] = {}
    clean_name = _clean(name)
    if not clean_name:
        problems["name"] = "is required"
    elif len(clean_name) > NAME_MAX:
        problems["name"] = f"must be at most {NAME_MAX} characters"
    year = _fiscal_year(problems, fiscal_year)
    clean_owner = _person(problems, "owner", owner)
    by = _person(problems, "saved_by", saved_by if _clean(saved_by) else owner)
    if status not in SCENARIO_STATUSES:
        problems["status"] = f"must be one of {', '.join(SCENARIO_STATUSES)}"
    if not isinstance(spec, ScenarioSpec):
        problems["spec"] = "is not a scenario specification"
        spec_json = ""
    else:
        spec_json = spec_to_json(spec)
    engine = _engine(url)
    with engine.begin() as conn:
        taken = year is not None and clean_name and "name" not in problems
        if taken and _name_taken(conn, clean_name, year, scenario_id):
            problems["name"] = f"a scenario of FY {year} is already called '{clean_name}'"
        if problems:
            raise ScenarioStoreError(problems)
        now = utcnow()
        values = {
            "name": clean_name,
            "description": _clean(description) or None,
            "owner": clean_owner,
            "fiscal_year": year,
            "status": status,
            "updated_at": now,
        }
        if scenario_id is None:
            result = conn.execute(scenario.insert().values(**values, created_at=now, current_version=1))
            scenario_id = int(result.inserted_primary_key[0])
            version = 1
        else:
            version = _row(conn, scenario_id)["current_version"] + 1
            conn.execute(
                scenario.update().where(scenario.c.scenario_id == scenario_id).values(**values, current_version=version)
            )
        _add_version(conn, scenario_id, version, spec_json, by, now, comment, status)
        return _row(conn, scenario_id)


def load(url: str, scenario_id: int, version: int | None = None) -> dict[str, Any]:
    """The scenario row with one version (the current one by default): ``spec`` (ScenarioSpec), ``spec_json``,
    ``version``, ``saved_by``, ``saved_at``, ``comment``."""
    with _engine(url).connect() as conn:
        row = _row(conn, scenario_id)
        wanted = row["current_version"] if version is None else version
        stored = conn.execute(
            sa.select(scenario_version).where(
                scenario_version.c.scenario_id == scenario_id, scenario_version.c.version == wanted
            )
        ).first()
    if stored is None:
        raise ScenarioStoreError({"version": f"scenario {scenario_id} has no version {wanted}"})
    data = {str(k): v for k, v in stored._mapping.items()}
    return {
        **row,
        "version": data["version"],
        "spec_json": data["spec"],
        "spec": spec_from_json(data["spec"]),
        "saved_by": data["saved_by"],
        "saved_at": data["saved_at"],
        "comment": data["comment"],
        "version_status": data["status"],
    }


def list_scenarios(url: str, fiscal_year: int | None = None) -> list[dict[str, Any]]:
    """Every saved scenario (of ``fiscal_year`` when given), most recently updated first."""
    query = sa.select(scenario).order_by(scenario.c.updated_at.desc(), scenario.c.scenario_id.desc())
    if fiscal_year is not None:
        query = query.where(scenario.c.fiscal_year == int(fiscal_year))
    with _engine(url).connect() as conn:
        return [{str(k): v for k, v in r._mapping.items()} for r in conn.execute(query).all()]


def versions(url: str, scenario_id: int) -> list[dict[str, Any]]:
    """The scenario's versions, oldest first: version, saved_by, saved_at, comment, status, spec (JSON text)."""
    with _engine(url).connect() as conn:
        _row(conn, scenario_id)
        rows = conn.execute(
            sa.select(scenario_version)
            .where(scenario_version.c.scenario_id == scenario_id)
            .order_by(scenario_version.c.version)
        ).all()
    return [{str(k): v for k, v in r._mapping.items()} for r in rows]


def clone(url: str, scenario_id: int, *, name: object, owner: object) -> dict[str, Any]:
    """A new draft scenario of the same fiscal year with the current version's spec (its version 1)."""
    source = load(url, scenario_id)
    return save(
        url,
        source["spec"],
        name=name,
        fiscal_year=source["fiscal_year"],
        owner=owner,
        description=source["description"],
        status="draft",
        comment=f"cloned from '{source['name']}' version {source['version']}",
    )


def set_status(url: str, scenario_id: int, status: object, *, changed_by: object) -> dict[str, Any]:
    """Change the status; kept as a new version (same spec) recording who changed it and when."""
    problems: dict[str, str] = {}
    if status not in SCENARIO_STATUSES:
        problems["status"] = f"must be one of {', '.join(SCENARIO_STATUSES)}"
    by = _person(problems, "changed_by", changed_by)
    if problems:
        raise ScenarioStoreError(problems)
    current = load(url, scenario_id)
    with _engine(url).begin() as conn:
        now = utcnow()
        version = current["current_version"] + 1
        conn.execute(
            scenario.update()
            .where(scenario.c.scenario_id == scenario_id)
            .values(status=status, updated_at=now, current_version=version)
        )
        _add_version(
            conn, scenario_id, version, current["spec_json"], by, now, f"status {current['status']} → {status}", status
        )
        return _row(conn, scenario_id)
