"""Pandera contracts for the MOA PPA YAML tables (``raw.ppa_yaml_*``), and the failure report file sources share.

A contract is built from the table's ``RawTable`` definition (the column types the loader produces) plus the rules
below: which columns must be present, choice lists, ranges and row rules. Rows are validated with ``lazy=True``
so every failure of a frame is reported at once; each failing row becomes a reject naming the column, the check
and the value. Duplicate keys are checked by the loader (they need every copy's location), not here.

The contracts are strict: a column the table does not define is an error of the loader, not of the data.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from ingest.raw import RawTable
from validation.failures import ContractMismatch, Failure, failures, reason, row_check

YEAR_RANGE = (2000, 2100)
LEVELS = ("outcome", "output")


def _not_blank() -> pa.Check:
    return pa.Check.str_length(min_value=1)


# table -> columns that may not be null (text columns among them may not be blank either)
REQUIRED: dict[str, tuple[str, ...]] = {
    "ppa_yaml_ppas": ("moa_acronym", "title", "fiscal_year", "position"),
    "ppa_yaml_indicators": ("moa_acronym", "ppa_title", "fiscal_year", "level", "position", "indicator"),
    "ppa_yaml_special_provisions": ("moa_acronym", "fiscal_year", "position", "title"),
}

# table -> column -> extra checks
CHECKS: dict[str, dict[str, tuple[pa.Check, ...]]] = {
    "ppa_yaml_ppas": {
        "approved_budget": (pa.Check.ge(0),),
        "fiscal_year": (pa.Check.in_range(*YEAR_RANGE),),
        "position": (pa.Check.ge(1),),
        "outcome_indicator_count": (pa.Check.ge(0),),
        "output_indicator_count": (pa.Check.ge(0),),
    },
    "ppa_yaml_indicators": {
        "fiscal_year": (pa.Check.in_range(*YEAR_RANGE),),
        "level": (pa.Check.isin(list(LEVELS)),),
        "position": (pa.Check.ge(1),),
    },
    "ppa_yaml_special_provisions": {
        "fiscal_year": (pa.Check.in_range(*YEAR_RANGE),),
        "position": (pa.Check.ge(1),),
    },
}

# table -> row rules: (expression that must hold, description); a null result counts as holding
ROW_RULES: dict[str, tuple[tuple[pl.Expr, str], ...]] = {}


def build_contract(
    table: RawTable,
    required: tuple[str, ...],
    checks: dict[str, tuple[pa.Check, ...]],
    row_rules: tuple[tuple[pl.Expr, str], ...] = (),
) -> pa.DataFrameSchema:
    unknown = sorted((set(required) | set(checks)) - set(table.columns))
    if unknown:
        raise ValueError(f"{table.name}: contract rules name columns the table does not have: {unknown}")
    columns = {}
    for name, dtype in table.columns.items():
        column_checks = list(checks.get(name, ()))
        if name in required and dtype == pl.String:
            column_checks.append(_not_blank())
        columns[name] = pa.Column(dtype, checks=column_checks, nullable=name not in required, coerce=False)
    return pa.DataFrameSchema(
        columns, checks=[row_check(e, d) for e, d in row_rules], strict=True, ordered=True, name=table.name
    )


_CONTRACTS: dict[str, pa.DataFrameSchema] = {}


def contract(table: RawTable) -> pa.DataFrameSchema:
    """The contract of one ``raw.ppa_yaml_*`` table."""
    if table.name not in _CONTRACTS:
        _CONTRACTS[table.name] = build_contract(
            table, REQUIRED[table.name], CHECKS.get(table.name, {}), ROW_RULES.get(table.name, ())
        )
    return _CONTRACTS[table.name]


__all__ = ["YEAR_RANGE", "ContractMismatch", "Failure", "build_contract", "contract", "failures", "reason"]
