"""Pandera contract for ``raw.psa_population``, at the ingest boundary.

The parser (``ingest.population``) already rejects lines it cannot read; this contract is what every row
must satisfy before it reaches ``raw``, whoever built the frame: the region is one the OOBC covers, the level
is one of the three the files have, the names present are exactly those the level needs, and the population
is a plausible head count. It is strict: a column the raw table does not have is an error.

``failures`` validates lazily (``lazy=True``), so every failing row is reported at once.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors

REGIONS = ("IX", "X", "XI", "XII")
LEVELS = ("province", "municipality", "barangay")
# No Philippine area can count more people than the whole country (about 112 million in 2024).
MAX_POPULATION = 150_000_000

_c = pl.col
# Which names each level carries: a province row names only its province, a barangay row all three.
_NAMES_MATCH_LEVEL = (
    pl.when(_c("level") == "province")
    .then(_c("municipality_name").is_null() & _c("barangay_name").is_null())
    .when(_c("level") == "municipality")
    .then(_c("municipality_name").is_not_null() & _c("barangay_name").is_null())
    .otherwise(_c("municipality_name").is_not_null() & _c("barangay_name").is_not_null())
)
NAMES_MATCH_LEVEL = (
    "the names do not fit the level: a province row names its province only, a municipality row also its "
    "municipality, a barangay row all three"
)


class PopulationRow(pa.DataFrameModel):
    """One line of a PSA population file: a province/HUC block, a city/municipality or a barangay."""

    region_code: str = pa.Field(isin=list(REGIONS))
    level: str = pa.Field(isin=list(LEVELS))
    province_name: str = pa.Field(str_length={"min_value": 1})
    municipality_name: str = pa.Field(nullable=True, str_length={"min_value": 1})
    barangay_name: str = pa.Field(nullable=True, str_length={"min_value": 1})
    population: int = pa.Field(ge=0, le=MAX_POPULATION)
    source_file: str = pa.Field(alias="_file")
    source_line: int = pa.Field(alias="_line", ge=1)

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check(name="names_match_level", error=NAMES_MATCH_LEVEL)
    def names_match_level(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_NAMES_MATCH_LEVEL.alias("ok"))


class ContractMismatch(Exception):
    """The frame itself (not one of its rows) breaks the contract: a missing, extra or mistyped column."""


def failures(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``frame`` that break the contract: ``row`` (position), ``column``, ``check``, ``value``.

    A row may appear more than once (one entry per failed check). Raises ``ContractMismatch`` when the
    failure is not about rows.
    """
    empty = pl.DataFrame(schema={"row": pl.Int64, "column": pl.String, "check": pl.String, "value": pl.String})
    try:
        PopulationRow.validate(frame, lazy=True)
    except SchemaErrors as err:
        fc = err.failure_cases
        structural = fc.filter(_c("index").is_null())
        if structural.height:
            raise ContractMismatch(
                "; ".join(f"{r['check']}: {r['failure_case']}" for r in structural.iter_rows(named=True))
            ) from err
        return fc.select(
            _c("index").cast(pl.Int64).alias("row"),
            pl.when(_c("schema_context") == "Column").then(_c("column")).alias("column"),
            _c("check"),
            _c("failure_case").alias("value"),
        )
    return empty
