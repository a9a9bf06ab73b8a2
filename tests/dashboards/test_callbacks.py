"""The shell's and the overview's callbacks, called as plain functions on the tiny warehouse."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta

import dash
import duckdb
import plotly.graph_objects as go
import polars as pl
import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from dashboards import ids
from dashboards.app import create_app, filter_choices, nav_state, sync_filters
from dashboards.filters import Filters
from dashboards.pages import overview, page_modules
from dashboards.quality_figures import stale_sources
from ingest.home import Home
from ingest.warehouse import publish, published_path
from tests.auth import make_user, sign_in
from tests.dashboards.tiny_warehouse import OBCMS_LOADED_AT, published_home, text_of

SELECTION = {"fiscal_year": [2025], "moa": ["MOH"], "sector": ["social"], "area": []}
EVERYTHING = Filters().to_store()


@pytest.fixture
def app(home) -> dash.Dash:
    return create_app(home)


# --------------------------------------------------------------------------------------- the app
def test_pages_are_registered_and_in_the_navbar(app):
    assert [m.PATH for m in page_modules()] == [
        "/",
        "/gaps",
        "/ceilings",
        "/execution",
        "/scorecards",
        "/alignment",
        "/equity",
        "/policies",
        "/scenarios",
        "/data-quality",
        "/404",
    ]
    page = dash.page_registry[overview.__name__]
    assert page["path"] == "/"
    assert page["name"] == "Overview"
    navbar = text_of(app.layout.children[2])
    assert "Overview" in navbar
    assert "Data quality" in navbar
    assert navbar.index("Overview") < navbar.index("Data quality")
    assert "Page not found" not in navbar


def test_the_server_answers(app, home):
    client = app.server.test_client()
    sign_in(client, "", *make_user(home, "viewer"))
    assert client.get("/").status_code == 200
    assert client.get("/?fiscal_year=2025&moa=MOH&sector=social").status_code == 200
    deps = client.get("/_dash-dependencies")
    assert deps.status_code == 200
    outputs = " ".join(d["output"] for d in deps.get_json())
    for component in (overview.HEADLINE, overview.SECTOR_GRAPH, overview.MOA_GRAPH, overview.PPA_TABLE, ids.URL):
        assert component in outputs


def headline_request() -> dict:
    """The overview headline's request, as the browser sends it."""
    return {
        "output": f"{overview.HEADLINE}.children",
        "outputs": {"id": overview.HEADLINE, "property": "children"},
        "inputs": [{"id": ids.FILTERS, "property": "data", "value": SELECTION}],
        "changedPropIds": [f"{ids.FILTERS}.data"],
        "state": [],
    }


def test_a_callback_through_the_server(app, home):
    """One round trip through Dash's own request handling, as the browser makes it."""
    client = app.server.test_client()
    sign_in(client, "", *make_user(home, "viewer"))
    client.get("/")
    response = client.post("/_dash-update-component", json=headline_request())
    assert response.status_code == 200
    text = json.dumps(response.get_json(), ensure_ascii=False)
    assert "₱1,500,000.50" in text


def test_a_callback_runs_on_the_request_thread(app, home, monkeypatch):
    """No event loop and thread of its own per callback (Dash's async dispatch, chosen whenever asgiref is
    installed): every callback is plain Python, and that hop cost ~25 ms a request."""
    import threading

    from dashboards import queries

    seen = []
    headline = queries.headline
    monkeypatch.setattr(queries, "headline", lambda *a: seen.append(threading.get_ident()) or headline(*a))
    client = app.server.test_client()
    sign_in(client, "", *make_user(home, "viewer"))
    assert client.post("/_dash-update-component", json=headline_request()).status_code == 200
    assert seen and set(seen) == {threading.get_ident()}


# ---------------------------------------------------------------------------------- the overview
def test_headline(home):
    text = text_of(overview.headline(EVERYTHING, home))
    for expected in (
        "Approved budget ₱22.5M ₱22,450,000.50",
        "PPAs 8",
        "Obligations ₱13.7M ₱13,650,000.25",
        "Obligation rate 71.8% obligations ÷ allocations",
        "Disbursement rate 60.1%",
    ):
        assert expected in text


