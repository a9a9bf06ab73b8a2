"""The policy × MOA × fiscal-year budget mart (fct_policy_moa_budget) through `dbt build`.

A small warehouse is built by hand: five OBCMS PPAs (MAFAR in 2025 and 2024 and one without a fiscal year, OOBC's
own in 2025, one without a budget) and three policies, one with no PPA (a link repeated in the source is
refused by staging's grain test; the mart's unit test covers it). ``dbt build``
runs the mart and everything upstream with its tests (contract, grain, relationships, unit test, the reconciliation
with fct_policy_budget); its rows are checked against figures computed by hand, and the reconciliation test is shown
to fail when a cell is wrong.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.obcms_schema import SOURCE_BY_NAME
from tests.dbt_build import run_dbt
from tests.raw_tables import create_every_table, insert_row
from tests.test_dbt_project import CREATED, LOADED_AT, MAFAR, OOBC, RAW_ROWS, _ppa, _query

pytestmark = pytest.mark.dbt

D = Decimal
MART = "fct_policy_moa_budget"
RECONCILIATION = "assert_policy_moa_budget_reconciles_with_policy_budget"
SELECTION = ["+" + MART, "+fct_policy_budget", "dim_organization", RECONCILIATION]

PA = "a0000000-0000-4000-8000-00000000000a"  # MAFAR 2025, 1,000.01
PB = "b0000000-0000-4000-8000-00000000000b"  # OOBC (lead) 2025, 500.00
PC = "c0000000-0000-4000-8000-00000000000c"  # MAFAR 2024, 300.00
PD = "d0000000-0000-4000-8000-00000000000d"  # OOBC 2025, no budget
PE = "e0000000-0000-4000-8000-00000000000e"  # MAFAR, no fiscal year, 50.00
POL1 = "90000000-0000-4000-8000-000000000001"  # PA, PB, PC, PD
POL2 = "90000000-0000-4000-8000-000000000002"  # PA, PE
POL3 = "90000000-0000-4000-8000-000000000003"  # no PPA


def _rows() -> dict[str, list[dict]]:
    ppas = [
        _ppa(id=PA, title="Feeding", category="moa_ppa", implementing_moa_id=MAFAR, lead_organization_id=MAFAR,
             fiscal_year=2025, sector="social", budget_allocation=D("1000.01")),
        _ppa(id=PB, title="Desk", category="oobc_ppa", lead_organization_id=OOBC, fiscal_year=2025,
             sector="social", budget_allocation=D("500.00")),
        _ppa(id=PC, title="Roads", category="moa_ppa", implementing_moa_id=MAFAR, fiscal_year=2024,
             sector="economic", budget_allocation=D("300.00")),
        _ppa(id=PD, title="Survey", category="oobc_ppa", lead_organization_id=OOBC, fiscal_year=2025,
             sector="social", budget_allocation=None),
        _ppa(id=PE, title="Seeds", category="moa_ppa", implementing_moa_id=MAFAR, fiscal_year=None,
             sector="economic", budget_allocation=D("50.00")),
    ]  # fmt: skip
    policy = {"status": "approved", "importance": "high", "urgency": "high"}
    return {
        **{t: RAW_ROWS[t] for t in ("common_region", "common_province", "common_municipality", "common_barangay")},
        "coordination_organization": RAW_ROWS["coordination_organization"],
        "monitoring_monitoringentry": ppas,
        "policy_tracking_policyrecommendation": [
            {**policy, "id": POL1, "title": "School feeding", "estimated_cost": D("2000.00")},
            {**policy, "id": POL2, "title": "Farms", "estimated_cost": D("100.00")},
            {**policy, "id": POL3, "title": "Culture", "estimated_cost": None},
        ],
        "monitoring_monitoringentry_implementing_policies": [
            {"id": 1, "monitoringentry_id": PA, "policyrecommendation_id": POL1},
            {"id": 3, "monitoringentry_id": PB, "policyrecommendation_id": POL1},
            {"id": 4, "monitoringentry_id": PC, "policyrecommendation_id": POL1},
            {"id": 5, "monitoringentry_id": PD, "policyrecommendation_id": POL1},
            {"id": 6, "monitoringentry_id": PA, "policyrecommendation_id": POL2},
            {"id": 7, "monitoringentry_id": PE, "policyrecommendation_id": POL2},
        ],
    }


def _create_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        create_every_table(con)
        for table, rows in _rows().items():
            audit = {"created_at", "updated_at"} & {c.name for c in SOURCE_BY_NAME[table].columns}
            for row in rows:
                row = {
                    **dict.fromkeys(audit, CREATED),
                    **row,
                    "_run_id": "run-1",
                    "_source": "obcms",
                    "_loaded_at": LOADED_AT,
                }
                insert_row(con, table, row)
    finally:
        con.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    tmp = tmp_path_factory.mktemp("policy-matrix")
    path = tmp / "warehouse.duckdb"
    _create_warehouse(path)
    run = run_dbt(path, tmp, *SELECTION, check=False)
    return path, tmp, run


def test_build_passes_every_model_and_test(warehouse):
    _, _, run = warehouse
    statuses = run.statuses()
    # PE has no fiscal year on purpose: the project's warning about such PPAs is expected
    assert statuses.pop("assert_ppas_without_fiscal_year") == "warn"
    bad = {name: status for name, status in statuses.items() if status not in ("success", "pass")}
    assert not bad, run.output[-4000:]
    assert {
        MART,
        RECONCILIATION,
        "unique_combination_of_columns_fct_policy_moa_budget_policy_recommendation_id__moa_id__fiscal_year",
        "relationships_fct_policy_moa_budget_policy_recommendation_id__policy_recommendation_id__ref_fct_policy_budget_",
        "relationships_fct_policy_moa_budget_moa_id__organization_id__ref_dim_organization_",
    } <= set(statuses)
    unit_tests = {r["unique_id"]: r["status"] for r in run.run_results["results"] if r["unique_id"].startswith("unit")}
    assert unit_tests["unit_test.oobc.fct_policy_moa_budget.test_fct_policy_moa_budget_cells"] == "pass"


def test_cells(warehouse):
    path, _, _ = warehouse
    rows = _query(
        path,
        "select policy_recommendation_id, moa_id, moa_acronym, fiscal_year, implementing_ppa_count,"
        " implementing_budget, ppa_ids from marts.fct_policy_moa_budget"
        " order by policy_recommendation_id, fiscal_year nulls last, moa_acronym",
    )
    # POL1: MAFAR 2024 = PC 300.00; MAFAR 2025 = PA 1,000.01; OOBC 2025 = PB 500.00
    # + PD (no budget: 0), largest first. POL2: PA again (a PPA counts under every policy it implements) and PE,
    # which has no fiscal year, in a cell of its own. POL3 has no PPA, so no cell.
    assert rows == [
        (POL1, MAFAR, "MAFAR", 2024, 1, D("300.00"), [PC]),
        (POL1, MAFAR, "MAFAR", 2025, 1, D("1000.01"), [PA]),
        (POL1, OOBC, "OOBC", 2025, 2, D("500.00"), [PB, PD]),
        (POL2, MAFAR, "MAFAR", 2025, 1, D("1000.01"), [PA]),
        (POL2, MAFAR, "MAFAR", None, 1, D("50.00"), [PE]),
    ]


def test_cells_add_up_to_the_policy_budget(warehouse):
    path, _, _ = warehouse
    policies = dict(_query(path, "select policy_recommendation_id, implementing_budget from marts.fct_policy_budget"))
    cells = dict(
        _query(
            path,
            "select policy_recommendation_id, sum(implementing_budget) from marts.fct_policy_moa_budget group by 1",
        )
    )
    assert policies == {POL1: D("1800.01"), POL2: D("1050.01"), POL3: D("0.00")}
    assert cells == {POL1: D("1800.01"), POL2: D("1050.01")}


def test_the_reconciliation_fails_when_a_cell_is_off_by_a_centavo(warehouse):
    path, tmp, _ = warehouse
    broken = tmp / "broken.duckdb"
    shutil.copy(path, broken)
    con = duckdb.connect(str(broken))
    try:
        con.execute(
            "update marts.fct_policy_moa_budget set implementing_budget = implementing_budget + 0.01"
            " where policy_recommendation_id = ? and fiscal_year = 2024",
            [POL1],
        )
    finally:
        con.close()
    run = run_dbt(broken, tmp / "broken", RECONCILIATION, command="test", check=False)
    assert run.statuses() == {RECONCILIATION: "fail"}, run.output[-3000:]
