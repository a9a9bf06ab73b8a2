"""A BDP alignment review goes from the state database into the warehouse with the next refresh.

Its own small demo home (scale 0.1), never the shared ``demo_home``: the test writes a review and refreshes.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboards import reviews
from dashboards.filters import Filters
from ingest.home import Home
from ingest.state import StateStore
from ingest.warehouse import read_only

pytestmark = pytest.mark.dbt  # a whole refresh: ingest and dbt build


def _demo_home(root: Path) -> Home:
    from ingest.demo import generate

    home = Home(root / "home").ensure()
    generate(home.demo_url, scale=0.1, seed=11)
    home.write_default_config(home.demo_url)
    return home


def _a_ppa_and_a_bdp_goal(home: Home) -> tuple[str, str, str, str]:
    """An OBCMS PPA (id, title) and a BDP goal (id, title) of the demo source, ids as the warehouse spells them
    (OBCMS's SQLite keeps UUIDs as 32 hex digits; the warehouse, and so the page, in their canonical form)."""
    engine = sa.create_engine(home.demo_url)
    try:
        with engine.connect() as conn:
            ppa_id, title = conn.execute(
                sa.text("select id, title from monitoring_monitoringentry order by id limit 1")
            ).one()
            goal_id, goal_title = conn.execute(
                sa.text("select id, title from monitoring_strategicgoal where aligns_with_rdp order by id limit 1")
            ).one()
    finally:
        engine.dispose()
    return str(uuid.UUID(str(ppa_id))), title, str(uuid.UUID(str(goal_id))), goal_title


def test_a_saved_review_is_in_the_warehouse_after_the_refresh(tmp_path):
    from ingest.pipeline import refresh

    home = _demo_home(tmp_path)
    ppa_id, title, goal_id, goal_title = _a_ppa_and_a_bdp_goal(home)
    store = StateStore(home.state_url)
    tagged = store.add_bdp_review(ppa_id, goal_id, "Clearly serves this goal; tag it in OBCMS.", "Ana Reviewer")
    note_only = store.add_bdp_review(ppa_id, None, "Check the OBC share of the slots.", "Ben")

    refresh(home, command="test")

    with read_only(home) as con:
        meta = con.execute("select review_id, ppa_id, reviewer from meta.bdp_reviews order by review_id").fetchall()
        assert meta == [
            (tagged["review_id"], ppa_id, "Ana Reviewer"),
            (note_only["review_id"], ppa_id, "Ben"),
        ]
        rows = con.execute(
            """
            select review.review_id, review.ppa_title, review.moa_acronym, review.fiscal_year, review.goal_title,
                review.is_tag, review.note, review.created_at, ppa.moa_acronym, ppa.fiscal_year
            from marts.rpt_bdp_reviews as review
            inner join marts.dim_ppa as ppa on review.ppa_id = ppa.ppa_id
            order by review.review_id
            """
        ).fetchall()
        assert [r[:2] for r in rows] == [(tagged["review_id"], title), (note_only["review_id"], title)]
        first, second = rows
        assert (first[2], first[3]) == (first[8], first[9])  # the PPA's MOA and fiscal year, from dim_ppa
        assert (first[4], first[5], first[6]) == (goal_title, True, "Clearly serves this goal; tag it in OBCMS.")
        assert (second[4], second[5]) == (None, False)
        assert first[7] == tagged["created_at"]

        # on the page: both are in the warehouse now, none pending
        frame = reviews.all_reviews(con, Filters(), home)
    assert frame.select("review_id", "status").rows() == [
        (note_only["review_id"], reviews.IN_WAREHOUSE),
        (tagged["review_id"], reviews.IN_WAREHOUSE),
    ]

    # a review saved after the refresh is pending until the next one
    later = reviews.save(home, ppa_id, None, "One more look after the refresh.", "Ana Reviewer")
    with read_only(home) as con:
        frame = reviews.all_reviews(con, Filters(), home)
    assert frame.select("review_id", "status").row(0) == (later["review_id"], reviews.PENDING)