def test_headline_filtered(home):
    text = text_of(overview.headline(SELECTION, home))
    assert "Approved budget ₱1.50M ₱1,500,000.50" in text
    assert "PPAs 1" in text
    assert "Obligation rate 25.0%" in text
    assert "Disbursement rate 0.0%" in text


def test_headline_division_by_zero(home):
    text = text_of(overview.headline({"moa": ["MAFAR"]}, home))
    assert "Obligation rate — obligations ÷ allocations" in text
    assert "Disbursement rate — disbursements ÷ obligations" in text


def _links(component) -> list[str]:
    """The hrefs of the links in a rendered component tree."""
    found = []
    if isinstance(component, list | tuple):
        for child in component:
            found += _links(child)
        return found
    if getattr(component, "href", None):
        found.append(component.href)
    children = getattr(component, "children", None)
    if children is not None and not isinstance(children, str):
        found += _links(children)
    return found


def test_one_fiscal_year_is_compared_with_the_year_before(home):
    tiles = overview.headline({"fiscal_year": [2025]}, home)
    text = text_of(tiles)
    # 2025: 1,500,000.50 + 12,000,000.00 + 700,000.00 = 14,200,000.50; 2024: 3,000,000 + 5,000,000 = 8,000,000
    assert "Approved budget ₱14.2M ₱14,200,000.50 ▲ 77.5% vs FY2024" in text
    assert "PPAs 4 programs, projects and activities ▲ 33.3% vs FY2024" in text  # 4 PPAs against 3
    assert "Disbursements ₱3.00M ₱3,000,000.00 ▼ 42.3% vs FY2024" in text  # 3.0M against 5.2M
    assert "/execution?fiscal_year=2025" in _links(tiles)


def test_several_years_are_not_compared(home):
    assert "vs FY" not in text_of(overview.headline({"fiscal_year": [2024, 2025]}, home))
    assert "vs FY" not in text_of(overview.headline(EVERYTHING, home))
    # the year before has no PPA: nothing to compare with
    assert "vs FY" not in text_of(overview.headline({"fiscal_year": [2024]}, home))


def test_alerts_link_to_their_pages(home):
    tiles = overview.alerts({"fiscal_year": [2025]}, home)
    text = text_of(tiles)
    assert "Ceilings exceeded 1 1 near their limit, of 3 ceilings" in text
    assert "Unfunded high-priority needs 2 ₱3.50M unmet, of 3 high-priority needs" in text
    assert "Budget credibility FY2025 PI-1 D spent 55.0% of the original budget" in text
    assert _links(tiles) == ["/ceilings?fiscal_year=2025", "/gaps?fiscal_year=2025", "/execution?fiscal_year=2025"]


def test_alerts_follow_sector_and_area(home):
    text = text_of(overview.alerts({"sector": ["social"], "area": ["province:72"]}, home))
    assert "Ceilings exceeded 0 1 near their limit, of 2 ceilings" in text
    assert "Unfunded high-priority needs 1 ₱2.50M unmet, of 1 high-priority needs" in text
    assert "Budget credibility FY2025" in text  # the latest scored year when none is selected


def test_no_scored_year_says_so(home):
    text = text_of(overview.alerts({"fiscal_year": [2026]}, home))
    assert "Budget credibility — no fiscal year in the selection has a PEFA score" in text


def test_callbacks_wait_for_the_shell(home):
    for _output, callback in overview.CALLBACKS:
        with pytest.raises(PreventUpdate):
            callback(None, home)


def test_sector_figure(home):
    fig = overview.sector_figure({"fiscal_year": [2024]}, home)
    assert isinstance(fig, go.Figure)
    assert list(fig.data[0].y) == ["Social"]
    assert fig.data[0].customdata[0][0] == "₱8,000,000.00"


def test_moa_figure(home):
    fig = overview.moa_figure({"sector": ["social"]}, home)
    assert list(fig.data[0].y) == ["MBHTE", "MOH"]
    assert [c[1] for c in fig.data[0].customdata] == ["₱5,000,000.00", "₱4,500,000.50"]


