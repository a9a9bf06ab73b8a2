"""PSA population files (``region_*_population_raw.txt``) into ``raw.psa_population``.

The files (obcms_schema.md §8.3) hold one record per line, UTF-8. The depth of a record is its number of
leading TABs (0 = province or HUC block, 1 = city/municipality, 2 = barangay), then ``name<TAB>population``
with thousands separators::

    BUKIDNON<TAB>1,601,902
    <TAB>BAUNGON<TAB>39,151
    <TAB><TAB>Balintad<TAB>660

Each record becomes one row keyed by (region_code, province_name, municipality_name, barangay_name), names
exactly as the file writes them, with the file name and 1-based line in ``_file``/``_line``. Blank lines are
not records. The region comes from the source's ``region`` option or, failing that, from the file name
(``region_xii_population_raw.txt`` → XII).

Error policy. A line that cannot be loaded as it stands is rejected, with its ``file:line``, and the load
goes on; nothing is guessed:

* no population (the real barangay "Puti" of Banisilan, Cotabato has none), or one that is not a whole,
  non-negative number with well-placed thousands separators ("1,2a3", "-5", "12.5", "1,23");
* too many tab-separated fields, more than two leading TABs, a name indented with spaces, a blank name;
* a depth that jumps (a barangay with no city/municipality above it);
* a name that appears more than once under the same parent (every copy: they cannot be told apart), and
  every line below a parent that could not be placed;
* a row that breaks the pandera contract (``validation.population``), e.g. an implausibly large population.

A problem with a file as a whole raises ``SourceError`` naming the file (and the line, where there is one):
missing, empty, not UTF-8, over ``max_file_mb``, a first record that is not a province (depth 0), no records,
no region to be found, two files for one region.

The load is a snapshot per region: rows of the regions loaded that are no longer in their file are marked
deleted, rows of other regions are left alone, and repeating a load changes nothing (``ingest.raw.merge``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl

from ingest.home import ConfigError
from ingest.raw import MergeScope, RawTable, merge
from ingest.sources import LoadContext, SourceError, TableOutcome
from ingest.state import Reject, TableLoad
from ingest.textfiles import read_text
from validation.population import LEVELS, REGIONS, ContractMismatch, failures

POPULATION = RawTable(
    "psa_population",
    {
        "region_code": pl.String,
        "level": pl.String,
        "province_name": pl.String,
        "municipality_name": pl.String,
        "barangay_name": pl.String,
        "population": pl.Int64,
    },
    key=("region_code", "province_name", "municipality_name", "barangay_name"),
)
RAW_TABLES = (POPULATION,)

LEVEL_NAMES = {"province": "province/HUC block", "municipality": "city/municipality", "barangay": "barangay"}
NAME_COLUMNS = ("province_name", "municipality_name", "barangay_name")
MAX_DEPTH = len(LEVELS) - 1
# "region_xii", "Region-XII", "region 12" in a file name; the longest numeral wins.
_REGION_IN_NAME = re.compile(r"(?<![a-z])region[\s_\-]*(xii|xi|ix|x|12|11|10|0?9)(?![a-z0-9])", re.IGNORECASE)
_ARABIC = {"9": "IX", "09": "IX", "10": "X", "11": "XI", "12": "XII"}
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")
_PLAIN = re.compile(r"\d+")
_MAX_DIGITS = 15  # far above any real population; keeps the value inside BIGINT before the contract sees it


@dataclass(frozen=True)
class Problem:
    """Why a line is rejected: the column and check it failed, the offending value and a sentence."""

    column: str | None
    check: str
    value: str | None
    reason: str


@dataclass(eq=False)
class Record:
    """One non-blank line of a file, as read."""

    line: int
    depth: int
    name: str
    population_text: str | None  # None when the line has no population field
    field_count: int
    parent: Record | None = None
    population: int | None = None
    format_problem: Problem | None = None  # the line cannot be read as it stands
    population_problem: Problem | None = None
    placeable: bool = True  # records below it can be placed under it
    why: str = ""  # why it was rejected, for the records below it

    @property
    def level(self) -> str:
        return LEVELS[min(self.depth, MAX_DEPTH)]

    @property
    def ancestors(self) -> list[Record]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def names(self) -> tuple[str | None, str | None, str | None]:
        padded: list[str | None] = [*(r.name for r in (*self.ancestors, self)), None, None]
        return padded[0], padded[1], padded[2]

    def describe(self) -> str:
        where = " > ".join(r.name for r in self.ancestors)
        return f"{LEVEL_NAMES[self.level]} {self.name!r}" + (f" ({where})" if where else "")


# --------------------------------------------------------------------------------------- reading
def region_of(path: Path, option: str | None) -> str:
    """The region a file holds: the ``region`` option when given, else what the file name says."""
    match = _REGION_IN_NAME.search(path.name)
    named = None
    if match:
        token = match.group(1).upper()
        named = _ARABIC.get(token, token)
    if option is not None:
        if named is not None and named != option:
            raise SourceError(
                f"{path}: the file name says region {named} but the source's `region` option says {option}; "
                "correct one of them"
            )
        return option
    if named is None:
        raise SourceError(
            f"{path}: cannot tell which region this file holds: its name does not say "
            f"(e.g. region_xii_population_raw.txt) and the source has no `region` option ({', '.join(REGIONS)})"
        )
    return named


def parse_population(text: str) -> tuple[int | None, Problem | None]:
    """A population as written in the files ("1,601,902" or "660"), or why it is not one."""
    value = text.strip()
    if value == "":
        return None, Problem("population", "missing_population", text, "")
    if _GROUPED.fullmatch(value) or _PLAIN.fullmatch(value):
        digits = value.replace(",", "")
        if len(digits) > _MAX_DIGITS:
            return None, Problem("population", "population_too_large", value, f"population {value} is not plausible")
        return int(digits), None
    if value.startswith("-") and (_GROUPED.fullmatch(value[1:]) or _PLAIN.fullmatch(value[1:])):
        return None, Problem("population", "negative_population", value, f"population {value} is negative")
    if re.fullmatch(r"[\d,]*\d\.\d+", value):
        return None, Problem("population", "not_whole_number", value, f"population {value} is not a whole number")
    if re.fullmatch(r"[\d,]+", value):
        return None, Problem(
            "population",
            "misplaced_thousands_separator",
            value,
            f"population {value} has misplaced thousands separators (write 1,601,902 or 1601902)",
        )
    return None, Problem(
        "population", "not_a_number", value, f"population {value!r} is not a number (expected e.g. 1,601,902)"
    )


def read_records(path: Path, max_bytes: int) -> list[Record]:
    """The file's records with their parents; file-level problems raise ``SourceError``."""
    text = read_text(path, max_bytes)
    records: list[Record] = []
    stack: list[Record] = []  # the open province, city/municipality and barangay above the next line
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.removesuffix("\r")
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        fields = line[depth:].split("\t")
        record = Record(
            line=number,
            depth=depth,
            name=fields[0],
            population_text=fields[1] if len(fields) > 1 else None,
            field_count=len(fields),
        )
        if not records and depth != 0:
            level = LEVEL_NAMES[LEVELS[depth]] if depth <= MAX_DEPTH else "deeper than a barangay"
            raise SourceError(
                f"{path}: line {number}: the first record is at depth {depth} ({_tabs(depth)}: {level}); "
                "a population file must start with a province or HUC block (no leading TAB)"
            )
        records.append(record)
        record.format_problem = _format_problem(record, line)
        if depth > MAX_DEPTH:
            continue  # rejected; cannot be anyone's parent
        if depth > len(stack):
            above = stack[-1]
            record.format_problem = record.format_problem or Problem(
                "level",
                "depth_jump",
                f"depth {depth}",
                f"{LEVEL_NAMES[record.level]} {record.name!r} ({_tabs(depth)}) has no "
                f"{LEVEL_NAMES[LEVELS[depth - 1]]} above it: the nearest record above it is {above.describe()} "
                f"on line {above.line} (depth {above.depth}); a line may go at most one level deeper than the "
                "record above it",
            )
            continue  # not pushed: nothing can be placed under a line that has no place itself
        record.parent = stack[depth - 1] if depth else None
        del stack[depth:]
        stack.append(record)
    if not records:
        raise SourceError(f"{path}: the file has no records")
    return records


