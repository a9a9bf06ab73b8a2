"""A tiny, hand-made warehouse whose totals are known by heart (the dashboards' tests read it).

Executive summary rows (fiscal year, MOA, sector: PPAs, approved budget, allocations, obligations, disbursements):

    2024  MOH    social           2   3,000,000.00   3,000,000.00   2,400,000.00   1,200,000.00
    2024  MBHTE  social           1   5,000,000.00   5,000,000.00   5,000,000.00   4,000,000.00
    2025  MOH    social           1   1,500,000.50   1,000,000.00     250,000.25           0.00
    2025  MPW    infrastructure   2  12,000,000.00  10,000,000.00   6,000,000.00   3,000,000.00
    2025  MAFAR  economic         1     700,000.00           0.00           0.00           0.00
    NULL  MOH    unspecified      1     250,000.00           0.00           0.00           0.00
    total                         8  22,450,000.50  19,000,000.00  13,650,000.25   8,200,000.00

``dim_ppa`` holds the eight PPAs behind those rows, with the same budgets.

The data-quality marts (``build_data_quality_marts``) hold three refreshes, newest first: run-2 (building this
warehouse: OBCMS and the PPA files loaded, with rejects), run-1 (failed before loading anything) and run-0 (its
common_region load failed); three rejects; four sources (OBCMS loaded 20 Nov 2025 08:00 UTC, the PPA files 10 Nov,
the organisation list 1 Nov, PSA never); one table with deleted rows; BAGO as the unknown MOA; two unmatched place
names; and three population rows, two of them findings (Bansalan, Davao del Sur: +5,808; an area without parts).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from ingest.home import Home
from ingest.warehouse import publish

D = Decimal

# fmt: off  (tables of hand-made rows read best aligned)
SUMMARY_ROWS = [
    # fiscal_year, moa_acronym, moa_name, sector, ppa_count, budget_allocation, budget_obc_allocation, budget_ceiling,
    # allocations, obligations, disbursements, avg_progress, completed_count
    (
        2024,
        "MOH",
        "Ministry of Health",
        "social",
        2,
        D("3000000.00"),
        D("1000000.00"),
        D("4000000.00"),
        D("3000000.00"),
        D("2400000.00"),
        D("1200000.00"),
        50.0,
        1,
    ),
    (
        2024,
        "MBHTE",
        "Ministry of Basic, Higher and Technical Education",
        "social",
        1,
        D("5000000.00"),
        D("2500000.00"),
        D("5000000.00"),
        D("5000000.00"),
        D("5000000.00"),
        D("4000000.00"),
        100.0,
        1,
    ),
    (
        2025,
        "MOH",
        "Ministry of Health",
        "social",
        1,
        D("1500000.50"),
        D("500000.00"),
        D("2000000.00"),
        D("1000000.00"),
        D("250000.25"),
        D("0.00"),
        10.0,
        0,
    ),
    (
        2025,
        "MPW",
        "Ministry of Public Works",
        "infrastructure",
        2,
        D("12000000.00"),
        D("6000000.00"),
        D("15000000.00"),
        D("10000000.00"),
        D("6000000.00"),
        D("3000000.00"),
        40.0,
        0,
    ),
    (
        2025,
        "MAFAR",
        "Ministry of Agriculture, Fisheries and Agrarian Reform",
        "economic",
        1,
        D("700000.00"),
        D("700000.00"),
        D("1000000.00"),
        D("0.00"),
        D("0.00"),
        D("0.00"),
        0.0,
        0,
    ),
    (
        None,
        "MOH",
        "Ministry of Health",
        "unspecified",
        1,
        D("250000.00"),
        D("0.00"),
        None,
        D("0.00"),
        D("0.00"),
        D("0.00"),
        0.0,
        0,
    ),
]

PPA_ROWS = [
    # ppa_id, title, moa_acronym, sector, fiscal_year, status, progress, budget_allocation
    (1, "Barangay health station upgrades", "MOH", "social", 2024, "completed", 100, D("1000000.00")),
    (2, "Medical missions for OBCs in Region IX", "MOH", "social", 2024, "ongoing", 0, D("2000000.00")),
    (3, "Madaris teachers' training", "MBHTE", "social", 2024, "completed", 100, D("5000000.00")),
    (4, "Women's health caravans", "MOH", "social", 2025, "ongoing", 10, D("1500000.50")),
    (5, "Farm-to-market road, Zamboanga Sibugay", "MPW", "infrastructure", 2025, "ongoing", 50, D("8000000.00")),
    (6, "Solar water systems", "MPW", "infrastructure", 2025, "ongoing", 30, D("4000000.00")),
    (7, "Halal livestock dispersal", "MAFAR", "economic", 2025, "planning", 0, D("700000.00")),
    (8, "Community consultations (year to be set)", "MOH", None, None, "planning", 0, D("250000.00")),
]

# fmt: on

MOA_NAMES = {r[1]: r[2] for r in SUMMARY_ROWS}
# Coverage areas: every PPA is in Region IX; MPW's are in Zamboanga Sibugay, the others region-wide.
REGION_IX = 9
SIBUGAY = 72
AREA_BY_MOA = {"MPW": (REGION_IX, SIBUGAY)}

TOTAL_BUDGET = D("22450000.50")
TOTAL_ALLOCATIONS = D("19000000.00")
TOTAL_OBLIGATIONS = D("13650000.25")
TOTAL_DISBURSEMENTS = D("8200000.00")
TOTAL_PPAS = 8


def build_tiny_warehouse(path: Path) -> Path:
    """Write the four marts the dashboards read into a new DuckDB file at ``path``."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(
            """
            create table marts.dim_ppa (
                ppa_id bigint primary key, title varchar, category varchar, moa_id bigint, moa_acronym varchar,
                moa_name varchar, lead_organization_id bigint, sector varchar, funding_source varchar,
                appropriation_class varchar, fiscal_year integer, plan_year integer, status varchar,
                approval_status varchar, request_status varchar, priority varchar, program_code varchar,
                budget_ceiling decimal(14,2), budget_allocation decimal(14,2), budget_obc_allocation decimal(14,2),
                estimated_total_amount decimal(14,2), progress integer, total_slots integer, obc_slots integer,
                coverage_region_id bigint, coverage_province_id bigint, coverage_municipality_id bigint,
                region_name varchar, province_name varchar, municipality_name varchar, start_date date,
                target_end_date date, actual_end_date date, created_at timestamp, updated_at timestamp
            )
            """
        )
        moa_ids = {acronym: i for i, acronym in enumerate(sorted(MOA_NAMES), start=101)}
        for ppa_id, title, moa, sector, year, status, progress, budget in PPA_ROWS:
            con.execute(
                """
                insert into marts.dim_ppa (ppa_id, title, category, moa_id, moa_acronym, moa_name,
                    lead_organization_id, sector, funding_source, appropriation_class, fiscal_year, plan_year,
                    status, approval_status, priority, budget_ceiling, budget_allocation, budget_obc_allocation,
                    estimated_total_amount, progress, total_slots, obc_slots, coverage_region_id,
                    coverage_province_id, region_name, start_date, created_at, updated_at)
                values ($ppa_id, $title, 'moa_ppa', $moa_id, $moa, $moa_name, $moa_id, $sector, 'gaab_2025', 'mooe',
                    $year, $year, $status, 'approved', 'medium', $budget, $budget, $budget / 2, $budget, $progress,
                    100, 40, $region_id, $province_id, 'Region IX', date '2024-01-15', timestamp '2024-01-01 08:00',
                    timestamp '2025-06-30 17:00')
                """,
                {
                    "ppa_id": ppa_id,
                    "title": title,
                    "moa_id": moa_ids[moa],
                    "moa": moa,
                    "moa_name": MOA_NAMES[moa],
                    "sector": sector,
                    "year": year,
                    "status": status,
                    "budget": budget,
                    "progress": progress,
                    "region_id": AREA_BY_MOA.get(moa, (REGION_IX, None))[0],
                    "province_id": AREA_BY_MOA.get(moa, (REGION_IX, None))[1],
                },
            )
        con.execute(
            """
            create table marts.rpt_executive_summary (
                fiscal_year integer, moa_acronym varchar, moa_name varchar, sector varchar, ppa_count bigint,
                budget_allocation decimal(18,2), budget_obc_allocation decimal(18,2), budget_ceiling decimal(18,2),
                allocations decimal(18,2), obligations decimal(18,2), disbursements decimal(18,2),
                avg_progress double, completed_count bigint, region_id bigint, province_id bigint
            )
            """
        )
        con.executemany(
            "insert into marts.rpt_executive_summary values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [[*row, *AREA_BY_MOA.get(row[1], (REGION_IX, None))] for row in SUMMARY_ROWS],
        )
        con.execute(
            """
            create table marts.dim_organization (
                organization_id bigint primary key, name varchar, acronym varchar, organization_type varchar,
                parent_acronym varchar, is_bmoa boolean, is_active boolean, ppa_count bigint
            )
            """
        )
        for acronym, org_id in moa_ids.items():
            ppas = sum(1 for r in PPA_ROWS if r[2] == acronym)
            con.execute(
                "insert into marts.dim_organization values (?, ?, ?, 'bmoa', 'OCM', true, true, ?)",
                [org_id, MOA_NAMES[acronym], acronym, ppas],
            )
        con.execute(
            """
            create table marts.dim_geography (
                geography_id varchar primary key, level varchar,
                region_id bigint, region_code varchar, region_name varchar,
                province_id bigint, province_code varchar, province_name varchar,
                municipality_id bigint, municipality_code varchar, municipality_name varchar,
                population_total bigint, obc_population bigint, obc_community_count bigint
            )
            """
        )
        con.execute(
            """
            insert into marts.dim_geography values
                ('region:9', 'region', 9, 'IX', 'Zamboanga Peninsula', null, null, null, null, null, null, 3875576,
                 250000, 40),
                ('province:72', 'province', 9, 'IX', 'Zamboanga Peninsula', 72, '0907200000', 'Zamboanga Sibugay',
                 null, null,
                 null, 669840, 80000, 12)
            """
        )
        build_alert_marts(con)
        build_data_quality_marts(con)
    finally:
        con.close()
    return path


