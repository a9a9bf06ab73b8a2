"""fct_funding_ledger through `dbt build`: one row per funding entry of a PPA, ordered, with running totals that end on
the PPA's totals of int_ppa_funding_totals and fct_ppa_budget; the reconciliation test fails on a tampered copy.

A small hand-made warehouse: PPA A (FY 2025) with an allotment and an obligation on the same day, a disbursement, a
negative obligation correction, an adjustment and an undated disbursement; PPA B (no fiscal year) with one
obligation; PPA C without ledger rows.
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

PA = "7d3c1f7e-2a4b-4c1e-8f00-00000000f001"
PB = "7d3c1f7e-2a4b-4c1e-8f00-00000000f002"
PC = "7d3c1f7e-2a4b-4c1e-8f00-00000000f003"

# (id suffix, ppa, tranche, amount, scheduled date) in insertion order (not the ledger's order)
LEDGER = [
    (6, PA, "disbursement", "50000.00", None),
    (2, PA, "obligation", "400000.25", date(2025, 2, 1)),
    (1, PA, "allocation", "1000000.50", date(2025, 2, 1)),
    (3, PA, "disbursement", "300000.10", date(2025, 3, 15)),
    (4, PA, "obligation", "-25000.05", date(2025, 4, 1)),
    (5, PA, "adjustment", "-1000.00", date(2025, 4, 1)),
    (7, PB, "obligation", "70.00", date(2024, 12, 31)),
]
SELECT = ["+fct_funding_ledger", "+fct_ppa_budget", "+dim_organization", "+dim_geography",
          "assert_funding_ledger_reconciles_with_totals"]  # fmt: skip


def _flow_id(n: int) -> str:
    return f"5f0c9e1a-0000-4000-8000-{n:012d}"


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
            _ppa(id=PA, title="Ledger A", category="moa_ppa", fiscal_year=2025, budget_allocation=D("1200000.00")),
            _ppa(id=PB, title="Ledger B", category="oobc_ppa", fiscal_year=None, budget_allocation=D("100.00")),
            _ppa(id=PC, title="No ledger", category="moa_ppa", fiscal_year=2025, budget_allocation=D("10.00")),
        ]
        for row in ppas:
            _insert(con, "monitoring_monitoringentry", {**row, "created_at": CREATED, "updated_at": CREATED})
        for n, ppa, tranche, amount, scheduled in LEDGER:
            row = {
                "id": _flow_id(n),
                "entry_id": ppa,
                "tranche_type": tranche,
                "amount": D(amount),
                "funding_source": "",
                "funding_source_other": "",
                "remarks": f"entry {n}",
                "scheduled_date": scheduled,
                "created_at": CREATED,
                "updated_at": CREATED,
            }
            _insert(con, "monitoring_monitoringentryfunding", row)
    finally:
        con.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("dbt_funding_ledger")
    warehouse = tmp / "warehouse.duckdb"
    _create_warehouse(warehouse)
    return warehouse, run_dbt(warehouse, tmp, *SELECT).run_results


def test_build_runs_the_unit_grain_and_reconciliation_tests(built):
    _, run_results = built
    statuses = {r["unique_id"]: r["status"] for r in run_results["results"]}
    mine = {k: v for k, v in statuses.items() if "funding_ledger" in k}
    assert all(v in ("success", "pass") for v in mine.values()), mine
    # model.oobc.<name>, test.oobc.<name>.<hash>, unit_test.oobc.<model>.<name>
    names = {k.split(".")[3 if k.startswith("unit_test.") else 2] for k in mine}
    assert "fct_funding_ledger" in names
    assert "test_fct_funding_ledger_orders_entries_and_keeps_running_totals" in names
    assert "assert_funding_ledger_reconciles_with_totals" in names
    assert any(n.startswith("dbt_utils_unique_combination_of_columns_fct_funding_ledger") or
               n.startswith("unique_combination_of_columns_fct_funding_ledger") for n in names), names  # fmt: skip
    assert any(n.startswith("relationships_fct_funding_ledger_ppa_id") for n in names), names


def test_entries_are_ordered_with_running_totals(built):
    warehouse, _ = built
    rows = _query(
        warehouse,
        "select ppa_id, entry_sequence, funding_flow_id, fiscal_year, scheduled_date, tranche_type, amount, "
        "running_type_amount, running_allotment, running_obligations, running_disbursements, running_adjustments, "
        "remarks from marts.fct_funding_ledger order by ppa_id, entry_sequence",
    )
    z = D("0.00")
    assert rows == [
        # same day: the allotment before the obligation; the undated disbursement last
        (PA, 1, _flow_id(1), 2025, date(2025, 2, 1), "allocation", D("1000000.50"), D("1000000.50"),
         D("1000000.50"), z, z, z, "entry 1"),
        (PA, 2, _flow_id(2), 2025, date(2025, 2, 1), "obligation", D("400000.25"), D("400000.25"),
         D("1000000.50"), D("400000.25"), z, z, "entry 2"),
        (PA, 3, _flow_id(3), 2025, date(2025, 3, 15), "disbursement", D("300000.10"), D("300000.10"),
         D("1000000.50"), D("400000.25"), D("300000.10"), z, "entry 3"),
        # 400,000.25 − 25,000.05 = 375,000.20
        (PA, 4, _flow_id(4), 2025, date(2025, 4, 1), "obligation", D("-25000.05"), D("375000.20"),
         D("1000000.50"), D("375000.20"), D("300000.10"), z, "entry 4"),
        (PA, 5, _flow_id(5), 2025, date(2025, 4, 1), "adjustment", D("-1000.00"), D("-1000.00"),
         D("1000000.50"), D("375000.20"), D("300000.10"), D("-1000.00"), "entry 5"),
        # 300,000.10 + 50,000.00 = 350,000.10
        (PA, 6, _flow_id(6), 2025, None, "disbursement", D("50000.00"), D("350000.10"),
         D("1000000.50"), D("375000.20"), D("350000.10"), D("-1000.00"), "entry 6"),
        (PB, 1, _flow_id(7), None, date(2024, 12, 31), "obligation", D("70.00"), D("70.00"), z, D("70.00"), z, z,
         "entry 7"),
    ]  # fmt: skip
    # the last running totals are the PPA's totals in fct_ppa_budget
    (budget,) = _query(
        warehouse,
        "select allotment, obligations, disbursements, adjustments from marts.fct_ppa_budget where ppa_id = ?",
        [PA],
    )
    assert budget == (D("1000000.50"), D("375000.20"), D("350000.10"), D("-1000.00"))


def test_reconciliation_catches_a_lost_centavo(built, tmp_path):
    warehouse, _ = built
    copy = tmp_path / "tampered.duckdb"
    shutil.copyfile(warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute(f"update marts.fct_funding_ledger set amount = amount - 0.01 where ppa_id = '{PB}'")
    finally:
        con.close()
    result = run_dbt(copy, tmp_path, "assert_funding_ledger_reconciles_with_totals", command="test", check=False)
    assert result.returncode != 0
    assert result.statuses() == {"assert_funding_ledger_reconciles_with_totals": "fail"}
