"""MOA PPA YAML files (OBCMS's ``data_imports/datasets/ppa/*.yaml``) into ``raw.ppa_yaml_*``.

One file per office (``reference/obcms_schema.md`` §8.2)::

    moa: "Ministry of Health"
    acronym: "MOH"
    ppas:
      - title: "..."
        description: "..."
        outcome_indicators: [{indicator: "...", target: "80%"}, ...]
        output_indicators: [{indicator: "...", target: 1052}, ...]
        approved_budget: 34001249.00
    special_provisions:            # optional
      - {title: "...", details: "..."}

Configuration: ``path`` (the folder; its ``*.yaml`` / ``*.yml`` files are read, not its subfolders),
``fiscal_year`` (required, 2000-2100: the files do not say it) and ``max_file_mb``.

Files are read with PyYAML's node API (``yaml.compose``, safe loader), so every PPA, indicator and provision
keeps the line it starts on (``_line``) and every value its source text: budgets become ``Decimal`` from the text
as written (never through a binary float), rounded to centavos; indicator targets are kept exactly as written
(``target_raw``; parsed in dbt). A budget written as a quoted plain number (``"250000"``) is read like an unquoted
one. Acronyms are trimmed and upper-cased, titles trimmed; ``position`` counts every entry of its list, rejected
or not, so it always matches the file. A special provision's ``matched_ppa_title`` is the first loaded PPA of the
same file whose title equals the provision's title after trimming and case-folding, as OBCMS's importer matches.

Each load is a snapshot of the offices in the folder for the fiscal year: re-loading the same files changes
nothing, a changed row replaces the old one, and a row no longer in its file is marked deleted (never dropped).
Offices without a file in this load, and other fiscal years, are left alone (so removing an office's whole file
does not delete its rows). A row rejected in this load is not in the snapshot: if an earlier load had it, it is
marked deleted, and its reject says why.

What fails the source (``SourceError``: the refresh fails, nothing is published), naming the file and line:
the folder does not exist, is not a folder or has no YAML file; a file is empty, not UTF-8, over ``max_file_mb``
(``ingest.textfiles``), not valid YAML (the parser's line and column), holds several YAML documents or none, or is
not a mapping; a file lacks ``acronym`` or ``ppas``, or one of them is not text / a list; ``special_provisions``
is not a list; a top-level key is written twice; two files have the same acronym (which one is current cannot be
told, and loading both would mix their snapshots).

What rejects a row (``Reject`` with ``file:line``; the rest loads):

* a PPA entry that is not a mapping; a PPA without a title; two PPAs with the same title in one file (every copy:
  they cannot be told apart); a field written twice in one PPA; a title or description that is not text;
  ``outcome_indicators`` / ``output_indicators`` that are not a list;
* ``approved_budget`` that is not a plain number (text such as ``"12,000,000"`` or ``"₱5M"``, true/false, a list),
  negative, or with more than 12 digits before the decimal point;
* an indicator entry that is not a mapping, without indicator text, or whose target is a list or mapping; every
  indicator of a rejected PPA (its parent row is not loaded);
* a special provision that is not a mapping or has no title.

Kept, not rejected: a PPA whose ``approved_budget`` is missing, null or blank is loaded with a NULL budget and a
zero budget is loaded as 0.00 (OBCMS's importer stores both as an empty budget; staging decides). A ``Reject``
means a row that was not loaded, so these rows carry none; the run log says which PPAs they are. An office that is
missing from the organisation list (BAGO in the published files) is not a problem here: dbt reports it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl
import yaml

from ingest.home import ConfigError
from ingest.raw import MergeScope, RawTable
from ingest.sources import LoadContext, SourceError, TableOutcome
from ingest.state import TableLoad
from ingest.yamlfiles import (
    BadValue,
    Fields,
    Row,
    amount,
    describe,
    is_null,
    line_of,
    read_yaml,
    settle,
    store,
    stripped,
    text,
)
from validation.ppa_yaml import YEAR_RANGE
from validation.ppa_yaml import contract as ppa_contract

PPAS = RawTable(
    "ppa_yaml_ppas",
    {
        "moa_acronym": pl.String,
        "moa_name": pl.String,
        "title": pl.String,
        "description": pl.String,
        "approved_budget": pl.Decimal(14, 2),
        "fiscal_year": pl.Int32,
        "position": pl.Int32,
        "outcome_indicator_count": pl.Int32,
        "output_indicator_count": pl.Int32,
    },
    key=("moa_acronym", "title", "fiscal_year"),
)
INDICATORS = RawTable(
    "ppa_yaml_indicators",
    {
        "moa_acronym": pl.String,
        "ppa_title": pl.String,
        "fiscal_year": pl.Int32,
        "level": pl.String,
        "position": pl.Int32,
        "indicator": pl.String,
        "target_raw": pl.String,
    },
    key=("moa_acronym", "ppa_title", "fiscal_year", "level", "position"),
)
PROVISIONS = RawTable(
    "ppa_yaml_special_provisions",
    {
        "moa_acronym": pl.String,
        "fiscal_year": pl.Int32,
        "position": pl.Int32,
        "title": pl.String,
        "details": pl.String,
        "matched_ppa_title": pl.String,
    },
    key=("moa_acronym", "fiscal_year", "position"),
)
TABLES = (PPAS, INDICATORS, PROVISIONS)
RAW_TABLES = TABLES
LEVELS = (("outcome", "outcome_indicators"), ("output", "output_indicators"))
YAML_SUFFIXES = (".yaml", ".yml")


def fiscal_year(ctx: LoadContext) -> int:
    value = ctx.require("fiscal_year")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"source {ctx.name!r} (ppa_yaml): `fiscal_year` must be a year such as 2025, not {value!r}")
    lo, hi = YEAR_RANGE
    if not lo <= value <= hi:
        raise ConfigError(f"source {ctx.name!r} (ppa_yaml): `fiscal_year` {value} is not between {lo} and {hi}")
    return value


def yaml_files(folder: Path) -> list[Path]:
    if not folder.exists():
        raise SourceError(f"{folder}: no such folder (the ppa_yaml source reads a folder of MOA PPA YAML files)")
    if not folder.is_dir():
        raise SourceError(f"{folder}: not a folder (the ppa_yaml source reads a folder of MOA PPA YAML files)")
    files = sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in YAML_SUFFIXES and not p.name.startswith(".") and not p.is_dir()
    )
    if not files:
        raise SourceError(f"{folder}: no MOA PPA files (*.yaml) in this folder")
    return files


@dataclass
class OfficeFile:
    path: Path
    name: str  # as given relative to the folder
    acronym: str
    acronym_line: int
    moa: str | None
    ppas: list[yaml.Node]
    provisions: list[yaml.Node]


def _top_list(fields: Fields, key: str, path: Path, *, required: bool) -> list[yaml.Node]:
    node = fields.get(key)
    if node is None and not required:
        return []
    if node is None:
        raise SourceError(f"{path}: line {line_of(fields.node)}: no `{key}` list")
    if is_null(node) and not required:
        return []
    if is_null(node):
        raise SourceError(f"{path}: line {line_of(node)}: `{key}` is empty (write `{key}: []` if there are none)")
    if not isinstance(node, yaml.SequenceNode):
        raise SourceError(f"{path}: line {line_of(node)}: `{key}` must be a list, not {describe(node)}")
    return list(node.value)


def read_office(path: Path, name: str, max_bytes: int) -> OfficeFile:
    """One office's file, checked as a whole (anything wrong here fails the source)."""
    root = read_yaml(path, max_bytes)
    if not isinstance(root, yaml.MappingNode):
        raise SourceError(
            f"{path}: line {line_of(root)}: expected a mapping with `moa`, `acronym` and `ppas`, found {describe(root)}"
        )
    fields = Fields(root)
    if fields.repeated:
        key = fields.repeated[0]
        raise SourceError(f"{path}: line {line_of(root)}: `{key}` is written more than once at the top of the file")
    acronym_node = fields.get("acronym")
    if acronym_node is None:
        raise SourceError(f"{path}: line {line_of(root)}: no `acronym` (the office's acronym, e.g. MOH)")
    values = {}
    for key in ("acronym", "moa"):
        try:
            values[key] = stripped(fields.get(key), key)
        except BadValue as bad:
            raise SourceError(f"{path}: line {fields.line(key)}: {bad.reason}") from None
    acronym, moa = values["acronym"], values["moa"]
    if acronym is None:
        raise SourceError(f"{path}: line {line_of(acronym_node)}: `acronym` is empty")
    return OfficeFile(
        path,
        name,
        acronym.upper(),
        line_of(acronym_node),
        moa,
        _top_list(fields, "ppas", path, required=True),
        _top_list(fields, "special_provisions", path, required=False),
    )