# The overview's alerts. Ceilings (fiscal year, mapped sector, status): 2025 has one exceeded and one in warning.
CEILING_ROWS = [
    (1, 2025, "infrastructure", "exceeded"),
    (2, 2025, "social", "warning"),
    (3, 2025, "economic", "ok"),
    (4, 2024, "social", "ok"),
]
# Needs (id, high priority, funded, unmet cost, region, province, sector in the PPA vocabulary): two unfunded
# high-priority needs, ₱3.5M unmet.
NEED_ROWS = [
    (1, True, False, D("2500000.00"), REGION_IX, SIBUGAY, "social"),
    (2, True, False, D("1000000.00"), REGION_IX, None, "social"),
    (3, True, True, D("0.00"), REGION_IX, SIBUGAY, "infrastructure"),
    (4, False, False, D("900000.00"), REGION_IX, SIBUGAY, "economic"),
]
# PEFA PI-1 per fiscal year: 2024 spent 90% (B), 2025 spent 55% (D).
CREDIBILITY_ROWS = [(2024, D("0.900000"), "B", D("0.050000"), "A"), (2025, D("0.550000"), "D", D("0.200000"), "C")]


def build_alert_marts(con: duckdb.DuckDBPyConnection) -> None:
    """The columns of fct_ceiling_monitor, fct_need_gap and fct_budget_credibility the overview reads."""
    con.execute(
        "create table marts.fct_ceiling_monitor (ceiling_id bigint, fiscal_year integer, sector_mapped varchar, "
        "status varchar)"
    )
    con.executemany("insert into marts.fct_ceiling_monitor values (?, ?, ?, ?)", CEILING_ROWS)
    con.execute(
        "create table marts.fct_need_gap (need_id bigint, is_high_priority boolean, is_funded boolean, "
        "unmet_cost decimal(18,2), region_id bigint, province_id bigint, ppa_sector varchar)"
    )
    con.executemany("insert into marts.fct_need_gap values (?, ?, ?, ?, ?, ?, ?)", NEED_ROWS)
    con.execute(
        "create table marts.fct_budget_credibility (fiscal_year integer, pi1_outturn decimal(9,6), pi1_score varchar, "
        "pi2_moa_variance decimal(9,6), pi2_moa_score varchar)"
    )
    con.executemany("insert into marts.fct_budget_credibility values (?, ?, ?, ?, ?)", CREDIBILITY_ROWS)
    # no possible duplicates among the eight PPAs: the data-quality page says so
    con.execute(
        "create table marts.fct_duplicate_ppa_pairs (ppa_id_a bigint, ppa_id_b bigint, moa_id_a bigint, "
        "moa_id_b bigint, title_a varchar, title_b varchar, sector varchar, shared_community_count integer, "
        "same_municipality boolean, shared_municipality_id bigint, overlap_days integer, "
        "title_similarity decimal(5,4), similarity_rank integer)"
    )


