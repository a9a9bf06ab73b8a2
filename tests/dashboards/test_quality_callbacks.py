"""The data-quality page's callbacks, called as plain functions on the tiny warehouse (and once through the server)."""

from __future__ import annotations

import json

import dash
import duckdb
import pytest
from dash.exceptions import PreventUpdate

from dashboards import ids
from dashboards.app import create_app
from dashboards.filters import Filters
from dashboards.pages import data_quality as page
from ingest.warehouse import published_path
from tests.auth import make_user, sign_in
from tests.dashboards.tiny_warehouse import text_of

READY = Filters().to_store()  # the shell has read the warehouse (the filters themselves do not apply here)


def _rows(component) -> list:
    """The body rows of a table component."""
    table = component.children if hasattr(component, "children") else component
    (_head, body) = table
    return body.children


def test_the_page_is_registered_and_served(home):
    app = create_app(home)
    page_entry = dash.page_registry[page.__name__]
    assert (page_entry["path"], page_entry["name"]) == ("/data-quality", "Data quality")
    client = app.server.test_client()
    sign_in(client, "", *make_user(home, "viewer"))
    assert client.get("/data-quality").status_code == 200
    outputs = " ".join(d["output"] for d in client.get("/_dash-dependencies").get_json())
    for component in (
        page.FRESHNESS,
        page.RUNS,
        page.REJECTS,
        page.REJECT_TABLE,
        page.UNKNOWN_ORGANIZATIONS,
        page.DELETED,
        page.UNMATCHED,
        page.POPULATION,
    ):
        assert component in outputs


def test_the_layout_has_every_section():
    layout = page.layout()
    text = text_of(layout)
    for title, _lead in page.SECTIONS.values():
        assert title in text
    assert "The filters above do not apply to this page." in text


def test_a_callback_through_the_server(home):
    app = create_app(home)
    client = app.server.test_client()
    sign_in(client, "", *make_user(home, "viewer"))
    client.get("/data-quality")
    body = {
        "output": f"{page.RUNS}.children",
        "outputs": {"id": page.RUNS, "property": "children"},
        "inputs": [{"id": ids.FILTERS, "property": "data", "value": READY}],
        "changedPropIds": [f"{ids.FILTERS}.data"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    text = json.dumps(response.get_json(), ensure_ascii=False)
    assert "SourceError: ppa: no such folder" in text
    assert "row-failed" in text


def test_callbacks_wait_for_the_shell(home):
    for _output, callback in page.CALLBACKS:
        with pytest.raises(PreventUpdate):
            callback(None, home)
    with pytest.raises(PreventUpdate):
        page.reject_filter_options(None, None, None, home)
    with pytest.raises(PreventUpdate):
        page.rejects_table(None, None, None, home)


def test_freshness_cards(home):
    cards = page.freshness_cards(READY, home)
    text = text_of(cards)
    for label in ("OBCMS database", "MOA PPA files", "BARMM organisation list", "PSA population files"):
        assert label in text
    assert "Never loaded into this warehouse (not configured)." in text
    assert [c.to_plotly_json()["props"]["data-source"] for c in cards] == ["obcms", "organizations", "ppa_yaml", "psa"]


def test_runs_table_highlights_failures(home):
    runs = page.runs_table(READY, home)  # a paged grid: a failed run's row_class styles its line
    assert [r["row_class"] for r in runs.rowData] == ["", "", "row-failed", "row-failed"]
    assert runs.dashGridOptions["getRowClass"] == {"function": "params.data.row_class || ''"}
    failed = runs.rowData[2]
    assert failed["source"] == "(none)" and failed["status"] == "Refresh failed"


def test_reject_filters(home):
    sources, tables, keep = page.reject_filter_options(READY, None, None, home)
    assert [s["value"] for s in sources] == ["obcms", "ppa"]
    assert [t["value"] for t in tables] == ["monitoring_monitoringentry", "ppa_yaml_ppas"]
    assert keep is None
    # a table of another source is cleared when the source changes; one of the source is kept
    _, tables, keep = page.reject_filter_options(READY, "ppa", "monitoring_monitoringentry", home)
    assert ([t["value"] for t in tables], keep) == (["ppa_yaml_ppas"], None)
    _, _, keep = page.reject_filter_options(READY, "ppa", "ppa_yaml_ppas", home)
    assert keep == "ppa_yaml_ppas"


def test_rejects_table(home):
    caption, component = page.rejects_table(READY, None, None, home)
    assert caption == "Showing 3 rejected values"
    assert len(_rows(component)) == 3
    caption, component = page.rejects_table(READY, "ppa", "ppa_yaml_ppas", home)
    assert caption == "Showing 1 rejected value"
    text = text_of(component)
    assert "mafar.yaml:55" in text and "approved_budget must be a plain number" in text
    caption, component = page.rejects_table(READY, "obcms", "ppa_yaml_ppas", home)
    assert caption == "Showing no rejected values"
    assert text_of(component) == "None"


def test_findings(home):
    assert "BAGO Bangsamoro Attorney-General's Office 1 ₱34,001,249.00 2025 bago.yaml:4" in text_of(
        page.unknown_organizations_table(READY, home)
    )
    assert "OBCMS database monitoring_monitoringentry 1 118" in text_of(page.deleted_rows_table(READY, home))
    unmatched = text_of(page.unmatched_table(READY, home))
    assert "CITY OF ISABELA" in unmatched and "Isabela City (0.912), Isabela (0.850)" in unmatched
    population = text_of(page.population_table(READY, home))
    assert "Bansalan, DAVAO DEL SUR (XI)" in population and "+5,808" in population
    assert "Banisilan" not in population  # consistent


def test_empty_findings_read_none(home):
    with duckdb.connect(str(published_path(home))) as writer:
        for table in (
            "rpt_data_quality_rejects",
            "rpt_deleted_rows",
            "rpt_unknown_organizations",
            "rpt_geography_unmatched",
            "rpt_population_consistency",
            "rpt_data_quality_runs",
        ):
            writer.execute(f"delete from marts.{table}")
    for callback in (
        page.unknown_organizations_table,
        page.deleted_rows_table,
        page.unmatched_table,
        page.population_table,
    ):
        assert text_of(callback(READY, home)) == "None", callback.__name__
    assert text_of(page.rejects_table(READY, None, None, home)[1]) == "None"
    assert text_of(page.runs_table(READY, home)) == "No refresh has been recorded yet."
