"""The scenario page's live recompute, through the server as the browser calls it, on the demo warehouse: the
sector/area grid's limits arrive as one store (``scenario_figures.bound_edits``), not one input per row."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from dashboards import scenario_figures as sf
from dashboards import scenario_queries as q
from dashboards.app import create_app
from dashboards.pages import scenarios as page
from ingest.home import Home
from ingest.warehouse import read_only
from models.spec_json import spec_from_json
from tests.auth import make_user, sign_in

YEAR = 2024
WEIGHTS = {"needs": "0.5", "equity": "0.5"}


@pytest.fixture(scope="module")
def client(demo_home: Home) -> Any:
    app = create_app(demo_home)
    client = app.server.test_client()
    sign_in(client, "", *make_user(demo_home, "viewer"))
    return client


@pytest.fixture(scope="module")
def candidates(demo_home: Home) -> Any:
    with read_only(demo_home) as con:
        return q.year_inputs(con, YEAR).candidates


def _recompute(client: Any, bounds: Any, envelope: str = "1000000") -> dict:
    """The recompute's request as the page sends it; returns the outputs by component id."""
    weight_ids = [{"type": page.WEIGHT, "strategy": key} for key, _, _ in page.STRATEGIES]
    weights = [{"id": i, "property": "value", "value": WEIGHTS.get(i["strategy"], "0")} for i in weight_ids]
    outputs = [
        page.ENVELOPE + ".invalid",
        page.ENVELOPE_FEEDBACK + ".children",
        page.WEIGHT_SUM + ".children",
        page.WEIGHTS_FEEDBACK + ".children",
        '{"strategy":["ALL"],"type":"scenario-weight"}.invalid',
        page.BOUND_PROBLEMS + ".data",
        page.STATUS + ".children",
        page.RESULTS + ".children",
        page.GRID_UPDATE + ".data",
        page.SPEC + ".data",
    ]

    def output(spec: str) -> Any:
        ident, prop = spec.rsplit(".", 1)
        if ident.startswith("{"):
            return [{"id": i, "property": prop} for i in weight_ids]
        return {"id": ident, "property": prop}

    body = {
        "output": ".." + "...".join(outputs) + "..",
        "outputs": [output(o) for o in outputs],
        "inputs": [
            {"id": page.ENVELOPE, "property": "value", "value": envelope},
            weights,
            {"id": page.EQUITY_POPULATION, "property": "value", "value": "total"},
            {"id": page.WHOLE_PPA, "property": "value", "value": False},
            {"id": page.ON_NO_FIT, "property": "value", "value": "skip"},
            {"id": page.BOUND_EDITS, "property": "data", "value": bounds},
            {"id": page.EDITS, "property": "data", "value": sf.lock_edits(None)},
            {"id": page.YEAR, "property": "data", "value": {"fiscal_year": YEAR}},
        ],
        "changedPropIds": [f"{page.BOUND_EDITS}.data"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]


def test_a_limit_typed_in_the_grid_reaches_the_engine(client, candidates):
    sector = candidates["sector"].sort()[0]
    cap = Decimal("1000.00")
    answer = _recompute(client, {sf.bound_id("sector", sector): {"min": "", "max": f"{cap}"}})
    assert answer[page.BOUND_PROBLEMS]["data"] == {}
    spec = spec_from_json(answer[page.SPEC]["data"])
    assert [(b.dimension, b.key, b.minimum, Decimal(b.maximum)) for b in spec.bounds] == [("sector", sector, None, cap)]
    with read_only(client.application.extensions["oobc_home"]) as con:
        allocation = q.evaluate_spec(con, spec, YEAR).outcome.allocation
    in_sector = allocation.ppas.filter(allocation.ppas["sector"] == sector)["allocated"].sum()
    assert 0 < in_sector <= cap


def test_a_contradictory_limit_is_marked_on_its_row_and_nothing_is_recomputed(client, candidates):
    sector = candidates["sector"].sort()[0]
    row = sf.bound_id("sector", sector)
    answer = _recompute(client, {row: {"min": "2000", "max": "1000"}, "area|nowhere": {"min": "5"}})
    assert answer[page.BOUND_PROBLEMS]["data"] == {row: "The minimum is above the maximum"}
    assert "Not recomputed" in json.dumps(answer[page.STATUS]["children"])
    assert page.RESULTS not in answer and page.SPEC in answer and answer[page.SPEC]["data"] is None


@pytest.mark.parametrize("bounds", [None, [], "sector|x", {"sector|x": 5}, {"area|nowhere": {"min": "999999"}}])
def test_a_store_the_grid_could_not_send_sets_no_limit(client, bounds):
    """Rows the year's grid does not have, and shapes it never sends, are left out: the scenario has no limit."""
    answer = _recompute(client, bounds)
    assert answer[page.BOUND_PROBLEMS]["data"] == {}
    assert spec_from_json(answer[page.SPEC]["data"]).bounds == ()
