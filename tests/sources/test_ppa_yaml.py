"""MOA PPA YAML files into raw.ppa_yaml_*: typed rows with their lines, rejects, file-level failures, snapshots."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from textwrap import dedent

import duckdb
import polars as pl
import pytest
import yaml

from ingest import ppa_yaml
from ingest.home import ConfigError
from ingest.ppa_yaml import INDICATORS, PPAS, PROVISIONS
from ingest.sources import LoadContext, SourceError, TableOutcome, loader
from tests.conftest import SHARED_DATA
from validation.ppa_yaml import contract, failures

MOH = """
moa: "Ministry of Health"
acronym: "MOH"
ppas:
  - title: "Health Facilities"
    description: ""
    outcome_indicators:
      - indicator: "Facilities upgraded"
        target: "80%"
    output_indicators:
      - indicator: "Hospitals built"
        target: 1052
      - indicator: "Share of beds"
        target: 0.5
      - indicator: "Staff hired"
        target: "810 (Physicians: 10, Nurses: 800)"
    approved_budget: 1500000.50
  - title: "Scholarships"
    description: "Medical scholars"
    outcome_indicators:
      - indicator: "Scholars graduated"
        target: null
    output_indicators: []
    approved_budget: 250000.00
special_provisions:
  - title: "scholarships "
    details: "Only for OBC youth."
  - title: "Reporting"
    details: |
      Quarterly reports.
"""

MPW = """
moa: Ministry of Public Works
acronym: MPW
ppas:
  - title: Roads
    description: Farm-to-market roads
    outcome_indicators: []
    output_indicators:
      - indicator: Kilometres paved
        target: 2.2 km
    approved_budget: 10396700000.00
"""


def one_ppa(budget: str = "1000.00", *, title: str = "Clinics", extra: str = "") -> str:
    """An MOH file with one PPA (line 4) whose approved_budget is on line 8; ``extra`` starts on line 9."""
    return f"""
