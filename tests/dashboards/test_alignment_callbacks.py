"""The BDP alignment page's callbacks on the hand-made alignment warehouse (no browser)."""

from __future__ import annotations

import pytest
from dash.exceptions import PreventUpdate

from dashboards.filters import Filters
from dashboards.pages import alignment as page
from tests.dashboards.test_alignment_queries import alignment_home
from tests.dashboards.tiny_warehouse import text_of

ALL_PPAS = Filters().to_store()
FY_2025 = Filters(fiscal_years=(2025,)).to_store()


@pytest.fixture
def home(tmp_path):
    return alignment_home(tmp_path)


def test_callbacks_wait_for_the_shell(home):
    for callback in (page.treemap, page.scores_table, page.untagged_table, page.goal_options):
        with pytest.raises(PreventUpdate):
            callback(None, home)
    with pytest.raises(PreventUpdate):
        page.ppa_options(None, "", None, home)
    with pytest.raises(PreventUpdate):
        page.reviews_table(None, 0, home)
    with pytest.raises(PreventUpdate):
        page.save_review(0, "p1", "g1", "note", 0, home, reviewer="Ana")


def test_sections(home):
    caption, scores = page.scores_table(FY_2025, home)
    assert caption == "Showing 3 PPAs"
    assert "Legal aid" in text_of(scores) and "Clinics" not in text_of(scores)
    summary, untagged = page.untagged_table(FY_2025, home)
    assert summary == "2 untagged PPAs, approved budget ₱40.00"
    # every untagged PPA in the paged grid, each row named by its PPA id so a "Review" cell picks it
    assert untagged.getRowId == "params.data['ppa_id']"
    rows = {r["ppa_id"]: r for r in untagged.rowData}
    assert len(rows) == 2 and any(r["title"] == "Seeds" and r["source"] == "MOA PPA file" for r in rows.values())
    assert {r["pick"] for r in rows.values()} == {"Review"} and untagged.columnDefs[0]["colId"] == "pick"
    ppas = page.ppa_options(FY_2025, None, None, home)
    assert [p["value"] for p in ppas] == ["p1", "p5", "p2", "p4"]
    assert page.goal_options(FY_2025, home) == [{"label": "One", "value": "g1"}, {"label": "Two", "value": "g2"}]
    assert [t.labels[0] for t in [page.treemap(ALL_PPAS, home).data[0]]] == ["One"]


def _triggered(prop_id: str, value):
    """Run a callback as Dash would after ``prop_id`` changed to ``value``."""
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    return context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop_id, "value": value}]))


GRID_PROP = '{"index":"untagged","type":"align-untagged-grid"}.cellClicked'


def test_a_review_cell_of_the_untagged_grid_picks_its_ppa():
    from dash._callback_context import context_value

    token = _triggered(GRID_PROP, {"colId": "pick", "rowId": "p4", "value": "Review", "rowIndex": 0})
    try:
        assert page.pick([], [{"colId": "pick", "rowId": "p4"}]) == "p4"
    finally:
        context_value.reset(token)
    for cell in ({"colId": "title", "rowId": "p4"}, {"colId": "pick", "rowId": ["p4"]}, None):
        token = _triggered(GRID_PROP, cell)
        try:
            with pytest.raises(PreventUpdate):  # another column, a tampered row id, the grid (re)drawn
                page.pick([], [cell])
        finally:
            context_value.reset(token)
    token = _triggered('{"index":"p2","table":"scores","type":"align-pick"}.n_clicks', 1)
    try:
        assert page.pick([1], []) == "p2"  # the scores table's buttons still pick
    finally:
        context_value.reset(token)


def test_saving_a_review_shows_it_as_pending(home):
    alert, saved, note = page.save_review(1, "p5", None, "", 4, home, reviewer=None)
    assert "Not saved." in text_of(alert)
    assert "Choose a BDP goal to tag the PPA to, or write a note (or both)." in text_of(alert)
    assert "Enter your name as the reviewer." in text_of(alert)
    assert (saved, note) == (page.dash.no_update, page.dash.no_update)

    alert, saved, note = page.save_review(2, "p5", "g1", "Legal aid serves goal one", 4, home, reviewer="Ana")
    assert "Review saved (pending refresh)" in text_of(alert)
    assert (saved, note) == (5, "")
    listed = page.reviews_table(FY_2025, saved, home)
    (pending,) = [row for row in listed.children[1].children if row.className == "row-pending"]
    assert "Ana Legal aid MOH 2025 One Legal aid serves goal one Pending refresh" in text_of(pending)


def test_the_ppa_dropdown_searches_and_keeps_the_chosen_ppa(home):
    assert page.ppa_options(FY_2025, "legal", None, home) == [
        {"label": "Legal aid · MOH · 2025 · untagged", "value": "p5"}
    ]
    # a PPA picked by a "Review" cell (here one of FY 2024, outside the selection) stays displayed while searching
    assert [p["value"] for p in page.ppa_options(FY_2025, "legal", "p3", home)] == ["p3", "p5"]
    assert page.ppa_options(FY_2025, "no such ppa", "p3", home) == [
        {"label": "Clinics · MOH · 2024 · untagged", "value": "p3"}
    ]
    assert page.ppa_options(FY_2025, "%", None, home) == []  # the text is data, not a pattern
    assert len(page.ppa_options(ALL_PPAS, "", None, home)) == 5


def test_the_ppa_dropdown_callback_refuses_misfits(home):
    from dashboards.components import bind

    callback = bind(page.ppa_options, home)
    for search, chosen in ((["legal"], None), ({"a": 1}, None), ("legal", ["p3"]), ("legal", 3)):
        with pytest.raises(PreventUpdate):
            callback(FY_2025, search, chosen)
    assert [o["value"] for o in callback(FY_2025, "legal", "p3")] == ["p3", "p5"]


def test_the_treemap_folded_in_sql_is_the_one_folded_in_python(home, monkeypatch):
    from dashboards import alignment_figures as af
    from dashboards import alignment_queries as aq
    from ingest.warehouse import read_only
    from tests.dashboards.alignment_fold import fold

    monkeypatch.setattr(af, "PPAS_PER_BOX", 1)  # the small warehouse's MOH under "untagged" has two PPAs: one folded
    drawn = page.treemap(ALL_PPAS, home)
    assert "goal:untagged/moa:MOH/others" in drawn.data[0].ids
    with read_only(home) as con:
        expected = af.goal_treemap(fold(aq.budget_by_goal(con, Filters()), 1), per_box=1)
    assert drawn.to_json() == expected.to_json()
