"""Budget execution, budget credibility (PEFA PI-1/PI-2) and ceiling monitoring through `dbt build`.

A small warehouse is built by hand: two MOAs, five PPAs (one of FY 2024, two of FY 2025, an OBC request and a PPA
without fiscal year, the last two counted nowhere), a dated funding ledger with rows before and after the fiscal
year, and ceilings of both OBCMS ceiling tables in both vocabularies. ``dbt build`` runs on the budget marts and
everything upstream (as of 2025-06-30), and the marts are checked against figures computed by hand below.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.dbt_build import run_dbt
from tests.raw_tables import create_every_table

pytestmark = pytest.mark.dbt

D = Decimal
CHECKOUT = Path(__file__).resolve().parents[1]
DBT_PROJECT = CHECKOUT / "dbt_project"
SELECTION = "+fct_budget_execution_monthly +fct_budget_credibility +fct_ceiling_monitor +rpt_ceiling_vocabulary_unmapped +dim_organization"
LOADED_AT = datetime(2025, 10, 1, 8, 0, 0)
CREATED = datetime(2024, 10, 1, 9, 0, 0)

MAFAR = "0b8e6a52-6f0e-4c59-9d55-1f2b1c9ab001"
OOBC = "0b8e6a52-6f0e-4c59-9d55-1f2b1c9ab002"
PA = "7d3c1f7e-2a4b-4c1e-8f00-0000000bd00a"  # MAFAR, FY 2024, economic, gaab_2025, 1,000.00
PB = "7d3c1f7e-2a4b-4c1e-8f00-0000000bd00b"  # MAFAR, FY 2025, social, gaab_2025, 2,000.00
PC = "7d3c1f7e-2a4b-4c1e-8f00-0000000bd00c"  # OOBC PPA, FY 2025, peace_security, supplemental_budget, 1,000.00
PD = "7d3c1f7e-2a4b-4c1e-8f00-0000000bd00d"  # OBC request, FY 2025: counted nowhere
PE = "7d3c1f7e-2a4b-4c1e-8f00-0000000bd00e"  # MOA PPA without fiscal year: counted nowhere


def _org(id_: str, name: str, acronym: str) -> dict:
    return {
        "id": id_,
        "name": name,
        "acronym": acronym,
        "organization_type": "bmoa",
        "mandate": "",
        "partnership_level": "implementing",
        "partnership_status": "active",
        "is_priority": False,
        "is_active": True,
        "description": "",
        "notes": "",
    }


def _ppa(id_: str, title: str, category: str, moa: str | None, fiscal_year: int | None, sector: str,
         funding: str, budget: str | None) -> dict:  # fmt: skip
    return {
        "id": id_,
        "title": title,
        "category": category,
        "summary": "",
        "status": "ongoing",
        "request_status": "",
        "priority": "medium",
        "progress": 0,
        "approval_status": "approved",
        "request_source": "",
        "is_disaster_related": False,
        "oobc_unit": "",
        "implementing_moa_id": moa if category == "moa_ppa" else None,
        "lead_organization_id": moa,
        "fiscal_year": fiscal_year,
        "sector": sector,
        "appropriation_class": "",
        "funding_source": funding,
        "funding_source_other": "",
        "program_code": "",
        "plan_reference": "",
        "budget_allocation": D(budget) if budget is not None else None,
        "budget_currency": "PHP",
        "budget_distribution_policy": "",
        "moral_governance_pillar": "",
        "compliance_gad": False,
        "compliance_ccet": False,
        "benefits_indigenous_peoples": False,
        "supports_peace_agenda": False,
        "supports_sdg": False,
        "cost_effectiveness_rating": "",
        "enable_workitem_tracking": False,
        "auto_sync_progress": True,
        "auto_sync_status": True,
    }


def _flow(n: int, ppa: str, tranche: str, amount: str, on: date | None) -> dict:
    return {
        "id": f"5f0c9e1a-0000-4000-8000-{n:012d}",
        "entry_id": ppa,
        "tranche_type": tranche,
        "amount": D(amount),
        "funding_source": "",
        "funding_source_other": "",
        "scheduled_date": on,
        "remarks": "",
    }


def _central(n: int, fy: int, sector: str, source: str, amount: str, level: str) -> dict:
    return {
        "id": f"c0000000-0000-4000-8000-{n:012d}",
        "name": f"FY {fy} {sector or 'all'} {source or 'all'}",
        "fiscal_year": fy,
        "sector": sector,
        "funding_source": source,
        "ceiling_amount": D(amount),
        "allocated_amount": D("123456.78"),  # OBCMS's stored figure: never used
        "is_active": True,
        "enforcement_level": level,
    }


def _management(n: int, fy: int, source: str, sector: str, amount: str, threshold: str) -> dict:
    return {
        "id": f"d0000000-0000-4000-8000-{n:012d}",
        "fiscal_year": fy,
        "funding_source": source,
        "sector": sector,
        "ceiling_amount": D(amount),
        "allocated_amount": D("999.00"),
        "remaining_ceiling": D(amount) - D("999.00"),
        "threshold_warning": D(threshold),
        "is_exceeded": False,
        "notes": "",
    }


PC1, PC2, PC3, PC4, PC5 = (f"c0000000-0000-4000-8000-{n:012d}" for n in range(1, 6))
MC1, MC2, MC3, MC4 = (f"d0000000-0000-4000-8000-{n:012d}" for n in range(1, 5))

RAW_ROWS: dict[str, list[dict]] = {
    "coordination_organization": [
        _org(MAFAR, "Ministry of Agriculture, Fisheries and Agrarian Reform", "MAFAR"),
        _org(OOBC, "Office for Other Bangsamoro Communities", "OOBC"),
    ],
    "monitoring_monitoringentry": [
        _ppa(PA, "Corn seeds", "moa_ppa", MAFAR, 2024, "economic", "gaab_2025", "1000.00"),
        _ppa(PB, "Madrasah feeding", "moa_ppa", MAFAR, 2025, "social", "gaab_2025", "2000.00"),
        _ppa(PC, "Peace caravans", "oobc_ppa", OOBC, 2025, "peace_security", "supplemental_budget", "1000.00"),
        _ppa(PD, "Water system request", "obc_request", OOBC, 2025, "infrastructure", "", None),
        _ppa(PE, "Seaweed farming", "moa_ppa", MAFAR, None, "economic", "gaab_2025", "500.00"),
    ],
    "monitoring_monitoringentryfunding": [
        # PA, FY 2024: a late disbursement in January 2025 counts in December 2024
        _flow(1, PA, "allocation", "600.00", date(2024, 1, 10)),
        _flow(2, PA, "allocation", "400.00", date(2024, 7, 1)),
        _flow(3, PA, "obligation", "1000.00", date(2024, 2, 1)),
        _flow(4, PA, "disbursement", "300.00", date(2024, 3, 5)),
        _flow(5, PA, "disbursement", "650.00", date(2024, 11, 20)),
        _flow(6, PA, "disbursement", "50.00", date(2025, 1, 15)),
        # PB, FY 2025: an early release in December 2024 counts in January 2025
        _flow(7, PB, "allocation", "1000.00", date(2024, 12, 15)),
        _flow(8, PB, "allocation", "1000.00", date(2025, 6, 1)),
        _flow(9, PB, "obligation", "1500.00", date(2025, 2, 1)),
        _flow(10, PB, "disbursement", "500.00", date(2025, 2, 10)),
        _flow(11, PB, "disbursement", "700.00", date(2025, 8, 10)),
        _flow(12, PB, "adjustment", "-100.00", date(2025, 3, 1)),
        # PC, FY 2025
        _flow(13, PC, "allocation", "1000.00", date(2025, 1, 20)),
        _flow(14, PC, "obligation", "950.00", date(2025, 3, 1)),
        _flow(15, PC, "disbursement", "900.00", date(2025, 4, 15)),
        # PE has no fiscal year: left out
        _flow(16, PE, "disbursement", "100.00", date(2025, 5, 5)),
    ],
    "project_central_budgetceiling": [
        _central(1, 2025, "social", "gaa", "2100.00", "hard"),  # PB 2,000 → 95.24 %: warning
        _central(2, 2025, "peace", "", "900.00", "soft"),  # PC 1,000 → exceeded
        _central(3, 2025, "cultural", "lgu", "500.00", "soft"),  # cultural: unmapped
        _central(4, 2024, "", "internal", "700.00", "hard"),  # internal: unmapped
        _central(5, 2026, "education", "", "100.00", "soft"),  # → social (broader), no PPAs: ok
    ],
    "monitoring_ceilingmanagement": [
        _management(1, 2025, "GAAB 2025", "", "5000.00", "0.90"),  # PB 2,000 → 40 %: ok
        _management(2, 2025, "BARMM Block Grant", "Social Services", "0.00", "0.85"),  # PB on a 0 ceiling
        _management(3, 2025, "Zakat fund", "", "100.00", "0.90"),  # unmapped
        _management(4, 2025, "Supplemental Budget", "", "1100.00", "0.85"),  # PC 1,000 → 90.91 % ≥ 85 %
    ],
}


def _create_raw_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        create_every_table(con)
        for table, rows in RAW_ROWS.items():
            for row in rows:
                row = {
                    "created_at": CREATED,
                    "updated_at": CREATED,
                    **row,
                    "_run_id": "run-1",
                    "_source": "obcms",
                    "_loaded_at": LOADED_AT,
                }
                columns = ", ".join(f'"{c}"' for c in row)
                marks = ", ".join("?" for _ in row)
                con.execute(f'insert into raw."{table}" ({columns}) values ({marks})', list(row.values()))
    finally:
        con.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("dbt_budget")
    path = tmp / "warehouse.duckdb"
    _create_raw_warehouse(path)
    run_dbt(path, tmp, *SELECTION.split(), dbt_vars={"as_of_date": "2025-06-30"})
    return path


def _query(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# ------------------------------------------------------------------------------ execution by month
def test_every_budgeted_ppa_has_twelve_months_and_nothing_else(warehouse):
    rows = _query(
        warehouse,
        "select ppa_id, fiscal_year, count(*), min(month_number), max(month_number) "
        "from marts.fct_budget_execution_monthly group by ppa_id, fiscal_year order by ppa_id",
    )
    assert rows == [(PA, 2024, 12, 1, 12), (PB, 2025, 12, 1, 12), (PC, 2025, 12, 1, 12)]


def test_monthly_amounts_out_of_year_rows_and_cumulatives(warehouse):
    rows = _query(
        warehouse,
        "select ppa_id, month_number, quarter_label, quarter_number, planned_amount, actual_amount, obligated_amount,"
        " slippage_amount, cumulative_planned_amount, cumulative_actual_amount, cumulative_slippage_amount,"
        " planned_out_of_year_amount, actual_out_of_year_amount "
        "from marts.fct_budget_execution_monthly where (ppa_id, month_number) in "
        f"(('{PA}', 12), ('{PB}', 1), ('{PB}', 2), ('{PB}', 6), ('{PB}', 12), ('{PC}', 4)) order by ppa_id, month_number",
    )
    assert rows == [
        # PA December: 50 paid in January 2025 counts here, out of year; year planned 1,000, paid 1,000
        (PA, 12, "Q4", 4, D("0.00"), D("50.00"), D("0.00"), D("-50.00"), D("1000.00"), D("1000.00"), D("0.00"),
         D("0.00"), D("50.00")),
        # PB January: the December 2024 release counts here, out of year
        (PB, 1, "Q1", 1, D("1000.00"), D("0.00"), D("0.00"), D("1000.00"), D("1000.00"), D("0.00"), D("1000.00"),
         D("1000.00"), D("0.00")),
        (PB, 2, "Q1", 1, D("0.00"), D("500.00"), D("1500.00"), D("-500.00"), D("1000.00"), D("500.00"), D("500.00"),
         D("0.00"), D("0.00")),
        (PB, 6, "Q2", 2, D("1000.00"), D("0.00"), D("0.00"), D("1000.00"), D("2000.00"), D("500.00"), D("1500.00"),
         D("0.00"), D("0.00")),
        (PB, 12, "Q4", 4, D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("2000.00"), D("1200.00"), D("800.00"),
         D("0.00"), D("0.00")),
        (PC, 4, "Q2", 2, D("0.00"), D("900.00"), D("0.00"), D("-900.00"), D("1000.00"), D("900.00"), D("100.00"),
         D("0.00"), D("0.00")),
    ]  # fmt: skip


def test_run_rate_forecast_as_of_the_var(warehouse):
    rows = _query(
        warehouse,
        "select distinct ppa_id, as_of_date, months_elapsed, actual_to_date_amount, year_end_forecast_amount "
        "from marts.fct_budget_execution_monthly order by ppa_id",
    )
    assert rows == [
        (PA, date(2025, 6, 30), 12, D("1000.00"), D("1000.00")),  # closed year: forecast = actual
        (PB, date(2025, 6, 30), 6, D("500.00"), D("1000.00")),  # 500 / 6 × 12
        (PC, date(2025, 6, 30), 6, D("900.00"), D("1800.00")),  # 900 / 6 × 12
    ]


def test_rolls_up_by_moa_sector_and_quarter(warehouse):
    rows = _query(
        warehouse,
        "select moa_id, sector, quarter_number, sum(planned_amount), sum(actual_amount) "
        "from marts.fct_budget_execution_monthly where fiscal_year = 2025 and quarter_label = 'Q1' "
        "group by all order by moa_id",
    )
    assert rows == [(MAFAR, "social", 1, D("1000.00"), D("500.00")), (OOBC, "peace_security", 1, D("1000.00"),
                                                                       D("0.00"))]  # fmt: skip
    (totals,) = _query(
        warehouse, "select sum(planned_amount), sum(actual_amount) from marts.fct_budget_execution_monthly"
    )
    assert totals == (D("4000.00"), D("3100.00"))  # the ledger of PA, PB, PC; PE's 100 left out


# ------------------------------------------------------------------------------ PEFA credibility
def test_budget_credibility(warehouse):
    rows = _query(
        warehouse,
        "select fiscal_year, ppa_count, original_budget_amount, adjusted_budget_amount, actual_amount,"
        " obligated_amount, pi1_outturn, pi1_obligation_outturn, pi1_score, pi2_moa_variance, pi2_moa_score,"
        " pi2_sector_variance, pi2_sector_score, score_window_year_count, actual_amount_prev_year,"
        " actual_amount_yoy_change, actual_amount_yoy_pct, original_budget_amount_yoy_pct, pi1_outturn_yoy_change "
        "from marts.fct_budget_credibility order by fiscal_year",
    )
    assert rows == [
        # 2024: 1,000 / 1,000; one MOA and one sector → composition variance 0; one year → no score
        (2024, 1, D("1000.00"), D("1000.00"), D("1000.00"), D("1000.00"), D("1.000000"), D("1.000000"), None,
         D("0.000000"), None, D("0.000000"), None, 1, None, None, None, None, None),
        # 2025: 2,100 / 3,000 = 0.70; obligations 2,450 / 3,000; adjusted 3,000 − 100.
        # PI-2: ΣA/ΣB = 0.7; (|1,200 − 1,400| + |900 − 700|) / 2,100 = 0.190476 (MOAs and sectors alike).
        # Scores over 2024–2025: PI-1 in 95–105 % once only → D; PI-2 < 15 % once only → D.
        (2025, 2, D("3000.00"), D("2900.00"), D("2100.00"), D("2450.00"), D("0.700000"), D("0.816667"), "D",
         D("0.190476"), "D", D("0.190476"), "D", 2, D("1000.00"), D("1100.00"), D("110.0000"), D("200.0000"),
         D("-0.300000")),
    ]  # fmt: skip


# ------------------------------------------------------------------------------ ceilings
def test_ceiling_monitor(warehouse):
    rows = _query(
        warehouse,
        "select ceiling_id, source_table, sector_mapped, sector_match, funding_source_mapped, funding_source_match,"
        " ceiling_amount, allocated_amount, remaining_amount, utilization, warning_threshold, status,"
        " enforcement_level, ppa_count, ppas_beyond_ceiling_count "
        "from marts.fct_ceiling_monitor order by ceiling_id",
    )
    pc, mc = "project_central_budgetceiling", "monitoring_ceilingmanagement"
    assert rows == [
        (PC1, pc, "social", "exact", "gaab_2025,supplemental_budget", "exact", D("2100.00"), D("2000.00"),
         D("100.00"), D("0.952381"), D("0.9000"), "warning", "hard", 1, 0),
        (PC2, pc, "peace_security", "exact", None, "not_stated", D("900.00"), D("1000.00"), D("-100.00"),
         D("1.111111"), D("0.9000"), "exceeded", "soft", 1, 1),
        (PC3, pc, None, "unmapped", "local_program", "exact", D("500.00"), None, None, None, D("0.9000"),
         "unmapped", "soft", 0, 0),
        (PC4, pc, None, "not_stated", None, "unmapped", D("700.00"), None, None, None, D("0.9000"), "unmapped",
         "hard", 0, 0),
        (PC5, pc, "social", "broader", None, "not_stated", D("100.00"), D("0.00"), D("100.00"), D("0.000000"),
         D("0.9000"), "ok", "soft", 0, 0),
        (MC1, mc, None, "not_stated", "gaab_2025", "exact", D("5000.00"), D("2000.00"), D("3000.00"),
         D("0.400000"), D("0.9000"), "ok", "soft", 1, 0),
        # a zero ceiling: no utilization (no division by zero), exceeded by any allocation
        (MC2, mc, "social", "exact", "gaab_2025", "exact", D("0.00"), D("2000.00"), D("-2000.00"), None,
         D("0.8500"), "exceeded", "soft", 1, 1),
        (MC3, mc, None, "not_stated", None, "unmapped", D("100.00"), None, None, None, D("0.9000"), "unmapped",
         "soft", 0, 0),
        (MC4, mc, None, "not_stated", "supplemental_budget", "exact", D("1100.00"), D("1000.00"), D("100.00"),
         D("0.909091"), D("0.8500"), "warning", "soft", 1, 0),
    ]  # fmt: skip


def test_ceiling_ppas_and_unmapped_vocabulary(warehouse):
    rows = _query(
        warehouse,
        "select ceiling_id, ppa_id, budget_rank, running_allocated_amount, is_beyond_ceiling "
        "from marts.fct_ceiling_ppas order by ceiling_id, budget_rank",
    )
    assert rows == [
        (PC1, PB, 1, D("2000.00"), False),
        (PC2, PC, 1, D("1000.00"), True),
        (MC1, PB, 1, D("2000.00"), False),
        (MC2, PB, 1, D("2000.00"), True),
        (MC4, PC, 1, D("1000.00"), False),
    ]
    unmapped = _query(
        warehouse,
        "select vocabulary, stated_value_key, ceiling_count, ceiling_ids, ceiling_amount "
        "from marts.rpt_ceiling_vocabulary_unmapped order by vocabulary, stated_value_key",
    )
    assert unmapped == [
        ("funding_source", "internal", 1, PC4, D("700.00")),
        ("funding_source", "zakat fund", 1, MC3, D("100.00")),
        ("sector", "cultural", 1, PC3, D("500.00")),
    ]
