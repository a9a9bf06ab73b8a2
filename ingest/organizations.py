"""The BARMM organisation list (OBCMS's ``barmm_ministries.yaml``) into ``raw.barmm_organizations``.

Format (``reference/obcms_schema.md`` §8.1)::

    ministries:
      - name: Office of the Chief Minister
        acronym: OCM
        mandate: >-
          ...
        powers_and_functions: [...]          # not loaded
        attached_agencies:                   # optional
          - {name: ..., acronym: BPDA, mandate: ...}
    other_entities:                          # optional
      - {name: ..., acronym: WALI, mandate: ...}

One row per organisation, keyed by acronym (trimmed, upper-cased): ``kind`` is ``ministry``, ``attached_agency``
or ``other_entity``; ``parent_acronym`` is the ministry an attached agency sits under (null otherwise). Every row
keeps the file (``_file``) and the line its mapping starts on (``_line``).

Configuration: ``path`` (the YAML file) and ``max_file_mb``. Each load is a snapshot of the whole list: an
organisation no longer in the file is marked deleted (never dropped).

Fails the source (``SourceError``, naming the file and line): the file is missing, empty, not UTF-8, too big, not
valid YAML or not a mapping; it has no ``ministries`` list; ``ministries`` or ``other_entities`` is not a list; a
top-level key is written twice.

Rejects a row (``Reject`` with ``file:line``; the rest loads): an entry that is not a mapping; no acronym or no name;
a name, acronym or mandate that is not text; a field written twice; ``attached_agencies`` that is not a list;
an acronym used by more than one organisation (every copy); an attached agency whose ministry is rejected (its
parent would be unknown).
"""

from __future__ import annotations

import polars as pl
import yaml

from ingest.raw import MergeScope, RawTable
from ingest.sources import LoadContext, SourceError, TableOutcome
from ingest.state import TableLoad
from ingest.yamlfiles import (
    Fields,
    Row,
    describe,
    is_null,
    line_of,
    read_yaml,
    settle,
    store,
    stripped,
    text,
)
from validation.organizations import contract

ORGANIZATIONS = RawTable(
    "barmm_organizations",
    {
        "acronym": pl.String,
        "name": pl.String,
        "kind": pl.String,
        "parent_acronym": pl.String,
        "mandate": pl.String,
    },
    key=("acronym",),
)
RAW_TABLES = (ORGANIZATIONS,)
SECTIONS = (("ministries", "ministry"), ("other_entities", "other_entity"))


def acronym(node: yaml.Node | None, column: str) -> str | None:
    value = stripped(node, column)
    return value.upper() if value is not None else None


def _section(fields: Fields, key: str, path) -> list[yaml.Node]:
    node = fields.get(key)
    if node is None and key == "ministries":
        raise SourceError(f"{path}: line {line_of(fields.node)}: no `ministries` list")
    if node is None or is_null(node):
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise SourceError(f"{path}: line {line_of(node)}: `{key}` must be a list, not {describe(node)}")
    return list(node.value)


def _read_org(node: yaml.Node, kind: str, name: str, rows: list[Row], parent: Row | None = None) -> Fields | None:
    parent_acronym = parent.values.get("acronym") if parent is not None else None
    values = {"acronym": None, "name": None, "kind": kind, "parent_acronym": parent_acronym, "mandate": None}
    row = Row(values, name, line_of(node), parent=parent, parent_label="ministry")
    rows.append(row)
    if parent is not None and parent_acronym is None:
        row.problem(
            None,
            "parent_rejected",
            parent.location,
            f"its ministry ({parent.location}) has no acronym, so its parent is unknown",
        )
    if not isinstance(node, yaml.MappingNode):
        row.problem(
            None,
            "organization_is_mapping",
            describe(node),
            f"an organisation must be a mapping with `name`, `acronym` and `mandate`, not {describe(node)}",
        )
        return None
    fields = Fields(node)
    for key in fields.repeated:
        row.lines[key] = fields.line(key)
        row.problem(key, "repeated_field", key, f"`{key}` is written more than once for this organisation")
    row.read("acronym", fields, "acronym", acronym)
    row.read("name", fields, "name", stripped)
    row.read("mandate", fields, "mandate", text)
    return fields


def load(ctx: LoadContext) -> list[TableOutcome]:
    path = ctx.path(ctx.require("path"))
    load_record = TableLoad(source=ctx.name, table_name=ORGANIZATIONS.name)
    root = read_yaml(path, ctx.max_file_bytes)
    if not isinstance(root, yaml.MappingNode):
        raise SourceError(
            f"{path}: line {line_of(root)}: expected a mapping with `ministries` and `other_entities`, "
            f"found {describe(root)}"
        )
    top = Fields(root)
    if top.repeated:
        raise SourceError(f"{path}: line {line_of(root)}: `{top.repeated[0]}` is written more than once")
    sections = {key: _section(top, key, path) for key, _ in SECTIONS}

    rows: list[Row] = []
    for node in sections["ministries"]:
        fields = _read_org(node, "ministry", path.name, rows)
        ministry = rows[-1]
        agencies = fields.get("attached_agencies") if fields is not None else None
        if is_null(agencies):
            continue
        if not isinstance(agencies, yaml.SequenceNode):
            ministry.lines["attached_agencies"] = line_of(agencies)
            ministry.problem(
                "attached_agencies",
                "list",
                describe(agencies),
                f"attached_agencies must be a list of organisations, not {describe(agencies)}",
            )
            continue
        for agency in agencies.value:
            _read_org(agency, "attached_agency", path.name, rows, parent=ministry)
    for node in sections["other_entities"]:
        _read_org(node, "other_entity", path.name, rows)

    rejects = settle(ORGANIZATIONS, rows, contract(ORGANIZATIONS))
    return [store(ctx, ORGANIZATIONS, rows, rejects, load_record, MergeScope(ctx.name))]
