"""Reading YAML source files with line numbers: nodes, typed scalars from their source text, and rows that carry
their problems until they are checked, rejected or loaded. Used by the PPA YAML and organisation list sources."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandera.polars as pa
import polars as pl
import yaml

from ingest.raw import MergeScope, MergeStats, RawTable, merge
from ingest.sources import LoadContext, SourceError, TableOutcome
from ingest.state import Reject, TableLoad
from ingest.textfiles import read_text
from validation.ppa_yaml import Failure, failures

NULL_TAG = "tag:yaml.org,2002:null"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
CENTAVO = Decimal("0.01")
MAX_PESO_DIGITS = 12  # DECIMAL(14,2)


def read_yaml(path: Path, max_bytes: int) -> yaml.Node:
    """The single YAML document of ``path`` as a node tree; any problem with the file is a ``SourceError``."""
    text = read_text(path, max_bytes)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise SourceError(f"{path}: {where}not valid YAML: {problem}") from exc
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise SourceError(f"{path}: line {line}: the character {char:#04x} is not allowed in YAML") from exc
    except yaml.YAMLError as exc:
        raise SourceError(f"{path}: not valid YAML: {exc}") from exc
    except RecursionError as exc:
        raise SourceError(f"{path}: not valid YAML: nested too deeply to read") from exc
    if node is None:
        raise SourceError(f"{path}: the file has no YAML content (only comments or blank lines)")
    return node


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"the value {node.value!r}"


def _pairs(node: yaml.MappingNode, seen: frozenset[int] = frozenset()) -> list[tuple[yaml.Node, yaml.Node]]:
    """The mapping's key/value pairs with ``<<`` merge keys applied as YAML defines them (later pairs win).

    The node tree is not changed (an aliased mapping may be read more than once); recursive aliases are ignored.
    """
    seen = seen | {id(node)}
    merged: list[tuple[yaml.Node, yaml.Node]] = []
    own: list[tuple[yaml.Node, yaml.Node]] = []
    for k, v in node.value:
        if not (isinstance(k, yaml.ScalarNode) and k.tag == MERGE_TAG):
            own.append((k, v))
            continue
        sources = v.value if isinstance(v, yaml.SequenceNode) else [v]
        for source in reversed(sources):  # of several merged mappings, the first wins
            if isinstance(source, yaml.MappingNode) and id(source) not in seen:
                merged.extend(_pairs(source, seen))
    return merged + own


class Fields:
    """A YAML mapping's fields by key (``<<`` merge keys applied), and the keys it writes more than once."""

    def __init__(self, node: yaml.MappingNode):
        explicit = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode) and k.tag != MERGE_TAG]
        self.repeated = sorted(k for k, n in Counter(explicit).items() if n > 1)
        self.node = node
        self.values: dict[str, yaml.Node] = {}
        for k, v in _pairs(node):
            if isinstance(k, yaml.ScalarNode):
                self.values[k.value] = v

    def get(self, key: str) -> yaml.Node | None:
        return self.values.get(key)

    def line(self, key: str) -> int:
        node = self.values.get(key)
        return line_of(node) if node is not None else line_of(self.node)


class BadValue(Exception):
    """A value that cannot be read as its column's type; it rejects its row."""

    def __init__(self, check: str, value: str | None, reason: str):
        super().__init__(reason)
        self.check, self.value, self.reason = check, value, reason


def is_null(node: yaml.Node | None) -> bool:
    return node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG)


def text(node: yaml.Node | None, column: str) -> str | None:
    """A scalar's source text (YAML quoting removed); None for a missing or null value."""
    if is_null(node):
        return None
    if not isinstance(node, yaml.ScalarNode):
        raise BadValue("text", describe(node), f"{column} must be text, not {describe(node)}")
    return node.value


def stripped(node: yaml.Node | None, column: str) -> str | None:
    """``text`` without surrounding whitespace; None when that leaves nothing."""
    value = text(node, column)
    if value is None:
        return None
    return value.strip() or None


def amount(node: yaml.Node | None, column: str) -> Decimal | None:
    """A peso amount from the scalar's source text, rounded to centavos; None for missing, null or blank."""
    if is_null(node):
        return None
    if not isinstance(node, yaml.ScalarNode):
        raise BadValue("number", describe(node), f"{column} must be a number, not {describe(node)}")
    source = node.value.strip()
    if node.tag == STR_TAG and not source:
        return None
    digits = source.replace("_", "") if node.tag in (INT_TAG, FLOAT_TAG) else source
    if node.tag not in (INT_TAG, FLOAT_TAG, STR_TAG) or not PLAIN_NUMBER.fullmatch(digits):
        raise BadValue(
            "number", node.value, f"{column} must be a plain number of pesos such as 12000000.00, not {node.value!r}"
        )
    try:
        value = Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid decimals
        raise BadValue("number", node.value, f"{column} is not a number: {node.value!r}") from exc
    if value.adjusted() < MAX_PESO_DIGITS:
        value = value.quantize(CENTAVO, rounding=ROUND_HALF_UP)
    if value != 0 and value.adjusted() >= MAX_PESO_DIGITS:  # checked after rounding: 999999999999.995 is too big
        raise BadValue(
            "max_digits",
            node.value,
            f"{column} {node.value} has more than {MAX_PESO_DIGITS} digits before the decimal point",
        )
    return value