moa: Ministry of Health
acronym: MOH
ppas:
  - title: {title}
    description: ""
    outcome_indicators: []
    output_indicators: []
    approved_budget: {budget}
{extra}"""


def text(s: str) -> str:
    return dedent(s).lstrip("\n")


def write_folder(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.y*ml"):
        old.unlink()
    for name, content in files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            (folder / name).write_text(text(content), encoding="utf-8")
    return folder


class Run:
    """Loads a folder of PPA files into one in-memory warehouse, as a refresh would."""

    def __init__(self, tmp_path: Path, *, name: str = "ppa-2025", fiscal_year: object = 2025, **source: object):
        self.tmp_path = tmp_path
        self.folder = tmp_path / "ppa"
        self.con = duckdb.connect()
        self.said: list[str] = []
        self.source = {"name": name, "kind": "ppa_yaml", "path": "ppa", "fiscal_year": fiscal_year, **source}
        self.runs = 0

    def __call__(self, files: dict[str, str | bytes] | None = None, **source: object) -> dict[str, TableOutcome]:
        if files is not None:
            write_folder(self.folder, files)
        self.runs += 1
        ctx = LoadContext(
            con=self.con,
            run_id=f"r{self.runs}",
            source={**self.source, **source},
            base_dir=self.tmp_path,
            say=self.said.append,
        )
        return {o.load.table_name: o for o in ppa_yaml.load(ctx)}

    def rows(self, table: str, columns: str, where: str = "_deleted_at IS NULL") -> list[tuple]:
        """``SELECT columns FROM raw.table WHERE where``; columns ending in GROUP BY ALL group the rows."""
        columns, grouped, _ = columns.partition(" GROUP BY ALL")
        group = " GROUP BY ALL" if grouped else ""
        return self.con.execute(f"SELECT {columns} FROM raw.{table} WHERE {where}{group} ORDER BY ALL").fetchall()


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return Run(tmp_path)


def only_reject(outcome: TableOutcome):
    assert len(outcome.rejects) == 1, outcome.rejects
    return outcome.rejects[0]


def source_error(run: Run, files: dict[str, str | bytes], **source: object) -> str:
    with pytest.raises(SourceError) as err:
        run(files, **source)
    return str(err.value)


# ------------------------------------------------------------------------------------------------ happy path
def test_small_folder_loads_every_row_with_its_file_and_line(run: Run) -> None:
    out = run({"moh.yaml": MOH, "mpw.yaml": MPW})
    assert run.rows(
        "ppa_yaml_ppas",
        "moa_acronym, moa_name, title, description, approved_budget, fiscal_year, position, "
        "outcome_indicator_count, output_indicator_count, _file, _line",
    ) == [
        ("MOH", "Ministry of Health", "Health Facilities", "", Decimal("1500000.50"), 2025, 1, 1, 3, "moh.yaml", 4),
        (
            "MOH",
            "Ministry of Health",
            "Scholarships",
            "Medical scholars",
            Decimal("250000.00"),
            2025,
            2,
            1,
            0,
            "moh.yaml",
            17,
        ),
        (
            "MPW",
            "Ministry of Public Works",
            "Roads",
            "Farm-to-market roads",
            Decimal("10396700000.00"),
            2025,
            1,
            0,
            1,
            "mpw.yaml",
            4,
        ),
    ]
    assert run.rows(
        "ppa_yaml_indicators",
        "moa_acronym, ppa_title, fiscal_year, level, position, indicator, target_raw, _file, _line",
    ) == [
        ("MOH", "Health Facilities", 2025, "outcome", 1, "Facilities upgraded", "80%", "moh.yaml", 7),
        ("MOH", "Health Facilities", 2025, "output", 1, "Hospitals built", "1052", "moh.yaml", 10),
        ("MOH", "Health Facilities", 2025, "output", 2, "Share of beds", "0.5", "moh.yaml", 12),
        (
            "MOH",
            "Health Facilities",
            2025,
            "output",
            3,
            "Staff hired",
            "810 (Physicians: 10, Nurses: 800)",
            "moh.yaml",
            14,
        ),
        ("MOH", "Scholarships", 2025, "outcome", 1, "Scholars graduated", None, "moh.yaml", 20),
        ("MPW", "Roads", 2025, "output", 1, "Kilometres paved", "2.2 km", "mpw.yaml", 8),
    ]
    assert run.rows(
        "ppa_yaml_special_provisions",
        "moa_acronym, fiscal_year, position, title, details, matched_ppa_title, _file, _line",
    ) == [
        ("MOH", 2025, 1, "scholarships", "Only for OBC youth.", "Scholarships", "moh.yaml", 25),
        ("MOH", 2025, 2, "Reporting", "Quarterly reports.\n", None, "moh.yaml", 27),
    ]
    ppas = out["ppa_yaml_ppas"]
    assert (ppas.load.rows_read, ppas.load.rows_loaded, ppas.load.rows_rejected, ppas.load.rows_inserted) == (
        3,
        3,
        0,
        3,
    )
    assert ppas.load.status == "loaded"
    assert ppas.control_totals == {
        "rows": (Decimal(3), Decimal(3)),
        "approved_budget": (Decimal("10398450000.50"), Decimal("10398450000.50")),
    }
    assert [out[t].load.rows_loaded for t in ("ppa_yaml_indicators", "ppa_yaml_special_provisions")] == [6, 2]
    assert run.rows("ppa_yaml_ppas", "DISTINCT _source, _run_id") == [("ppa-2025", "r1")]


def test_the_kind_is_wired_to_this_module() -> None:
    assert loader("ppa_yaml") is ppa_yaml.load


def test_raw_tables_are_exactly_as_specified(run: Run) -> None:
    run({"mpw.yaml": MPW})
    described = {
        t: [(c, ty) for c, ty, *_ in run.con.execute(f"DESCRIBE raw.{t}").fetchall() if not c.startswith("_")]
        for t in ("ppa_yaml_ppas", "ppa_yaml_indicators", "ppa_yaml_special_provisions")
    }
    assert described == {
        "ppa_yaml_ppas": [
            ("moa_acronym", "VARCHAR"),
            ("moa_name", "VARCHAR"),
            ("title", "VARCHAR"),
            ("description", "VARCHAR"),
            ("approved_budget", "DECIMAL(14,2)"),
            ("fiscal_year", "INTEGER"),
            ("position", "INTEGER"),
            ("outcome_indicator_count", "INTEGER"),
            ("output_indicator_count", "INTEGER"),
        ],
        "ppa_yaml_indicators": [
            ("moa_acronym", "VARCHAR"),
            ("ppa_title", "VARCHAR"),
            ("fiscal_year", "INTEGER"),
            ("level", "VARCHAR"),
            ("position", "INTEGER"),
            ("indicator", "VARCHAR"),
            ("target_raw", "VARCHAR"),
        ],
        "ppa_yaml_special_provisions": [
            ("moa_acronym", "VARCHAR"),
            ("fiscal_year", "INTEGER"),
            ("position", "INTEGER"),
            ("title", "VARCHAR"),
            ("details", "VARCHAR"),
            ("matched_ppa_title", "VARCHAR"),
        ],
    }
    assert (PPAS.key, INDICATORS.key, PROVISIONS.key) == (
        ("moa_acronym", "title", "fiscal_year"),
        ("moa_acronym", "ppa_title", "fiscal_year", "level", "position"),
        ("moa_acronym", "fiscal_year", "position"),
    )


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2.675", "2.68"),  # through a binary float this would round to 2.67
        ("34001249", "34001249.00"),
        ("1_000_000.00", "1000000.00"),
        ('"250000"', "250000.00"),
        ("1.5e+6", "1500000.00"),
        ("999999999999.99", "999999999999.99"),
    ],
)
def test_budgets_come_from_the_source_text(run: Run, written: str, stored: str) -> None:
    out = run({"moh.yaml": one_ppa(written)})
    assert run.rows("ppa_yaml_ppas", "approved_budget") == [(Decimal(stored),)]
    assert out["ppa_yaml_ppas"].control_totals["approved_budget"] == (Decimal(stored), Decimal(stored))


def test_yml_files_are_read_and_hidden_files_and_subfolders_are_not(run: Run) -> None:
    write_folder(run.folder, {"moh.yml": MOH, ".mpw.yaml": MPW, "notes.txt": "not yaml"})
    (run.folder / "archive.yaml").mkdir()
    run()
    assert run.rows("ppa_yaml_ppas", "DISTINCT _file") == [("moh.yml",)]


def test_an_office_without_ppas_is_a_valid_file(run: Run) -> None:
    out = run({"oobc.yaml": "moa: OOBC\nacronym: OOBC\nppas: []\n"})
    assert out["ppa_yaml_ppas"].load.rows_read == 0
    assert out["ppa_yaml_ppas"].control_totals["approved_budget"] == (Decimal("0.00"), Decimal("0.00"))


def test_an_office_not_in_the_organisation_list_is_loaded(run: Run) -> None:
    bago = one_ppa(title="BAGO Legal Services").replace("MOH", "BAGO").replace("Ministry of Health", "Attorney-General")
    out = run({"bago.yaml": bago})
    assert out["ppa_yaml_ppas"].rejects == []
    assert run.rows("ppa_yaml_ppas", "moa_acronym, title") == [("BAGO", "BAGO Legal Services")]


def test_yaml_merge_keys_are_applied(run: Run) -> None:
    run({"moh.yaml": one_ppa(extra="  - <<: &x {title: Other, approved_budget: 5}\n    description: merged\n")})
    assert run.rows("ppa_yaml_ppas", "title, description, approved_budget") == [
        ("Clinics", "", Decimal("1000.00")),
        ("Other", "merged", Decimal("5.00")),
    ]


# --------------------------------------------------------------------------- repeat, change, delete (snapshots)
def test_reloading_the_same_folder_changes_nothing(run: Run) -> None:
    run({"moh.yaml": MOH, "mpw.yaml": MPW})
    before = {
        t: run.rows(t, "*", "true") for t in ("ppa_yaml_ppas", "ppa_yaml_indicators", "ppa_yaml_special_provisions")
    }
    out = run()
    for table, outcome in out.items():
        load = outcome.load
        assert (load.rows_inserted, load.rows_updated, load.rows_deleted) == (0, 0, 0), table
        assert load.rows_unchanged == load.rows_loaded > 0
        assert run.rows(table, "*", "true") == before[table]  # metadata too: _run_id stays r1


def test_a_changed_ppa_replaces_the_old_row_and_a_removed_one_is_marked_deleted(run: Run) -> None:
    run({"moh.yaml": MOH, "mpw.yaml": MPW})
    changed = MOH.replace("approved_budget: 1500000.50", "approved_budget: 1600000.00")
    changed = changed.replace(
        """  - title: "Scholarships"
    description: "Medical scholars"
    outcome_indicators:
      - indicator: "Scholars graduated"
        target: null
    output_indicators: []
    approved_budget: 250000.00
