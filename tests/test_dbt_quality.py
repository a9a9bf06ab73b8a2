"""The MOA PPA files, the organisation list and the load history through `dbt build`, against hand-computed marts.

The warehouse is the one of ``test_dbt_project`` (five OBCMS PPAs and what they need) plus, as a refresh would leave
them: a PPA file load for FY 2025 (one PPA that OBCMS holds too, one that OBCMS holds without a fiscal year, one of an
office on no organisation list, one of an office only the BARMM list knows, one row marked deleted, indicators with
every parse status and one whose PPA was rejected), the BARMM organisation list, an OBCMS PPA marked deleted, OBCMS
outcome frameworks (valid, of another shape, not JSON) and the meta history of three refreshes. A second test tampers
with a copy of the built warehouse and checks that the reconciliation tests fail.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.dbt_build import DbtRun, run_dbt
from tests.test_dbt_project import (
    CREATED,
    LOADED_AT,
    MAFAR,
    OOBC,
    P1,
    P2,
    P3,
    _create_raw_warehouse,
    _ppa,
    _query,
)

pytestmark = pytest.mark.dbt

D = Decimal
DELETED_AT = LOADED_AT - timedelta(minutes=1)
FINISHED_AT = LOADED_AT + timedelta(minutes=5)
P6 = "7d3c1f7e-2a4b-4c1e-8f00-00000000a006"  # marked deleted in raw
P7 = "7d3c1f7e-2a4b-4c1e-8f00-00000000a007"  # MAFAR "Seaweed farming" without fiscal year (imported from the file)

FRAMEWORK_P1 = {
    "outcomes": [{"indicator": "Farmers with higher yields", "target": "80%"}],
    "outputs": [{"indicator": "Farmers trained", "target": 1052}, {"indicator": "Kits distributed", "target": None}],
}

# (moa_acronym, moa_name, title, approved_budget, file, line, deleted)
YAML_PPAS = [
    ("MAFAR", "Ministry of Agriculture, Fisheries and Agrarian Reform", "Rice and Corn Production Support",
     D("999999.00"), "mafar.yaml", 4, False),  # OBCMS P1: "Rice and corn production support", FY 2025
    ("MAFAR", "Ministry of Agriculture, Fisheries and Agrarian Reform", "Halal livestock dispersal",
     D("700000.00"), "mafar.yaml", 30, False),
    ("MAFAR", "Ministry of Agriculture, Fisheries and Agrarian Reform", "Seaweed Farming",
     D("300000.00"), "mafar.yaml", 45, False),  # OBCMS P7 without fiscal year: not matched
    ("OOBC", "Office for Other Bangsamoro Communities (OOBC)", "Peace caravans",
     D("16881080.00"), "oobc.yaml", 5, False),
    ("BAGO", "Bangsamoro Attorney-General's Office", "Legal services", D("34001249.00"), "bago.yaml", 4, False),
    ("BAGO", "Bangsamoro Attorney-General's Office", "Legislative drafting", D("1000000.00"), "bago.yaml", 20, False),
    ("BYC", "Bangsamoro Youth Commission", "Youth summit", D("21454010.00"), "byc.yaml", 4, False),
    ("MOH", "Ministry of Health", "Old PPA", D("5.00"), "moh.yaml", 4, True),
]  # fmt: skip
LIVE_BUDGET = D("75336338.00")  # every live PPA above
SUPERSEDED_BUDGET = D("999999.00")  # Rice and Corn Production Support

# (moa_acronym, ppa_title, level, position, indicator, target_raw, file, line, deleted)
YAML_INDICATORS = [
    ("MAFAR", "Rice and Corn Production Support", "outcome", 1, "Yield increase", "80%", "mafar.yaml", 8, False),
    ("MAFAR", "Rice and Corn Production Support", "output", 1, "Farmers trained", "1052", "mafar.yaml", 11, False),
    ("MAFAR", "Halal livestock dispersal", "outcome", 1, "Health workers deployed",
     "810 (Physicians: 10, Nurses: 800)", "mafar.yaml", 33, False),
    ("MAFAR", "Halal livestock dispersal", "output", 1, "Share of herds certified", "0.5", "mafar.yaml", 36, False),
    ("MAFAR", "Halal livestock dispersal", "output", 2, "Abattoirs accredited", None, "mafar.yaml", 38, False),
    ("MAFAR", "Halal livestock dispersal", "output", 3, "Trainings", "At least 3 per province", "mafar.yaml", 40,
     False),
    ("MAFAR", "Halal livestock dispersal", "output", 4, "Heads dispersed", "1,052", "mafar.yaml", 42, False),
    ("MAFAR", "Halal livestock dispersal", "output", 6, "Dropped indicator", "9", "mafar.yaml", 44, True),
    ("OOBC", "Peace caravans", "outcome", 1, "Communities reached", "100%", "oobc.yaml", 9, False),
    ("OOBC", "Peace caravans", "output", 1, "Caravans held", "24 sessions", "oobc.yaml", 12, False),
    ("BAGO", "Legal services", "outcome", 1, "Opinions rendered", "", "bago.yaml", 8, False),
    ("MAFAR", "Rejected PPA", "output", 1, "Orphan", "5", "mafar.yaml", 58, False),  # its PPA was rejected
]  # fmt: skip

# (acronym, name, kind, parent_acronym, line)
BARMM_ORGANIZATIONS = [
    ("OCM", "Office of the Chief Minister", "ministry", None, 2),
    ("OOBC", "Office for Other Bangsamoro Communities", "attached_agency", "OCM", 40),
    ("BPDA", "Bangsamoro Planning and Development Authority", "attached_agency", "OCM", 50),
    ("BYC", "Bangsamoro Youth Commission", "attached_agency", "OCM", 60),
    ("MAFAR", "Ministry of Agriculture, Fisheries and Agrarian Reform", "ministry", None, 100),
]


def _insert(con: duckdb.DuckDBPyConnection, table: str, row: dict) -> None:
    columns = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" for _ in row)
    con.execute(f"insert into {table} ({columns}) values ({marks})", list(row.values()))


def _load_metadata(source: str, file: str | None = None, line: int | None = None, deleted: bool = False) -> dict:
    return {
        "_run_id": "run-1",
        "_source": source,
        "_loaded_at": LOADED_AT,
        "_file": file,
        "_line": line,
        "_deleted_at": DELETED_AT if deleted else None,
    }


def _add_file_sources_and_history(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        # OBCMS: outcome frameworks (valid, of another shape, not JSON), a PPA marked deleted, an imported PPA
        # without fiscal year
        for ppa, framework in ((P1, json.dumps(FRAMEWORK_P1)), (P2, '{"outcomes": "oops"}'), (P3, "not json")):
            con.execute(
                "update raw.monitoring_monitoringentry set outcome_framework = ? where id = ?", [framework, ppa]
            )
        deleted = _ppa(id=P6, title="Withdrawn PPA", category="moa_ppa", implementing_moa_id=MAFAR, fiscal_year=2025)
        seaweed = _ppa(
            id=P7,
            title="Seaweed farming",
            category="moa_ppa",
            implementing_moa_id=MAFAR,
            lead_organization_id=MAFAR,
            budget_allocation=D("300000.00"),
        )
        for row, is_deleted in ((deleted, True), (seaweed, False)):
            row.update(budget_allocation=row.get("budget_allocation") or D("123.45"), created_at=LOADED_AT)
            _insert(con, "raw.monitoring_monitoringentry", {**row, **_load_metadata("obcms", deleted=is_deleted)})

        for acronym, moa, title, budget, file, line, is_deleted in YAML_PPAS:
            indicators = [i for i in YAML_INDICATORS if i[0] == acronym and i[1] == title and not i[8]]
            row = {
                "moa_acronym": acronym,
                "moa_name": moa,
                "title": title,
                "description": "",
                "approved_budget": budget,
                "fiscal_year": 2025,
                "position": line,
                "outcome_indicator_count": sum(1 for i in indicators if i[2] == "outcome"),
                "output_indicator_count": sum(1 for i in indicators if i[2] == "output"),
            }
            _insert(con, "raw.ppa_yaml_ppas", {**row, **_load_metadata("ppa", file, line, is_deleted)})
        for acronym, title, level, position, indicator, target, file, line, is_deleted in YAML_INDICATORS:
            row = {
                "moa_acronym": acronym,
                "ppa_title": title,
                "fiscal_year": 2025,
                "level": level,
                "position": position,
                "indicator": indicator,
                "target_raw": target,
            }
            _insert(con, "raw.ppa_yaml_indicators", {**row, **_load_metadata("ppa", file, line, is_deleted)})
        provision = {
            "moa_acronym": "MAFAR",
            "fiscal_year": 2025,
            "position": 1,
            "title": "Halal certification",
            "details": "Funds shall be used for certified abattoirs only.",
            "matched_ppa_title": "Halal livestock dispersal",
        }
        _insert(con, "raw.ppa_yaml_special_provisions", {**provision, **_load_metadata("ppa", "mafar.yaml", 60)})
        for acronym, name, kind, parent, line in BARMM_ORGANIZATIONS:
            row = {"acronym": acronym, "name": name, "kind": kind, "parent_acronym": parent, "mandate": ""}
            _insert(con, "raw.barmm_organizations", {**row, **_load_metadata("barmm", "barmm_ministries.yaml", line)})

        # meta: run-1 (the refresh building this warehouse, from test_dbt_project) loaded the files too; run-0
        # succeeded earlier with a failed table load; run-f failed before loading anything
        refreshes = [
            ("run-0", datetime(2025, 9, 20, 8, 0), "succeeded", None),
            ("run-f", datetime(2025, 9, 25, 8, 0), "failed", "SourceError: ppa: no such folder"),
        ]
        for run_id, started, status, error in refreshes:
            _insert(
                con,
                "meta.refreshes",
                {"run_id": run_id, "command": "refresh", "started_at": started, "status": status, "error": error},
            )
        loads = [
            # run_id, source, table, status, read, loaded, rejected, inserted, updated, unchanged, deleted, error
            ("run-1", "ppa", "ppa_yaml_ppas", "loaded_with_rejects", 8, 7, 1, 7, 0, 0, 1, None),
            ("run-1", "ppa", "ppa_yaml_indicators", "loaded", 11, 11, 0, 11, 0, 0, 1, None),
            ("run-1", "ppa", "ppa_yaml_special_provisions", "loaded", 1, 1, 0, 1, 0, 0, 0, None),
            ("run-1", "barmm", "barmm_organizations", "loaded", 5, 5, 0, 5, 0, 0, 0, None),
            ("run-0", "obcms", "common_region", "failed", 0, 0, 0, None, None, None, None, "timeout"),
        ]
        for run_id, source, table, status, read, loaded, rejected, ins, upd, unch, dele, error in loads:
            _insert(
                con,
                "meta.runs",
                {
                    "run_id": run_id,
                    "source": source,
                    "table_name": table,
                    "started_at": LOADED_AT if run_id == "run-1" else datetime(2025, 9, 20, 8, 0),
                    "finished_at": FINISHED_AT if run_id == "run-1" else datetime(2025, 9, 20, 8, 1),
                    "status": status,
                    "rows_read": read,
                    "rows_loaded": loaded,
                    "rows_rejected": rejected,
                    "rows_inserted": ins,
                    "rows_updated": upd,
                    "rows_unchanged": unch,
                    "rows_deleted": dele,
                    "seconds": 0.5,
                    "error": error,
                },
            )
        _insert(
            con,
            "meta.rejects",
            {
                "reject_id": 2,
                "run_id": "run-1",
                "source": "ppa",
                "table_name": "ppa_yaml_ppas",
                "row_number": 8,
                "row_key": "MAFAR|Rejected PPA|2025",
                "location": "mafar.yaml:55",
                "column_name": "approved_budget",
                "check_name": "is_number",
                "failure_value": "₱5M",
                "reason": "approved_budget must be a plain number",
            },
        )
        totals = [
            ("run-1", "ppa", "ppa_yaml_ppas", "approved_budget", LIVE_BUDGET, LIVE_BUDGET),
            ("run-1", "ppa", "ppa_yaml_ppas", "rows", D(8), D(7)),
            ("run-1", "ppa", "ppa_yaml_indicators", "rows", D(11), D(11)),
            ("run-1", "ppa", "ppa_yaml_special_provisions", "rows", D(1), D(1)),
            ("run-1", "barmm", "barmm_organizations", "rows", D(5), D(5)),
            ("run-0", "ppa", "ppa_yaml_ppas", "approved_budget", D("1.00"), D("999.00")),  # older: not checked
        ]
        for run_id, source, table, measure, read, loaded in totals:
            _insert(
                con,
                "meta.control_totals",
                {
                    "run_id": run_id,
                    "source": source,
                    "table_name": table,
                    "measure": measure,
                    "read_value": read,
                    "loaded_value": loaded,
                },
            )
    finally:
        con.close()


def _dbt(tmp: Path, warehouse: Path, command: str, *select: str) -> tuple[DbtRun, dict]:
    run = run_dbt(warehouse, tmp, *select, command=command, target_path=tmp / f"target-{command}", check=False)
    return run, run.run_results


@pytest.fixture(scope="module")
def quality_warehouse(tmp_path_factory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("dbt_quality")
    warehouse = tmp / "warehouse.duckdb"
    _create_raw_warehouse(warehouse)
    _add_file_sources_and_history(warehouse)
    result, run_results = _dbt(tmp, warehouse, "build")
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    return warehouse, run_results


def _yaml_id(acronym: str, title: str, fiscal_year: int = 2025) -> str:
    import hashlib

    return "yaml:" + hashlib.md5(f"{acronym}|{title}|{fiscal_year}".encode()).hexdigest()


# ----------------------------------------------------------------------------------------------------- build
def test_build_warns_only_about_the_declared_data_problems(quality_warehouse):
    _, run_results = quality_warehouse
    results = {r["unique_id"].split(".")[2]: r for r in run_results["results"] if r["unique_id"].startswith("test.")}
    warned = {name: r["failures"] for name, r in results.items() if r["status"] == "warn"}
    assert warned == {
        "assert_ppas_without_fiscal_year": 2,  # P4 and P7
        "assert_ppa_yaml_indicators_have_a_ppa": 1,  # the indicator of the rejected PPA
        "assert_ppa_yaml_ppas_also_in_obcms_without_fiscal_year": 1,  # Seaweed farming
    }
    for name in (
        "assert_ppa_yaml_budget_reconciles_with_dim_ppa",
        "assert_ppa_yaml_indicators_reconcile_with_fct_ppa_indicators",
        "assert_obcms_ppa_budget_reconciles_with_dim_ppa",
        "assert_control_totals_match_raw",
    ):
        assert results[name]["status"] == "pass", name


# ----------------------------------------------------------------------------------------------------- dim_ppa
def test_dim_ppa_adds_the_file_ppas_once(quality_warehouse):
    warehouse, _ = quality_warehouse
    rows = _query(
        warehouse,
        "select ppa_id, title, category, moa_id, moa_acronym, moa_name, status, progress, fiscal_year, "
        "fiscal_year_inferred, budget_allocation, source_file, source_line "
        "from marts.dim_ppa where ppa_source = 'ppa_yaml' order by source_file, source_line",
    )
    bago = "Bangsamoro Attorney-General's Office"
    mafar = "Ministry of Agriculture, Fisheries and Agrarian Reform"
    expected = [
        ("BAGO", "Legal services", "acronym:BAGO", bago, D("34001249.00"), "bago.yaml", 4),
        ("BAGO", "Legislative drafting", "acronym:BAGO", bago, D("1000000.00"), "bago.yaml", 20),
        ("BYC", "Youth summit", "acronym:BYC", "Bangsamoro Youth Commission", D("21454010.00"), "byc.yaml", 4),
        ("MAFAR", "Halal livestock dispersal", MAFAR, mafar, D("700000.00"), "mafar.yaml", 30),
        ("MAFAR", "Seaweed Farming", MAFAR, mafar, D("300000.00"), "mafar.yaml", 45),
        ("OOBC", "Peace caravans", OOBC, "Office for Other Bangsamoro Communities", D("16881080.00"), "oobc.yaml", 5),
    ]
    assert rows == [
        (_yaml_id(a, t), t, "moa_ppa", moa_id, a, name, "planning", 0, 2025, True, budget, file, line)
        for a, t, moa_id, name, budget, file, line in expected
    ]
    counts = dict(_query(warehouse, "select ppa_source, count(*) from marts.dim_ppa group by all"))
    assert counts == {"obcms": 6, "ppa_yaml": 6}  # P1-P5 and P7 (P6 is marked deleted); Rice is P1's
    (rice,) = _query(warehouse, "select title, budget_allocation from marts.dim_ppa where lower(title) like 'rice%'")
    assert rice == ("Rice and corn production support", D("1000000.50"))  # OBCMS's row, not the file's 999,999.00
    (superseded,) = _query(
        warehouse,
        "select ppa_id, superseded_by_ppa_id, approved_budget from intermediate.int_ppa_yaml_ppas_matched "
        "where superseded_by_ppa_id is not null",
    )
    assert superseded == (_yaml_id("MAFAR", "Rice and Corn Production Support"), P1, SUPERSEDED_BUDGET)
    totals = _query(
        warehouse,
        "select sum(budget_allocation) from marts.dim_ppa where ppa_source = 'ppa_yaml' "
        "union all select sum(approved_budget) from raw.ppa_yaml_ppas where _deleted_at is null",
    )
    assert [t for (t,) in totals] == [LIVE_BUDGET - SUPERSEDED_BUDGET, LIVE_BUDGET]


def test_executive_summary_counts_the_file_ppas(quality_warehouse):
    warehouse, _ = quality_warehouse
    rows = _query(
        warehouse,
        "select moa_acronym, sector, ppa_count, budget_allocation from marts.rpt_executive_summary "
        "where fiscal_year = 2025 order by moa_acronym, sector",
    )
    assert rows == [
        ("BAGO", "unspecified", 2, D("35001249.00")),
        ("BYC", "unspecified", 1, D("21454010.00")),
        ("MAFAR", "economic", 1, D("1000000.50")),  # P1 (the file's Rice PPA is not counted again)
        ("MAFAR", "unspecified", 3, D("1250000.25")),  # P2 250,000.25 + Halal 700,000 + Seaweed 300,000
        ("OOBC", "unspecified", 1, D("16881080.00")),
        ("UNASSIGNED", "governance", 1, D("10.01")),
    ]


# ------------------------------------------------------------------------------------------- organisations
def test_dim_organization_unions_the_barmm_list_and_unlisted_moas(quality_warehouse):
    warehouse, _ = quality_warehouse
    rows = _query(
        warehouse,
        "select organization_id, acronym, name, organization_type, kind, parent_acronym, organization_source, "
        "in_organization_list, in_barmm_list, ppa_count from marts.dim_organization order by organization_id",
    )
    assert [r[0] for r in rows[:4]] == sorted([OOBC, MAFAR, "0b8e6a52-6f0e-4c59-9d55-1f2b1c9a0001", rows[3][0]])
    by_id = {r[0]: r[1:] for r in rows}
    assert by_id[OOBC] == (
        "OOBC",
        "Office for Other Bangsamoro Communities",
        "bmoa",
        "attached_agency",
        "OCM",
        "obcms",
        True,
        True,
        2,  # P3 and Peace caravans
    )
    assert by_id[MAFAR][3:] == ("ministry", None, "obcms", True, True, 5)  # P1, P2, P7, Halal, Seaweed
    assert by_id["acronym:BYC"] == (
        "BYC",
        "Bangsamoro Youth Commission",
        "bmoa",
        "attached_agency",
        "OCM",
        "barmm_list",
        True,
        True,
        1,
    )
    assert by_id["acronym:BPDA"][6:] == (True, True, 0)
    assert by_id["acronym:BAGO"] == (
        "BAGO",
        "Bangsamoro Attorney-General's Office",
        "bmoa",
        None,
        None,
        "ppa_yaml",
        False,
        False,
        2,
    )
    assert len(rows) == 7  # 4 from OBCMS, BPDA and BYC from the list, BAGO from its file


def test_unknown_organizations(quality_warehouse):
    warehouse, _ = quality_warehouse
    rows = _query(warehouse, "select * from marts.rpt_unknown_organizations")
    assert rows == [
        (
            "BAGO",
            "Bangsamoro Attorney-General's Office",
            "acronym:BAGO",
            2,
            D("35001249.00"),
            2025,
            2025,
            1,
            "bago.yaml",
            "bago.yaml:4, bago.yaml:20",
        )
    ]


# -------------------------------------------------------------------------------------------- indicators
def test_fct_ppa_indicators(quality_warehouse):
    warehouse, _ = quality_warehouse
    rows = _query(
        warehouse,
        "select ppa_id, level, position, ppa_source, target_raw, target_value, unit, parse_status, source_line "
        "from marts.fct_ppa_indicators order by ppa_source, source_line nulls first, ppa_id, level, position",
    )
    halal, peace, legal = (
        _yaml_id("MAFAR", "Halal livestock dispersal"),
        _yaml_id("OOBC", "Peace caravans"),
        _yaml_id("BAGO", "Legal services"),
    )
    assert rows == [
        (P1, "outcome", 1, "obcms", "80%", D("80.0000"), "%", "parsed", None),
        (P1, "output", 1, "obcms", "1052", D("1052.0000"), None, "parsed", None),
        (P1, "output", 2, "obcms", None, None, None, "blank", None),
        (legal, "outcome", 1, "ppa_yaml", "", None, None, "blank", 8),
        (peace, "outcome", 1, "ppa_yaml", "100%", D("100.0000"), "%", "parsed", 9),
        (peace, "output", 1, "ppa_yaml", "24 sessions", D("24.0000"), "sessions", "parsed_leading_number", 12),
        (halal, "outcome", 1, "ppa_yaml", "810 (Physicians: 10, Nurses: 800)", D("810.0000"), None,
         "parsed_leading_number", 33),
        (halal, "output", 1, "ppa_yaml", "0.5", D("0.5000"), None, "parsed", 36),
        (halal, "output", 2, "ppa_yaml", None, None, None, "blank", 38),
        (halal, "output", 3, "ppa_yaml", "At least 3 per province", None, None, "unparsed", 40),
        (halal, "output", 4, "ppa_yaml", "1,052", D("1052.0000"), None, "parsed", 42),
    ]  # fmt: skip


# ------------------------------------------------------------------------------------------- data quality
def test_data_quality_runs(quality_warehouse):
    warehouse, _ = quality_warehouse
    rows = _query(
        warehouse,
        "select run_id, source_name, table_name, refresh_status, status, rows_read, rows_loaded, rows_rejected, "
        "rows_inserted, rows_deleted, accounted, is_failed, refresh_error "
        "from marts.rpt_data_quality_runs order by run_started_at desc, source_name, table_name",
    )
    assert rows == [
        ("run-1", "barmm", "barmm_organizations", "running", "loaded", 5, 5, 0, 5, 0, True, False, None),
        ("run-1", "obcms", "monitoring_monitoringentry", "running", "loaded_with_rejects", 6, 5, 1, None, None, True,
         False, None),
        ("run-1", "ppa", "ppa_yaml_indicators", "running", "loaded", 11, 11, 0, 11, 1, True, False, None),
        ("run-1", "ppa", "ppa_yaml_ppas", "running", "loaded_with_rejects", 8, 7, 1, 7, 1, True, False, None),
        ("run-1", "ppa", "ppa_yaml_special_provisions", "running", "loaded", 1, 1, 0, 1, 0, True, False, None),
        ("run-f", "(none)", "(none)", "failed", None, None, None, None, None, None, None, True,
         "SourceError: ppa: no such folder"),
        ("run-0", "obcms", "common_region", "succeeded", "failed", 0, 0, 0, None, None, True, True, None),
    ]  # fmt: skip


def test_data_quality_rejects(quality_warehouse):
    warehouse, _ = quality_warehouse
    rows = _query(
        warehouse,
        "select reject_id, source_name, table_name, location, row_key, column_name, failure_value, reason "
        "from marts.rpt_data_quality_rejects order by reject_id",
    )
    assert rows[1] == (
        2,
        "ppa",
        "ppa_yaml_ppas",
        "mafar.yaml:55",
        "MAFAR|Rejected PPA|2025",
        "approved_budget",
        "₱5M",
        "approved_budget must be a plain number",
    )
    assert rows[0][:4] == (1, "obcms", "monitoring_monitoringentry", None)


def test_source_freshness_and_deleted_rows(quality_warehouse):
    warehouse, _ = quality_warehouse
    rows = _query(
        warehouse,
        "select source_name, table_count, tables_with_rows, rows_live, rows_deleted, last_loaded_at, "
        "newest_updated_at, warn_after_hours, error_after_hours, status from marts.rpt_source_freshness "
        "where source_name <> 'psa' order by source_name",
    )
    # the file loads of run-1 finished at FINISHED_AT, after their rows' _loaded_at; every source is months old
    assert rows == [
        ("geo", 1, 0, 0, 0, None, None, D("48.00"), D("168.00"), "not_loaded"),  # a source kind never configured
        ("obcms", 29, 10, 28, 1, LOADED_AT, CREATED, D("48.00"), D("168.00"), "error"),
        ("organizations", 1, 1, 5, 0, FINISHED_AT, None, D("48.00"), D("168.00"), "error"),
        ("ppa_yaml", 3, 3, 19, 2, FINISHED_AT, None, D("48.00"), D("168.00"), "error"),
    ]
    deleted = _query(
        warehouse,
        "select source_name, table_name, rows_deleted, rows_live, first_deleted_at, last_deleted_at "
        "from marts.rpt_deleted_rows order by source_name, table_name",
    )
    assert deleted == [
        ("obcms", "monitoring_monitoringentry", 1, 6, DELETED_AT, DELETED_AT),
        ("ppa_yaml", "ppa_yaml_indicators", 1, 11, DELETED_AT, DELETED_AT),
        ("ppa_yaml", "ppa_yaml_ppas", 1, 7, DELETED_AT, DELETED_AT),
    ]
    staged = _query(
        warehouse,
        "select (select count(*) from staging.stg_obcms__monitoring_entries where ppa_id = ?), "
        "(select count(*) from staging.stg_ppa_yaml__ppas where title = 'Old PPA'), "
        "(select min(source_file) || ':' || min(source_line) from staging.stg_organizations__barmm_organizations)",
        [P6],
    )
    assert staged == [(0, 0, "barmm_ministries.yaml:2")]


# --------------------------------------------------------------------------------- the checks really check
def test_reconciliations_fail_on_a_mismatch(quality_warehouse, tmp_path):
    """Tampered copies of the built warehouse: each reconciliation test finds what was changed."""
    built, _ = quality_warehouse
    warehouse = tmp_path / "tampered.duckdb"
    shutil.copyfile(built, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("delete from marts.dim_ppa where title = 'Youth summit'")
        con.execute("delete from marts.dim_ppa where ppa_id = ?", [P2])
        con.execute("delete from marts.fct_ppa_indicators where target_raw = '0.5'")
        con.execute(
            "update meta.control_totals set loaded_value = loaded_value + 0.01 "
            "where run_id = 'run-1' and measure = 'approved_budget'"
        )
        con.execute(
            "update meta.control_totals set read_value = 12 where run_id = 'run-1' and table_name = 'ppa_yaml_indicators'"
        )
    finally:
        con.close()
    checks = (
        "assert_ppa_yaml_budget_reconciles_with_dim_ppa",
        "assert_ppa_yaml_indicators_reconcile_with_fct_ppa_indicators",
        "assert_obcms_ppa_budget_reconciles_with_dim_ppa",
        "assert_control_totals_match_raw",
    )
    result, run_results = _dbt(tmp_path, warehouse, "test", *checks)
    assert result.returncode != 0
    failures = {r["unique_id"].split(".")[2]: (r["status"], r["failures"]) for r in run_results["results"]}
    assert failures == {
        "assert_ppa_yaml_budget_reconciles_with_dim_ppa": ("fail", 1),  # FY 2025
        "assert_ppa_yaml_indicators_reconcile_with_fct_ppa_indicators": ("fail", 1),  # level output
        "assert_obcms_ppa_budget_reconciles_with_dim_ppa": ("fail", 1),
        # approved_budget above raw (loaded_within_raw and loaded_equals_raw); indicators read ≠ loaded
        "assert_control_totals_match_raw": ("fail", 3),
    }