def _check_one_file_per_office(offices: list[OfficeFile]) -> None:
    by_acronym: dict[str, list[OfficeFile]] = defaultdict(list)
    for office in offices:
        by_acronym[office.acronym].append(office)
    for acronym, same in by_acronym.items():
        if len(same) > 1:
            where = " and ".join(f"{o.path}: line {o.acronym_line}" for o in same)
            raise SourceError(
                f"{where}: both files have acronym {acronym}; keep one file per office "
                "(which one is current cannot be told)"
            )


@dataclass
class Read:
    ppas: list[Row] = field(default_factory=list)
    indicators: list[Row] = field(default_factory=list)
    provisions: list[Row] = field(default_factory=list)
    # file name -> PPA rows of that file, for matching special provisions
    ppas_by_file: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    # PPAs kept with an empty or zero budget, and what to say about them
    budget_notes: list[tuple[Row, str]] = field(default_factory=list)


def _read_ppa(office: OfficeFile, node: yaml.Node, position: int, year: int, out: Read) -> None:
    base = {"moa_acronym": office.acronym, "moa_name": office.moa, "fiscal_year": year, "position": position}
    row = Row(dict(base), office.name, line_of(node))
    out.ppas.append(row)
    out.ppas_by_file[office.name].append(row)
    if not isinstance(node, yaml.MappingNode):
        row.problem(
            None, "ppa_is_mapping", describe(node), f"a PPA must be a mapping with a title, not {describe(node)}"
        )
        return
    fields = Fields(node)
    for key in fields.repeated:
        row.lines[key] = fields.line(key)
        row.problem(key, "repeated_field", key, f"`{key}` is written more than once in this PPA")
    title = row.read("title", fields, "title", stripped)
    row.read("description", fields, "description", text)
    budget = row.read("approved_budget", fields, "approved_budget", amount)
    if budget is None and "approved_budget" not in {p.column for p in row.problems}:
        out.budget_notes.append((row, "no approved_budget; loaded with an empty budget"))
    elif budget == 0:
        out.budget_notes.append((row, "approved_budget is 0; loaded as 0.00"))
    for level, key in LEVELS:
        entries = fields.get(key)
        count_column = f"{level}_indicator_count"
        if is_null(entries):
            row.values[count_column] = 0
            continue
        row.lines[key] = fields.line(key)
        if not isinstance(entries, yaml.SequenceNode):
            row.problem(key, "list", describe(entries), f"{key} must be a list of indicators, not {describe(entries)}")
            row.values[count_column] = None
            continue
        row.values[count_column] = len(entries.value)
        for i, entry in enumerate(entries.value, start=1):
            _read_indicator(office, entry, row, title, level, i, year, out)


