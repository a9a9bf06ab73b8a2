"""The dbt project: its shape agrees with the OBCMS contract, and `dbt build` gives hand-computed figures.

The static tests read the project files only. The ``dbt`` test builds a tiny, referentially consistent
warehouse by hand (every raw table created as a refresh does, ``tests.raw_tables``), runs ``dbt build`` on it in
a subprocess and checks the marts against figures computed by hand below.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

from ingest import obcms_choices
from ingest.obcms_schema import SOURCE_BY_NAME, SOURCE_TABLES
from ingest.pipeline import META_DDL
from ingest.raw import RawTable
from tests.dbt_build import dbt_command, run_dbt
from tests.raw_tables import create_every_table, insert_row, raw_tables

CHECKOUT = Path(__file__).resolve().parents[1]
DBT_PROJECT = CHECKOUT / "dbt_project"
MODELS = DBT_PROJECT / "models"
STAGING_OBCMS = MODELS / "staging" / "obcms"
# Written by dbt at run time and ignored by git; everything else in the project is source.
RUNTIME_DIRS = {"target", "logs", "dbt_packages"}
# Staging models that read the load metadata of every raw table (the one-source-per-model rule does not apply).
EVERY_RAW_TABLE_READERS = {"stg_meta__raw_tables"}

SOURCE_CALL = re.compile(r"""\{\{\s*source\(\s*['"](\w+)['"]\s*,\s*['"](\w+)['"]\s*\)\s*\}\}""")
REF_CALL = re.compile(r"""\{\{\s*ref\(\s*['"](\w+)['"]\s*\)\s*\}\}""")


# ------------------------------------------------------------------------------------------ helpers
def _yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.yml") if not RUNTIME_DIRS & set(p.relative_to(DBT_PROJECT).parts))


def _load_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _declared_sources() -> dict[str, set[str]]:
    """source name -> declared table names, over every properties file of the project."""
    sources: dict[str, set[str]] = {}
    for path in _yaml_files(MODELS):
        for src in _load_yaml(path).get("sources", []) or []:
            sources.setdefault(src["name"], set()).update(t["name"] for t in src.get("tables", []))
    return sources


def _documented_models() -> dict[str, dict]:
    models: dict[str, dict] = {}
    for path in _yaml_files(MODELS):
        for model in _load_yaml(path).get("models", []) or []:
            assert model["name"] not in models, f"{model['name']} is documented twice"
            models[model["name"]] = model
    return models


def _model_files() -> dict[str, Path]:
    """Every model: SQL, and the dbt-duckdb Python models (the saved scenarios, computed by models/)."""
    return {p.stem: p for p in MODELS.rglob("*") if p.suffix in {".sql", ".py"}}


def _project_files() -> set[Path]:
    return {
        p.relative_to(DBT_PROJECT)
        for p in DBT_PROJECT.rglob("*")
        if p.is_file() and not RUNTIME_DIRS & set(p.relative_to(DBT_PROJECT).parts)
    }


# ----------------------------------------------------------------------------------- static checks
def test_obcms_sources_are_exactly_the_source_tables():
    declared = _declared_sources()
    assert declared.get("obcms") == {s.name for s in SOURCE_TABLES}
    assert declared.get("meta") == set(META_DDL)


# The file source kinds' tables, as their loaders define them (checked against the RawTable definitions below).
FILE_SOURCE_TABLES = {
    "ppa_yaml": {"ppa_yaml_ppas", "ppa_yaml_indicators", "ppa_yaml_special_provisions"},
    "organizations": {"barmm_organizations"},
}


def _raw_schema_sources() -> dict[str, set[str]]:
    return {
        s["name"]: {t["name"] for t in s.get("tables", [])}
        for path in _yaml_files(MODELS)
        for s in _load_yaml(path).get("sources", []) or []
        if s.get("schema") == "raw"
    }


def test_file_sources_are_exactly_their_loaders_tables():
    declared = _declared_sources()
    for source_name, tables in FILE_SOURCE_TABLES.items():
        assert declared.get(source_name) == tables, source_name
    loaders = {
        "ppa_yaml": {
            t.name for t in vars(importlib.import_module("ingest.ppa_yaml")).values() if isinstance(t, RawTable)
        },
        "organizations": {
            t.name for t in vars(importlib.import_module("ingest.organizations")).values() if isinstance(t, RawTable)
        },
    }
    assert loaders == FILE_SOURCE_TABLES


def test_every_raw_table_is_a_dbt_source():
    """The raw tables a refresh creates and the dbt sources over schema raw are the same set, each declared once."""
    declared = [t for tables in _raw_schema_sources().values() for t in tables]
    assert len(declared) == len(set(declared))
    assert set(declared) == set(raw_tables())


def test_sources_are_tested_and_fresh():
    sources = {s["name"]: s for path in _yaml_files(MODELS) for s in _load_yaml(path).get("sources", []) or []}
    obcms = sources["obcms"]
    assert obcms["schema"] == "raw"
    assert obcms["config"]["loaded_at_field"] == "_loaded_at"
    assert obcms["config"]["freshness"] == {
        "warn_after": {"count": 2, "period": "day"},
        "error_after": {"count": 7, "period": "day"},
    }
    assert sources["meta"]["schema"] == "meta"
    for name in FILE_SOURCE_TABLES:
        assert sources[name]["schema"] == "raw"
        assert sources[name]["config"] == obcms["config"], f"source {name}: freshness differs from obcms"
        assert all(t.get("description") for t in sources[name]["tables"]), name
    for table in obcms["tables"]:
        assert table.get("description"), f"source table {table['name']} has no description"
        id_tests = {t for c in table["columns"] if c["name"] == "id" for t in c["data_tests"]}
        assert {"unique", "not_null"} <= id_tests, f"source table {table['name']} has no primary-key tests"


def test_one_staging_model_per_source_table():
    """Every staging model reads exactly one source table and every source table has exactly one."""
    readers: dict[tuple[str, str], list[str]] = {}
    for path in sorted((MODELS / "staging").rglob("*.sql")):
        if path.stem in EVERY_RAW_TABLE_READERS:
            continue
        calls = SOURCE_CALL.findall(path.read_text(encoding="utf-8"))
        assert len(calls) == 1, f"{path.name} must read exactly one source table, reads {calls}"
        ((source_name, table),) = calls
        assert path.stem.startswith(f"stg_{source_name}__"), f"{path.name} should be named stg_{source_name}__<entity>"
        assert path.parent.name == source_name, f"{path.name} should live in models/staging/{source_name}/"
        readers.setdefault((source_name, table), []).append(path.stem)

    declared = {(name, t) for name, tables in _declared_sources().items() for t in tables}
    assert set(readers) == declared
    duplicated = {k: v for k, v in readers.items() if len(v) > 1}
    assert not duplicated, f"source tables read by several staging models: {duplicated}"
    obcms_models = {path.stem for path in STAGING_OBCMS.glob("stg_obcms__*.sql")}
    assert len(obcms_models) == len(SOURCE_TABLES)


def test_staging_drops_deleted_rows_and_says_where_rows_came_from():
    """Every staging model over a raw table filters rows marked deleted and exposes _file/_line."""
    checked = 0
    for path in sorted((MODELS / "staging").rglob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        calls = SOURCE_CALL.findall(sql)
        if not calls or calls[0][0] == "meta":
            continue
        assert "where _deleted_at is null" in sql, f"{path.name} keeps rows marked deleted"
        assert "_file as source_file" in sql and "_line as source_line" in sql, f"{path.name} hides _file/_line"
        checked += 1
    assert checked == sum(len(tables) for tables in _raw_schema_sources().values())


def test_only_staging_reads_sources():
    for name, path in _model_files().items():
        if "staging" not in path.relative_to(MODELS).parts:
            assert not SOURCE_CALL.search(path.read_text(encoding="utf-8")), f"{name} reads a source directly"


def test_staging_models_carry_every_loaded_column():
    """A column added to the OBCMS contract must be staged too (or this test says where it is missing)."""
    for path in STAGING_OBCMS.glob("stg_obcms__*.sql"):
        sql = path.read_text(encoding="utf-8")
        ((_, table),) = SOURCE_CALL.findall(sql)
        words = set(re.findall(r"\b\w+\b", sql))
        missing = [c.name for c in SOURCE_BY_NAME[table].columns if c.name not in words]
        assert not missing, f"{path.name} does not select {missing}"
    tables = raw_tables()
    for source_name in FILE_SOURCE_TABLES:
        for path in (MODELS / "staging" / source_name).glob("*.sql"):
            sql = path.read_text(encoding="utf-8")
            ((_, table),) = SOURCE_CALL.findall(sql)
            words = set(re.findall(r"\b\w+\b", sql))
            missing = [c for c in tables[table].columns if c not in words]
            assert not missing, f"{path.name} does not select {missing}"


def test_every_model_is_documented_with_its_grain():
    documented = _documented_models()
    files = _model_files()
    assert set(files) == set(documented), (
        f"undocumented: {set(files) - set(documented)}; documented without SQL: {set(documented) - set(files)}"
    )
    for name, model in documented.items():
        description = " ".join(model.get("description", "").split())
        assert re.search(r"\bone row per\b", description, re.IGNORECASE), (
            f"{name}: the description must state the grain"
        )


def _test_names(entry: dict) -> set[str]:
    return {next(iter(t)) if isinstance(t, dict) else t for t in entry.get("data_tests", []) or []}


def _constraint_types(entry: dict) -> set[str]:
    return {c["type"] for c in entry.get("constraints", []) or []}


def _enforced_contract(model: dict) -> bool:
    """A mart table whose contract DuckDB enforces: its constraints are checked as every row is written."""
    config = model.get("config", {}) or {}
    return (config.get("contract", {}) or {}).get("enforced", True) and config.get("materialized") != "view"


def _marts() -> dict[str, dict]:
    documented = _documented_models()
    return {p.stem: documented[p.stem] for p in (MODELS / "marts").rglob("*.sql")}


def test_every_model_tests_its_grain():
    """By a data test, or, on a mart whose contract is enforced, by its primary key (DuckDB refuses a duplicate)."""
    marts = _marts()
    for name, model in _documented_models().items():
        if name.startswith("stg_meta__"):
            continue  # ingest's bookkeeping; may be empty and has no single key
        key_tested = "unique_combination_of_columns" in _test_names(model)
        enforced = name in marts and _enforced_contract(model)
        for column in model.get("columns", []):
            checks = _test_names(column) | (_constraint_types(column) if enforced else set())
            key_tested |= {"unique", "not_null"} <= checks or "primary_key" in checks
        if enforced:
            key_tested |= "primary_key" in _constraint_types(model)
        assert key_tested, f"{name} does not test its grain"


def test_marts_do_not_test_again_what_their_constraints_enforce():
    """A mart with an enforced contract states not-null and accepted values as constraints, which DuckDB checks as
    the table is written, and its keys as primary keys; a data test repeating one is a dbt node (tens of
    milliseconds at every refresh) that can never fail."""
    for name, model in _marts().items():
        if not _enforced_contract(model):
            continue  # dbt-duckdb's Python models: no contract, their checks stay data tests
        keys = [set(c["columns"]) for c in model.get("constraints", []) or [] if c["type"] in ("primary_key", "unique")]
        repeated = [
            "unique_combination_of_columns"
            for t in model.get("data_tests", []) or []
            if isinstance(t, dict)
            and set(t.get("unique_combination_of_columns", {}).get("arguments", {}).get("combination_of_columns", []))
            in keys
        ]
        for column in model.get("columns", []):
            tests, constraints = _test_names(column), _constraint_types(column)
            in_key = "primary_key" in constraints or any(column["name"] in k for k in keys)
            repeated += [f"{column['name']}: {t}" for t in tests & {"not_null", "accepted_values", "accepted_range"}]
            if "unique" in tests and ({"primary_key", "unique"} & constraints or {column["name"]} in keys):
                repeated.append(f"{column['name']}: unique")
            assert not (in_key and "not_null" in tests)
        assert not repeated, f"{name}: data tests an enforced constraint makes (or can make): {repeated}"


def test_public_models_have_enforced_contracts_with_types():
    project = _load_yaml(DBT_PROJECT / "dbt_project.yml")
    assert project["models"]["oobc"]["marts"]["+contract"] == {"enforced": True}
    documented = _documented_models()
    for path in (MODELS / "marts").rglob("*.sql"):
        model = documented[path.stem]
        assert model["config"]["contract"]["enforced"] is True
        untyped = [c["name"] for c in model["columns"] if not c.get("data_type")]
        assert not untyped, f"{path.stem}: columns without data_type {untyped}"


DASHBOARD_COLUMNS = {
    "dim_ppa": [
        "ppa_id",
        "title",
        "category",
        "moa_id",
        "moa_acronym",
        "moa_name",
        "lead_organization_id",
        "sector",
        "funding_source",
        "appropriation_class",
        "fiscal_year",
        "plan_year",
        "status",
        "approval_status",
        "request_status",
        "priority",
        "program_code",
        "budget_ceiling",
        "budget_allocation",
        "budget_obc_allocation",
        "estimated_total_amount",
        "progress",
        "total_slots",
        "obc_slots",
        "coverage_region_id",
        "coverage_province_id",
        "coverage_municipality_id",
        "region_name",
        "province_name",
        "municipality_name",
        "start_date",
        "target_end_date",
        "actual_end_date",
        "created_at",
        "updated_at",
    ],
    "dim_organization": [
        "organization_id",
        "name",
        "acronym",
        "organization_type",
        "parent_acronym",
        "is_bmoa",
        "is_active",
        "ppa_count",
    ],
    "dim_geography": [
        "geography_id",
        "level",
        "region_id",
        "region_code",
        "region_name",
        "province_id",
        "province_name",
        "municipality_id",
        "municipality_name",
        "population_total",
        "obc_population",
        "obc_community_count",
    ],
    "rpt_executive_summary": [
        "fiscal_year",
        "moa_acronym",
        "moa_name",
        "sector",
        "ppa_count",
        "budget_allocation",
        "budget_obc_allocation",
        "budget_ceiling",
        "allocations",
        "obligations",
        "disbursements",
        "avg_progress",
        "completed_count",
    ],
}


@pytest.mark.parametrize("model", sorted(DASHBOARD_COLUMNS))
def test_marts_keep_the_columns_the_dashboards_read(model):
    columns = [c["name"] for c in _documented_models()[model]["columns"]]
    missing = [c for c in DASHBOARD_COLUMNS[model] if c not in columns]
    assert not missing, f"{model} lost {missing}"


def test_money_columns_are_decimal():
    documented = _documented_models()
    for column in documented["dim_ppa"]["columns"]:
        if column["name"].startswith("budget_") or column["name"] == "estimated_total_amount":
            assert column["data_type"] == "decimal(14,2)", column
    for name in (
        "budget_allocation",
        "budget_obc_allocation",
        "budget_ceiling",
        "allocations",
        "obligations",
        "disbursements",
    ):
        (column,) = [c for c in documented["rpt_executive_summary"]["columns"] if c["name"] == name]
        assert column["data_type"].startswith("decimal("), column


def test_accepted_values_match_obcms_choices():
    """Every accepted_values list in staging is one of OBCMS's choice lists, so the two cannot drift apart."""
    choice_lists = {frozenset(v) for k, v in vars(obcms_choices).items() if k.isupper() and isinstance(v, tuple)}
    found = 0
    for model in _documented_models().values():
        if not model["name"].startswith("stg_obcms__"):
            continue
        for column in model.get("columns", []):
            for test in column.get("data_tests", []):
                if isinstance(test, dict) and "accepted_values" in test:
                    values = frozenset(test["accepted_values"]["arguments"]["values"])
                    assert values in choice_lists, f"{model['name']}.{column['name']}: {sorted(values)}"
                    found += 1
    assert found >= 30


def test_unit_tests_cover_the_money_logic():
    unit_tests = [t for path in _yaml_files(MODELS) for t in _load_yaml(path).get("unit_tests", []) or []]
    tested = {t["model"] for t in unit_tests}
    assert {
        "rpt_executive_summary",
        "int_ppa_funding_totals",
        "dim_ppa",
        "dim_organization",
        "int_ppa_yaml_ppas_matched",
        "fct_ppa_indicators",
        "rpt_data_quality_runs",
        "rpt_source_freshness",
    } <= tested


def _code_strings(module) -> str:
    """The string literals of a module's code (its SQL), not its docstrings or comments."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(module))
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }
    return "\n".join(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    )


def _marts_read_by(page) -> set[str]:
    """The marts named in the SQL of a page module and of the query modules it uses."""
    import types

    modules = [page] + [
        value
        for value in vars(page).values()
        if isinstance(value, types.ModuleType)
        and value.__name__.startswith("dashboards.")
        and (value.__name__.endswith("queries") or value.__name__ == "dashboards.reviews")
        and value.__name__ != "dashboards.queries"  # the shell's filter options, read by every page
    ]
    if page.__name__ == "dashboards.pages.overview":
        modules.append(importlib.import_module("dashboards.queries"))
    source = "\n".join(_code_strings(m) for m in modules)
    marts = {p.stem for p in (MODELS / "marts").rglob("*") if p.suffix in {".sql", ".py"}}
    return {m for m in marts if re.search(rf"\b{m}\b", source)}


def test_every_page_is_an_exposure_that_lists_the_marts_it_reads():
    from dashboards.pages import page_modules

    exposures = {
        e["url"]: e
        for path in _yaml_files(MODELS)
        for e in _load_yaml(path).get("exposures", []) or []
        if e.get("type") == "dashboard"
    }
    pages = [m for m in page_modules() if getattr(m, "IN_NAVBAR", True)]
    assert {m.PATH for m in pages} == set(exposures)
    for page in pages:
        declared = {re.fullmatch(r"ref\('(\w+)'\)", d).group(1) for d in exposures[page.PATH]["depends_on"]}
        assert _marts_read_by(page) == declared, page.PATH


def test_profile_reads_the_warehouse_path_from_the_environment():
    profile = _load_yaml(DBT_PROJECT / "profiles.yml")["oobc"]
    output = profile["outputs"][profile["target"]]
    assert profile["target"] == "duckdb"
    assert output["type"] == "duckdb"
    assert output["path"] == "{{ env_var('OOBC_WAREHOUSE_PATH') }}"
    assert output["threads"] == 2
    project = _load_yaml(DBT_PROJECT / "dbt_project.yml")
    assert (project["name"], project["profile"]) == ("oobc", "oobc")


@pytest.mark.dbt
@pytest.mark.parametrize(("setting", "shown"), [(None, "1.3 GiB"), ("700MB", "667.5 MiB")])
def test_dbt_runs_duckdb_under_a_memory_limit(tmp_path, setting, shown):
    """DuckDB would otherwise take 80 % of the machine's memory during a build (8 GB at scale 100); the profile
    sets 1.4 GB unless OOBC_DBT_MEMORY_LIMIT says otherwise, and DuckDB spills past it."""
    env = {
        **os.environ,
        "OOBC_WAREHOUSE_PATH": str(tmp_path / "w.duckdb"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    env.pop("OOBC_DBT_MEMORY_LIMIT", None)
    if setting:
        env["OOBC_DBT_MEMORY_LIMIT"] = setting
    result = subprocess.run(
        [*dbt_command(), "show", "--inline", "select current_setting('memory_limit') as memory_limit",
         "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT), "--output", "json",
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        env=env, capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    shown_rows = json.loads(result.stdout[result.stdout.index("{") :])["show"]
    assert shown_rows == [{"memory_limit": shown}]


def test_no_hub_packages():
    assert not (DBT_PROJECT / "packages.yml").exists()
    assert not (DBT_PROJECT / "dependencies.yml").exists()
    for path in DBT_PROJECT.rglob("*"):
        if path.is_file() and path.suffix in {".sql", ".yml"} and not RUNTIME_DIRS & set(path.parts):
            assert "dbt_utils" not in path.read_text(encoding="utf-8"), f"{path} uses dbt_utils"


def test_models_follow_the_house_sql_shape():
    """Lower-case SQL; import CTEs first; staging ends on `renamed`, the other layers on `final`."""
    for name, path in _model_files().items():
        if path.suffix != ".sql":
            continue
        sql = path.read_text(encoding="utf-8")
        code = re.sub(r"--[^\n]*|\{#.*?#\}|'[^']*'", "", sql, flags=re.DOTALL)
        for keyword in ("SELECT", "FROM", "WHERE", "JOIN", "GROUP BY", "WITH"):
            assert keyword not in code, f"{name}: upper-case {keyword}"
        last = sql.strip().splitlines()[-1].strip()
        expected = "select * from renamed" if name.startswith("stg_") else "select * from final"
        assert last == expected, f"{name} ends with {last!r}"
        assert sql.lstrip().startswith("with"), f"{name} does not start with its import CTEs"


# ------------------------------------------------------------------------------ the built warehouse
LOADED_AT = datetime(2025, 10, 1, 8, 0, 0)
CREATED = datetime(2025, 1, 15, 9, 30, 0)

OCM = "0b8e6a52-6f0e-4c59-9d55-1f2b1c9a0001"
OOBC = "0b8e6a52-6f0e-4c59-9d55-1f2b1c9a0002"
MAFAR = "0b8e6a52-6f0e-4c59-9d55-1f2b1c9a0003"
NGO = "0b8e6a52-6f0e-4c59-9d55-1f2b1c9a0004"

P1 = "7d3c1f7e-2a4b-4c1e-8f00-00000000a001"  # MAFAR, FY 2025, economic
P2 = "7d3c1f7e-2a4b-4c1e-8f00-00000000a002"  # MAFAR, FY 2025, blank sector
P3 = "7d3c1f7e-2a4b-4c1e-8f00-00000000a003"  # OOBC PPA (lead organisation only), FY 2026, social
P4 = "7d3c1f7e-2a4b-4c1e-8f00-00000000a004"  # OBC request without fiscal year
P5 = "7d3c1f7e-2a4b-4c1e-8f00-00000000a005"  # MOA PPA with no organisation at all, FY 2025, governance


def _ppa(**values) -> dict:
    row = {
        "summary": "",
        "status": "planning",
        "request_status": "",
        "priority": "medium",
        "progress": 0,
        "approval_status": "draft",
        "request_source": "",
        "is_disaster_related": False,
        "oobc_unit": "",
        "sector": "",
        "appropriation_class": "",
        "funding_source": "",
        "funding_source_other": "",
        "program_code": "",
        "plan_reference": "",
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
    row.update(values)
    return row


def _funding(n: int, ppa: str, tranche: str, amount: str) -> dict:
    return {
        "id": f"5f0c9e1a-0000-4000-8000-{n:012d}",
        "entry_id": ppa,
        "tranche_type": tranche,
        "amount": Decimal(amount),
        "funding_source": "",
        "funding_source_other": "",
        "remarks": "",
    }


RAW_ROWS: dict[str, list[dict]] = {
    "common_region": [
        {"id": 1, "code": "XII", "name": "SOCCSKSARGEN", "description": "", "is_active": True},
    ],
    "common_province": [
        {
            "id": 10,
            "region_id": 1,
            "code": "SULTAN_KUDARAT",
            "name": "Sultan Kudarat",
            "capital": "Isulan",
            "is_active": True,
            "population_total": 863651,
        },
        {
            "id": 11,
            "region_id": 1,
            "code": "SARANGANI",
            "name": "Sarangani",
            "capital": "Alabel",
            "is_active": True,
            "population_total": 580915,
        },
    ],
    "common_municipality": [
        {
            "id": 100,
            "province_id": 10,
            "code": "SULTAN_KUDARAT-ISULAN",
            "name": "Isulan",
            "municipality_type": "municipality",
            "is_active": True,
            "population_total": 107000,
        },
    ],
    "common_barangay": [
        {
            "id": 1000,
            "municipality_id": 100,
            "code": "SULTAN_KUDARAT-ISULAN-KALAWAG_I",
            "name": "Kalawag I",
            "is_urban": True,
            "is_active": True,
            "population_total": 12000,
        },
    ],
    "coordination_organization": [
        {
            "id": OCM,
            "name": "Office of the Chief Minister",
            "acronym": "OCM",
            "organization_type": "bmoa",
            "description": "The Office of the Chief Minister serves as the highest executive office.",
            "mandate": "",
            "partnership_level": "implementing",
            "partnership_status": "active",
            "is_active": True,
            "is_priority": False,
            "notes": "",
        },
        {
            "id": OOBC,
            "name": "Office for Other Bangsamoro Communities",
            "acronym": "OOBC",
            "organization_type": "bmoa",
            "description": "Attached to Office of the Chief Minister. Recommends policies and systematic programs.",
            "mandate": "",
            "partnership_level": "implementing",
            "partnership_status": "active",
            "is_active": True,
            "is_priority": True,
            "notes": "",
        },
        {
            "id": MAFAR,
            "name": "Ministry of Agriculture, Fisheries and Agrarian Reform",
            "acronym": "MAFAR",
            "organization_type": "bmoa",
            "description": "",
            "mandate": "",
            "partnership_level": "implementing",
            "partnership_status": "active",
            "is_active": True,
            "is_priority": False,
            "notes": "",
        },
        {
            "id": NGO,
            "name": "Tri-People Partners",
            "acronym": "",
            "organization_type": "ngo",
            "description": "",
            "mandate": "",
            "partnership_level": "technical",
            "partnership_status": "active",
            "is_active": False,
            "is_priority": False,
            "notes": "",
        },
    ],
    "communities_obc_community": [
        {
            "id": 1,
            "barangay_id": 1000,
            "obc_id": "OBC-XII-0001",
            "name": "Kalawag Maguindanaon community",
            "settlement_type": "village",
            "proximity_to_barmm": "adjacent",
            "estimated_obc_population": 1200,
            "primary_ethnolinguistic_group": "maguindanaon",
            "estimated_poverty_incidence": "high",
            "is_active": True,
            "is_deleted": False,
        },
        {
            "id": 2,
            "barangay_id": 1000,
            "obc_id": "OBC-XII-0002",
            "name": "Duplicate entry",
            "settlement_type": "sitio",
            "proximity_to_barmm": "",
            "estimated_obc_population": 800,
            "primary_ethnolinguistic_group": "",
            "estimated_poverty_incidence": "unknown",
            "is_active": False,
            "is_deleted": True,
        },
    ],
    "monitoring_monitoringentry": [
        _ppa(
            id=P1,
            title="Rice and corn production support",
            category="moa_ppa",
            implementing_moa_id=MAFAR,
            lead_organization_id=MAFAR,
            fiscal_year=2025,
            plan_year=2025,
            sector="economic",
            funding_source="gaab_2025",
            appropriation_class="mooe",
            status="ongoing",
            progress=40,
            budget_ceiling=Decimal("1200000.00"),
            budget_allocation=Decimal("1000000.50"),
            budget_obc_allocation=Decimal("400000.25"),
            total_slots=500,
            obc_slots=200,
            coverage_region_id=1,
            coverage_province_id=10,
            coverage_municipality_id=100,
        ),
        _ppa(
            id=P2,
            title="Fisheries livelihood kits",
            category="moa_ppa",
            implementing_moa_id=MAFAR,
            lead_organization_id=MAFAR,
            fiscal_year=2025,
            sector="  ",
            funding_source="gaab_2025",
            status="completed",
            progress=100,
            budget_allocation=Decimal("250000.25"),
        ),
        _ppa(
            id=P3,
            title="OBC scholarship programme",
            category="oobc_ppa",
            lead_organization_id=OOBC,
            fiscal_year=2026,
            sector="social",
            status="planning",
            progress=0,
            budget_allocation=Decimal("5000000.00"),
            coverage_region_id=1,
        ),
        _ppa(
            id=P4,
            title="Request: madrasah classroom",
            category="obc_request",
            submitted_to_organization_id=OOBC,
            submitted_by_community_id=1,
            request_status="submitted",
            request_source="community_user",
            estimated_total_amount=Decimal("75000.00"),
            budget_allocation=Decimal("80000.00"),
            coverage_province_id=10,
        ),
        _ppa(
            id=P5,
            title="Unassigned governance study",
            category="moa_ppa",
            fiscal_year=2025,
            sector="governance",
            status="ongoing",
            progress=10,
            budget_allocation=Decimal("10.01"),
        ),
    ],
    "monitoring_monitoringentryfunding": [
        _funding(1, P1, "allocation", "600000.00"),
        _funding(2, P1, "allocation", "400000.50"),
        _funding(3, P1, "obligation", "750000.10"),
        _funding(4, P1, "disbursement", "500000.05"),
        _funding(5, P1, "adjustment", "-1000.00"),
        _funding(6, P2, "allocation", "250000.25"),
        _funding(7, P2, "disbursement", "100000.00"),
        _funding(8, P3, "obligation", "1000.00"),
        _funding(9, P4, "allocation", "5.00"),
    ],
    "monitoring_monitoringentry_communities": [
        {"id": 1, "monitoringentry_id": P1, "obccommunity_id": 1},
    ],
    "monitoring_monitoringentry_supporting_organizations": [
        {"id": 1, "monitoringentry_id": P3, "organization_id": NGO},
    ],
}


def _create_raw_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        # every raw and meta table a refresh creates, empty (the file source kinds are not configured here)
        create_every_table(con)
        for table, rows in RAW_ROWS.items():
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
        meta_rows = {
            "refreshes": {"run_id": "run-1", "command": "refresh", "started_at": LOADED_AT, "status": "running"},
            "runs": {
                "run_id": "run-1",
                "source": "obcms",
                "table_name": "monitoring_monitoringentry",
                "started_at": LOADED_AT,
                "finished_at": LOADED_AT,
                "status": "loaded_with_rejects",
                "rows_read": 6,
                "rows_loaded": 5,
                "rows_rejected": 1,
                "seconds": 0.2,
            },
            "rejects": {
                "reject_id": 1,
                "run_id": "run-1",
                "source": "obcms",
                "table_name": "monitoring_monitoringentry",
                "row_number": 6,
                "row_key": "7d3c1f7e-2a4b-4c1e-8f00-00000000a006",
                "column_name": "progress",
                "check_name": "in_range(0, 100)",
                "failure_value": "140",
                "reason": "progress must be 0-100",
            },
        }
        for table, row in meta_rows.items():
            columns = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            con.execute(f"INSERT INTO meta.{table} ({columns}) VALUES ({marks})", list(row.values()))
    finally:
        con.close()


@pytest.fixture(scope="module")
def built_warehouse(tmp_path_factory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("dbt_build")
    warehouse = tmp / "warehouse.duckdb"
    _create_raw_warehouse(warehouse)
    files_before = _project_files()
    run = run_dbt(warehouse, tmp)
    assert _project_files() == files_before, "dbt wrote files into dbt_project/"
    return warehouse, run.run_results


def _query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.mark.dbt
def test_dbt_build_succeeds_with_only_the_declared_warning(built_warehouse):
    _, run_results = built_warehouse
    statuses = {r["unique_id"]: r["status"] for r in run_results["results"]}
    bad = {k: v for k, v in statuses.items() if v not in ("success", "pass", "warn", "no-op")}
    assert not bad
    warned = {k.split(".")[2] for k, v in statuses.items() if v == "warn"}
    assert warned == {"assert_ppas_without_fiscal_year"}
    (fiscal_year_check,) = [r for r in run_results["results"] if "assert_ppas_without_fiscal_year" in r["unique_id"]]
    assert fiscal_year_check["failures"] == 1  # P4, the request without fiscal year
    unit_tests = [k for k in statuses if k.startswith("unit_test.")]
    assert len(unit_tests) >= 4


@pytest.mark.dbt
def test_models_land_in_their_layer_schemas(built_warehouse):
    warehouse, _ = built_warehouse
    rows = _query(warehouse, "select table_schema, table_name, table_type from information_schema.tables")
    where = {name: (schema, kind) for schema, name, kind in rows}
    assert where["dim_ppa"] == ("marts", "BASE TABLE")
    assert where["rpt_executive_summary"] == ("marts", "BASE TABLE")
    assert where["int_ppa_funding_totals"][0] == "intermediate"
    assert where["stg_obcms__monitoring_entries"] == ("staging", "VIEW")
    assert not any(schema.startswith("main_") for schema, _, _ in rows)


@pytest.mark.dbt
def test_mart_constraints_are_in_the_warehouse_and_refuse_bad_rows(built_warehouse, tmp_path):
    """The marts' constraints are built into their tables, and DuckDB refuses a row that breaks one."""
    warehouse, _ = built_warehouse
    declared = sum(
        c["type"] == "check"
        for model in _marts().values()
        if _enforced_contract(model)
        for column in model.get("columns", [])
        for c in column.get("constraints", []) or []
    )
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        (checks,) = con.execute(
            "select count(*) from duckdb_constraints() where schema_name = 'marts' and constraint_type = 'CHECK'"
        ).fetchone()
        assert checks == declared > 40
        assert con.execute("select count(*) from marts.dim_ppa where category = 'moa_ppa'").fetchone()[0] > 0
        with pytest.raises(duckdb.ConstraintException, match=r"CHECK constraint failed.*category IN"):
            con.execute("update marts.dim_ppa set category = 'program' where category = 'moa_ppa'")
        assert con.execute("select count(*) from marts.fct_budget_execution_monthly").fetchone()[0] > 0
        with pytest.raises(duckdb.ConstraintException, match=r"NOT NULL constraint failed: .*month_number"):
            con.execute("update marts.fct_budget_execution_monthly set month_number = null")
        with pytest.raises(duckdb.ConstraintException, match=r"CHECK constraint failed.*month_number IN"):
            con.execute("update marts.fct_budget_execution_monthly set month_number = 13 where month_number = 12")
        assert con.execute(
            "select count(*) from marts.fct_budget_execution_monthly where month_number = 13"
        ).fetchone() == (0,)
    finally:
        con.close()


@pytest.mark.dbt
def test_executive_summary_figures(built_warehouse):
    warehouse, _ = built_warehouse
    rows = _query(
        warehouse,
        "select fiscal_year, moa_acronym, sector, ppa_count, budget_allocation, budget_obc_allocation, budget_ceiling, "
        "allocations, obligations, disbursements, avg_progress, completed_count "
        "from marts.rpt_executive_summary order by fiscal_year, moa_acronym, sector",
    )
    d = Decimal
    assert rows == [
        (
            2025,
            "MAFAR",
            "economic",
            1,
            d("1000000.50"),
            d("400000.25"),
            d("1200000.00"),
            d("1000000.50"),
            d("750000.10"),
            d("500000.05"),
            d("40.00"),
            0,
        ),
        (
            2025,
            "MAFAR",
            "unspecified",
            1,
            d("250000.25"),
            d("0.00"),
            d("0.00"),
            d("250000.25"),
            d("0.00"),
            d("100000.00"),
            d("100.00"),
            1,
        ),
        (
            2025,
            "UNASSIGNED",
            "governance",
            1,
            d("10.01"),
            d("0.00"),
            d("0.00"),
            d("0.00"),
            d("0.00"),
            d("0.00"),
            d("10.00"),
            0,
        ),
        (
            2026,
            "OOBC",
            "social",
            1,
            d("5000000.00"),
            d("0.00"),
            d("0.00"),
            d("0.00"),
            d("1000.00"),
            d("0.00"),
            d("0.00"),
            0,
        ),
    ]
    by_sector = dict(
        _query(
            warehouse,
            "select sector, sum(budget_allocation) from marts.rpt_executive_summary where fiscal_year = 2025 group by sector",
        )
    )
    assert by_sector == {"economic": d("1000000.50"), "unspecified": d("250000.25"), "governance": d("10.01")}
    (total,) = _query(warehouse, "select sum(budget_allocation) from marts.rpt_executive_summary")
    assert total == (d("6250010.76"),)  # 1,000,000.50 + 250,000.25 + 10.01 + 5,000,000.00; P4 has no fiscal year


@pytest.mark.dbt
def test_dim_ppa(built_warehouse):
    warehouse, _ = built_warehouse
    rows = _query(
        warehouse,
        "select ppa_id, moa_acronym, moa_source, sector, fiscal_year, budget_allocation, geography_id, "
        "region_name, province_name, municipality_name from marts.dim_ppa order by ppa_id",
    )
    assert rows == [
        (
            P1,
            "MAFAR",
            "implementing_moa",
            "economic",
            2025,
            Decimal("1000000.50"),
            "municipality:100",
            "SOCCSKSARGEN",
            "Sultan Kudarat",
            "Isulan",
        ),
        (P2, "MAFAR", "implementing_moa", None, 2025, Decimal("250000.25"), None, None, None, None),
        (
            P3,
            "OOBC",
            "lead_organization",
            "social",
            2026,
            Decimal("5000000.00"),
            "region:1",
            "SOCCSKSARGEN",
            None,
            None,
        ),
        (P4, None, None, None, None, Decimal("80000.00"), "province:10", None, "Sultan Kudarat", None),
        (P5, None, None, "governance", 2025, Decimal("10.01"), None, None, None, None),
    ]
    types = dict(
        _query(
            warehouse,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'dim_ppa'",
        )
    )
    for money in ("budget_ceiling", "budget_allocation", "budget_obc_allocation", "estimated_total_amount"):
        assert types[money] == "DECIMAL(14,2)"


@pytest.mark.dbt
def test_dim_organization(built_warehouse):
    warehouse, _ = built_warehouse
    rows = _query(
        warehouse,
        "select acronym, parent_acronym, is_bmoa, is_active, ppa_count from marts.dim_organization order by name",
    )
    assert rows == [
        ("MAFAR", None, True, True, 2),
        ("OOBC", "OCM", True, True, 1),
        ("OCM", None, True, True, 0),
        (None, None, False, False, 0),
    ]


@pytest.mark.dbt
def test_dim_geography_population(built_warehouse):
    warehouse, _ = built_warehouse
    rows = _query(
        warehouse,
        "select geography_id, level, region_code, population_total, obc_population, obc_community_count "
        "from marts.dim_geography order by geography_id",
    )
    assert rows == [
        ("municipality:100", "municipality", "XII", 107000, 1200, 1),
        ("province:10", "province", "XII", 863651, 1200, 1),  # the deleted community's 800 is not counted
        ("province:11", "province", "XII", 580915, 0, 0),
        ("region:1", "region", "XII", 863651 + 580915, 1200, 1),
    ]


@pytest.mark.dbt
def test_funding_totals_and_blank_codes(built_warehouse):
    warehouse, _ = built_warehouse
    rows = _query(
        warehouse,
        "select ppa_id, allocations, obligations, disbursements, adjustments, funding_flow_count "
        "from intermediate.int_ppa_funding_totals order by ppa_id",
    )
    d = Decimal
    assert rows == [
        (P1, d("1000000.50"), d("750000.10"), d("500000.05"), d("-1000.00"), 5),
        (P2, d("250000.25"), d("0.00"), d("100000.00"), d("0.00"), 2),
        (P3, d("0.00"), d("1000.00"), d("0.00"), d("0.00"), 1),
        (P4, d("5.00"), d("0.00"), d("0.00"), d("0.00"), 1),
        (P5, d("0.00"), d("0.00"), d("0.00"), d("0.00"), 0),
    ]
    (blanks,) = _query(
        warehouse,
        "select count(*) from staging.stg_obcms__monitoring_entries "
        "where sector = '' or funding_source = '' or appropriation_class = '' or request_status = ''",
    )
    assert blanks == (0,)
    flagged = _query(
        warehouse, "select obc_community_id, is_deleted from staging.stg_obcms__obc_communities order by 1"
    )
    assert flagged == [(1, False), (2, True)]


# ------------------------------------------------------------------------- the generated demo warehouse
@pytest.fixture
def demo_warehouse(demo_home) -> Path:
    """The published warehouse of the shared demo home (full pipeline, dbt build included)."""
    from ingest.warehouse import published_path

    return published_path(demo_home)


@pytest.mark.dbt
def test_marts_reconcile_with_raw_on_the_demo_warehouse(demo_warehouse):
    one = _query(
        demo_warehouse,
        """
        select
            (select count(*) from raw.monitoring_monitoringentry) as raw_ppas,
            (select count(*) from marts.dim_ppa) as dim_ppas,
            (select count(*) from raw.coordination_organization) as raw_orgs,
            (select count(*) from marts.dim_organization) as dim_orgs,
            (select sum(budget_allocation) from marts.rpt_executive_summary) as summary_budget,
            (select sum(budget_allocation) from marts.dim_ppa where fiscal_year is not null) as ppa_budget,
            (select sum(estimated_obc_population) from raw.communities_obc_community where not is_deleted)
                as raw_obc_population,
            (select sum(obc_population) from marts.dim_geography where level = 'region') as obc_population,
            (select sum(amount) from raw.monitoring_monitoringentryfunding where tranche_type = 'disbursement')
                as raw_disbursements,
            (select sum(disbursements) from intermediate.int_ppa_funding_totals) as disbursements
        """,
    )
    (row,) = one
    raw_ppas, dim_ppas, raw_orgs, dim_orgs, summary_budget, ppa_budget, raw_obc, obc, raw_disb, disb = row
    assert dim_ppas == raw_ppas > 0
    assert dim_orgs == raw_orgs > 0
    assert summary_budget == ppa_budget
    assert obc == (raw_obc or 0)
    assert disb == (raw_disb or 0)
    attached_without_parent = _query(
        demo_warehouse,
        """
        select organizations.name
        from raw.coordination_organization as organizations
        inner join marts.dim_organization using (name)
        where organizations.description like 'Attached to %' and dim_organization.parent_acronym is null
        """,
    )
    assert not attached_without_parent
