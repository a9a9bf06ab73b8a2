"""The BARMM organisation list into raw.barmm_organizations: rows with lines, rejects, file-level failures."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from textwrap import dedent

import duckdb
import polars as pl
import pytest
import yaml

from ingest import organizations
from ingest.organizations import ORGANIZATIONS
from ingest.sources import LoadContext, SourceError, TableOutcome, loader
from tests.conftest import SHARED_DATA
from validation.organizations import contract
from validation.ppa_yaml import failures

ORGS = """
ministries:
  - name: Office of the Chief Minister
    acronym: OCM
    mandate: >-
      Leads the Bangsamoro
      Government.
    powers_and_functions:
      - Head the Bangsamoro Government.
    attached_agencies:
      - name: Bangsamoro Planning and Development Authority
        acronym: BPDA
        mandate: Plans.
      - name: Office for Other Bangsamoro Communities
        acronym: oobc
        mandate: Serves OBCs.
  - name: Ministry of Health
    acronym: MOH
    mandate: Health.
other_entities:
  - name: Office of the Wali
    acronym: WALI
    mandate: Ceremonial head.
"""


def text(s: str) -> str:
    return dedent(s).lstrip("\n")


class Run:
    """Loads an organisation list into one in-memory warehouse, as a refresh would."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.path = tmp_path / "barmm_ministries.yaml"
        self.con = duckdb.connect()
        self.runs = 0

    def __call__(self, content: str | bytes | None = None, **source: object) -> TableOutcome:
        if isinstance(content, bytes):
            self.path.write_bytes(content)
        elif content is not None:
            self.path.write_text(text(content), encoding="utf-8")
        self.runs += 1
        ctx = LoadContext(
            con=self.con,
            run_id=f"r{self.runs}",
            source={"name": "orgs", "kind": "organizations", "path": self.path.name, **source},
            base_dir=self.tmp_path,
        )
        (outcome,) = organizations.load(ctx)
        return outcome

    def rows(self, columns: str = "acronym", where: str = "_deleted_at IS NULL") -> list[tuple]:
        return self.con.execute(f"SELECT {columns} FROM raw.barmm_organizations WHERE {where} ORDER BY ALL").fetchall()


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return Run(tmp_path)


def source_error(run: Run, content: str | bytes, **source: object) -> str:
    with pytest.raises(SourceError) as err:
        run(content, **source)
    return str(err.value)


def with_agency(agency: str) -> str:
    """OCM (line 2) with one attached agency (line 5) written as ``agency``."""
    return f"""
ministries:
  - name: Office of the Chief Minister
    acronym: OCM
    attached_agencies:
      - {agency}
"""


# ------------------------------------------------------------------------------------------------ happy path
def test_the_list_loads_with_kinds_parents_and_lines(run: Run) -> None:
    out = run(ORGS)
    assert run.rows("acronym, name, kind, parent_acronym, mandate, _file, _line") == [
        (
            "BPDA",
            "Bangsamoro Planning and Development Authority",
            "attached_agency",
            "OCM",
            "Plans.",
            "barmm_ministries.yaml",
            10,
        ),
        ("MOH", "Ministry of Health", "ministry", None, "Health.", "barmm_ministries.yaml", 16),
        (
            "OCM",
            "Office of the Chief Minister",
            "ministry",
            None,
            "Leads the Bangsamoro Government.",
            "barmm_ministries.yaml",
            2,
        ),
        (
            "OOBC",
            "Office for Other Bangsamoro Communities",
            "attached_agency",
            "OCM",
            "Serves OBCs.",
            "barmm_ministries.yaml",
            13,
        ),
        ("WALI", "Office of the Wali", "other_entity", None, "Ceremonial head.", "barmm_ministries.yaml", 20),
    ]
    load = out.load
    assert (load.rows_read, load.rows_loaded, load.rows_rejected, load.rows_inserted, load.status) == (
        5,
        5,
        0,
        5,
        "loaded",
    )
    assert out.rejects == [] and out.control_totals == {"rows": (Decimal(5), Decimal(5))}


def test_the_kind_is_wired_to_this_module() -> None:
    assert loader("organizations") is organizations.load