def _read_indicator(
    office: OfficeFile, node: yaml.Node, ppa: Row, title: str | None, level: str, position: int, year: int, out: Read
) -> None:
    values = {"moa_acronym": office.acronym, "ppa_title": title, "fiscal_year": year, "level": level}
    row = Row({**values, "position": position}, office.name, line_of(node), parent=ppa, parent_label="PPA")
    out.indicators.append(row)
    if not isinstance(node, yaml.MappingNode):
        row.problem(
            None,
            "indicator_is_mapping",
            describe(node),
            f"an indicator must be a mapping with `indicator` and `target`, not {describe(node)}",
        )
        return
    fields = Fields(node)
    for key in fields.repeated:
        row.lines[key] = fields.line(key)
        row.problem(key, "repeated_field", key, f"`{key}` is written more than once in this indicator")
    row.read("indicator", fields, "indicator", stripped)
    target = row.read("target_raw", fields, "target", text)
    if target is not None and not target.strip():
        row.values["target_raw"] = None


def _read_provision(office: OfficeFile, node: yaml.Node, position: int, year: int, out: Read) -> None:
    values = {"moa_acronym": office.acronym, "fiscal_year": year, "position": position, "matched_ppa_title": None}
    row = Row(values, office.name, line_of(node))
    out.provisions.append(row)
    if not isinstance(node, yaml.MappingNode):
        row.problem(
            None,
            "provision_is_mapping",
            describe(node),
            f"a special provision must be a mapping with `title` and `details`, not {describe(node)}",
        )
        return
    fields = Fields(node)
    for key in fields.repeated:
        row.lines[key] = fields.line(key)
        row.problem(key, "repeated_field", key, f"`{key}` is written more than once in this provision")
    row.read("title", fields, "title", stripped)
    row.read("details", fields, "details", text)