""",
        "",
    )
    out = run({"moh.yaml": changed, "mpw.yaml": MPW})
    ppas = out["ppa_yaml_ppas"].load
    assert (ppas.rows_inserted, ppas.rows_updated, ppas.rows_unchanged, ppas.rows_deleted) == (0, 1, 1, 1)
    assert run.rows("ppa_yaml_ppas", "title, approved_budget, _deleted_at IS NOT NULL, _run_id", "true") == [
        ("Health Facilities", Decimal("1600000.00"), False, "r2"),
        ("Roads", Decimal("10396700000.00"), False, "r1"),
        ("Scholarships", Decimal("250000.00"), True, "r2"),  # kept, marked deleted
    ]
    indicators = out["ppa_yaml_indicators"].load
    assert (indicators.rows_unchanged, indicators.rows_deleted) == (5, 1)
    assert run.rows("ppa_yaml_indicators", "ppa_title, indicator", "_deleted_at IS NOT NULL") == [
        ("Scholarships", "Scholars graduated")
    ]
    # the provision no longer matches a PPA of its file
    assert run.rows("ppa_yaml_special_provisions", "position, matched_ppa_title") == [(1, None), (2, None)]
    assert out["ppa_yaml_special_provisions"].load.rows_updated == 1


def test_a_ppa_that_comes_back_is_restored(run: Run) -> None:
    run({"moh.yaml": MOH})
    run({"moh.yaml": one_ppa(title="Health Facilities").replace("1000.00", "1500000.50")})
    out = run({"moh.yaml": MOH})
    assert out["ppa_yaml_ppas"].load.rows_inserted == 1  # Scholarships, restored
    assert run.rows("ppa_yaml_ppas", "title", "true") == [("Health Facilities",), ("Scholarships",)]


def test_other_offices_and_other_years_are_untouched(run: Run) -> None:
    run({"moh.yaml": MOH, "mpw.yaml": MPW}, fiscal_year=2024)
    run({"moh.yaml": MOH, "mpw.yaml": MPW})
    out = run({"moh.yaml": one_ppa()})  # MPW's file is not in this load; 2024 is another year
    assert out["ppa_yaml_ppas"].load.rows_deleted == 2  # MOH 2025's two old PPAs
    assert run.rows("ppa_yaml_ppas", "moa_acronym, fiscal_year, count(*) GROUP BY ALL", "_deleted_at IS NULL") == [
        ("MOH", 2024, 2),
        ("MOH", 2025, 1),
        ("MPW", 2024, 1),
        ("MPW", 2025, 1),
    ]


def test_a_ppa_rejected_after_it_was_loaded_is_marked_deleted_with_its_reason(run: Run) -> None:
    run({"moh.yaml": one_ppa("1000.00")})
    out = run({"moh.yaml": one_ppa('"1,000"')})
    assert out["ppa_yaml_ppas"].load.rows_deleted == 1
    assert only_reject(out["ppa_yaml_ppas"]).column_name == "approved_budget"
    assert run.rows("ppa_yaml_ppas", "title, _deleted_at IS NOT NULL", "true") == [("Clinics", True)]


def test_a_file_level_error_writes_nothing(run: Run) -> None:
    with pytest.raises(SourceError):
        run({"moh.yaml": MOH, "mpw.yaml": "acronym: MPW\nppas: [\n"})
    assert run.con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw'").fetchall() == [(0,)]


# ------------------------------------------------------------------------------------- file-level: SourceError
def test_malformed_yaml_names_the_file_and_the_parsers_line(run: Run) -> None:
    message = source_error(run, {"moh.yaml": "acronym: MOH\nppas:\n  - title: A\n    approved_budget: 1: 2\n"})
    assert "moh.yaml: line 4, column 23: not valid YAML: mapping values are not allowed here" in message


def test_an_unclosed_quote_names_its_line(run: Run) -> None:
    message = source_error(run, {"moh.yaml": 'acronym: MOH\nppas:\n  - title: "A\n\n'})
    assert "moh.yaml: line 5" in message and "not valid YAML" in message


def test_several_yaml_documents_in_one_file_fail(run: Run) -> None:
    message = source_error(run, {"moh.yaml": "acronym: MOH\nppas: []\n---\nacronym: MPW\nppas: []\n"})
    assert "moh.yaml: line 3, column 1: not valid YAML: expected a single document" in message


def test_a_control_character_names_its_line(run: Run) -> None:
    message = source_error(run, {"moh.yaml": "acronym: MOH\nppas:\n  - title: A\x07\n"})
    assert "moh.yaml: line 3: the character 0x07 is not allowed in YAML" in message


def test_a_file_with_only_comments_fails(run: Run) -> None:
    assert "moh.yaml: the file has no YAML content" in source_error(run, {"moh.yaml": "# to do\n"})


def test_a_file_that_is_not_a_mapping_fails(run: Run) -> None:
    message = source_error(run, {"moh.yaml": "- title: A\n- title: B\n"})
    assert "moh.yaml: line 1: expected a mapping with `moa`, `acronym` and `ppas`, found a list" in message


def test_a_file_without_ppas_fails(run: Run) -> None:
    message = source_error(run, {"moh.yaml": "moa: Ministry of Health\nacronym: MOH\nprograms: []\n"})
    assert "moh.yaml: line 1: no `ppas` list" in message


@pytest.mark.parametrize(
    ("ppas", "problem"),
    [
        ("ppas:\n", "line 2: `ppas` is empty (write `ppas: []` if there are none)"),
        ("ppas: Clinics\n", "line 2: `ppas` must be a list, not the value 'Clinics'"),
        ("ppas: {title: Clinics}\n", "line 2: `ppas` must be a list, not a mapping"),
    ],
)
def test_ppas_that_are_not_a_list_fail(run: Run, ppas: str, problem: str) -> None:
    assert f"moh.yaml: {problem}" in source_error(run, {"moh.yaml": "acronym: MOH\n" + ppas})


def test_a_file_without_an_acronym_fails(run: Run) -> None:
    message = source_error(run, {"moh.yaml": "moa: Ministry of Health\nppas: []\n"})
    assert "moh.yaml: line 1: no `acronym`" in message


def test_a_blank_acronym_fails(run: Run) -> None:
    assert "moh.yaml: line 2: `acronym` is empty" in source_error(run, {"moh.yaml": 'moa: X\nacronym: " "\nppas: []\n'})


def test_an_acronym_that_is_not_text_fails(run: Run) -> None:
    message = source_error(run, {"moh.yaml": "moa: X\nacronym: [MOH]\nppas: []\n"})
    assert "moh.yaml: line 2: acronym must be text, not a list" in message


def test_a_top_level_key_written_twice_fails(run: Run) -> None:
    message = source_error(run, {"moh.yaml": "acronym: MOH\nppas: []\nacronym: MPW\n"})
    assert "moh.yaml: line 1: `acronym` is written more than once at the top of the file" in message


def test_special_provisions_that_are_not_a_list_fail(run: Run) -> None:
    message = source_error(run, {"moh.yaml": one_ppa(extra="special_provisions: none\n")})
    assert "moh.yaml: line 9: `special_provisions` must be a list, not the value 'none'" in message


def test_the_same_acronym_in_two_files_fails(run: Run) -> None:
    message = source_error(run, {"moh.yaml": MOH, "moh-2.yaml": one_ppa().replace("MOH", "moh")})
    assert "moh-2.yaml: line 2 and " in message and "moh.yaml: line 2: both files have acronym MOH" in message


def test_an_empty_file_fails(run: Run) -> None:
    assert "mpw.yaml: the file is empty" in source_error(run, {"moh.yaml": MOH, "mpw.yaml": b""})


def test_a_file_of_blank_lines_fails(run: Run) -> None:
    assert "mpw.yaml: the file has no content" in source_error(run, {"mpw.yaml": b"\n  \n"})


def test_a_file_that_is_not_utf8_fails(run: Run) -> None:
    latin1 = text(one_ppa(title="Pag-asa Niño")).encode("latin-1")
    message = source_error(run, {"moh.yaml": latin1})
    assert "moh.yaml: line 4: not UTF-8 text (byte 0xf1" in message


def test_a_file_over_the_size_limit_fails(run: Run) -> None:
    message = source_error(run, {"moh.yaml": MOH}, max_file_mb=0.0001)
    assert "moh.yaml: " in message and "is over the 0.0 MB limit" in message and "max_file_mb" in message


def test_a_folder_without_yaml_files_fails(run: Run) -> None:
    assert "ppa: no MOA PPA files (*.yaml) in this folder" in source_error(run, {})


def test_a_missing_folder_fails(run: Run) -> None:
    with pytest.raises(SourceError, match=r"nowhere: no such folder"):
        run(path="nowhere")


def test_a_file_instead_of_a_folder_fails(run: Run) -> None:
    write_folder(run.folder, {"moh.yaml": MOH})
    with pytest.raises(SourceError, match=r"moh\.yaml: not a folder"):
        run(path="ppa/moh.yaml")


@pytest.mark.parametrize(
    ("fiscal_year", "problem"),
    [
        (None, "`fiscal_year` is required"),
        ("", "`fiscal_year` is required"),
        ("next year", "`fiscal_year` must be a year such as 2025, not 'next year'"),
        (2025.5, "`fiscal_year` must be a year such as 2025, not 2025.5"),
        (True, "`fiscal_year` must be a year such as 2025, not True"),
        (1999, "`fiscal_year` 1999 is not between 2000 and 2100"),
    ],
)
def test_fiscal_year_must_be_a_year(tmp_path: Path, fiscal_year: object, problem: str) -> None:
    run = Run(tmp_path, fiscal_year=fiscal_year)
    with pytest.raises(ConfigError) as err:
        run({"moh.yaml": MOH})
    assert "source 'ppa-2025'" in str(err.value) and problem in str(err.value)


def test_fiscal_year_may_be_written_as_text(tmp_path: Path) -> None:
    run = Run(tmp_path, fiscal_year="2026")
    run({"mpw.yaml": MPW})
    assert run.rows("ppa_yaml_ppas", "fiscal_year") == [(2026,)]


def test_path_is_required(run: Run) -> None:
    with pytest.raises(ConfigError, match="`path` is required"):
        run({"moh.yaml": MOH}, path="")


# ------------------------------------------------------------------------------------------ row-level: Reject
@pytest.mark.parametrize(
    ("written", "check"),
    [
        ('"12,000,000"', "number"),
        ('"₱5M"', "number"),
        ("12 million", "number"),
        ("true", "number"),
        ("[1000, 2000]", "number"),
        (".inf", "number"),
        ("0x3E8", "number"),
        ("1000000000000.00", "max_digits"),
        ("999999999999.995", "max_digits"),  # rounds up to 13 digits
    ],
)
def test_a_budget_that_is_not_a_plain_amount_rejects_its_ppa(run: Run, written: str, check: str) -> None:
    out = run({"moh.yaml": one_ppa(written)})
    reject = only_reject(out["ppa_yaml_ppas"])
    assert (reject.table_name, reject.column_name, reject.check_name, reject.location) == (
        "ppa_yaml_ppas",
        "approved_budget",
        check,
        "moh.yaml:8",
    )
    assert reject.row_key == "MOH|Clinics|2025" and reject.row_number == 1
    assert reject.reason.startswith("approved_budget ")
    assert run.rows("ppa_yaml_ppas", "title") == []
    load = out["ppa_yaml_ppas"].load
    assert (load.rows_read, load.rows_loaded, load.rows_rejected, load.status) == (1, 0, 1, "loaded_with_rejects")


def test_a_budget_written_as_text_is_named_in_the_reason(run: Run) -> None:
    out = run({"moh.yaml": one_ppa('"₱5M"')})
    reject = only_reject(out["ppa_yaml_ppas"])
    assert reject.failure_value == "₱5M"
    assert reject.reason == "approved_budget must be a plain number of pesos such as 12000000.00, not '₱5M'"


def test_a_negative_budget_is_rejected_by_the_contract(run: Run) -> None:
    out = run({"moh.yaml": one_ppa("-5000.00")})
    reject = only_reject(out["ppa_yaml_ppas"])
    assert (reject.column_name, reject.check_name, reject.failure_value, reject.location) == (
        "approved_budget",
        "greater_than_or_equal_to(0)",
        "-5000.00",
        "moh.yaml:8",
    )
    assert reject.reason == "approved_budget must not be negative: -5000.00"
    # the budget parsed, so it counts in the total read, not in the total loaded
    assert out["ppa_yaml_ppas"].control_totals["approved_budget"] == (Decimal("-5000.00"), Decimal("0.00"))


@pytest.mark.parametrize(
    ("budget", "stored", "said"),
    [
        ("", None, "no approved_budget; loaded with an empty budget"),
        ("null", None, "no approved_budget; loaded with an empty budget"),
        ('"  "', None, "no approved_budget; loaded with an empty budget"),
        ("0", Decimal("0.00"), "approved_budget is 0; loaded as 0.00"),
    ],
)
def test_an_empty_or_zero_budget_is_kept_and_said(run: Run, budget: str, stored: Decimal | None, said: str) -> None:
    out = run({"moh.yaml": one_ppa(budget)})
    assert out["ppa_yaml_ppas"].rejects == []
    assert run.rows("ppa_yaml_ppas", "title, approved_budget") == [("Clinics", stored)]
    assert [s for s in run.said if "moh.yaml: line 4: PPA 'Clinics': " in s and s.endswith(said)], run.said


def test_a_missing_budget_is_kept_and_said(run: Run) -> None:
    out = run({"moh.yaml": one_ppa().replace("    approved_budget: 1000.00\n", "")})
    assert out["ppa_yaml_ppas"].rejects == []
    assert out["ppa_yaml_ppas"].control_totals["approved_budget"] == (Decimal("0.00"), Decimal("0.00"))
    assert run.rows("ppa_yaml_ppas", "approved_budget") == [(None,)]
    assert any(
        s.endswith("moh.yaml: line 4: PPA 'Clinics': no approved_budget; loaded with an empty budget") for s in run.said
    )


WITH_INDICATOR = """
acronym: MOH
ppas:
  - title: {title}
    outcome_indicators:
      - indicator: Clinics opened
        target: 3
    approved_budget: 1000