def _tabs(depth: int) -> str:
    return f"{depth} leading TAB" + ("" if depth == 1 else "s")


def _format_problem(record: Record, line: str) -> Problem | None:
    if record.depth > MAX_DEPTH:
        return Problem(
            "level",
            "too_deep",
            f"depth {record.depth}",
            f"{_tabs(record.depth)}: a record is a province/HUC block (no TAB), a city/municipality "
            "(1 TAB) or a barangay (2 TABs)",
        )
    if record.name.strip() == "":
        return Problem("name", "missing_name", line.strip(), "the line has no name before its population")
    if record.name != record.name.lstrip():
        return Problem(
            "name",
            "indented_with_spaces",
            record.name,
            f"{record.name.strip()!r} is indented with spaces: indent with TABs only, as the depth cannot be told",
        )
    if record.field_count > 2:
        return Problem(
            None,
            "too_many_fields",
            line.lstrip("\t"),
            f"{record.field_count} tab-separated fields after the indentation where 2 are expected "
            f"(name<TAB>population): {line.lstrip(chr(9)).split(chr(9))!r}",
        )
    return None


# -------------------------------------------------------------------------------------- checking
def check_records(records: list[Record], region: str, file_name: str) -> tuple[list[dict], list[Reject]]:
    """Rows to load and rejects, one or the other for every record (in line order)."""
    rows: list[dict] = []
    rejects: list[Reject] = []

    for record in records:
        if record.format_problem is None:
            record.population, record.population_problem = _read_population(record)

    # Names under one parent (the same parent line) must be unique; every copy of a repeated one is rejected.
    siblings: Counter = Counter()
    lines_of: dict[tuple, list[int]] = {}
    for record in records:
        if _can_be_counted(record):
            key = (id(record.parent), record.depth, record.name)
            siblings[key] += 1
            lines_of.setdefault(key, []).append(record.line)

    for record in records:
        problem = record.format_problem
        if problem is not None:
            record.placeable = False
        elif record.parent is not None and not record.parent.placeable:
            parent = record.parent
            problem = Problem(
                "level",
                "parent_rejected",
                parent.name,
                f"{record.describe()} cannot be placed: the {LEVEL_NAMES[parent.level]} above it on line "
                f"{parent.line} was rejected ({parent.why})",
            )
            record.placeable = False
        else:
            key = (id(record.parent), record.depth, record.name)
            if siblings[key] > 1:
                lines = ", ".join(map(str, lines_of[key]))
                under = " > ".join(r.name for r in record.ancestors) or f"region {region}"
                problem = Problem(
                    NAME_COLUMNS[record.depth],
                    "duplicate_name",
                    record.name,
                    f"{LEVEL_NAMES[record.level]} {record.name!r} appears {siblings[key]} times under {under} "
                    f"(lines {lines}): every copy is rejected, as they cannot be told apart",
                )
                record.placeable = False
            else:
                problem = record.population_problem
        record.why = problem.reason if problem else ""
        province, municipality, barangay = record.names if record.depth <= MAX_DEPTH else (None, None, None)
        if problem is None:
            rows.append(
                {
                    "region_code": region,
                    "level": record.level,
                    "province_name": province,
                    "municipality_name": municipality,
                    "barangay_name": barangay,
                    "population": record.population,
                    "_file": file_name,
                    "_line": record.line,
                }
            )
        else:
            rejects.append(_reject(record, region, file_name, problem))
    return rows, rejects


