"""Budget execution marts (fct_work_item_rollup, fct_ppa_budget) through `dbt build`, against hand-computed values.

A small hand-made warehouse: the worked example of metrics.md §2 (a 5,000,000 OOBC PPA; activities 1.5M / 2.0M / 1.5M;
tasks 300K, 1.2M, 500K, 1.5M, 200K, 1.3M; two items without their own related_ppa), a five-level tree under a
300,000 PPA with an under-allocated, an over-allocated and an unbudgeted parent, a stand-alone work item, a PPA
without budget or ledger, and a funding ledger with an over-obligated, over-disbursed PPA. A second test tampers
with a copy of the built warehouse and checks that the reconciliation tests fail.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.dbt_build import run_dbt
from tests.raw_tables import create_every_table
from tests.test_dbt_project import _ppa, _query

pytestmark = pytest.mark.dbt

D = Decimal
LOADED_AT = datetime(2025, 7, 1, 8, 0, 0)
CREATED = datetime(2025, 1, 15, 9, 30, 0)
LEDGER_UPDATED = datetime(2025, 6, 30, 17, 0, 0)  # the latest recorded change: the default status date

PW = "7d3c1f7e-2a4b-4c1e-8f00-00000000e001"  # the worked example
PB = "7d3c1f7e-2a4b-4c1e-8f00-00000000e002"  # five-level tree, over-obligated and over-disbursed
PZ = "7d3c1f7e-2a4b-4c1e-8f00-00000000e003"  # no budget, no ledger, no work items

# the marts and everything upstream; tests on them come with them (eager indirect selection). Downstream
# marts are left out: their unit tests need parents this selection does not build.
SELECT = ["+fct_ppa_budget", "+fct_work_item_rollup", "+dim_organization", "+dim_geography"]


def _wid(name: str) -> str:
    return f"9a0b0c0d-0000-4000-8000-{sum(ord(c) * 131**i for i, c in enumerate(name)) % 10**12:012d}"


# (name, parent, tree, ppa, work_type, status, progress, allocated, actual)
WORK_ITEMS = [
    ("R", None, 1, PW, "project", "in_progress", 33, "5000000.00", None),
    ("A1", "R", 1, PW, "activity", "completed", 100, "1500000.00", None),
    ("A2", "R", 1, None, "activity", "in_progress", 50, "2000000.00", None),
    ("A3", "R", 1, PW, "activity", "not_started", 0, "1500000.00", None),
    ("T1", "A1", 1, PW, "task", "completed", 100, "300000.00", "295000.00"),
    ("T2", "A1", 1, PW, "task", "completed", 100, "1200000.00", "1180000.00"),
    ("T3", "A2", 1, PW, "task", "completed", 100, "500000.00", "510000.00"),
    ("T4", "A2", 1, None, "task", "in_progress", 40, "1500000.00", "600000.00"),
    ("T5", "A3", 1, PW, "task", "not_started", 0, "200000.00", None),
    ("T6", "A3", 1, PW, "task", "not_started", 0, "1300000.00", "0.00"),
    ("P0", None, 2, PB, "project", "in_progress", 0, "300000.00", None),
    ("P1", "P0", 2, PB, "sub_project", "in_progress", 0, "300000.00", None),
    ("P2", "P1", 2, PB, "activity", "in_progress", 0, "180000.00", None),
    ("Q2", "P1", 2, PB, "task", "in_progress", 50, "90000.00", "120000.00"),
    ("P3", "P2", 2, PB, "sub_activity", "in_progress", 100, "210000.00", None),
    ("P4", "P3", 2, None, "task", "completed", 100, None, "15000.00"),
    ("S", None, 3, None, "activity", "not_started", 0, "1000.00", "0.00"),
]  # fmt: skip

# (ppa, tranche, amount)
LEDGER = [
    (PW, "allocation", "3000000.00"),
    (PW, "allocation", "2000000.00"),
    (PW, "obligation", "3911651.00"),
    (PW, "disbursement", "2956479.00"),
    (PW, "adjustment", "-1000.00"),
    (PB, "allocation", "100000.00"),
    (PB, "obligation", "150000.00"),
    (PB, "disbursement", "200000.00"),
]


def _nested_set() -> dict[str, tuple[int, int, int]]:
    """MPTT (lft, rght, level) of every work item, as django-mptt numbers them per tree."""
    children: dict[str | None, list[str]] = {}
    for name, parent, *_ in WORK_ITEMS:
        children.setdefault(parent, []).append(name)
    out: dict[str, tuple[int, int, int]] = {}

    def visit(name: str, left: int, level: int) -> int:
        right = left + 1
        for child in children.get(name, []):
            right = visit(child, right, level + 1) + 1
        out[name] = (left, right, level)
        return right

    for root in children[None]:
        visit(root, 1, 0)
    return out


def _insert(con: duckdb.DuckDBPyConnection, table: str, row: dict) -> None:
    row = {**row, "_run_id": "run-1", "_source": "obcms", "_loaded_at": LOADED_AT}
    columns = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" for _ in row)
    con.execute(f'insert into raw."{table}" ({columns}) values ({marks})', list(row.values()))


def _create_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        create_every_table(con)
        ppas = [
            _ppa(id=PW, title="Worked example", category="oobc_ppa", fiscal_year=2025, progress=44,
                 budget_allocation=D("5000000.00"), beneficiary_individuals_total=500, total_slots=900),
            _ppa(id=PB, title="Five levels", category="moa_ppa", fiscal_year=2025, progress=10,
                 budget_allocation=D("300000.00"), beneficiary_individuals_total=0, total_slots=50),
            _ppa(id=PZ, title="No budget", category="obc_request", fiscal_year=2026, budget_allocation=None),
        ]  # fmt: skip
        for row in ppas:
            _insert(con, "monitoring_monitoringentry", {**row, "created_at": CREATED, "updated_at": CREATED})
        for n, (ppa, tranche, amount) in enumerate(LEDGER, start=1):
            row = {
                "id": f"5f0c9e1a-0000-4000-8000-{n:012d}",
                "entry_id": ppa,
                "tranche_type": tranche,
                "amount": D(amount),
                "funding_source": "",
                "funding_source_other": "",
                "remarks": "",
                "scheduled_date": date(2025, 3, n),
                "created_at": CREATED,
                "updated_at": LEDGER_UPDATED,
            }
            _insert(con, "monitoring_monitoringentryfunding", row)
        mptt = _nested_set()
        for name, parent, tree, ppa, work_type, status, progress, allocated, actual in WORK_ITEMS:
            lft, rght, level = mptt[name]
            row = {
                "id": _wid(name),
                "work_type": work_type,
                "title": name,
                "description": "",
                "parent_id": _wid(parent) if parent else None,
                "tree_id": tree,
                "lft": lft,
                "rght": rght,
                "level": level,
                "status": status,
                "priority": "medium",
                "progress": progress,
                "auto_calculate_progress": parent is None,
                "related_ppa_id": ppa,
                "ppa_category": "",
                "allocated_budget": D(allocated) if allocated else None,
                "actual_expenditure": D(actual) if actual else None,
                "budget_notes": "",
                "created_at": CREATED,
                "updated_at": CREATED,
            }
            _insert(con, "common_work_item", row)
    finally:
        con.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("dbt_execution")
    warehouse = tmp / "warehouse.duckdb"
    _create_warehouse(warehouse)
    return warehouse, run_dbt(warehouse, tmp, *SELECT).run_results


def _rows(warehouse: Path, sql: str) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in _query(warehouse, sql)}


def test_build_runs_the_unit_and_reconciliation_tests(built):
    _, run_results = built
    statuses = {r["unique_id"]: r["status"] for r in run_results["results"]}
    mine = {k: v for k, v in statuses.items() if "execution" in k or "fct_work_item" in k or "fct_ppa_budget" in k}
    assert mine and all(v in ("success", "pass") for v in mine.values()), mine
    unit_tests = [k for k in mine if k.startswith("unit_test.")]
    assert len(unit_tests) == 9
    singular = {k.split(".")[2] for k in mine if k.startswith("test.") and ".assert_execution_" in k}
    assert singular == {
        "assert_execution_ppa_budget_reconciles_with_dim_ppa",
        "assert_execution_ppa_budget_reconciles_with_ledger",
        "assert_execution_work_item_rollup_reconciles_with_staging",
    }


def test_worked_example_rolls_up_to_5m_at_every_level(built):
    warehouse, _ = built
    rows = _query(
        warehouse,
        "select depth, sum(allocated_budget), sum(rolled_up_allocated_budget) from marts.fct_work_item_rollup "
        "where tree_id = 1 group by depth order by depth",
    )
    assert rows == [(d, D("5000000.00"), D("5000000.00")) for d in range(3)]
    got = _rows(
        warehouse,
        "select title, ppa_id, depth, path, retained_allocation, rolled_up_allocated_budget, "
        "rolled_up_actual_expenditure, variance, variance_pct, variance_status, allocation_consistency, "
        "progress_calculated, descendant_count, ev, cpi, eac, status_date "
        "from marts.fct_work_item_rollup where tree_id = 1",
    )
    # the root counts once: it keeps nothing of its 5,000,000, its children hold it all
    assert got["R"] == (PW, 0, "R", D("0.00"), D("5000000.00"), D("2585000.00"), D("2415000.00"), D("48.30"),
                        "under_budget", "ok", 33, 9, D("2600000.00"), D("1.0058"), D("4971153.85"),
                        date(2025, 6, 30))  # fmt: skip
    # A2 and T4 have no related_ppa of their own: the PPA comes from the root
    assert got["A2"][:3] == (PW, 1, "R > A2")
    assert got["T4"][:3] == (PW, 2, "R > A2 > T4")
    assert got["A1"][5:10] == (D("1475000.00"), D("25000.00"), D("1.67"), "on_budget", "ok")
    assert got["T3"][5:9] == (D("510000.00"), D("-10000.00"), D("-2.00"), "over_budget")
    assert got["A3"][5:9] == (D("0.00"), D("1500000.00"), D("100.00"), "no_expenditure")
    # EV 2,600,000 over AC 2,585,000: CPI 1.0058; EAC = 5,000,000 × 2,585,000 / 2,600,000 = 4,971,153.85
    assert got["T6"][3:5] == (D("1300000.00"), D("1300000.00"))


def test_five_levels_with_over_and_under_allocated_parents(built):
    warehouse, _ = built
    got = _rows(
        warehouse,
        "select title, depth, children_allocated_sum, allocation_consistency, retained_allocation, "
        "rolled_up_allocated_budget, rolled_up_actual_expenditure, variance_pct, variance_status, ppa_id "
        "from marts.fct_work_item_rollup where tree_id = 2",
    )
    assert got == {
        "P0": (0, D("300000.00"), "ok", D("0.00"), D("330000.00"), D("135000.00"), D("59.09"), "under_budget", PB),
        "P1": (1, D("270000.00"), "under_allocated", D("30000.00"), D("330000.00"), D("135000.00"), D("59.09"),
               "under_budget", PB),
        "P2": (2, D("210000.00"), "over_allocated", D("0.00"), D("210000.00"), D("15000.00"), D("92.86"),
               "under_budget", PB),
        "Q2": (2, None, "leaf", D("90000.00"), D("90000.00"), D("120000.00"), D("-33.33"), "over_budget", PB),
        "P3": (3, None, "none_allocated", D("210000.00"), D("210000.00"), D("15000.00"), D("92.86"),
               "under_budget", PB),
        "P4": (4, None, "leaf", D("0.00"), D("0.00"), D("15000.00"), D("0.00"), "over_budget", PB),
    }  # fmt: skip
    (standalone,) = _query(warehouse, "select ppa_id, rolled_up_allocated_budget, variance_status "
                                      "from marts.fct_work_item_rollup where tree_id = 3")  # fmt: skip
    assert standalone == (None, D("1000.00"), "no_expenditure")


def test_ppa_budget(built):
    warehouse, _ = built
    got = _rows(
        warehouse,
        "select ppa_id, budget_allocation, allotment, obligations, disbursements, adjustments, "
        "obligation_rate_vs_allotment, obligation_rate_vs_budget, disbursement_rate_vs_obligations, "
        "disbursement_rate_vs_budget, unobligated_allotment, unpaid_obligations, is_over_obligated, "
        "is_over_disbursed, allocated_to_work_items, unallocated, allocation_pct, progress_own, "
        "progress_from_work_items, status_from_work_items, beneficiaries, beneficiaries_source, "
        "cost_per_beneficiary from marts.fct_ppa_budget",
    )
    # 3,911,651 / 5,000,000 = 78.2330 %; 2,956,479 / 3,911,651 = 75.5814 %; 2,956,479 / 5,000,000 = 59.1296 %
    assert got[PW] == (D("5000000.00"), D("5000000.00"), D("3911651.00"), D("2956479.00"), D("-1000.00"),
                       D("78.2330"), D("78.2330"), D("75.5814"), D("59.1296"), D("1088349.00"), D("955172.00"),
                       False, False, D("5000000.00"), D("0.00"), D("100.0000"), 44, 44, "ongoing", 500,
                       "beneficiary_individuals_total", D("10000.00"))  # fmt: skip
    # work items allocate 330,000 of 300,000: −30,000 unallocated, 110 %; 1 of 5 descendants completed
    assert got[PB] == (D("300000.00"), D("100000.00"), D("150000.00"), D("200000.00"), D("0.00"),
                       D("150.0000"), D("50.0000"), D("133.3333"), D("66.6667"), D("-50000.00"), D("-50000.00"),
                       True, True, D("330000.00"), D("-30000.00"), D("110.0000"), 10, 20, "ongoing", 50,
                       "total_slots", D("6000.00"))  # fmt: skip
    assert got[PZ] == (D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00"), None, None, None, None, D("0.00"),
                       D("0.00"), False, False, D("0.00"), D("0.00"), None, 0, None, None, None, None, None)  # fmt: skip


def test_reconciliation_tests_catch_a_lost_centavo(built, tmp_path):
    warehouse, _ = built
    copy = tmp_path / "tampered.duckdb"
    shutil.copyfile(warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute(f"update marts.fct_ppa_budget set obligations = obligations + 0.01 where ppa_id = '{PB}'")
        con.execute("update marts.fct_work_item_rollup set rolled_up_actual_expenditure = "
                    "rolled_up_actual_expenditure - 0.01 where is_root and tree_id = 2")  # fmt: skip
    finally:
        con.close()
    result = run_dbt(
        copy,
        tmp_path,
        "assert_execution_ppa_budget_reconciles_with_ledger",
        "assert_execution_work_item_rollup_reconciles_with_staging",
        command="test",
        check=False,
    )
    assert result.returncode != 0
    run_results = result.run_results
    assert {r["unique_id"].split(".")[2]: r["status"] for r in run_results["results"]} == {
        "assert_execution_ppa_budget_reconciles_with_ledger": "fail",
        "assert_execution_work_item_rollup_reconciles_with_staging": "fail",
    }