def test_the_raw_table_is_exactly_as_specified(run: Run) -> None:
    run(ORGS)
    columns = [
        (c, t) for c, t, *_ in run.con.execute("DESCRIBE raw.barmm_organizations").fetchall() if not c.startswith("_")
    ]
    assert columns == [
        ("acronym", "VARCHAR"),
        ("name", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("parent_acronym", "VARCHAR"),
        ("mandate", "VARCHAR"),
    ]
    assert ORGANIZATIONS.key == ("acronym",)


def test_other_entities_are_optional(run: Run) -> None:
    run("ministries:\n  - {name: Ministry of Health, acronym: MOH}\n")
    assert run.rows("acronym, kind, mandate") == [("MOH", "ministry", None)]


def test_reloading_changes_nothing_and_a_removed_organisation_is_marked_deleted(run: Run) -> None:
    run(ORGS)
    before = run.rows("*", "true")
    again = run()
    assert (again.load.rows_unchanged, again.load.rows_inserted, again.load.rows_deleted) == (5, 0, 0)
    assert run.rows("*", "true") == before
    out = run(
        ORGS.replace("Health.", "Health care.").replace(
            "  - name: Office of the Wali\n    acronym: WALI\n    mandate: Ceremonial head.\n", ""
        )
    )
    load = out.load
    assert (load.rows_updated, load.rows_unchanged, load.rows_deleted) == (1, 3, 1)
    assert run.rows("acronym, mandate, _deleted_at IS NOT NULL", "acronym IN ('MOH', 'WALI')") == [
        ("MOH", "Health care.", False),
        ("WALI", "Ceremonial head.", True),
    ]


# ------------------------------------------------------------------------------------------------ row level
def test_an_organisation_without_an_acronym_is_rejected(run: Run) -> None:
    out = run(ORGS.replace("    acronym: MOH\n", ""))
    (reject,) = out.rejects
    assert (reject.table_name, reject.column_name, reject.check_name, reject.location, reject.row_key) == (
        "barmm_organizations",
        "acronym",
        "not_nullable",
        "barmm_ministries.yaml:16",
        "",
    )
    assert reject.reason == "acronym is required but empty"
    assert (out.load.rows_read, out.load.rows_loaded, out.load.rows_rejected) == (5, 4, 1)


def test_an_organisation_without_a_name_is_rejected(run: Run) -> None:
    out = run(ORGS.replace("  - name: Ministry of Health\n    acronym: MOH\n", "  - acronym: MOH\n"))
    (reject,) = out.rejects
    assert (reject.column_name, reject.check_name, reject.location, reject.row_key) == (
        "name",
        "not_nullable",
        "barmm_ministries.yaml:16",
        "MOH",
    )


def test_a_duplicate_acronym_rejects_every_copy(run: Run) -> None:
    out = run(ORGS.replace("acronym: WALI", "acronym: moh"))
    assert [(r.row_key, r.check_name, r.location) for r in out.rejects] == [
        ("MOH", "duplicate_key", "barmm_ministries.yaml:16"),
        ("MOH", "duplicate_key", "barmm_ministries.yaml:20"),
    ]
    assert out.rejects[0].reason == (
        "the key (acronym) = (MOH) is read 2 times (barmm_ministries.yaml:16, barmm_ministries.yaml:20); no copy is loaded"
    )
    assert run.rows() == [("BPDA",), ("OCM",), ("OOBC",)]


def test_agencies_of_a_ministry_without_an_acronym_are_rejected(run: Run) -> None:
    out = run(ORGS.replace("    acronym: OCM\n", ""))
    assert [(r.row_key, r.column_name, r.check_name, r.location) for r in out.rejects] == [
        ("", "acronym", "not_nullable", "barmm_ministries.yaml:2"),
        ("BPDA", None, "parent_rejected", "barmm_ministries.yaml:9"),
        ("OOBC", None, "parent_rejected", "barmm_ministries.yaml:12"),
    ]
    assert out.rejects[1].reason == ("its ministry (barmm_ministries.yaml:2) has no acronym, so its parent is unknown")
    assert run.rows() == [("MOH",), ("WALI",)]


def test_agencies_of_a_rejected_ministry_are_rejected(run: Run) -> None:
    out = run(ORGS.replace("acronym: WALI", "acronym: OCM"))  # OCM is duplicated, so BPDA's parent is unknown
    assert [(r.row_key, r.check_name, r.location) for r in out.rejects] == [
        ("OCM", "duplicate_key", "barmm_ministries.yaml:2"),
        ("BPDA", "parent_rejected", "barmm_ministries.yaml:10"),
        ("OOBC", "parent_rejected", "barmm_ministries.yaml:13"),
        ("OCM", "duplicate_key", "barmm_ministries.yaml:20"),
    ]
    assert out.rejects[1].reason == "its ministry (barmm_ministries.yaml:2) was rejected"
    assert run.rows() == [("MOH",)]


def test_an_entry_that_is_not_a_mapping_is_rejected(run: Run) -> None:
    out = run(with_agency("Bangsamoro Youth Commission"))
    (reject,) = out.rejects
    assert (reject.check_name, reject.location, reject.failure_value) == (
        "organization_is_mapping",
        "barmm_ministries.yaml:5",
        "the value 'Bangsamoro Youth Commission'",
    )
    assert run.rows() == [("OCM",)]


def test_attached_agencies_that_are_not_a_list_reject_the_ministry(run: Run) -> None:
    out = run("ministries:\n  - name: Office of the Chief Minister\n    acronym: OCM\n    attached_agencies: BPDA\n")
    (reject,) = out.rejects
    assert (reject.column_name, reject.check_name, reject.location, reject.row_key) == (
        "attached_agencies",
        "list",
        "barmm_ministries.yaml:4",
        "OCM",
    )
    assert reject.reason == "attached_agencies must be a list of organisations, not the value 'BPDA'"


def test_a_name_that_is_not_text_is_rejected(run: Run) -> None:
    out = run(with_agency("{name: [Youth, Commission], acronym: BYC}"))
    (reject,) = out.rejects
    assert (reject.column_name, reject.check_name, reject.location, reject.reason) == (
        "name",
        "text",
        "barmm_ministries.yaml:5",
        "name must be text, not a list",
    )


def test_a_field_written_twice_is_rejected(run: Run) -> None:
    out = run(with_agency("{name: Youth Commission, acronym: BYC, acronym: BWC}"))
    (reject,) = out.rejects
    assert (reject.column_name, reject.check_name, reject.location) == (
        "acronym",
        "repeated_field",
        "barmm_ministries.yaml:5",
    )


# ------------------------------------------------------------------------------------------------ file level
def test_malformed_yaml_names_the_line(run: Run) -> None:
    message = source_error(run, "ministries:\n  - name: OCM\n    acronym: [OCM\n")
    assert "barmm_ministries.yaml: line 4, column 1: not valid YAML" in message


def test_a_list_without_ministries_fails(run: Run) -> None:
    message = source_error(run, "other_entities:\n  - {name: Office of the Wali, acronym: WALI}\n")
    assert "barmm_ministries.yaml: line 1: no `ministries` list" in message


def test_ministries_that_are_not_a_list_fail(run: Run) -> None:
    message = source_error(run, "ministries:\n  name: Office of the Chief Minister\n")
    assert "barmm_ministries.yaml: line 2: `ministries` must be a list, not a mapping" in message


def test_other_entities_that_are_not_a_list_fail(run: Run) -> None:
    message = source_error(run, "ministries: []\nother_entities: WALI\n")
    assert "barmm_ministries.yaml: line 2: `other_entities` must be a list, not the value 'WALI'" in message


def test_a_file_that_is_not_a_mapping_fails(run: Run) -> None:
    message = source_error(run, "- name: Office of the Chief Minister\n")
    assert (
        "barmm_ministries.yaml: line 1: expected a mapping with `ministries` and `other_entities`, found a list"
        in message
    )


def test_an_empty_file_fails(run: Run) -> None:
    assert "barmm_ministries.yaml: the file is empty" in source_error(run, b"")


def test_a_file_that_is_not_utf8_fails(run: Run) -> None:
    message = source_error(run, "ministries:\n  - name: Ministerio de Niños\n".encode("cp1252"))
    assert "barmm_ministries.yaml: line 2: not UTF-8 text" in message


def test_a_missing_file_fails(run: Run) -> None:
    with pytest.raises(SourceError, match=r"nowhere\.yaml: no such file"):
        run(path="nowhere.yaml")


def test_a_file_over_the_size_limit_fails(run: Run) -> None:
    assert "is over the" in source_error(run, ORGS, max_file_mb=0.0001)


# ------------------------------------------------------------------------------------------------ contract
def test_the_contract_reports_every_failure_of_a_frame_at_once() -> None:
    frame = pl.DataFrame(
        {
            "acronym": ["OCM", None, "BPDA", "X"],
            "name": ["Office", "Ministry", "", "Y"],
            "kind": ["ministry", "ministry", "attached_agency", "agency"],
            "parent_acronym": ["OCM", None, "OCM", None],
            "mandate": [None, None, None, None],
        },
        schema=ORGANIZATIONS.columns,
    )
    found = sorted((f.row, f.column or "", f.check) for f in failures(contract(ORGANIZATIONS), frame))
    assert found == [
        (0, "", "parent_acronym is set for attached agencies and only for them"),
        (1, "acronym", "not_nullable"),
        (2, "name", "str_length(1, None)"),
        (3, "kind", "isin(['ministry', 'attached_agency', 'other_entity'])"),
    ]


# ------------------------------------------------------------------------------------- the real published list
@pytest.mark.acceptance
def test_the_published_list_loads_43_organisations(run: Run) -> None:
    path = SHARED_DATA / "barmm_ministries.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    expected = {m["acronym"]: ("ministry", None) for m in doc["ministries"]}
    for m in doc["ministries"]:
        expected |= {a["acronym"]: ("attached_agency", m["acronym"]) for a in m.get("attached_agencies") or []}
    expected |= {e["acronym"]: ("other_entity", None) for e in doc["other_entities"]}
    assert len(expected) == 43

    out = run(path=str(path))
    assert out.rejects == [] and (out.load.rows_read, out.load.rows_loaded) == (43, 43)
    assert {a: (k, p) for a, k, p in run.rows("acronym, kind, parent_acronym")} == expected
    assert run.rows("kind, count(*), count(DISTINCT parent_acronym)", "true GROUP BY ALL") == [
        ("attached_agency", 14, 1),
        ("ministry", 16, 0),
        ("other_entity", 13, 0),
    ]
    assert run.rows("acronym", "parent_acronym = 'OCM' AND acronym = 'OOBC'") == [("OOBC",)]
    assert run.rows("count(*)", "acronym = 'BAGO'") == [(0,)]  # has a PPA file but is not in the list