OBCMS_LOADED_AT = datetime(2025, 11, 20, 8, 0)
PPA_FILES_LOADED_AT = datetime(2025, 11, 10, 8, 0)
ORGANIZATIONS_LOADED_AT = datetime(2025, 11, 1, 8, 0)

# fmt: off
RUN_ROWS = [
    # run_id, source, table, command, refresh_status, refresh_started_at, refresh_error, status, read, loaded, rejected,
    # inserted, updated, unchanged, deleted, seconds, error, accounted, is_failed
    ("run-2", "obcms", "monitoring_monitoringentry", "refresh", "running", OBCMS_LOADED_AT, None, "loaded_with_rejects",
     120, 118, 2, 3, 5, 110, 1, 1.5, None, True, False),
    ("run-2", "ppa", "ppa_yaml_ppas", "refresh", "running", OBCMS_LOADED_AT, None, "loaded_with_rejects",
     212, 211, 1, 211, 0, 0, 0, 0.8, None, True, False),
    ("run-1", "(none)", "(none)", "refresh", "failed", datetime(2025, 11, 19, 8, 0), "SourceError: ppa: no such folder",
     None, None, None, None, None, None, None, None, None, None, None, True),
    ("run-0", "obcms", "common_region", "refresh", "succeeded", datetime(2025, 11, 18, 8, 0), None, "failed",
     0, 0, 0, None, None, None, None, 30.0, "timeout", True, True),
]
REJECT_ROWS = [
    # reject_id, run_id, run_started_at, source, table, location, row_number, row_key, column, check, value, reason
    (1, "run-2", OBCMS_LOADED_AT, "obcms", "monitoring_monitoringentry", None, 6, "7d3c-a006", "progress",
     "in_range(0, 100)", "140", "progress must be 0-100"),
    (2, "run-2", OBCMS_LOADED_AT, "ppa", "ppa_yaml_ppas", "mafar.yaml:55", 12, "MAFAR|Seed kits|2025",
     "approved_budget", "is_number", "₱5M", "approved_budget must be a plain number"),
    (3, "run-2", OBCMS_LOADED_AT, "obcms", "monitoring_monitoringentry", None, 9, "7d3c-a009", "status",
     "isin", "done", "status must be one of planning, ongoing, completed, on_hold, cancelled"),
]
FRESHNESS_ROWS = [
    # source, tables, tables with rows, live, deleted, last loaded, newest updated_at, warn h, error h
    ("obcms", 29, 20, 5400, 1, OBCMS_LOADED_AT, datetime(2025, 11, 19, 17, 30), 48, 168),
    ("organizations", 1, 1, 43, 0, ORGANIZATIONS_LOADED_AT, None, 48, 168),
    ("ppa_yaml", 3, 3, 1845, 0, PPA_FILES_LOADED_AT, None, 48, 168),
    ("psa", 1, 0, 0, 0, None, None, 9600, None),
]
UNMATCHED_ROWS = [
    # source, level, region, parent, name, normalized, file, line, candidates, best, similarity
    ("psa", "province", "IX", "IX", "CITY OF ISABELA", "isabela", "region_ix_population_raw.txt", 2380,
     "Isabela City (0.912), Isabela (0.850)", "Isabela City", D("0.912")),
    ("obcms", "municipality", "XII", "Cotabato", "Kidapawan", "kidapawan", None, None, None, None, None),
]
POPULATION_ROWS = [
    # level, region, province, municipality, stated, children, difference, parts, without figure, status, file, line
    ("municipality", "XI", "DAVAO DEL SUR", "Bansalan", 64816, 70624, 5808, 25, 0, "children_do_not_add_up",
     "region_xi_population_raw.txt", 700),
    ("municipality", "XII", "COTABATO", "Banisilan", 40000, 40000, 0, 20, 0, "consistent",
     "region_xii_population_raw.txt", 420),
    ("province", "IX", "CITY OF ISABELA", None, 151297, 0, -151297, 0, 0, "no_children",
     "region_ix_population_raw.txt", 2380),
]
# fmt: on


