"""Saved scenarios in the state database (ingest/scenarios.py): versions, clone, status, validation."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from ingest import scenarios
from ingest.scenarios import ScenarioStoreError
from ingest.state import engine_for
from models.allocation import Bound, Ceiling, ScenarioSpec, StrategyWeight


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'state.sqlite3'}"


SPEC = ScenarioSpec(
    envelope=Decimal("1000000.50"),
    strategies=(StrategyWeight("needs", "0.6"), StrategyWeight("equity", "0.4")),
    ceilings=(Ceiling("social cap", "500000", hard=False, sector="social", warning_threshold=0.8),),
    bounds=(Bound("sector", "economic", minimum="1000", maximum=None), Bound("area", "province:1", None, "90000")),
    locked={"p2": Decimal("250.25")},
    excluded=("p9",),
    whole_ppa=True,
    equity_population="obc",
)


def test_save_load_round_trips_the_spec_and_records_who_and_when(url):
    row = scenarios.save(url, SPEC, name="  Needs first ", fiscal_year="2026", owner="Ana", description="d")
    assert row["name"] == "Needs first" and row["fiscal_year"] == 2026 and row["status"] == "draft"
    assert row["current_version"] == 1
    loaded = scenarios.load(url, row["scenario_id"])
    spec = loaded["spec"]
    assert Decimal(spec.envelope) == Decimal("1000000.50")
    assert [(s.strategy, Decimal(s.weight)) for s in spec.strategies] == [
        ("needs", Decimal("0.6")),
        ("equity", Decimal("0.4")),
    ]
    assert spec.ceilings[0].hard is False and spec.ceilings[0].sector == "social"
    assert spec.bounds[0].minimum == "1000" and spec.bounds[1].maximum == "90000" and spec.bounds[1].minimum is None
    assert {k: Decimal(v) for k, v in spec.locked.items()} == {"p2": Decimal("250.25")}
    assert tuple(spec.excluded) == ("p9",) and spec.whole_ppa and spec.equity_population == "obc"
    assert loaded["saved_by"] == "Ana" and loaded["saved_at"] is not None


def test_every_save_is_a_new_version(url):
    first = scenarios.save(url, SPEC, name="A", fiscal_year=2026, owner="Ana")
    changed = ScenarioSpec(envelope="5", strategies=(StrategyWeight("performance", 1),))
    second = scenarios.save(
        url, changed, name="A", fiscal_year=2026, owner="Ana", saved_by="Ben", scenario_id=first["scenario_id"]
    )
    assert second["scenario_id"] == first["scenario_id"] and second["current_version"] == 2
    history = scenarios.versions(url, first["scenario_id"])
    assert [(v["version"], v["saved_by"]) for v in history] == [(1, "Ana"), (2, "Ben")]
    assert scenarios.load(url, first["scenario_id"])["spec"].envelope == "5"
    assert Decimal(scenarios.load(url, first["scenario_id"], version=1)["spec"].envelope) == Decimal("1000000.50")
    assert len(scenarios.list_scenarios(url)) == 1


def test_name_is_required_and_unique_per_fiscal_year(url):
    scenarios.save(url, SPEC, name="Plan A", fiscal_year=2026, owner="Ana")
    with pytest.raises(ScenarioStoreError) as error:
        scenarios.save(url, SPEC, name="plan a", fiscal_year=2026, owner="Ben")
    assert "already called" in error.value.problems["name"]
    scenarios.save(url, SPEC, name="Plan A", fiscal_year=2025, owner="Ben")  # another year: fine
    with pytest.raises(ScenarioStoreError) as error:
        scenarios.save(url, SPEC, name="  ", fiscal_year="next year", owner="", status="final")
    assert set(error.value.problems) == {"name", "fiscal_year", "owner", "saved_by", "status"}
    assert [s["fiscal_year"] for s in scenarios.list_scenarios(url, fiscal_year=2025)] == [2025]


def test_clone_and_status_changes_are_versions(url):
    original = scenarios.save(url, SPEC, name="Base", fiscal_year=2026, owner="Ana")
    copy = scenarios.clone(url, original["scenario_id"], name="Base (copy)", owner="Ben")
    assert copy["scenario_id"] != original["scenario_id"] and copy["owner"] == "Ben" and copy["status"] == "draft"
    assert (
        scenarios.load(url, copy["scenario_id"])["spec_json"]
        == scenarios.load(url, original["scenario_id"])["spec_json"]
    )
    with pytest.raises(ScenarioStoreError):
        scenarios.clone(url, original["scenario_id"], name="base", owner="Ben")  # same name, same year
    approved = scenarios.set_status(url, original["scenario_id"], "approved", changed_by="Chief")
    assert approved["status"] == "approved" and approved["current_version"] == 2
    last = scenarios.versions(url, original["scenario_id"])[-1]
    assert last["saved_by"] == "Chief" and last["status"] == "approved" and "draft → approved" in last["comment"]
    with pytest.raises(ScenarioStoreError) as error:
        scenarios.set_status(url, original["scenario_id"], "published", changed_by="Chief")
    assert "status" in error.value.problems
    with pytest.raises(ScenarioStoreError):
        scenarios.load(url, 999)


def test_tables_are_added_to_an_existing_state_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("create table refresh_run (run_id varchar(40) primary key, command varchar(40))"))
    engine_for(url)
    names = set(sa.inspect(sa.create_engine(url)).get_table_names())
    assert {"scenario", "scenario_version", "refresh_run"} <= names