@dataclass
class Problem:
    column: str | None
    check: str
    value: str | None
    reason: str
    line: int | None = None  # the line of the value, when it is not the row's


@dataclass
class Row:
    """One row as read, with where it came from and what is wrong with it so far."""

    values: dict[str, Any]
    file: str
    line: int
    lines: dict[str, int] = field(default_factory=dict)  # column -> line of its value
    problems: list[Problem] = field(default_factory=list)
    parent: Row | None = None  # a row this one depends on (an indicator's PPA, an agency's ministry)
    parent_label: str = "parent"

    def problem(self, column: str | None, check: str, value: str | None, reason: str) -> None:
        self.problems.append(Problem(column, check, value, reason, self.lines.get(column) if column else None))

    def read(self, column: str, fields: Fields, key: str, reader: Callable[[yaml.Node | None, str], Any]) -> Any:
        """``values[column] = reader(fields[key])``; a ``BadValue`` becomes a problem of the row."""
        if key in fields.values:
            self.lines[column] = fields.line(key)
        try:
            value = reader(fields.get(key), column)
        except BadValue as bad:
            self.problem(column, bad.check, bad.value, bad.reason)
            value = None
        self.values[column] = value
        return value

    @property
    def rejected(self) -> bool:
        return bool(self.problems)

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


def key_text(table: RawTable, row: Row) -> str:
    return "|".join("" if row.values.get(k) is None else str(row.values[k]) for k in table.key)


def frame_of(table: RawTable, rows: list[Row], *, with_location: bool = False) -> pl.DataFrame:
    schema: dict[str, pl.DataType] = dict(table.columns)
    data = [[r.values.get(c) for c in table.columns] for r in rows]
    if with_location:
        schema |= {"_file": pl.String, "_line": pl.Int64}
        data = [[*d, r.file, r.line] for d, r in zip(data, rows, strict=True)]
    return pl.DataFrame(data, schema=schema, orient="row")


def _reject_orphans(rows: list[Row]) -> None:
    for r in rows:
        if r.parent is not None and r.parent.rejected and not any(p.check == "parent_rejected" for p in r.problems):
            r.problem(
                None, "parent_rejected", r.parent.location, f"its {r.parent_label} ({r.parent.location}) was rejected"
            )


def settle(table: RawTable, rows: list[Row], contract: pa.DataFrameSchema) -> list[Reject]:
    """Check ``rows`` (read order) and return the rejects; afterwards ``row.rejected`` says which are not loaded.

    Rows whose parent is rejected are rejected; the others are validated against ``contract`` (``lazy=True``), and
    every copy of a key read more than once is rejected (the copies cannot be told apart).
    """
    _reject_orphans(rows)  # parents in another table are settled already
    candidates = [r for r in rows if not r.problems]
    found: list[Failure] = failures(contract, frame_of(table, candidates)) if candidates else []
    for f in found:
        candidates[f.row].problem(f.column, f.check, f.value, f.reason)
    copies: dict[tuple, list[Row]] = defaultdict(list)
    for r in rows:
        key = tuple(r.values.get(k) for k in table.key)
        if None not in key and not any(p.check == "parent_rejected" for p in r.problems):
            copies[key].append(r)
    for same in copies.values():
        if len(same) > 1:
            where = ", ".join(r.location for r in same)
            for r in same:
                kt = key_text(table, r)
                reason = (
                    f"the key ({', '.join(table.key)}) = ({kt}) is read {len(same)} times ({where}); no copy is loaded"
                )
                r.problems.append(Problem(",".join(table.key), "duplicate_key", kt, reason))  # at the row's line
    _reject_orphans(rows)  # parents in this table, rejected just now
    return [
        Reject(table.name, n, key_text(table, r), p.column, p.check, p.value, p.reason, f"{r.file}:{p.line or r.line}")
        for n, r in enumerate(rows, start=1)
        for p in r.problems
    ]


def store(
    ctx: LoadContext,
    table: RawTable,
    rows: list[Row],
    rejects: list[Reject],
    load: TableLoad,
    scope: MergeScope,
    control_totals: dict[str, tuple[Decimal | None, Decimal | None]] | None = None,
) -> TableOutcome:
    """Merge the settled rows that are not rejected into ``table`` (a snapshot of ``scope``) and account for them."""
    good = [r for r in rows if not r.rejected]
    stats: MergeStats = merge(
        ctx.con, table, frame_of(table, good, with_location=True), run_id=ctx.run_id, scope=scope, snapshot=True
    )
    load.rows_read = len(rows)
    load.rows_rejected = sum(1 for r in rows if r.rejected)
    load.rows_loaded = stats.inserted + stats.restored + stats.updated + stats.unchanged
    load.rows_inserted = stats.inserted + stats.restored
    load.rows_updated = stats.updated
    load.rows_unchanged = stats.unchanged
    load.rows_deleted = stats.deleted
    if load.rows_read != load.rows_loaded + load.rows_rejected:
        raise AssertionError(
            f"{table.name}: rows read {load.rows_read} != loaded {load.rows_loaded} + rejected {load.rows_rejected}"
        )
    totals = {"rows": (Decimal(load.rows_read), Decimal(load.rows_loaded)), **(control_totals or {})}
    return TableOutcome(load.finish(), rejects, totals)


# ========================================================================================== this source