def test_trend_figure(home):
    fig = overview.trend_figure({"moa": ["MPW"]}, home)
    assert list(fig.data[0].x) == ["2025"]
    assert [t.customdata[0][0] for t in fig.data] == ["₱12,000,000.00", "₱6,000,000.00", "₱3,000,000.00"]


def test_ppa_table(home):
    text = text_of(overview.ppa_table({"fiscal_year": [2024], "moa": ["MOH"]}, home))
    assert "Medical missions for OBCs in Region IX MOH Social 2024 ₱2,000,000.00 0% Ongoing" in text
    assert "Barangay health station upgrades MOH Social 2024 ₱1,000,000.00 100% Completed" in text
    assert text.index("Medical missions") < text.index("Barangay health")
    assert "Madaris" not in text


def test_ppa_table_empty(home):
    assert text_of(overview.ppa_table({"fiscal_year": [1999]}, home)) == "No PPAs match these filters"


def test_hostile_filter_values_show_nothing(home):
    hostile = {"moa": ["x' OR 1=1 --"]}
    assert "PPAs 0" in text_of(overview.headline(hostile, home))
    assert overview.sector_figure(hostile, home).data == ()


# ------------------------------------------------------------------------------------- the shell
def test_a_link_reproduces_the_view(app, home):
    search = "?fiscal_year=2025&moa=MOH&sector=social"
    out = sync_filters(home, None, search, [], [], [])
    assert (out["fiscal_years"], out["moas"], out["sectors"]) == ([2025], ["MOH"], ["social"])
    assert out["filters"] == SELECTION
    assert out["search"] is no_update  # already canonical
    assert [o["value"] for o in out["fiscal_year_options"]] == [2025, 2024]
    assert out["moa_options"][2] == {"label": "MOH — Ministry of Health", "value": "MOH"}
    assert [o["label"] for o in out["sector_options"]] == ["Economic", "Infrastructure", "Social", "Unspecified"]
    assert out["as_of"].endswith("PHT")
    # the tiny warehouse's PPA files and organisation list were last loaded 10 and 19 days before its OBCMS load
    assert out["alert_open"] is True
    # and the page shows that view
    assert "₱1,500,000.50" in text_of(overview.headline(out["filters"], home))


