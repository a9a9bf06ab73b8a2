"""The MFBM report: OBCMS's variance and remark rules, the fiscal-year choice, and a workbook whose totals reconcile
(the Summary sheet's totals equal the sums of the Allocation sheet and of fct_ppa_budget for the fiscal year)."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import duckdb
import polars as pl
import pytest
from openpyxl import load_workbook

from dashboards import execution_queries as eq
from dashboards import mfbm_report as mr
from dashboards.filters import Filters

D = Decimal


@pytest.mark.parametrize(
    ("variance_pct", "utilization", "expected"),
    [
        (D("20.01"), D("79.99"), "High underspending"),
        (D("20.00"), D("80.00"), ""),  # the limits themselves say nothing
        (D("-5.01"), D("105.01"), "Over budget; Near full utilization"),
        (D("-5.00"), D("105.00"), "Near full utilization"),
        (D("60.00"), D("40.00"), "High underspending; Low utilization"),
        (D("4.00"), D("96.00"), "Near full utilization"),
        (D("5.00"), D("95.00"), ""),
        (None, None, ""),  # no budget: nothing is known
    ],
)
def test_remarks(variance_pct, utilization, expected):
    assert mr.remarks(variance_pct, utilization) == expected


def _ppas() -> pl.DataFrame:
    rows = [
        ("p1", "Roads", "MPW", "Ministry of Public Works", "1000.00", "800.00", "700.00", "250.00", "25.0000"),
        ("p2", "Bridges", "MPW", "Ministry of Public Works", "200.00", "200.00", "200.00", "210.00", "105.0000"),
        ("p3", "Clinics", "MOH", "Ministry of Health", "300.00", "300.00", "290.00", "290.00", "96.6667"),
        ("p4", "Unfunded", None, None, "0.00", "0.00", "0.00", "0.00", None),
    ]
    return pl.DataFrame(
        {
            "ppa_id": [r[0] for r in rows],
            "title": [r[1] for r in rows],
            "moa_acronym": [r[2] for r in rows],
            "moa_name": [r[3] for r in rows],
            "sector": ["infrastructure", "infrastructure", "social", None],
            "fiscal_year": [2025] * 4,
            "status": ["ongoing"] * 4,
            "budget_allocation": [D(r[4]) for r in rows],
            "allotment": [D(r[5]) for r in rows],
            "obligations": [D(r[6]) for r in rows],
            "disbursements": [D(r[7]) for r in rows],
            "unobligated_allotment": [D(r[5]) - D(r[6]) for r in rows],
            "unpaid_obligations": [D(r[6]) - D(r[7]) for r in rows],
            "obligation_rate_vs_allotment": [D("87.5000"), D("100.0000"), D("96.6667"), None],
            "disbursement_rate_vs_obligations": [D("35.7143"), D("105.0000"), D("100.0000"), None],
            "utilization_pct": [D(r[8]) if r[8] else None for r in rows],
            "progress": [10, 100, 90, 0],
        },
        schema_overrides={
            c: pl.Decimal(18, 2)
            for c in (
                "budget_allocation",
                "allotment",
                "obligations",
                "disbursements",
                "unobligated_allotment",
                "unpaid_obligations",
            )
        }
        | {
            c: pl.Decimal(18, 4)
            for c in ("obligation_rate_vs_allotment", "disbursement_rate_vs_obligations", "utilization_pct")
        },
    )


def test_with_variance_is_exact():
    frame = mr.with_variance(_ppas())
    assert frame["variance"].to_list() == [D("750.00"), D("-10.00"), D("10.00"), D("0.00")]
    # 750 / 1,000 = 75 %; −10 / 200 = −5 % (not over budget: < −5 is); 10 / 300 = 3.33 %; no budget: undefined
    assert frame["variance_pct"].to_list() == [D("75.00"), D("-5.00"), D("3.33"), None]
    assert frame["remarks"].to_list() == [
        "High underspending; Low utilization",
        "Near full utilization",
        "Near full utilization",
        "",
    ]


def test_totals_are_sums_and_ratios_of_sums():
    t = mr.totals(mr.with_variance(_ppas()))
    assert (t.ppa_count, t.budget_allocation, t.disbursements, t.variance) == (4, D("1500.00"), D("750.00"),
                                                                               D("750.00"))  # fmt: skip
    assert t.utilization_pct == D("50.00")  # 750 / 1,500, not the mean of 25 %, 105 %, 96.67 %
    assert t.obligation_rate == D("91.54")  # 1,190 / 1,300 = 91.538…
    assert t.disbursement_rate == D("63.03")  # 750 / 1,190
    groups = mr.by_moa(mr.with_variance(_ppas()))
    assert [(a, t.ppa_count, t.budget_allocation) for a, _, t in groups] == [
        ("MPW", 2, D("1200.00")), ("MOH", 1, D("300.00")), ("No MOA", 1, D("0.00"))]  # fmt: skip


@pytest.mark.parametrize(
    ("selected", "available", "year", "phrase"),
    [
        ((2025,), [2024, 2025], 2025, "the fiscal year selected"),
        ((2024, 2026), [2024, 2025, 2026], 2026, "latest of those selected (2024, 2026)"),
        ((), [2023, 2025], 2025, "no fiscal year was selected"),
        ((), [], None, "No fiscal year"),
    ],
)
def test_choose_fiscal_year(selected, available, year, phrase):
    chosen, note = mr.choose_fiscal_year(selected, available)
    assert chosen == year and phrase in note


def _book(ppas: pl.DataFrame, year: int | None = 2025):
    data = mr.report_bytes(
        ppas,
        fiscal_year=year,
        year_note="FY 2025, the fiscal year selected.",
        filters=[("Fiscal year", "2025"), ("MOA", "All"), ("Sector", "All"), ("Area", "All")],
        data_as_of="20 Nov 2025, 16:10 PHT",
        generated_at=datetime(2025, 11, 21, 9, 30),
    )
    return load_workbook(io.BytesIO(data))


def _table(sheet) -> tuple[list, list[tuple], tuple | None]:
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    header, body = rows[0], rows[1:]
    total = body[-1] if body and body[-1][0] == "Total" else None
    return list(header), [r for r in body if r is not total], total


def test_workbook_sheets_formats_and_metadata():
    book = _book(_ppas())
    assert book.sheetnames == list(mr.SHEETS)
    header, rows, _total = _table(book["Summary"])
    assert header[:4] == ["MOA", "MOA name", "PPAs", "Approved budget"]
    assert [r[0] for r in rows] == ["MPW", "MOH", "No MOA"]
    cell = book["Summary"].cell(row=5, column=4)
    assert cell.value == 1200 and cell.number_format == mr.MONEY_FORMAT
    assert book["Allocation"].cell(row=5, column=5).number_format == mr.MONEY_FORMAT
    _, variance_rows, variance_total = _table(book["Variance"])
    assert variance_rows[0][-1] == "High underspending; Low utilization"
    assert variance_total[5] == 50  # Σ variance / Σ budget = 750 / 1,500
    raw = list(book["Raw data"].iter_rows(values_only=True))
    assert "remarks" in raw[0] and len(raw) == 5
    meta = {r[0]: r[1] for r in book["Metadata"].iter_rows(values_only=True)}
    assert meta["Fiscal year"] == "2025" and meta["Filter: MOA"] == "All"
    assert meta["Data as of"] == "20 Nov 2025, 16:10 PHT" and meta["Generated"].startswith("2025-11-21 09:30")
    assert "Definition: Variance" in meta and "Definition: Remarks" in meta


def test_empty_report_still_has_every_sheet_with_zero_totals():
    book = _book(_ppas().head(0), year=None)
    assert book.sheetnames == list(mr.SHEETS)
    _, rows, total = _table(book["Summary"])
    assert rows == [] and total[3] == 0 and total[9] is None


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute("create table dim_ppa (ppa_id varchar, moa_name varchar, status varchar, coverage_region_id integer, "
              "coverage_province_id integer)")  # fmt: skip
    c.execute(
        "create table fct_ppa_budget (ppa_id varchar, title varchar, category varchar, fiscal_year integer, "
        "moa_acronym varchar, sector varchar, budget_allocation decimal(18,2), allotment decimal(18,2), "
        "obligations decimal(18,2), disbursements decimal(18,2), unobligated_allotment decimal(18,2), "
        "unpaid_obligations decimal(18,2), obligation_rate_vs_allotment decimal(18,4), "
        "disbursement_rate_vs_obligations decimal(18,4), disbursement_rate_vs_budget decimal(18,4), "
        "progress_own integer)"
    )
    rows = [
        ("a", "Roads", "moa_ppa", 2025, "MPW", "infrastructure", "1000.10", "900.00", "800.00", "300.05"),
        ("b", "Clinics", "moa_ppa", 2025, "MOH", "social", "2500.25", "2500.25", "2400.00", "2399.99"),
        ("c", "Schools", "moa_ppa", 2025, "MBHTE", "social", "0.00", "0.00", "0.00", "0.00"),
        ("d", "Office", "oobc_ppa", 2025, "OOBC", "governance", "999.00", "999.00", "0.00", "0.00"),
        ("e", "Ports", "moa_ppa", 2024, "MPW", "infrastructure", "777.00", "777.00", "777.00", "777.00"),
    ]
    for ppa, title, category, fy, moa, sector, budget, allot, obl, disb in rows:
        b, a, o, d = D(budget), D(allot), D(obl), D(disb)
        c.execute(
            "insert into fct_ppa_budget values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            [ppa, title, category, fy, moa, sector, b, a, o, d, a - o, o - d,
             round(100 * o / a, 4) if a else None, round(100 * d / o, 4) if o else None,
             round(100 * d / b, 4) if b else None],
        )  # fmt: skip
        c.execute("insert into dim_ppa values (?, ?, 'ongoing', null, null)", [ppa, f"Ministry {moa}"])
    yield c
    c.close()


def test_summary_totals_reconcile_with_the_allocation_sheet_and_the_mart(con):
    year, _note = mr.choose_fiscal_year((), eq.mfbm_years(con))
    assert year == 2025
    book = _book(eq.mfbm_ppas(con, Filters(), year))
    _, summary_rows, summary_total = _table(book["Summary"])
    _, allocation_rows, allocation_total = _table(book["Allocation"])
    _, expenditure_rows, expenditure_total = _table(book["Expenditure"])

    def cents(value) -> Decimal:
        return D(str(value)).quantize(D("0.01"))

    ((budget, allotment, paid),) = con.execute(
        "select sum(budget_allocation), sum(allotment), sum(disbursements) from fct_ppa_budget "
        "where category = 'moa_ppa' and fiscal_year = 2025"
    ).fetchall()
    assert cents(summary_total[3]) == budget == D("3500.35")
    assert cents(summary_total[3]) == sum(cents(r[4]) for r in allocation_rows) == cents(allocation_total[4])
    assert cents(summary_total[4]) == allotment == sum(cents(r[5]) for r in allocation_rows)
    assert cents(summary_total[6]) == paid == sum(cents(r[3]) for r in expenditure_rows) == cents(expenditure_total[3])
    assert summary_total[2] == len(allocation_rows) == 3  # the OOBC PPA and the 2024 PPA are not in it
    assert sum(r[2] for r in summary_rows) == 3
    assert cents(summary_total[7]) == budget - paid  # variance = budget − disbursements