def _read_population(record: Record) -> tuple[int | None, Problem | None]:
    if record.population_text is None or record.population_text.strip() == "":
        empty = "no <TAB>population field" if record.population_text is None else "an empty population field"
        return None, Problem(
            "population",
            "missing_population",
            record.population_text,
            f"{record.describe()} has no population: the line has a name but {empty}; the figure is not guessed",
        )
    value, problem = parse_population(record.population_text)
    if problem is not None:
        problem = Problem(problem.column, problem.check, problem.value, f"{record.describe()}: {problem.reason}")
    return value, problem


def _can_be_counted(record: Record) -> bool:
    """Whether the record takes part in the duplicate check: it has a place and a readable name."""
    if record.depth > MAX_DEPTH or record.name.strip() == "" or record.name != record.name.lstrip():
        return False
    return not (record.format_problem and record.format_problem.check == "depth_jump")


def _row_key(region: str, record: Record) -> str:
    return "|".join([region, *(r.name for r in record.ancestors), record.name])


def _reject(record: Record, region: str, file_name: str, problem: Problem) -> Reject:
    return Reject(
        table_name=POPULATION.name,
        row_number=record.line,
        row_key=_row_key(region, record),
        column_name=problem.column,
        check_name=problem.check,
        failure_value=problem.value,
        reason=problem.reason,
        location=f"{file_name}:{record.line}",
    )


