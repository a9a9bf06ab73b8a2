"""Pandera contract for the BARMM organisation list (``raw.barmm_organizations``).

Every organisation has an acronym (the key PPAs and OBCMS records refer to it by) and a name; ``kind`` is one of
the list's three sections; an attached agency names the ministry it sits under and nothing else does. Rows are
validated with ``lazy=True`` (see ``validation.ppa_yaml.failures``).
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from ingest.raw import RawTable
from validation.ppa_yaml import build_contract

KINDS = ("ministry", "attached_agency", "other_entity")

REQUIRED = ("acronym", "name", "kind")
CHECKS: dict[str, tuple[pa.Check, ...]] = {"kind": (pa.Check.isin(list(KINDS)),)}
ROW_RULES: tuple[tuple[pl.Expr, str], ...] = (
    (
        (pl.col("kind") == "attached_agency") == pl.col("parent_acronym").is_not_null(),
        "parent_acronym is set for attached agencies and only for them",
    ),
)

_CONTRACTS: dict[str, pa.DataFrameSchema] = {}


def contract(table: RawTable) -> pa.DataFrameSchema:
    if table.name not in _CONTRACTS:
        _CONTRACTS[table.name] = build_contract(table, REQUIRED, CHECKS, ROW_RULES)
    return _CONTRACTS[table.name]