def _match_provisions(read: Read) -> None:
    """A provision whose title is a loaded PPA's title (trimmed, case-folded) names it, as OBCMS's importer does."""
    for row in read.provisions:
        title = row.values.get("title")
        if title is None:
            continue
        wanted = title.strip().casefold()
        for ppa in read.ppas_by_file[row.file]:
            if not ppa.rejected and ppa.values["title"].strip().casefold() == wanted:
                row.values["matched_ppa_title"] = ppa.values["title"]
                break


def load(ctx: LoadContext) -> list[TableOutcome]:
    year = fiscal_year(ctx)
    folder = ctx.path(ctx.require("path"))
    max_bytes = ctx.max_file_bytes
    loads = {t.name: TableLoad(source=ctx.name, table_name=t.name) for t in TABLES}
    files = yaml_files(folder)
    offices = []
    for n, path in enumerate(files, start=1):
        offices.append(read_office(path, path.relative_to(folder).as_posix(), max_bytes))
        if ctx.progress:
            ctx.progress(PPAS.name, n, len(files))
    _check_one_file_per_office(offices)

    read = Read()
    for office in offices:
        for i, node in enumerate(office.ppas, start=1):
            _read_ppa(office, node, i, year, read)
        for i, node in enumerate(office.provisions, start=1):
            _read_provision(office, node, i, year, read)

    ppa_rejects = settle(PPAS, read.ppas, ppa_contract(PPAS))
    indicator_rejects = settle(INDICATORS, read.indicators, ppa_contract(INDICATORS))
    _match_provisions(read)
    provision_rejects = settle(PROVISIONS, read.provisions, ppa_contract(PROVISIONS))
    for row, note in read.budget_notes:
        if not row.rejected:
            ctx.say(f"{folder / row.file}: line {row.line}: PPA {row.values['title']!r}: {note}")

    budgets_read = [r.values["approved_budget"] for r in read.ppas if r.values.get("approved_budget") is not None]
    budgets_loaded = [
        r.values["approved_budget"] for r in read.ppas if not r.rejected and r.values["approved_budget"] is not None
    ]
    budget_totals = {"approved_budget": (sum(budgets_read, Decimal("0.00")), sum(budgets_loaded, Decimal("0.00")))}

    scope = MergeScope(ctx.name, {"moa_acronym": sorted({o.acronym for o in offices}), "fiscal_year": [year]})
    return [
        store(ctx, PPAS, read.ppas, ppa_rejects, loads[PPAS.name], scope, budget_totals),
        store(ctx, INDICATORS, read.indicators, indicator_rejects, loads[INDICATORS.name], scope),
        store(ctx, PROVISIONS, read.provisions, provision_rejects, loads[PROVISIONS.name], scope),
    ]
