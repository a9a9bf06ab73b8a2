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
"""

from __future__ import annotations

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
                    estimated_total_amount, progress, total_slots, obc_slots, region_name, start_date,
                    created_at, updated_at)
                values ($ppa_id, $title, 'moa_ppa', $moa_id, $moa, $moa_name, $moa_id, $sector, 'gaab_2025', 'mooe',
                    $year, $year, $status, 'approved', 'medium', $budget, $budget, $budget / 2, $budget, $progress,
                    100, 40, 'Region IX', date '2024-01-15', timestamp '2024-01-01 08:00',
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
                },
            )
        con.execute(
            """
            create table marts.rpt_executive_summary (
                fiscal_year integer, moa_acronym varchar, moa_name varchar, sector varchar, ppa_count bigint,
                budget_allocation decimal(18,2), budget_obc_allocation decimal(18,2), budget_ceiling decimal(18,2),
                allocations decimal(18,2), obligations decimal(18,2), disbursements decimal(18,2),
                avg_progress double, completed_count bigint
            )
            """
        )
        con.executemany("insert into marts.rpt_executive_summary values (?,?,?,?,?,?,?,?,?,?,?,?,?)", SUMMARY_ROWS)
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
                geography_id bigint primary key, level varchar,
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
                (1, 'region', 9, '0900000000', 'Region IX', null, null, null, null, null, null, 3875576, 250000, 40),
                (2, 'province', 9, '0900000000', 'Region IX', 72, '0907200000', 'Zamboanga Sibugay', null, null,
                 null, 669840, 80000, 12)
            """
        )
    finally:
        con.close()
    return path


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
