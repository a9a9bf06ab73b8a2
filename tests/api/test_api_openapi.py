"""The OpenAPI description: valid OpenAPI 3.1, served without a token, exactly the registered routes, typed from
the marts' contracts; the dbt exposure lists exactly the marts the API reads."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from openapi_spec_validator import validate

from dashboards.api import openapi, registry

CHECKOUT = Path(__file__).resolve().parents[2]
API_RULE = re.compile(r"^/api/v1/")


def _api_routes(server) -> set[tuple[str, str]]:
    """(path, method) of every route of the API on the Flask server, but the JSON 404/405 catch-all."""
    routes = set()
    for rule in server.url_map.iter_rules():
        if not API_RULE.match(rule.rule) or "<" in rule.rule:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((rule.rule, method.lower()))
    return routes


def test_the_description_is_valid_openapi_31_and_open_without_a_token(shared_client):
    response = shared_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    validate(document)
    assert document == openapi.document()


def test_every_route_is_described_and_every_description_is_a_route(shared_client):
    document = shared_client.get("/api/v1/openapi.json").get_json()
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    assert described == _api_routes(shared_client.application)
    assert {f"/api/v1{e.path}" for e in registry.ENDPOINTS} < {path for path, _ in described}


def test_the_catch_all_is_the_only_route_left_out(shared_client):
    server = shared_client.application
    left_out = {rule.rule for rule in server.url_map.iter_rules() if API_RULE.match(rule.rule) and "<" in rule.rule}
    assert left_out == {"/api/v1/<path:rest>"}


def test_parameters_and_columns_follow_the_registry_and_the_mart_contracts(shared_client):
    document = shared_client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    for endpoint in registry.ENDPOINTS:
        operation = document["paths"][f"/api/v1{endpoint.path}"]["get"]
        names = [p.get("name") or p["$ref"].rsplit("/", 1)[1] for p in operation["parameters"]]
        assert names == [
            *endpoint.filters,
            *(c.name for c in endpoint.choices),
            "page",
            "page_size",
            "format",
            "warehouse",
        ]
        assert operation["security"] == [{"bearerAuth": []}]
        row = operation["responses"]["200"]["content"]["application/json"]["schema"]["allOf"][1]
        properties = schemas[row["properties"]["data"]["items"]["$ref"].rsplit("/", 1)[1]]["properties"]
        assert list(properties) == endpoint.column_names
    ppa = schemas["ListPpasRow"]["properties"]
    # money columns are exact decimal strings with the contract's scale; counts are integers
    assert ppa["budget_allocation"]["type"] == ["string", "null"]
    assert ppa["budget_allocation"]["pattern"] == r"^-?[0-9]+\.[0-9]{2}$"
    assert ppa["obligation_rate_vs_budget"]["pattern"] == r"^-?[0-9]+\.[0-9]{4}$"
    assert ppa["beneficiaries"]["type"] == ["integer", "null"]
    contracts = registry.mart_contracts()
    assert contracts["fct_ppa_budget"]["budget_allocation"]["data_type"] == "decimal(18,2)"
    assert schemas["PolicyBudgetByMoaRow"]["properties"]["ppa_ids"]["type"] == ["array", "null"]


def test_every_passed_through_column_is_in_its_marts_contract():
    for endpoint in registry.ENDPOINTS:
        for column in endpoint.columns:
            if column.source:
                assert column.mart in endpoint.marts, (endpoint.path, column.name)
                assert column.source.split(".")[1] in registry.mart_contracts()[column.mart], column.source


def test_the_docs_page_lists_every_endpoint(shared_client):
    response = shared_client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for endpoint in registry.ENDPOINTS:
        assert f"GET /api/v1{endpoint.path}<" in page


def test_the_api_is_a_dbt_exposure_of_exactly_the_marts_it_reads():
    exposures = [
        exposure
        for path in sorted((CHECKOUT / "dbt_project" / "models").rglob("*.yml"))
        for exposure in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("exposures", []) or []
        if exposure["name"] == "data_api"
    ]
    (exposure,) = exposures
    assert exposure["type"] == "application"
    declared = {re.fullmatch(r"ref\('(\w+)'\)", d).group(1) for d in exposure["depends_on"]}
    assert declared == registry.marts_read()
    # and those are the marts the endpoints' SQL names
    named = {
        m
        for e in registry.ENDPOINTS
        for m in registry.mart_contracts()
        if re.search(rf"\b{m}\b", e.statement({c.name: (c.values[0] if c.values else "") for c in e.choices}))
    }
    annual = registry.BY_PATH["/budget/annual"]
    named |= {
        m
        for by in ("moa", "sector", "funding_source")
        for m in registry.mart_contracts()
        if re.search(rf"\b{m}\b", annual.statement({"by": by}))
    }
    assert named == declared
