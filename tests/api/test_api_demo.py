"""The data API over the demo warehouse (the real pipeline, every mart): each endpoint's figures equal the same
question asked of the marts with SQL written here, and the live server conforms to its OpenAPI description
(schemathesis, a few generated requests per operation)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.warehouse import published_path


def _text(value):
    """A mart value as the API writes it in JSON."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def marts(demo_api_home) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(published_path(demo_api_home)), read_only=True)
    try:
        yield con
    finally:
        con.close()


@pytest.fixture(scope="module")
def api(demo_api):
    app, headers = demo_api
    client = app.server.test_client()

    def rows(url: str) -> list[dict]:
        found: list[dict] = []
        separator = "&" if "?" in url else "?"
        url = f"{url}{separator}page_size=1000"
        while url:
            response = client.get(url, headers=headers)
            assert response.status_code == 200, response.get_json()
            body = response.get_json()
            found += body["data"]
            url = body["next"]
        return found

    return rows


def query(con: duckdb.DuckDBPyConnection, sql: str, *params) -> list[tuple]:
    return [tuple(_text(v) for v in row) for row in con.execute(sql, list(params)).fetchall()]


def pick(con: duckdb.DuckDBPyConnection, sql: str):
    row = con.execute(sql).fetchone()
    assert row is not None, sql
    return row[0]


def _as(rows: list[dict], *columns: str) -> list[tuple]:
    return sorted(tuple(r[c] for c in columns) for r in rows)


# --------------------------------------------------------------------------------------- figures
def test_ppas_equal_the_ppa_budget_mart_with_each_filter(api, marts):
    columns = ("ppa_id", "budget_allocation", "allotment", "obligations", "disbursements", "obligation_rate_vs_budget")
    sql = f"select b.{', b.'.join(columns)} from marts.fct_ppa_budget as b join marts.dim_ppa as p using (ppa_id)"
    everything = api("/api/v1/ppas")
    assert _as(everything, *columns) == sorted(query(marts, sql))
    assert len(everything) == pick(marts, "select count(*) from marts.dim_ppa") > 10

    year = pick(marts, "select fiscal_year from marts.dim_ppa group by 1 order by count(*) desc, 1 limit 1")
    moa = pick(
        marts,
        f"select moa_acronym from marts.dim_ppa where fiscal_year = {year} group by 1 order by count(*) desc limit 1",
    )
    got = api(f"/api/v1/ppas?fiscal_year={year}&moa={moa}")
    assert got and _as(got, *columns) == sorted(
        query(marts, f"{sql} where b.fiscal_year = ? and b.moa_acronym = ?", year, moa)
    )

    province = pick(
        marts, "select coverage_province_id from marts.dim_ppa where coverage_province_id is not null limit 1"
    )
    got = api(f"/api/v1/ppas?area=province:{province}")
    assert got and _as(got, *columns) == sorted(query(marts, f"{sql} where p.coverage_province_id = ?", province))

    got = api("/api/v1/ppas?sector=unspecified")
    assert _as(got, *columns) == sorted(query(marts, f"{sql} where b.sector is null"))


def test_annual_budget_by_moa_and_sector_equal_the_executive_summary(api, marts):
    amounts = ("budget_allocation", "allocations", "obligations", "disbursements")
    for by, column in (("moa", "moa_acronym"), ("sector", "sector")):
        expected = query(
            marts,
            f"select fiscal_year, {column}, sum(budget_allocation), sum(allocations), sum(obligations), "
            f"sum(disbursements) from marts.rpt_executive_summary group by all",
        )
        assert _as(api(f"/api/v1/budget/annual?by={by}"), "fiscal_year", "key", *amounts) == sorted(expected)
    region = pick(marts, "select region_id from marts.rpt_executive_summary where region_id is not null limit 1")
    expected = query(
        marts,
        "select fiscal_year, moa_acronym, sum(budget_allocation), sum(allocations), sum(obligations), "
        "sum(disbursements) from marts.rpt_executive_summary where region_id = ? group by all",
        region,
    )
    assert _as(api(f"/api/v1/budget/annual?by=moa&area=region:{region}"), "fiscal_year", "key", *amounts) == sorted(
        expected
    )


def test_annual_budget_by_funding_source_equals_the_ppas_and_reconciles_with_by_moa(api, marts):
    expected = query(
        marts,
        "select p.fiscal_year, coalesce(p.funding_source, 'unspecified'), count(*), "
        "sum(coalesce(p.budget_allocation, 0)), sum(b.disbursements) "
        "from marts.dim_ppa as p join marts.fct_ppa_budget as b on b.ppa_id = p.ppa_id "
        "where p.fiscal_year is not null group by all",
    )
    by_source = api("/api/v1/budget/annual?by=funding_source")
    assert _as(by_source, "fiscal_year", "key", "ppa_count", "budget_allocation", "disbursements") == sorted(expected)
    by_moa = api("/api/v1/budget/annual?by=moa")
    for year in {r["fiscal_year"] for r in by_moa}:
        for amount in ("budget_allocation", "allocations", "obligations", "disbursements", "ppa_count"):
            one = sum(Decimal(str(r[amount])) for r in by_source if r["fiscal_year"] == year)
            other = sum(Decimal(str(r[amount])) for r in by_moa if r["fiscal_year"] == year)
            assert one == other, (year, amount)