"""


@pytest.mark.parametrize("title", ['""', "null", '"   "'])
def test_a_ppa_without_a_title_is_rejected_with_its_indicators(run: Run, title: str) -> None:
    out = run({"moh.yaml": WITH_INDICATOR.format(title=title)})
    reject = only_reject(out["ppa_yaml_ppas"])
    assert (reject.column_name, reject.check_name, reject.location, reject.row_key) == (
        "title",
        "not_nullable",
        "moh.yaml:3",
        "MOH||2025",
    )
    assert reject.reason == "title is required but empty"
    orphan = only_reject(out["ppa_yaml_indicators"])
    assert (orphan.check_name, orphan.location, orphan.reason) == (
        "parent_rejected",
        "moh.yaml:5",
        "its PPA (moh.yaml:3) was rejected",
    )
    assert out["ppa_yaml_indicators"].load.rows_read == 1 and out["ppa_yaml_indicators"].load.rows_loaded == 0


def test_a_ppa_with_no_title_key_is_rejected(run: Run) -> None:
    out = run({"moh.yaml": "acronym: MOH\nppas:\n  - description: untitled\n    approved_budget: 5\n"})
    reject = only_reject(out["ppa_yaml_ppas"])
    assert (reject.column_name, reject.check_name, reject.location) == ("title", "not_nullable", "moh.yaml:3")


def test_two_ppas_with_the_same_title_are_both_rejected(run: Run) -> None:
    files = {
        "moh.yaml": one_ppa(
            "1000.00",
            extra="  - title: Clinics\n    approved_budget: 2000.00\n  - title: Other\n    approved_budget: 1\n",
        )
    }
    out = run(files)
    rejects = out["ppa_yaml_ppas"].rejects
    assert [(r.row_number, r.check_name, r.column_name, r.location) for r in rejects] == [
        (1, "duplicate_key", "moa_acronym,title,fiscal_year", "moh.yaml:4"),
        (2, "duplicate_key", "moa_acronym,title,fiscal_year", "moh.yaml:9"),
    ]
    assert rejects[0].reason == (
        "the key (moa_acronym, title, fiscal_year) = (MOH|Clinics|2025) is read 2 times (moh.yaml:4, moh.yaml:9); "
        "no copy is loaded"
    )
    assert run.rows("ppa_yaml_ppas", "title") == [("Other",)]
    assert out["ppa_yaml_ppas"].control_totals["approved_budget"] == (Decimal("3001.00"), Decimal("1.00"))


def test_indicators_of_duplicated_ppas_are_rejected_once_each(run: Run) -> None:
    ppa = WITH_INDICATOR.format(title="Clinics")
    second = ppa.split("ppas:\n")[1]
    out = run({"moh.yaml": ppa + second})
    assert len(out["ppa_yaml_ppas"].rejects) == 2
    assert [(r.check_name, r.location) for r in out["ppa_yaml_indicators"].rejects] == [
        ("parent_rejected", "moh.yaml:5"),
        ("parent_rejected", "moh.yaml:10"),
    ]


def test_a_ppa_entry_that_is_not_a_mapping_is_rejected(run: Run) -> None:
    out = run({"moh.yaml": one_ppa(extra="  - Mobile clinics\n")})
    reject = only_reject(out["ppa_yaml_ppas"])
    assert (reject.row_number, reject.check_name, reject.column_name, reject.location, reject.row_key) == (
        2,
        "ppa_is_mapping",
        None,
        "moh.yaml:9",
        "MOH||2025",
    )
    assert reject.reason == "a PPA must be a mapping with a title, not the value 'Mobile clinics'"
    assert run.rows("ppa_yaml_ppas", "title, position") == [("Clinics", 1)]


@pytest.mark.parametrize(
    ("indicators", "shown"), [('"see annex"', "the value 'see annex'"), ("{indicator: x, target: 1}", "a mapping")]
)
def test_indicators_that_are_not_a_list_reject_the_ppa(run: Run, indicators: str, shown: str) -> None:
    out = run({"moh.yaml": one_ppa().replace("output_indicators: []", f"output_indicators: {indicators}")})
    reject = only_reject(out["ppa_yaml_ppas"])
    assert (reject.column_name, reject.check_name, reject.location) == ("output_indicators", "list", "moh.yaml:7")
    assert reject.reason == f"output_indicators must be a list of indicators, not {shown}"


@pytest.mark.parametrize("indicator", ['""', "null", '"  "'])
def test_an_indicator_without_text_is_rejected_and_its_ppa_kept(run: Run, indicator: str) -> None:
    out = run(
        {
            "moh.yaml": WITH_INDICATOR.format(title="Clinics").replace(
                "indicator: Clinics opened", f"indicator: {indicator}"
            )
        }
    )
    reject = only_reject(out["ppa_yaml_indicators"])
    assert (reject.column_name, reject.check_name, reject.location, reject.row_key) == (
        "indicator",
        "not_nullable",
        "moh.yaml:5",
        "MOH|Clinics|2025|outcome|1",
    )
    assert reject.reason == "indicator is required but empty"
    assert run.rows("ppa_yaml_ppas", "title, outcome_indicator_count") == [("Clinics", 1)]


def test_an_indicator_that_is_not_a_mapping_is_rejected(run: Run) -> None:
    files = {
        "moh.yaml": WITH_INDICATOR.format(title="Clinics").replace(
            "      - indicator: Clinics opened\n        target: 3\n", "      - Clinics opened\n"
        )
    }
    out = run(files)
    reject = only_reject(out["ppa_yaml_indicators"])
    assert (reject.check_name, reject.location) == ("indicator_is_mapping", "moh.yaml:5")
    assert "an indicator must be a mapping with `indicator` and `target`" in reject.reason


def test_a_target_that_is_a_list_is_rejected(run: Run) -> None:
    out = run({"moh.yaml": WITH_INDICATOR.format(title="Clinics").replace("target: 3", "target: [3, 4]")})
    reject = only_reject(out["ppa_yaml_indicators"])
    assert (reject.column_name, reject.check_name, reject.location, reject.reason) == (
        "target_raw",
        "text",
        "moh.yaml:6",
        "target_raw must be text, not a list",
    )


def test_a_field_written_twice_in_a_ppa_rejects_it(run: Run) -> None:
    out = run({"moh.yaml": one_ppa(extra="    approved_budget: 2000.00\n")})
    reject = only_reject(out["ppa_yaml_ppas"])
    assert (reject.column_name, reject.check_name, reject.location) == (
        "approved_budget",
        "repeated_field",
        "moh.yaml:9",
    )
    assert reject.reason == "`approved_budget` is written more than once in this PPA"


def test_a_title_that_is_not_text_rejects_the_ppa(run: Run) -> None:
    out = run({"moh.yaml": one_ppa(title="[Clinics, Hospitals]")})
    reject = only_reject(out["ppa_yaml_ppas"])
    assert (reject.column_name, reject.check_name, reject.location, reject.reason) == (
        "title",
        "text",
        "moh.yaml:4",
        "title must be text, not a list",
    )


def test_special_provisions_without_a_title_or_not_a_mapping_are_rejected(run: Run) -> None:
    provisions = 'special_provisions:\n  - details: "no title"\n  - "just text"\n  - title: Kept\n    details: ok\n'
    out = run({"moh.yaml": one_ppa(extra=provisions)})
    rejects = out["ppa_yaml_special_provisions"].rejects
    assert [(r.row_number, r.column_name, r.check_name, r.location, r.row_key) for r in rejects] == [
        (1, "title", "not_nullable", "moh.yaml:10", "MOH|2025|1"),
        (2, None, "provision_is_mapping", "moh.yaml:11", "MOH|2025|2"),
    ]
    assert run.rows("ppa_yaml_special_provisions", "position, title, details") == [(3, "Kept", "ok")]


def test_every_bad_row_of_a_file_is_reported_in_one_load(run: Run) -> None:
    extra = (
        "  - title: Negative\n    approved_budget: -1\n"
        "  - title: Text\n    approved_budget: 5 pesos\n"
        "  - title: ''\n    approved_budget: 1\n"
        "  - title: Good\n    approved_budget: 7\n"
    )
    out = run({"moh.yaml": one_ppa(extra=extra)})
    assert [(r.row_number, r.column_name, r.check_name) for r in out["ppa_yaml_ppas"].rejects] == [
        (2, "approved_budget", "greater_than_or_equal_to(0)"),
        (3, "approved_budget", "number"),
        (4, "title", "not_nullable"),
    ]
    load = out["ppa_yaml_ppas"].load
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (5, 2, 3)
    assert out["ppa_yaml_ppas"].control_totals["approved_budget"] == (Decimal("1007.00"), Decimal("1007.00"))


# ------------------------------------------------------------------------------------------------ contracts
def test_contracts_report_every_failure_of_a_frame_at_once() -> None:
    frame = pl.DataFrame(
        {
            "moa_acronym": ["MOH", "MOH", "MOH"],
            "ppa_title": ["A", None, "A"],
            "fiscal_year": [2025, 1999, 2025],
            "level": ["outcome", "output", "impact"],
            "position": [1, 0, 2],
            "indicator": ["x", "y", ""],
            "target_raw": [None, "1", "2"],
        },
        schema=INDICATORS.columns,
    )
    found = [(f.row, f.column, f.check) for f in failures(contract(INDICATORS), frame)]
    assert sorted(found) == [
        (1, "fiscal_year", "in_range(2000, 2100)"),
        (1, "position", "greater_than_or_equal_to(1)"),
        (1, "ppa_title", "not_nullable"),
        (2, "indicator", "str_length(1, None)"),
        (2, "level", "isin(['outcome', 'output'])"),
    ]


def test_contracts_have_exactly_the_raw_tables_columns() -> None:
    for table in (PPAS, INDICATORS, PROVISIONS):
        schema = contract(table)
        assert {c: schema.columns[c].dtype.type for c in schema.columns} == dict(table.columns)


# ------------------------------------------------------------------------------------- the real published files
@pytest.mark.acceptance
def test_the_published_files_load_completely(run: Run) -> None:
    folder = SHARED_DATA / "ppa"
    expected: dict[str, tuple] = {}
    for path in sorted(folder.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        ppas = doc["ppas"]
        budget = sum((Decimal(str(p["approved_budget"])) for p in ppas), Decimal(0)).quantize(Decimal("0.01"))
        indicators = sum(len(p.get(k) or []) for p in ppas for k in ("outcome_indicators", "output_indicators"))
        expected[path.name] = (doc["acronym"], len(ppas), budget, indicators, len(doc.get("special_provisions") or []))
    assert len(expected) == 33
    assert sum(e[1] for e in expected.values()) == 211
    assert sum(e[2] for e in expected.values()) == Decimal("60153195042.00")

    out = run(path=str(folder))
    for outcome in out.values():
        assert outcome.rejects == [] and outcome.load.rows_rejected == 0
    assert out["ppa_yaml_ppas"].control_totals["approved_budget"] == (Decimal("60153195042.00"),) * 2
    got = {
        f: (a, n, b, 0, 0)
        for f, a, n, b in run.rows("ppa_yaml_ppas", "_file, moa_acronym, count(*), sum(approved_budget) GROUP BY ALL")
    }
    for f, n in run.rows("ppa_yaml_indicators", "_file, count(*) GROUP BY ALL"):
        got[f] = (*got[f][:3], n, 0)
    for f, n in run.rows("ppa_yaml_special_provisions", "_file, count(*) GROUP BY ALL"):
        got[f] = (*got[f][:4], n)
    assert got == expected
    assert got["moh.yaml"][:3] == ("MOH", 61, Decimal("6772589230.00"))
    assert got["bago.yaml"][:2] == ("BAGO", 1)  # not in the organisation list, and loaded
    assert run.rows("ppa_yaml_ppas", "count(*), sum(approved_budget), count(DISTINCT moa_acronym)") == [
        (211, Decimal("60153195042.00"), 33)
    ]
    again = run(path=str(folder))
    assert all(o.load.rows_unchanged == o.load.rows_read for o in again.values())