def build_data_quality_marts(con: duckdb.DuckDBPyConnection) -> None:
    """The data-quality marts the data-quality page reads (see the module docstring)."""
    con.execute(
        """
        create table marts.rpt_data_quality_runs (
            run_id varchar, source_name varchar, table_name varchar, command varchar, refresh_status varchar,
            run_started_at timestamp, refresh_error varchar, status varchar, rows_read bigint, rows_loaded bigint,
            rows_rejected bigint, rows_inserted bigint, rows_updated bigint, rows_unchanged bigint,
            rows_deleted bigint, seconds double, error_message varchar, accounted boolean, is_failed boolean,
            primary key (run_id, source_name, table_name)
        )
        """
    )
    con.executemany(f"insert into marts.rpt_data_quality_runs values ({', '.join('?' * 19)})", RUN_ROWS)
    con.execute(
        """
        create table marts.rpt_data_quality_rejects (
            reject_id bigint primary key, run_id varchar, run_started_at timestamp, source_name varchar,
            table_name varchar, location varchar, source_row_number bigint, row_key varchar, column_name varchar,
            check_name varchar, failure_value varchar, reason varchar
        )
        """
    )
    con.executemany(f"insert into marts.rpt_data_quality_rejects values ({', '.join('?' * 12)})", REJECT_ROWS)
    con.execute(
        """
        create table marts.rpt_source_freshness (
            source_name varchar primary key, table_count integer, tables_with_rows integer, rows_live bigint,
            rows_deleted bigint, last_loaded_at timestamp, newest_updated_at timestamp, checked_at timestamp,
            warn_after_hours decimal(10,2), error_after_hours decimal(10,2), age_hours decimal(12,1), status varchar
        )
        """
    )
    con.executemany(
        "insert into marts.rpt_source_freshness values (?, ?, ?, ?, ?, ?, ?, timestamp '2025-11-20 08:10', ?, ?, "
        "null, 'fresh')",
        FRESHNESS_ROWS,
    )
    con.execute(
        """
        create table marts.rpt_deleted_rows (
            source_name varchar, table_name varchar, rows_deleted bigint, rows_live bigint,
            first_deleted_at timestamp, last_deleted_at timestamp, loaded_by varchar,
            primary key (source_name, table_name)
        )
        """
    )
    con.execute(
        "insert into marts.rpt_deleted_rows values ('obcms', 'monitoring_monitoringentry', 1, 118, "
        "timestamp '2025-11-20 08:00', timestamp '2025-11-20 08:00', 'obcms')"
    )
    con.execute(
        """
        create table marts.rpt_unknown_organizations (
            moa_acronym varchar primary key, moa_name varchar, organization_id varchar, ppa_count integer,
            approved_budget decimal(18,2), first_fiscal_year integer, last_fiscal_year integer, file_count integer,
            source_files varchar, locations varchar
        )
        """
    )
    con.execute(
        "insert into marts.rpt_unknown_organizations values ('BAGO', 'Bangsamoro Attorney-General''s Office', "
        "'acronym:BAGO', 1, 34001249.00, 2025, 2025, 1, 'bago.yaml', 'bago.yaml:4')"
    )
    con.execute(
        """
        create table marts.rpt_geography_unmatched (
            source varchar, level varchar, region_code varchar, parent_name varchar, name varchar,
            normalized_name varchar, source_file varchar, source_line bigint, candidates varchar,
            best_candidate varchar, best_similarity decimal(4,3)
        )
        """
    )
    con.executemany(f"insert into marts.rpt_geography_unmatched values ({', '.join('?' * 11)})", UNMATCHED_ROWS)
    con.execute(
        """
        create table marts.rpt_population_consistency (
            level varchar, region_code varchar, province_name varchar, municipality_name varchar,
            stated_population bigint, sum_of_children bigint, difference bigint, children_count integer,
            children_without_population integer, status varchar, source_file varchar, source_line bigint
        )
        """
    )
    con.executemany(f"insert into marts.rpt_population_consistency values ({', '.join('?' * 12)})", POPULATION_ROWS)


def published_home(root: Path) -> Home:
    """A home under ``root`` with the tiny warehouse published."""
    home = Home(root / "home").ensure()
    publish(home, build_tiny_warehouse(root / "tiny.duckdb"))
    return home


def text_of(component: object) -> str:
    """All the text in a Dash component tree, space-separated (what a reader of the page sees)."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(t for t in (text_of(c) for c in component) if t)
    return text_of(getattr(component, "children", None))
