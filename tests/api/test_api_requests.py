"""The data API over the tiny warehouse: tokens and roles, parameters, paging, formats, rate limit, request log,
freshness and the swap of the published warehouse."""

from __future__ import annotations

import csv
import io
import threading
from decimal import Decimal

import duckdb
import pytest

from dashboards import queries
from dashboards.app import create_app
from ingest import api_tokens
from ingest.warehouse import publish, published_path
from tests.api.conftest import SCENARIO_ROWS, api_home, bearer, build_api_warehouse
from tests.dashboards.tiny_warehouse import SUMMARY_ROWS, TOTAL_BUDGET

ANNUAL = "/api/v1/budget/annual"


def _all_rows(client, url: str, headers: dict) -> list[dict]:
    """Every row of ``url``, following the ``next`` links."""
    rows: list[dict] = []
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        rows += body["data"]
        url = body["next"]
    return rows


# ------------------------------------------------------------------------------------ tokens and roles
def test_a_request_without_a_token_is_refused(shared_client):
    response = shared_client.get(f"{ANNUAL}?by=moa")
    assert response.status_code == 401
    assert "token is required" in response.get_json()["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer oobc_not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_an_unknown_or_malformed_token_is_refused(shared_client, header):
    response = shared_client.get(f"{ANNUAL}?by=moa", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["status"] == 401


def test_a_revoked_token_is_refused_at_once(client, home):
    token = api_tokens.create_token(home, "lgu-portal", "reader")
    assert client.get(f"{ANNUAL}?by=moa", headers=bearer(token)).status_code == 200
    assert api_tokens.revoke(home, "lgu-portal") == 1
    response = client.get(f"{ANNUAL}?by=moa", headers=bearer(token))
    assert response.status_code == 401
    assert "revoked" in response.get_json()["error"]


def test_the_token_is_stored_only_as_its_hash(home):
    token = api_tokens.create_token(home, "lgu-portal", "reader")
    import hashlib

    import sqlalchemy as sa

    with api_tokens.engine_for(home).connect() as conn:
        (row,) = conn.execute(sa.select(api_tokens.api_token)).all()
    assert token not in [str(v) for v in row]
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(row.token_prefix) and len(row.token_prefix) < 20
    assert len(token) >= 40  # 32 random bytes, url-safe base64, after the prefix


def test_a_reader_may_not_read_analyst_endpoints(shared_client, shared_reader, shared_analyst):
    for path in ("/api/v1/needs-gap", "/api/v1/equity", "/api/v1/scenarios/comparison"):
        response = shared_client.get(path, headers=shared_reader)
        assert response.status_code == 403, path
        assert "needs role analyst" in response.get_json()["error"]
    assert shared_client.get("/api/v1/scenarios/comparison", headers=shared_analyst).status_code == 200
    assert shared_client.get(f"{ANNUAL}?by=sector", headers=shared_analyst).status_code == 200


# ---------------------------------------------------------------------------------------- parameters
@pytest.mark.parametrize(
    ("query", "parameter", "words"),
    [
        ("by=moa&colour=red", "colour", "unknown parameter"),
        ("by=moa&fiscal_year=twenty", "fiscal_year", "must be a year"),
        ("by=moa&fiscal_year=1066", "fiscal_year", "must be a year"),
        ("by=region", "by", "must be one of moa, sector, funding_source"),
        ("", "by", "is required"),
        ("by=moa&page=0", "page", "from 1"),
        ("by=moa&page=x", "page", "whole number"),
        ("by=moa&page=3", "page", "beyond the last page"),
        ("by=moa&page_size=1001", "page_size", "at most 1000"),
        ("by=moa&format=xml", "format", "json or csv"),
        ("by=moa&area=municipality:4", "area", "region:<id> or province:<id>"),
        ("by=moa&moa=", "moa", "is empty"),
        ("by=moa&by=sector", "by", "give it once"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(shared_client, shared_reader, query, parameter, words):
    response = shared_client.get(f"{ANNUAL}?{query}", headers=shared_reader)
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter
    assert body["error"].startswith(f"{parameter}: ")
    assert words in body["error"]


def test_a_filter_that_does_not_apply_is_400(shared_client, shared_reader):
    response = shared_client.get("/api/v1/ceilings?moa=MOH", headers=shared_reader)
    assert response.status_code == 400
    assert "does not apply to /api/v1/ceilings" in response.get_json()["error"]


def test_unknown_paths_and_other_methods(shared_client, shared_reader):
    response = shared_client.get("/api/v1/budgets", headers=shared_reader)
    assert response.status_code == 404
    assert "no endpoint /api/v1/budgets" in response.get_json()["error"]
    response = shared_client.post(f"{ANNUAL}?by=moa", headers=shared_reader)
    assert response.status_code == 405
    assert "read-only" in response.get_json()["error"]


# ------------------------------------------------------------------------------------ figures, filters
def _summary(by: int, year: int | None = None, moas: tuple[str, ...] = ()) -> dict[tuple, Decimal]:
    totals: dict[tuple, Decimal] = {}
    for row in SUMMARY_ROWS:
        if (year is None or row[0] == year) and (not moas or row[1] in moas):
            key = (row[0], row[by])
            totals[key] = totals.get(key, Decimal(0)) + row[5]
    return totals


def test_annual_budget_by_moa_and_sector_are_the_summary_sums(shared_client, shared_reader):
    for by, index in (("moa", 1), ("sector", 3)):
        rows = _all_rows(shared_client, f"{ANNUAL}?by={by}", shared_reader)
        assert {(r["fiscal_year"], r["key"]): Decimal(r["budget_allocation"]) for r in rows} == _summary(index)
        assert sum(Decimal(r["budget_allocation"]) for r in rows) == TOTAL_BUDGET
        assert all(isinstance(r["budget_allocation"], str) for r in rows)  # exact decimal strings, never floats
    rows = _all_rows(shared_client, f"{ANNUAL}?by=moa&fiscal_year=2024&moa=MOH&moa=MPW", shared_reader)
    assert {(r["fiscal_year"], r["key"]): Decimal(r["budget_allocation"]) for r in rows} == _summary(
        1, 2024, ("MOH", "MPW")
    )
    assert rows == [r for r in rows if r["fiscal_year"] == 2024 and r["key"] == "MOH"]


def test_the_money_keeps_its_centavos(shared_client, shared_reader):
    rows = _all_rows(shared_client, f"{ANNUAL}?by=moa&fiscal_year=2025&moa=MOH", shared_reader)
    assert [r["budget_allocation"] for r in rows] == ["1500000.50"]
    assert [r["obligations"] for r in rows] == ["250000.25"]


def test_scenario_comparison_with_its_filters(shared_client, shared_analyst):
    rows = _all_rows(shared_client, "/api/v1/scenarios/comparison?fiscal_year=2025", shared_analyst)
    assert [(r["scenario_id"], r["dimension"], r["key"]) for r in rows] == sorted(
        (r[0], r[5], r[6]) for r in SCENARIO_ROWS
    )
    totals = _all_rows(shared_client, "/api/v1/scenarios/comparison?dimension=total&scenario_id=2", shared_analyst)
    assert [(r["allocated_amount"], r["is_valid"], r["problems"]) for r in totals] == [
        ("14200000.50", False, "hard ceiling exceeded: MPW")
    ]
    assert _all_rows(shared_client, "/api/v1/scenarios/comparison?fiscal_year=2024", shared_analyst) == []


# ------------------------------------------------------------------------------------------- paging
def test_pages_concatenated_are_all_the_rows_without_overlap(shared_client, shared_reader):
    everything = shared_client.get(f"{ANNUAL}?by=moa&page_size=1000", headers=shared_reader).get_json()
    assert everything["total_rows"] == len(everything["data"]) == 6
    assert everything["next"] is None and everything["total_pages"] == 1
    first = shared_client.get(f"{ANNUAL}?by=moa&page_size=4", headers=shared_reader)
    body = first.get_json()
    assert (body["total_rows"], body["total_pages"], len(body["data"])) == (6, 2, 4)
    assert first.headers["X-Total-Count"] == "6"
    assert first.headers["Link"] == f'<{body["next"]}>; rel="next"'
    paged = _all_rows(shared_client, f"{ANNUAL}?by=moa&page_size=1", shared_reader)
    assert paged == everything["data"]
    keys = [(r["fiscal_year"], r["key"]) for r in paged]
    assert len(set(keys)) == len(keys)
    second = shared_client.get(body["next"], headers=shared_reader).get_json()
    assert second["previous"] is not None and second["page"] == 2
    assert body["data"] + second["data"] == everything["data"]


def test_an_empty_result_is_one_empty_page(shared_client, shared_reader):
    body = shared_client.get(f"{ANNUAL}?by=moa&fiscal_year=2030", headers=shared_reader).get_json()
    assert (body["total_rows"], body["total_pages"], body["data"], body["next"]) == (0, 1, [], None)


# ------------------------------------------------------------------------------------------- formats
def test_csv_equals_json(shared_client, shared_reader):
    body = shared_client.get(f"{ANNUAL}?by=moa&page_size=1000", headers=shared_reader).get_json()
    response = shared_client.get(f"{ANNUAL}?by=moa&page_size=1000&format=csv", headers=shared_reader)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["X-OOBC-Warehouse"] == body["warehouse"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == body["columns"]
    as_text = [{k: "" if v is None else str(v) for k, v in r.items()} for r in body["data"]]
    assert rows == as_text
    accepted = shared_client.get(f"{ANNUAL}?by=moa&page_size=1000", headers={**shared_reader, "Accept": "text/csv"})
    assert accepted.mimetype == "text/csv" and accepted.get_data() == response.get_data()


# -------------------------------------------------------------------------------- freshness and swap
def test_freshness_is_the_published_files(client, reader, home):
    response = client.get("/api/v1/freshness", headers=reader)
    body = response.get_json()
    assert body["warehouse"] == published_path(home).name == response.headers["X-OOBC-Warehouse"]
    assert body["published_at"] == queries.data_as_of(home).isoformat() == response.headers["X-OOBC-Published-At"]
    assert {r["source_name"] for r in body["data"]} == {"obcms", "organizations", "ppa_yaml", "psa"}


def test_a_swap_while_paging_is_told_not_mixed(client, reader, home, tmp_path):
    first = client.get(f"{ANNUAL}?by=moa&page_size=2", headers=reader).get_json()
    assert first["warehouse"] == "first.duckdb"
    publish(home, build_api_warehouse(tmp_path / "second.duckdb", Decimal("1.00")))
    response = client.get(first["next"], headers=reader)
    assert response.status_code == 409
    assert response.get_json()["parameter"] == "warehouse"
    assert "start again from page 1" in response.get_json()["error"]
    assert response.headers["X-OOBC-Warehouse"] == "second.duckdb"
    again = _all_rows(client, f"{ANNUAL}?by=moa&page_size=2", reader)
    assert sum(Decimal(r["budget_allocation"]) for r in again) == TOTAL_BUDGET + len(SUMMARY_ROWS)


def test_no_response_mixes_two_warehouses_while_refreshes_swap_them(home, tmp_path, reader):
    """Publish two different warehouses in turn while requests run: every response's rows, total and freshness
    are those of the one warehouse it names."""
    second = build_api_warehouse(tmp_path / "second.duckdb", Decimal("1.00"))
    first = published_path(home)
    expected = {}
    for path in (first, second):
        con = duckdb.connect(str(path), read_only=True)
        try:
            expected[path.name] = con.execute(
                "select sum(budget_allocation) from marts.rpt_executive_summary"
            ).fetchone()[0]
        finally:
            con.close()
    client = create_app(home).server.test_client()
    stop = threading.Event()

    def swap() -> None:
        while not stop.is_set():
            for path in (second, first):
                publish(home, path, keep=5)

    swapper = threading.Thread(target=swap)
    swapper.start()
    seen = set()
    try:
        for _ in range(25):
            body = client.get(f"{ANNUAL}?by=sector&page_size=1000", headers=reader).get_json()
            seen.add(body["warehouse"])
            assert sum(Decimal(r["budget_allocation"]) for r in body["data"]) == expected[body["warehouse"]]
    finally:
        stop.set()
        swapper.join()
    assert seen == {"first.duckdb", "second.duckdb"}  # the swaps did happen while the requests ran


# ------------------------------------------------------------------------------------ rate limit, log
def test_the_rate_limit_is_per_client_and_says_when_to_retry(tmp_path):
    home = api_home(tmp_path, rate_limit="3/minute")
    client = create_app(home).server.test_client()
    portal = bearer(api_tokens.create_token(home, "lgu-portal", "reader"))
    tracker = bearer(api_tokens.create_token(home, "budget-tracker", "reader"))
    answers = [client.get("/api/v1/freshness", headers=portal) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert "Retry-After" not in answers[0].headers
    refused = client.get(f"{ANNUAL}?by=moa", headers=portal)  # one budget over every endpoint
    assert refused.status_code == 429
    assert "rate limit exceeded for client lgu-portal" in refused.get_json()["error"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert f"retry in {refused.headers['Retry-After']} seconds" in refused.get_json()["error"]
    assert refused.headers["X-RateLimit-Limit"] == "3" and refused.headers["X-RateLimit-Remaining"] == "0"
    assert client.get("/api/v1/freshness", headers=tracker).status_code == 200


def test_a_bad_rate_limit_setting_is_a_clear_error(tmp_path):
    from ingest.home import ConfigError

    home = api_home(tmp_path, rate_limit="lots")
    with pytest.raises(ConfigError, match=r"\[api\] rate_limit must be like"):
        create_app(home)


def test_every_request_is_logged_with_client_endpoint_and_rows(client, reader, home, caplog):
    caplog.set_level("INFO")
    client.get(f"{ANNUAL}?by=moa&fiscal_year=2024", headers=reader)
    client.get(f"{ANNUAL}?by=moa")
    client.get(f"{ANNUAL}?by=nothing", headers=reader)
    logged = api_tokens.requests_logged(home)
    assert [(r["client"], r["endpoint"], r["query_string"], r["status"], r["row_count"]) for r in logged] == [
        ("lgu-portal", ANNUAL, "by=moa&fiscal_year=2024", 200, 2),
        (None, ANNUAL, "by=moa", 401, None),
        ("lgu-portal", ANNUAL, "by=nothing", 400, None),
    ]
    assert logged[0]["warehouse"] == "first.duckdb" and logged[0]["milliseconds"] > 0
    (token,) = api_tokens.list_tokens(home)
    assert token["last_used_at"] is not None
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("api GET")]
    assert len(lines) == 3
    assert "client=lgu-portal status=200 rows=2" in lines[0]


def test_no_warehouse_published_is_503(tmp_path):
    from ingest.home import Home

    home = Home(tmp_path / "empty").ensure()
    client = create_app(home).server.test_client()
    token = bearer(api_tokens.create_token(home, "lgu-portal", "reader"))
    response = client.get("/api/v1/freshness", headers=token)
    assert response.status_code == 503
    assert "no warehouse has been published" in response.get_json()["error"]