def _contract_rejects(frame: pl.DataFrame) -> tuple[set[int], list[Reject]]:
    """Rows (positions) of ``frame`` that break the pandera contract, as rejects."""
    try:
        failed = failures(frame)
    except ContractMismatch as exc:
        raise SourceError(f"{POPULATION.name}: the rows do not match the table's contract: {exc}") from exc
    bad: set[int] = set()
    rejects: list[Reject] = []
    for f in failed.iter_rows(named=True):
        row = frame.row(f["row"], named=True)
        bad.add(f["row"])
        names = [row[c] for c in NAME_COLUMNS if row[c] is not None]
        value = f["value"] if f["column"] else None
        what = f"{LEVEL_NAMES.get(row['level'], row['level'])} {names[-1]!r}" if names else "row"
        reason = f"{what}: {f['column']} {value} fails {f['check']}" if f["column"] else f"{what}: {f['check']}"
        rejects.append(
            Reject(
                table_name=POPULATION.name,
                row_number=row["_line"],
                row_key="|".join([row["region_code"], *names]),
                column_name=f["column"],
                check_name=f["check"],
                failure_value=value,
                reason=reason,
                location=f"{row['_file']}:{row['_line']}",
            )
        )
    return bad, rejects


# --------------------------------------------------------------------------------------- loading
def _paths(ctx: LoadContext) -> list[Path]:
    value = ctx.require("paths")
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"source {ctx.name!r} (population): `paths` must be a list of file paths, not {value!r}")
    return [ctx.path(v) for v in value]


def _region_option(ctx: LoadContext) -> str | None:
    option = ctx.source.get("region")
    if option in (None, ""):
        return None
    code = str(option).strip().upper()
    if code not in REGIONS:
        raise ConfigError(
            f"source {ctx.name!r} (population): `region` must be one of {', '.join(REGIONS)}, not {option!r}"
        )
    return code


def _frame(rows: list[dict]) -> pl.DataFrame:
    schema = {**POPULATION.columns, "_file": pl.String, "_line": pl.Int64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _totals(frame: pl.DataFrame) -> dict[str, Decimal]:
    sums = dict(frame.group_by("level").agg(pl.col("population").sum()).iter_rows())
    return {level: Decimal(sums.get(level) or 0) for level in LEVELS}


def load(ctx: LoadContext) -> list[TableOutcome]:
    """Load every configured population file into ``raw.psa_population`` (a snapshot per region)."""
    paths = _paths(ctx)
    option = _region_option(ctx)
    table_load = TableLoad(source=ctx.name, table_name=POPULATION.name)
    regions: dict[str, Path] = {}
    rows: list[dict] = []
    rejects: list[Reject] = []
    read_totals = dict.fromkeys(LEVELS, Decimal(0))
    for done, path in enumerate(paths):
        region = region_of(path, option)
        if region in regions:
            raise SourceError(
                f"{path}: region {region} is already loaded from {regions[region]}: give one file per region"
            )
        regions[region] = path
        records = read_records(path, ctx.max_file_bytes)
        table_load.rows_read += len(records)
        file_rows, file_rejects = check_records(records, region, path.name)
        for record in records:
            if record.population is not None and record.depth <= MAX_DEPTH:
                read_totals[record.level] += record.population
        rows += file_rows
        rejects += file_rejects
        if ctx.progress:
            ctx.progress(POPULATION.name, done + 1, len(paths))

    frame = _frame(rows)
    bad, contract_rejects = _contract_rejects(frame)
    rejects += contract_rejects
    good = frame.with_row_index("_pos").filter(~pl.col("_pos").is_in(sorted(bad))).drop("_pos")
    stats = merge(
        ctx.con,
        POPULATION,
        good,
        run_id=ctx.run_id,
        scope=MergeScope(ctx.name, {"region_code": sorted(regions)}),
        snapshot=True,
    )
    table_load.rows_loaded = good.height
    table_load.rows_rejected = (table_load.rows_read - frame.height) + len(
        bad
    )  # a line is rejected once, whatever it broke
    table_load.rows_inserted = stats.inserted + stats.restored  # a key back after a deletion is new again
    table_load.rows_updated = stats.updated
    table_load.rows_unchanged = stats.unchanged
    table_load.rows_deleted = stats.deleted
    if table_load.rows_read != table_load.rows_loaded + table_load.rows_rejected:
        raise AssertionError(
            f"{POPULATION.name}: rows read {table_load.rows_read} != loaded {table_load.rows_loaded} "
            f"+ rejected {table_load.rows_rejected}"
        )
    loaded_totals = _totals(good)
    # one measure per level: a province's figure also counts in its municipalities and barangays
    control_totals = {f"population_{level}": (read_totals[level], loaded_totals[level]) for level in LEVELS}
    ctx.say(
        f"{POPULATION.name}: {table_load.rows_read:,} lines read from {len(paths)} file(s) "
        f"(regions {', '.join(sorted(regions))}): {table_load.rows_loaded:,} loaded, "
        f"{table_load.rows_rejected:,} rejected"
    )
    return [TableOutcome(table_load.finish(), rejects, control_totals)]