def test_ceilings_equal_the_ceiling_monitor(api, marts):
    columns = ("ceiling_id", "fiscal_year", "ceiling_amount", "allocated_amount", "utilization", "status")
    sql = f"select {', '.join(columns)} from marts.fct_ceiling_monitor"
    assert _as(api("/api/v1/ceilings"), *columns) == sorted(query(marts, sql))
    year, sector = marts.execute(
        "select fiscal_year, sector_mapped from marts.fct_ceiling_monitor where sector_mapped is not null "
        "group by all order by count(*) desc limit 1"
    ).fetchone()
    got = api(f"/api/v1/ceilings?fiscal_year={year}&sector={sector}")
    assert got and _as(got, *columns) == sorted(
        query(marts, f"{sql} where fiscal_year = ? and sector_mapped = ?", year, sector)
    )


def test_needs_gap_equals_the_gap_by_area_mart(api, marts):
    columns = ("geography_id", "sector", "needs_count", "high_priority_unfunded_cost", "unmet_cost")
    sql = f"select n.{', n.'.join(columns)} from marts.rpt_gap_by_area as n join marts.dim_geography as g using (geography_id)"
    assert _as(api("/api/v1/needs-gap"), *columns) == sorted(query(marts, sql))
    region = pick(
        marts, "select region_id from marts.rpt_gap_by_area join marts.dim_geography using (geography_id) limit 1"
    )
    got = api(f"/api/v1/needs-gap?level=province&area=region:{region}")
    assert got and _as(got, *columns) == sorted(
        query(marts, f"{sql} where n.level = 'province' and g.region_id = ?", region)
    )


def test_equity_equals_the_equity_marts(api, marts):
    columns = ("geography_id", "fiscal_year", "spending", "spending_per_capita_total", "allocation_need_ratio")
    sql = f"select {', '.join(columns)} from marts.fct_equity"
    assert _as(api("/api/v1/equity"), *columns) == sorted(query(marts, sql))
    year, province = marts.execute(
        "select fiscal_year, province_id from marts.fct_equity where province_id is not null and spending > 0 limit 1"
    ).fetchone()
    got = api(f"/api/v1/equity?fiscal_year={year}&area=province:{province}")
    assert got and _as(got, *columns) == sorted(
        query(marts, f"{sql} where fiscal_year = ? and province_id = ?", year, province)
    )
    summary = ("fiscal_year", "level", "denominator", "total_spending", "gini_weighted", "theil_t")
    got = api("/api/v1/equity/summary?level=region")
    assert got and _as(got, *summary) == sorted(
        query(marts, f"select {', '.join(summary)} from marts.rpt_equity_summary where level = 'region'")
    )


def test_policies_equal_the_policy_marts(api, marts):
    columns = ("policy_recommendation_id", "status", "implementing_ppa_count", "implementing_budget", "funding_gap")
    assert _as(api("/api/v1/policies"), *columns) == sorted(
        query(marts, f"select {', '.join(columns)} from marts.fct_policy_budget")
    )
    cells = ("policy_recommendation_id", "moa_acronym", "fiscal_year", "implementing_budget", "ppa_ids")
    moa = pick(marts, "select moa_acronym from marts.fct_policy_moa_budget where moa_acronym is not null limit 1")
    got = api(f"/api/v1/policies/budget?moa={moa}")
    expected = query(marts, f"select {', '.join(cells)} from marts.fct_policy_moa_budget where moa_acronym = ?", moa)
    assert got and sorted(tuple(r[c] for c in cells) for r in got) == sorted(expected)


def test_scenarios_areas_and_freshness_equal_their_marts(api, marts, demo_api_home):
    assert len(api("/api/v1/scenarios/comparison")) == pick(marts, "select count(*) from marts.fct_scenario_comparison")
    columns = ("geography_id", "level", "region_name", "province_name", "population_total")
    assert _as(api("/api/v1/areas"), *columns) == sorted(
        query(marts, f"select {', '.join(columns)} from marts.dim_geography where level in ('region', 'province')")
    )
    fresh = ("source_name", "last_loaded_at", "age_hours", "status")
    assert _as(api("/api/v1/freshness"), *fresh) == sorted(
        query(marts, f"select {', '.join(fresh)} from marts.rpt_source_freshness")
    )


# -------------------------------------------------------------------------------------- contract
def test_the_live_server_conforms_to_its_openapi_description(demo_served):
    """Schemathesis generates a few valid and a few invalid requests per operation from the description and sends
    them to the running server with an analyst's token: no 5xx, only described statuses, content types and
    headers, responses valid against their schemas, and invalid requests refused with a 4xx."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        negative_data_rejection,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    url, headers = demo_served
    schema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json")
    positive = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]
    calls = {"sent": 0, "ok": 0}
    operations = [result.ok() for result in schema.get_all_operations()]
    # every operation but the description itself, which schemathesis leaves out
    assert {o.label for o in operations} == {f"GET {p}" for p in schema.raw_schema["paths"]} - {
        "GET /api/v1/openapi.json"
    }

    def run(operation, mode, checks, examples) -> None:
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            response = case.call(base_url=url, headers=headers, timeout=30)
            calls["sent"] += 1
            calls["ok"] += response.status_code == 200
            case.validate_response(response, checks=checks, headers=headers)

        check()

    negated = 0
    for operation in operations:
        run(operation, schemathesis.GenerationMode.POSITIVE, positive, 6)
        if operation.label != "GET /api/v1/docs":  # no parameter to make invalid
            run(operation, schemathesis.GenerationMode.NEGATIVE, [not_a_server_error, negative_data_rejection], 3)
            negated += 1
    assert negated == len(operations) - 1
    assert calls["sent"] >= len(operations) * 3
    assert calls["ok"] >= len(operations)  # most operations answered some generated requests with data


def test_the_marts_file_is_the_published_one(demo_api_home, marts):
    (path,) = marts.execute("select path from duckdb_databases() where database_name = current_database()").fetchone()
    assert Path(path) == published_path(demo_api_home)
