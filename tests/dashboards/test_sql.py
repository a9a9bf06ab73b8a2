"""The global filter as SQL: conditions on a mart's columns, bound parameters, and the area match."""

from __future__ import annotations

import duckdb
import pytest

from dashboards import sql
from dashboards.filters import Filters


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute(
        """
        create table dim_ppa as select * from (values
            (1, 9, 72), (2, 9, null), (3, 10, 80), (4, null, null)
        ) as t(ppa_id, coverage_region_id, coverage_province_id);
        create table facts as select * from (values
            (1, 2025, 'MOH', 'social', 9, 72, 100),
            (2, 2025, 'MPW', null, 9, null, 20),
            (3, 2024, 'MOH', 'economic', 10, 80, 3),
            (4, 2024, 'MPW', 'social', null, null, 1)
        ) as t(ppa_id, fiscal_year, moa_acronym, sector, region_id, province_id, amount);
        """
    )
    yield connection
    connection.close()


def _total(con, filters: Filters, **columns) -> int:
    query = f"select coalesce(sum(amount), 0)::bigint as total from facts where {sql.where(**columns)}"
    return sql.frame(con, query, filters)["total"].item()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), 124),
        (Filters(fiscal_years=(2025,)), 120),
        (Filters(moas=("MOH",)), 103),
        (Filters(sectors=("unspecified",)), 20),  # a null sector is 'unspecified'
        (Filters(areas=("region:9",)), 120),
        (Filters(areas=("province:72",)), 100),
        (Filters(areas=("province:72", "region:10")), 103),
        (Filters(fiscal_years=(2025,), moas=("MOH",), areas=("region:10",)), 0),
        (Filters(moas=("x' or 1=1 --",)), 0),
    ],
)
def test_conditions_on_a_marts_own_area_columns(con, filters, expected):
    assert _total(con, filters, region="region_id", province="province_id") == expected


@pytest.mark.parametrize(
    ("areas", "expected"),
    [(("region:9",), 120), (("province:80",), 3), (("region:11",), 0), ((), 124)],
)
def test_area_through_the_ppas_coverage(con, areas, expected):
    assert _total(con, Filters(areas=areas), ppa_id="facts.ppa_id") == expected


def test_a_dimension_the_mart_lacks_is_not_applied(con):
    assert _total(con, Filters(moas=("MOH",)), moa=None) == 124


def test_only_the_named_parameters_are_bound():
    query = f"select 1 where {sql.where(moa=None, sector=None)} limit $limit"
    assert sql.parameters(query, Filters(), limit=5) == {"fiscal_years": [], "limit": 5}
    with pytest.raises(ValueError, match="limit"):
        sql.parameters(query, Filters())
    assert sql.where(fiscal_year=None, moa=None, sector=None) == "true"