def test_the_filter_choices_are_read_once_per_published_warehouse(tmp_path):
    home = published_home(tmp_path)
    first = filter_choices(home)
    assert first.years == [2025, 2024] and filter_choices(home) is first  # kept for this published file
    # a publish with another year: the next page load offers it
    copy = tmp_path / "with-2026.duckdb"
    shutil.copyfile(published_path(home), copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("update marts.dim_ppa set fiscal_year = 2026 where fiscal_year = 2024")
        con.execute("update marts.rpt_executive_summary set fiscal_year = 2026 where fiscal_year = 2024")
    publish(home, copy)
    again = filter_choices(home)
    assert again is not first and again.years == [2026, 2025]
    assert [o["value"] for o in sync_filters(home, None, "", [], [], [])["fiscal_year_options"]] == [2026, 2025]


def test_the_scorecard_chart_points_are_read_once_per_published_warehouse_and_selection(tmp_path, demo_home):
    from dashboards.pages.scorecards import chart_points

    home = Home(tmp_path / "home").ensure()  # a copy of the demo warehouse: it has the scorecard marts
    shutil.copyfile(published_path(demo_home), tmp_path / "demo.duckdb")
    publish(home, tmp_path / "demo.duckdb")
    everything, social = Filters(), Filters(sectors=("social",))
    first = chart_points(everything, home)
    assert first.height > 0 and chart_points(everything, home) is first  # the quadrant gets the scatter's points
    assert chart_points(social, home) is not first and set(chart_points(social, home)["sector"]) == {"social"}
    copy = tmp_path / "retitled.duckdb"
    shutil.copyfile(published_path(home), copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("update marts.fct_performance_scorecard set title = 'Retitled ' || title")
    publish(home, copy)
    again = chart_points(everything, home)
    assert again is not first and all(t.startswith("Retitled ") for t in again["title"].drop_nulls())


def test_every_page_warns_of_the_sources_past_their_freshness_limit(app, home):
    an_hour_after_the_obcms_load = OBCMS_LOADED_AT + timedelta(hours=1)
    out = sync_filters(home, None, "", [], [], [], now=an_hour_after_the_obcms_load)
    assert out["alert_open"] is True
    warning = text_of(out["alert"])
    # worst first; OBCMS (an hour old, stale after 2 days) and the never-loaded PSA files are not named
    assert "BARMM organisation list: last loaded 19.0 days ago (stale after 2.0 days)" in warning
    assert "MOA PPA files: last loaded 10.0 days ago" in warning
    assert warning.index("organisation list") < warning.index("MOA PPA files")
    assert "OBCMS" not in warning and "PSA" not in warning
    assert "data-quality page" in warning


def test_no_warning_while_every_loaded_source_is_within_its_limit(app, home):
    frame = pl.DataFrame(
        {
            "source_name": ["obcms", "psa"],
            "status": ["fresh", "not_loaded"],
            "age_hours": [1.0, None],
            "warn_after_hours": [48.0, 9600.0],
        }
    )
    assert stale_sources(frame) == []
    stale = stale_sources(frame.with_columns(pl.Series("status", ["stale", "not_loaded"])))
    assert stale == ["OBCMS database: last loaded 1.0 hours ago (stale after 2.0 days)"]


def test_unknown_values_in_a_link_are_dropped(app, home):
    out = sync_filters(
        home, ids.URL, "?fiscal_year=1999&fiscal_year=2024&moa=x'%20OR%201%3D1%20--&sector=social", [], [], []
    )
    assert out["filters"] == {"fiscal_year": [2024], "moa": [], "sector": ["social"], "area": []}
    assert (out["fiscal_years"], out["moas"], out["sectors"]) == ([2024], [], ["social"])
    # the URL is not rewritten on load (that would trap the back button); the next filter change rewrites it
    assert out["search"] is no_update


def test_a_link_in_another_order_is_left_alone(app, home):
    out = sync_filters(home, None, "?sector=social&fiscal_year=2025", [], [], [])
    assert out["filters"] == {"fiscal_year": [2025], "moa": [], "sector": ["social"], "area": []}
    assert out["search"] is no_update


def test_no_query_string_selects_everything(app, home):
    out = sync_filters(home, None, "", None, None, None)
    assert out["filters"] == EVERYTHING
    assert out["search"] is no_update


def test_changing_a_dropdown_rewrites_the_url(app, home):
    out = sync_filters(home, ids.FISCAL_YEAR, "", [2024], [], [])
    assert out["search"] == "?fiscal_year=2024"
    assert out["filters"] == {"fiscal_year": [2024], "moa": [], "sector": [], "area": []}
    # the dropdowns keep what the user chose; options and freshness are not re-read
    assert out["fiscal_years"] is no_update
    assert out["moa_options"] is no_update
    assert out["as_of"] is no_update

    out = sync_filters(home, ids.MOA, "?fiscal_year=2024", [2024], ["MOH", "MBHTE"], ["social"])
    assert out["search"] == "?fiscal_year=2024&moa=MOH&moa=MBHTE&sector=social"


def test_clear_filters(app, home):
    out = sync_filters(home, ids.CLEAR, "?fiscal_year=2024", [2024], ["MOH"], [])
    assert (out["fiscal_years"], out["moas"], out["sectors"]) == ([], [], [])
    assert out["search"] == ""
    assert out["filters"] == EVERYTHING


def test_no_warehouse_yet(empty_home):
    create_app(empty_home)
    out = sync_filters(empty_home, None, "?fiscal_year=2025", [], [], [])
    assert out["filters"] is None  # the pages wait (PreventUpdate) instead of failing
    assert out["alert_open"] is True
    assert "oobc demo" in out["alert"]
    assert out["fiscal_year_options"] == []


def test_nav_links_keep_the_query_string(app):
    hrefs, active = nav_state("/", "?fiscal_year=2025", ["/", "/gaps"])
    assert hrefs == ["/?fiscal_year=2025", "/gaps?fiscal_year=2025"]
    assert active == [True, False]
    hrefs, active = nav_state("/gaps", "", ["/", "/gaps"])
    assert hrefs == ["/", "/gaps"]
    assert active == [False, True]
