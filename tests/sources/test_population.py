"""PSA population files into raw.psa_population: names, levels, lines, snapshots, and every kind of bad input.

Small files are written in tmp_path with figures computed by hand in the comments; one test reads the real
files in ../shared/data/obcms (read-only) and checks them against totals computed here with plain Python.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.home import ConfigError
from ingest.population import POPULATION, RAW_TABLES, load, region_of
from ingest.sources import LoadContext, SourceError, TableOutcome
from ingest.state import Reject
from tests.conftest import SHARED_DATA

# Region XII, two provinces. Province = Σ municipalities = Σ barangays everywhere:
# 600 + 400 = 1,000 (Isulan); 500 (Tacurong); 1,000 + 500 = 1,500 (Sultan Kudarat); 2,000 (Sarangani).
SAMPLE = (
    "SULTAN KUDARAT\t1,500\n"  # 1
    "\tISULAN\t1,000\n"  # 2
    "\t\tKalawag I\t600\n"  # 3
    "\t\tKalawag II\t400\n"  # 4
    "\tCITY OF TACURONG\t500\n"  # 5
    "\t\tPoblacion\t500\n"  # 6
    "SARANGANI\t2,000\n"  # 7
    "\tALABEL\t2000\n"  # 8 (no thousands separator: allowed)
    "\t\tMaribulan\t2,000\n"  # 9
)
SAMPLE_ROWS = [
    ("XII", "province", "SARANGANI", None, None, 2000, 7),
    ("XII", "municipality", "SARANGANI", "ALABEL", None, 2000, 8),
    ("XII", "barangay", "SARANGANI", "ALABEL", "Maribulan", 2000, 9),
    ("XII", "province", "SULTAN KUDARAT", None, None, 1500, 1),
    ("XII", "municipality", "SULTAN KUDARAT", "CITY OF TACURONG", None, 500, 5),
    ("XII", "barangay", "SULTAN KUDARAT", "CITY OF TACURONG", "Poblacion", 500, 6),
    ("XII", "municipality", "SULTAN KUDARAT", "ISULAN", None, 1000, 2),
    ("XII", "barangay", "SULTAN KUDARAT", "ISULAN", "Kalawag I", 600, 3),
    ("XII", "barangay", "SULTAN KUDARAT", "ISULAN", "Kalawag II", 400, 4),
]
XII = "region_xii_population_raw.txt"
IX = "region_ix_population_raw.txt"


# ------------------------------------------------------------------------------------------ helpers
@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    yield connection
    connection.close()


def _write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    return path


def _load(con, folder: Path, *names: str, run_id: str = "r1", **options) -> TableOutcome:
    source = {"name": "psa", "kind": "population", "paths": list(names), **options}
    ctx = LoadContext(con=con, run_id=run_id, source=source, base_dir=folder, say=lambda _line: None)
    (outcome,) = load(ctx)
    return outcome


def _rows(con, where: str = "_deleted_at is null") -> list[tuple]:
    return con.execute(
        "select region_code, level, province_name, municipality_name, barangay_name, population, _line "
        f"from raw.psa_population where {where} order by province_name, municipality_name nulls first, "
        "barangay_name nulls first"
    ).fetchall()


def _only_reject(outcome: TableOutcome) -> Reject:
    assert len(outcome.rejects) == 1, outcome.rejects
    return outcome.rejects[0]


def _with_line(line_number: int, line: str) -> str:
    """SAMPLE with ``line`` inserted as line ``line_number``."""
    lines = SAMPLE.splitlines(keepends=True)
    lines.insert(line_number - 1, line + "\n")
    return "".join(lines)


# ---------------------------------------------------------------------------------------- happy path
def test_the_raw_table_is_exactly_as_specified() -> None:
    assert RAW_TABLES == (POPULATION,)
    assert POPULATION.name == "psa_population"
    assert POPULATION.key == ("region_code", "province_name", "municipality_name", "barangay_name")
    assert {c: str(t) for c, t in POPULATION.columns.items()} == {
        "region_code": "String",
        "level": "String",
        "province_name": "String",
        "municipality_name": "String",
        "barangay_name": "String",
        "population": "Int64",
    }


def test_loads_every_record_with_its_names_level_file_and_line(con, tmp_path) -> None:
    _write(tmp_path, XII, SAMPLE)
    outcome = _load(con, tmp_path, XII)
    assert _rows(con) == SAMPLE_ROWS
    files = con.execute("select distinct _file, _source, _run_id from raw.psa_population").fetchall()
    assert files == [(XII, "psa", "r1")]
    types = dict(con.execute("select column_name, column_type from (describe raw.psa_population)").fetchall())
    assert types["population"] == "BIGINT"
    assert types["_line"] == "BIGINT"
    assert outcome.rejects == []


def test_counts_and_control_totals_per_level(con, tmp_path) -> None:
    _write(tmp_path, XII, SAMPLE)
    outcome = _load(con, tmp_path, XII)
    load = outcome.load
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (9, 9, 0)
    assert (load.rows_inserted, load.rows_updated, load.rows_unchanged, load.rows_deleted) == (9, 0, 0, 0)
    assert load.status == "loaded"
    # provinces 1,500 + 2,000; municipalities 1,000 + 500 + 2,000; barangays 600 + 400 + 500 + 2,000
    assert outcome.control_totals == {
        "population_province": (Decimal(3500), Decimal(3500)),
        "population_municipality": (Decimal(3500), Decimal(3500)),
        "population_barangay": (Decimal(3500), Decimal(3500)),
    }


def test_control_totals_read_count_rejected_lines_whose_number_parsed(con, tmp_path) -> None:
    # Line 5 repeats "Kalawag II" (400 and 70): both copies are rejected, both figures were read.
    _write(tmp_path, XII, _with_line(5, "\t\tKalawag II\t70"))
    outcome = _load(con, tmp_path, XII)
    assert outcome.load.rows_read == 10
    assert outcome.load.rows_rejected == 2
    # read: 600 + 400 + 70 + 500 + 2,000 = 3,570; loaded: 600 + 500 + 2,000 = 3,100
    assert outcome.control_totals["population_barangay"] == (Decimal(3570), Decimal(3100))
    assert outcome.control_totals["population_province"] == (Decimal(3500), Decimal(3500))


def test_region_comes_from_the_option_when_the_name_does_not_say(con, tmp_path) -> None:
    _write(tmp_path, "cotabato_population.txt", "COTABATO\t10\n\tKABACAN\t10\n")
    _load(con, tmp_path, "cotabato_population.txt", region="xii")
    assert [r[:3] for r in _rows(con)] == [("XII", "province", "COTABATO"), ("XII", "municipality", "COTABATO")]


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("region_ix_population_raw.txt", "IX"),
        ("region_x_population_raw.txt", "X"),
        ("region_xi_population_raw.txt", "XI"),
        ("region_xii_population_raw.txt", "XII"),
        ("Region-XII 2024.tsv", "XII"),
        ("psa_region_12.txt", "XII"),
        ("region9.txt", "IX"),
    ],
)
def test_region_from_the_file_name(name, region) -> None:
    assert region_of(Path(name), None) == region


def test_repeating_the_same_load_changes_nothing(con, tmp_path) -> None:
    _write(tmp_path, XII, SAMPLE)
    _load(con, tmp_path, XII, run_id="r1")
    before = con.execute("select * from raw.psa_population order by all").fetchall()
    outcome = _load(con, tmp_path, XII, run_id="r2")
    assert con.execute("select * from raw.psa_population order by all").fetchall() == before
    load = outcome.load
    assert (load.rows_inserted, load.rows_updated, load.rows_unchanged, load.rows_deleted) == (0, 0, 9, 0)


def test_a_changed_figure_replaces_the_old_row(con, tmp_path) -> None:
    _write(tmp_path, XII, SAMPLE)
    _load(con, tmp_path, XII, run_id="r1")
    _write(tmp_path, XII, SAMPLE.replace("\t\tKalawag II\t400", "\t\tKalawag II\t401"))
    outcome = _load(con, tmp_path, XII, run_id="r2")
    assert (outcome.load.rows_updated, outcome.load.rows_unchanged) == (1, 8)
    rows = con.execute(
        "select population, _run_id, _deleted_at from raw.psa_population where barangay_name = 'Kalawag II'"
    ).fetchall()
    assert rows == [(401, "r2", None)]


def test_a_removed_line_is_marked_deleted(con, tmp_path) -> None:
    _write(tmp_path, XII, SAMPLE)
    _load(con, tmp_path, XII, run_id="r1")
    _write(tmp_path, XII, SAMPLE.replace("\t\tKalawag II\t400\n", ""))
    outcome = _load(con, tmp_path, XII, run_id="r2")
    assert outcome.load.rows_deleted == 1
    deleted = _rows(con, "_deleted_at is not null")
    assert deleted == [("XII", "barangay", "SULTAN KUDARAT", "ISULAN", "Kalawag II", 400, 4)]
    assert len(_rows(con)) == 8


def test_other_regions_are_left_alone(con, tmp_path) -> None:
    _write(tmp_path, XII, SAMPLE)
    _write(tmp_path, IX, "SULU\t100\n\tJOLO\t100\n")
    _load(con, tmp_path, XII, IX, run_id="r1")
    _write(tmp_path, IX, "SULU\t120\n")  # region IX changes and loses Jolo; XII is not loaded this time
    outcome = _load(con, tmp_path, IX, run_id="r2")
    assert (outcome.load.rows_updated, outcome.load.rows_deleted) == (1, 1)
    assert [r for r in _rows(con) if r[0] == "XII"] == SAMPLE_ROWS
    assert [r[:6] for r in _rows(con) if r[0] == "IX"] == [("IX", "province", "SULU", None, None, 120)]


def test_blank_lines_crlf_and_byte_order_mark_are_read(con, tmp_path) -> None:
    text = "\ufeff" + SAMPLE.replace("\n", "\r\n").replace("SARANGANI\t2,000", "\r\n\t \r\nSARANGANI\t2,000")
    _write(tmp_path, XII, text)
    outcome = _load(con, tmp_path, XII)
    assert outcome.load.rows_read == 9
    lines = {r[4] or r[3] or r[2]: r[6] for r in _rows(con)}
    assert lines["SARANGANI"] == 9  # two blank lines before it still count as lines
    assert lines["Kalawag I"] == 3


def test_relative_paths_are_resolved_against_the_configuration_folder(con, tmp_path) -> None:
    (tmp_path / "psa").mkdir()
    _write(tmp_path / "psa", XII, SAMPLE)
    _load(con, tmp_path, f"psa/{XII}")
    assert len(_rows(con)) == 9


# ------------------------------------------------------------------------------- row-level rejects
def test_a_barangay_without_population_is_rejected_and_the_load_goes_on(con, tmp_path) -> None:
    # like "Puti" of Banisilan, Cotabato (region XII line 447): a name and no figure
    _write(tmp_path, XII, _with_line(5, "\t\tPuti"))
    outcome = _load(con, tmp_path, XII)
    reject = _only_reject(outcome)
    assert reject.location == f"{XII}:5"
    assert reject.row_key == "XII|SULTAN KUDARAT|ISULAN|Puti"
    assert (reject.column_name, reject.check_name, reject.failure_value) == ("population", "missing_population", None)
    assert "barangay 'Puti' (SULTAN KUDARAT > ISULAN) has no population" in reject.reason
    assert "not guessed" in reject.reason
    assert (outcome.load.rows_read, outcome.load.rows_loaded, outcome.load.rows_rejected) == (10, 9, 1)
    assert outcome.load.status == "loaded_with_rejects"
    assert "Puti" not in {r[4] for r in _rows(con)}


def test_an_empty_population_field_is_rejected(con, tmp_path) -> None:
    _write(tmp_path, XII, _with_line(5, "\t\tPuti\t  "))
    reject = _only_reject(_load(con, tmp_path, XII))
    assert reject.location == f"{XII}:5"
    assert (reject.column_name, reject.check_name) == ("population", "missing_population")
    assert "empty population field" in reject.reason


def test_a_population_with_letters_is_rejected(con, tmp_path) -> None:
    _write(tmp_path, XII, SAMPLE.replace("\t\tKalawag II\t400", "\t\tKalawag II\t1,2a3"))
    reject = _only_reject(_load(con, tmp_path, XII))
    assert reject.location == f"{XII}:4"
    assert (reject.column_name, reject.check_name, reject.failure_value) == ("population", "not_a_number", "1,2a3")
    assert reject.reason == (
        "barangay 'Kalawag II' (SULTAN KUDARAT > ISULAN): population '1,2a3' is not a number (expected e.g. 1,601,902)"
    )


def test_a_negative_population_is_rejected(con, tmp_path) -> None:
    _write(tmp_path, XII, SAMPLE.replace("\tCITY OF TACURONG\t500", "\tCITY OF TACURONG\t-5"))
    outcome = _load(con, tmp_path, XII)
    reject = _only_reject(outcome)
    assert reject.location == f"{XII}:5"
    assert (reject.column_name, reject.check_name, reject.failure_value) == ("population", "negative_population", "-5")
    assert reject.reason == "city/municipality 'CITY OF TACURONG' (SULTAN KUDARAT): population -5 is negative"
    # its barangay is still placed under it: the municipality's name is known, only its figure is not
    assert ("XII", "barangay", "SULTAN KUDARAT", "CITY OF TACURONG", "Poblacion", 500, 6) in _rows(con)


def test_a_fractional_population_is_rejected(con, tmp_path) -> None:
    _write(tmp_path, XII, SAMPLE.replace("SARANGANI\t2,000", "SARANGANI\t12.5"))
    reject = _only_reject(_load(con, tmp_path, XII))
    assert reject.location == f"{XII}:7"
    assert (reject.column_name, reject.check_name, reject.failure_value) == ("population", "not_whole_number", "12.5")
    assert reject.reason == "province/HUC block 'SARANGANI': population 12.5 is not a whole number"


def test_misplaced_thousands_separators_are_rejected(con, tmp_path) -> None:
    _write(tmp_path, XII, SAMPLE.replace("\t\tKalawag I\t600", "\t\tKalawag I\t1,23"))
    reject = _only_reject(_load(con, tmp_path, XII))
    assert reject.location == f"{XII}:3"
    assert (reject.check_name, reject.failure_value) == ("misplaced_thousands_separator", "1,23")
    assert "misplaced thousands separators" in reject.reason


def test_an_implausibly_large_population_fails_the_contract(con, tmp_path) -> None:
    _write(tmp_path, XII, SAMPLE.replace("SARANGANI\t2,000", "SARANGANI\t200,000,000"))
    reject = _only_reject(_load(con, tmp_path, XII))
    assert reject.location == f"{XII}:7"
    assert reject.column_name == "population"
    assert reject.check_name == "less_than_or_equal_to(150000000)"
    assert reject.failure_value == "200000000"
    assert (
        reject.reason == "province/HUC block 'SARANGANI': population 200000000 fails less_than_or_equal_to(150000000)"
    )


def test_a_barangay_with_no_municipality_above_it_is_rejected(con, tmp_path) -> None:
    # line 8 "\tALABEL" becomes a barangay right under the province SARANGANI (line 7)
    _write(tmp_path, XII, SAMPLE.replace("\tALABEL\t2000", "\t\tGlan Padidu\t2000"))
    outcome = _load(con, tmp_path, XII)
    assert [r.location for r in outcome.rejects] == [f"{XII}:8", f"{XII}:9"]  # Maribulan too: no municipality
    jump = outcome.rejects[0]
    assert (jump.column_name, jump.check_name, jump.failure_value) == ("level", "depth_jump", "depth 2")
    assert jump.reason == (
        "barangay 'Glan Padidu' (2 leading TABs) has no city/municipality above it: the nearest record above it "
        "is province/HUC block 'SARANGANI' on line 7 (depth 0); a line may go at most one level deeper than the "
        "record above it"
    )
    assert outcome.load.rows_loaded == 7


def test_a_name_repeated_under_one_parent_rejects_every_copy(con, tmp_path) -> None:
    _write(tmp_path, XII, _with_line(5, "\t\tKalawag I\t600"))
    outcome = _load(con, tmp_path, XII)
    assert [r.location for r in outcome.rejects] == [f"{XII}:3", f"{XII}:5"]
    for reject in outcome.rejects:
        assert (reject.column_name, reject.check_name, reject.failure_value) == (
            "barangay_name",
            "duplicate_name",
            "Kalawag I",
        )
        assert reject.reason == (
            "barangay 'Kalawag I' appears 2 times under SULTAN KUDARAT > ISULAN (lines 3, 5): every copy is "
            "rejected, as they cannot be told apart"
        )
    assert "Kalawag I" not in {r[4] for r in _rows(con)}
    # the same barangay name under another municipality is not a duplicate
    _write(tmp_path, XII, SAMPLE.replace("\t\tPoblacion\t500", "\t\tKalawag I\t500"))
    assert _load(con, tmp_path, XII, run_id="r2").rejects == []


def test_lines_under_a_repeated_parent_are_rejected_too(con, tmp_path) -> None:
    text = SAMPLE + "SARANGANI\t50\n\tGLAN\t50\n"  # a second SARANGANI block (lines 10-11)
    _write(tmp_path, XII, text)
    outcome = _load(con, tmp_path, XII)
    by_line = {r.location: r for r in outcome.rejects}
    assert sorted(by_line) == [f"{XII}:10", f"{XII}:11", f"{XII}:7", f"{XII}:8", f"{XII}:9"]
    assert by_line[f"{XII}:7"].check_name == "duplicate_name"
    assert by_line[f"{XII}:7"].column_name == "province_name"
    child = by_line[f"{XII}:11"]
    assert (child.check_name, child.failure_value) == ("parent_rejected", "SARANGANI")
    assert child.reason.startswith(
        "city/municipality 'GLAN' (SARANGANI) cannot be placed: the province/HUC block above it on line 10 was "
        "rejected (province/HUC block 'SARANGANI' appears 2 times under region XII (lines 7, 10)"
    )
    assert {r[2] for r in _rows(con)} == {"SULTAN KUDARAT"}


def test_a_line_with_too_many_fields_is_rejected(con, tmp_path) -> None:
    _write(tmp_path, XII, SAMPLE.replace("\t\tKalawag I\t600", "\t\tKalawag I\t600\t2024"))
    reject = _only_reject(_load(con, tmp_path, XII))
    assert reject.location == f"{XII}:3"
    assert (reject.column_name, reject.check_name, reject.failure_value) == (
        None,
        "too_many_fields",
        "Kalawag I\t600\t2024",
    )
    assert reject.reason == (
        "3 tab-separated fields after the indentation where 2 are expected (name<TAB>population): "
        "['Kalawag I', '600', '2024']"
    )


def test_a_line_more_than_two_tabs_deep_is_rejected(con, tmp_path) -> None:
    _write(tmp_path, XII, _with_line(5, "\t\t\tSitio Malipayon\t40"))
    reject = _only_reject(_load(con, tmp_path, XII))
    assert reject.location == f"{XII}:5"
    assert (reject.column_name, reject.check_name, reject.failure_value) == ("level", "too_deep", "depth 3")
    assert reject.reason.startswith("3 leading TABs: a record is a province/HUC block (no TAB)")


def test_a_name_indented_with_spaces_is_rejected_with_what_hangs_under_it(con, tmp_path) -> None:
    _write(tmp_path, XII, SAMPLE.replace("\tCITY OF TACURONG\t500", "\t    CITY OF TACURONG\t500"))
    outcome = _load(con, tmp_path, XII)
    assert [(r.location, r.check_name) for r in outcome.rejects] == [
        (f"{XII}:5", "indented_with_spaces"),
        (f"{XII}:6", "parent_rejected"),
    ]
    assert outcome.rejects[0].column_name == "name"
    assert "'CITY OF TACURONG' is indented with spaces" in outcome.rejects[0].reason


def test_a_line_without_a_name_is_rejected(con, tmp_path) -> None:
    _write(tmp_path, XII, _with_line(5, "\t\t \t250"))
    reject = _only_reject(_load(con, tmp_path, XII))
    assert reject.location == f"{XII}:5"
    assert (reject.column_name, reject.check_name) == ("name", "missing_name")
    assert reject.reason == "the line has no name before its population"


# ------------------------------------------------------------------------------------ file-level errors
def _fails(con, folder: Path, *names: str, **options) -> str:
    with pytest.raises(SourceError) as excinfo:
        _load(con, folder, *names, **options)
    assert not con.execute(
        "select count(*) from information_schema.tables where table_name = 'psa_population'"
    ).fetchall()[0][0], "nothing may be written when a file fails"
    return str(excinfo.value)


def test_an_empty_file_fails_the_source(con, tmp_path) -> None:
    path = _write(tmp_path, XII, "")
    assert _fails(con, tmp_path, XII) == f"{path}: the file is empty"


def test_a_file_of_blank_lines_has_no_records(con, tmp_path) -> None:
    path = _write(tmp_path, XII, "\n\t\t\n   \n")
    assert _fails(con, tmp_path, XII) == f"{path}: the file has no content (only blank lines)"


def test_a_file_that_is_not_utf8_fails_with_its_line(con, tmp_path) -> None:
    path = _write(tmp_path, XII, SAMPLE.encode("utf-8") + "\t\tSto. Niño\t10\n".encode("latin-1"))
    message = _fails(con, tmp_path, XII)
    assert message.startswith(f"{path}: line 10: not UTF-8 text (byte 0xf1")


def test_a_file_over_the_size_limit_fails(con, tmp_path) -> None:
    path = _write(tmp_path, XII, SAMPLE * 4000)  # 4,000 × 150 bytes = 0.57 MB
    message = _fails(con, tmp_path, XII, max_file_mb=0.25)
    assert message.startswith(f"{path}: 0.6 MB is over the 0.2 MB limit for one file")


def test_a_file_starting_below_province_level_fails(con, tmp_path) -> None:
    path = _write(tmp_path, XII, "\n\tISULAN\t1,000\n\t\tKalawag I\t600\n")
    assert _fails(con, tmp_path, XII) == (
        f"{path}: line 2: the first record is at depth 1 (1 leading TAB: city/municipality); a population file must "
        "start with a province or HUC block (no leading TAB)"
    )


def test_a_file_whose_name_and_options_give_no_region_fails(con, tmp_path) -> None:
    path = _write(tmp_path, "population.txt", SAMPLE)
    message = _fails(con, tmp_path, "population.txt")
    assert message.startswith(f"{path}: cannot tell which region this file holds")
    assert "`region` option (IX, X, XI, XII)" in message


def test_a_region_option_contradicting_the_file_name_fails(con, tmp_path) -> None:
    path = _write(tmp_path, XII, SAMPLE)
    assert _fails(con, tmp_path, XII, region="IX") == (
        f"{path}: the file name says region XII but the source's `region` option says IX; correct one of them"
    )


def test_two_files_for_one_region_fail(con, tmp_path) -> None:
    first = _write(tmp_path, XII, SAMPLE)
    second = _write(tmp_path, "region_12_population_2025.txt", SAMPLE)
    assert _fails(con, tmp_path, XII, second.name) == (
        f"{second}: region XII is already loaded from {first}: give one file per region"
    )


def test_a_missing_file_fails(con, tmp_path) -> None:
    assert _fails(con, tmp_path, XII) == f"{tmp_path / XII}: no such file"


def test_an_unknown_region_option_is_a_configuration_error(con, tmp_path) -> None:
    _write(tmp_path, "population.txt", SAMPLE)
    with pytest.raises(ConfigError, match=r"`region` must be one of IX, X, XI, XII, not 'XIII'"):
        _load(con, tmp_path, "population.txt", region="XIII")


def test_paths_are_required(con, tmp_path) -> None:
    with pytest.raises(ConfigError, match="`paths` is required"):
        _load(con, tmp_path)


# ------------------------------------------------------------------------------------------ real files
REAL_FILES = sorted(SHARED_DATA.glob("region_*_population_raw.txt"))


def _count_by_hand(paths: list[Path]) -> dict:
    """Lines by depth, Σ of depth-0 figures and the lines without a figure, with nothing but str methods."""
    counts = {0: 0, 1: 0, 2: 0}
    province_total = 0
    loaded_by_depth = {0: 0, 1: 0, 2: 0}
    without_figure = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
            if not line.strip():
                continue
            depth = len(line) - len(line.lstrip("\t"))
            counts[depth] += 1
            parts = line.strip("\t").split("\t")
            if len(parts) < 2:
                without_figure.append(f"{path.name}:{number}")
                continue
            value = int(parts[1].replace(",", ""))
            loaded_by_depth[depth] += value
            if depth == 0:
                province_total += value
    return {
        "counts": counts,
        "province_total": province_total,
        "loaded_by_depth": loaded_by_depth,
        "without_figure": without_figure,
    }


@pytest.mark.acceptance
def test_the_real_population_files(con) -> None:
    assert [p.name for p in REAL_FILES] == [
        "region_ix_population_raw.txt",
        "region_x_population_raw.txt",
        "region_xi_population_raw.txt",
        "region_xii_population_raw.txt",
    ]
    expected = _count_by_hand(REAL_FILES)
    assert expected["counts"] == {0: 24, 1: 282, 2: 6598}
    assert expected["province_total"] == 20_120_458
    assert expected["without_figure"] == ["region_xii_population_raw.txt:447"]

    outcome = _load(con, SHARED_DATA, *(p.name for p in REAL_FILES))
    load = outcome.load
    lines = sum(expected["counts"].values())
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (lines, lines - 1, 1)
    reject = _only_reject(outcome)
    assert reject.location == "region_xii_population_raw.txt:447"
    assert reject.row_key == "XII|COTABATO|Banisilan|Puti"
    assert (reject.column_name, reject.check_name) == ("population", "missing_population")

    by_level = dict(
        con.execute(
            "select level, struct_pack(n := count(*), total := sum(population)) from raw.psa_population group by level"
        ).fetchall()
    )
    assert by_level["province"] == {"n": 24, "total": expected["province_total"]}
    assert by_level["municipality"] == {"n": 282, "total": expected["loaded_by_depth"][1]}
    assert by_level["barangay"] == {"n": 6598 - 1, "total": expected["loaded_by_depth"][2]}
    assert outcome.control_totals["population_province"] == (Decimal(20_120_458), Decimal(20_120_458))
    regions = dict(
        con.execute(
            "select region_code, count(*) from raw.psa_population where level = 'province' group by 1"
        ).fetchall()
    )
    assert regions == {"IX": 6, "X": 7, "XI": 6, "XII": 5}
    # names are kept exactly as written: upper-case provinces, mixed-case municipalities
    names = {r[0] for r in con.execute("select province_name from raw.psa_population").fetchall()}
    assert {"DAVAO CITY (HUC)", "CITY OF ISABELA", "DAVAO DE ORO"} <= names
    (bansalan,) = con.execute(
        "select m.population, sum(b.population) from raw.psa_population m join raw.psa_population b "
        "on b.level = 'barangay' and b.province_name = m.province_name and b.municipality_name = m.municipality_name "
        "where m.level = 'municipality' and m.municipality_name = 'Bansalan' group by m.population"
    ).fetchall()
    assert bansalan == (64_816, 70_624)
