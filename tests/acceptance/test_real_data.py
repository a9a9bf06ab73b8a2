"""The real published OBCMS files, loaded into a fresh warehouse through `oobc refresh`, checked against
figures computed here independently (plain PyYAML, Decimal and line parsing, nothing from the product).

Files: the 33 MOA PPA YAML files (fiscal year 2025, as OBCMS's own evidence suggests), the BARMM organisation
list, and the PSA population files of Regions IX–XII. Their known defects must be reported, not hidden: a
municipality whose barangays do not add up to it (Bansalan, Davao del Sur), a barangay without a population
(Puti, Banisilan, Cotabato), and an MOA with PPAs but absent from the organisation list (BAGO).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from ingest.home import Home
from ingest.warehouse import read_only
from tests.conftest import SHARED_DATA

pytestmark = pytest.mark.acceptance

FISCAL_YEAR = 2025
REGION_FILES = {
    "IX": "region_ix_population_raw.txt",
    "X": "region_x_population_raw.txt",
    "XI": "region_xi_population_raw.txt",
    "XII": "region_xii_population_raw.txt",
}


# ------------------------------------------------------------------------ independent expectations
def _ppa_files() -> dict[str, dict]:
    docs = {}
    for path in sorted((SHARED_DATA / "ppa").glob("*.yaml")):
        docs[path.name] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return docs


def expected_ppas() -> tuple[dict[str, int], dict[str, Decimal]]:
    counts: Counter = Counter()
    budgets: dict[str, Decimal] = defaultdict(Decimal)
    for doc in _ppa_files().values():
        for ppa in doc["ppas"]:
            counts[doc["acronym"]] += 1
            budgets[doc["acronym"]] += Decimal(str(ppa["approved_budget"])).quantize(Decimal("0.01"))
    return dict(counts), dict(budgets)


def expected_indicators() -> dict[str, int]:
    counts = {"outcome": 0, "output": 0}
    for doc in _ppa_files().values():
        for ppa in doc["ppas"]:
            counts["outcome"] += len(ppa.get("outcome_indicators") or [])
            counts["output"] += len(ppa.get("output_indicators") or [])
    return counts


def expected_provinces() -> dict[tuple[str, str], int]:
    provinces = {}
    for region, name in REGION_FILES.items():
        for line in (SHARED_DATA / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("\t"):
                province, population = line.split("\t")
                provinces[region, province.strip()] = int(population.replace(",", ""))
    return provinces


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


# ------------------------------------------------------------------------------------- the load
@pytest.fixture(scope="module")
def real_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home(tmp_path_factory.mktemp("real") / "home").ensure()
    paths = ", ".join(f'"{SHARED_DATA / f}"' for f in REGION_FILES.values())
    home.config_file.write_text(
        f"""
[[sources]]
name = "organizations"
kind = "organizations"
path = "{SHARED_DATA / "barmm_ministries.yaml"}"

[[sources]]
name = "ppa-{FISCAL_YEAR}"
kind = "ppa_yaml"
path = "{SHARED_DATA / "ppa"}"
fiscal_year = {FISCAL_YEAR}

[[sources]]
name = "population"
kind = "population"
paths = [{paths}]
"""
    )
    exe = Path(sys.executable).with_name("oobc")
    result = subprocess.run(
        [str(exe), "--home", str(home.root), "refresh"], capture_output=True, text=True, timeout=1200
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return home


def _q(home: Home, sql: str, params: list | None = None) -> list[tuple]:
    with read_only(home) as con:
        return con.execute(sql, params or []).fetchall()


def test_every_ppa_file_loads_with_its_count_and_budget(real_home: Home) -> None:
    counts, budgets = expected_ppas()
    assert sum(counts.values()) == 211 and len(counts) == 33
    rows = _q(
        real_home,
        "select moa_acronym, count(*), sum(budget_allocation) from dim_ppa "
        "where ppa_source = 'ppa_yaml' and fiscal_year = ? group by 1",
        [FISCAL_YEAR],
    )
    assert {a: n for a, n, _ in rows} == counts
    assert {a: b for a, _, b in rows} == budgets
    total = _q(
        real_home, "select sum(budget_allocation) from rpt_executive_summary where fiscal_year = ?", [FISCAL_YEAR]
    )
    assert total == [(sum(budgets.values()),)]
    assert sum(budgets.values()) == Decimal("60153195042.00")


def test_indicator_counts(real_home: Home) -> None:
    rows = _q(real_home, "select level, count(*) from fct_ppa_indicators where ppa_source = 'ppa_yaml' group by 1")
    assert dict(rows) == expected_indicators() == {"outcome": 463, "output": 1000}


def test_population_per_province_and_region(real_home: Home) -> None:
    provinces = expected_provinces()
    assert len(provinces) == 24
    rows = _q(
        real_home,
        "select region_code, province_name, population_total from dim_geography where level = 'province'",
    )
    got = {(region, _norm(name)): population for region, name, population in rows}
    assert got == {(region, _norm(name)): population for (region, name), population in provinces.items()}
    regions = dict(_q(real_home, "select region_code, population_total from dim_geography where level = 'region'"))
    expected_regions: dict[str, int] = defaultdict(int)
    for (region, _), population in provinces.items():
        expected_regions[region] += population
    assert regions == dict(expected_regions)
    assert sum(regions.values()) == 20_120_458


def test_organisation_list_loads_all_43(real_home: Home) -> None:
    rows = _q(real_home, "select count(*) from dim_organization where in_organization_list")
    assert rows == [(43,)]


def test_known_defect_municipality_whose_barangays_do_not_add_up_is_reported(real_home: Home) -> None:
    rows = _q(
        real_home,
        "select municipality_name, stated_population, sum_of_children, status from rpt_population_consistency "
        "where level = 'municipality' and status <> 'consistent'",
    )
    assert [(_norm(m), stated, children, status) for m, stated, children, status in rows] == [
        ("bansalan", 64_816, 70_624, "children_do_not_add_up")
    ]


def test_known_defect_barangay_without_population_is_rejected_with_its_location(real_home: Home) -> None:
    rows = _q(
        real_home,
        "select location, column_name, reason from meta.rejects where source = 'population'",
    )
    assert len(rows) == 1
    location, column, reason = rows[0]
    assert location == "region_xii_population_raw.txt:447"
    assert column == "population"
    assert "Puti" in reason or "population" in reason


def test_known_defect_moa_missing_from_the_organisation_list_is_reported(real_home: Home) -> None:
    rows = _q(real_home, "select moa_acronym, ppa_count from rpt_unknown_organizations")
    assert rows == [("BAGO", 1)]


def test_every_row_read_is_loaded_or_rejected(real_home: Home) -> None:
    rows = _q(real_home, "select source, table_name, rows_read, rows_loaded, rows_rejected from meta.runs")
    assert rows
    assert all(read == loaded + rejected for _, _, read, loaded, rejected in rows)


def test_repeating_the_refresh_changes_nothing(real_home: Home) -> None:
    before = _q(real_home, "select * from raw.ppa_yaml_ppas order by all")
    exe = Path(sys.executable).with_name("oobc")
    result = subprocess.run(
        [str(exe), "--home", str(real_home.root), "refresh"], capture_output=True, text=True, timeout=1200
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert _q(real_home, "select * from raw.ppa_yaml_ppas order by all") == before
    latest = _q(
        real_home,
        "select sum(rows_inserted), sum(rows_updated), sum(rows_deleted) from meta.runs "
        "where run_id = (select max(run_id) from meta.runs)",
    )
    assert latest == [(0, 0, 0)]
