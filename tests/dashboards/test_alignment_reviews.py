"""Saving a BDP alignment review: the checks, the state database, and the pending reviews beside the mart's."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboards import reviews
from dashboards.filters import Filters
from ingest.home import Home
from ingest.state import StateStore, bdp_review, engine_for
from ingest.warehouse import read_only
from tests.dashboards.test_alignment_queries import HOSTILE, alignment_home


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return alignment_home(tmp_path)


def _problems(home: Home, ppa_id, goal, note, reviewer) -> list[str]:
    with pytest.raises(reviews.ReviewError) as caught:
        reviews.save(home, ppa_id, goal, note, reviewer)
    return caught.value.problems


def test_a_review_is_stored_at_once_and_listed_as_pending(home):
    saved = reviews.save(home, "p2", "g2", "  Roads serve goal two  ", " Cy ")
    assert (saved["ppa_id"], saved["strategic_goal_id"], saved["note"], saved["reviewer"]) == (
        "p2",
        "g2",
        "Roads serve goal two",
        "Cy",
    )
    (row,) = reviews.stored(home)
    assert row["review_id"] == saved["review_id"] and row["created_at"] == saved["created_at"]
    with read_only(home) as con:
        frame = reviews.all_reviews(con, Filters(), home)
    # newest first: the pending review (saved now), then the mart's 2 and 1
    assert frame.select("ppa_id", "status", "goal_title", "ppa_title", "moa_acronym").rows() == [
        ("p2", reviews.PENDING, "Two", "Roads", "MPW"),
        ("p3", reviews.IN_WAREHOUSE, None, "Clinics", "MOH"),
        ("p1", reviews.IN_WAREHOUSE, "One", "Feeding program", "MOH"),
    ]
    with read_only(home) as con:
        # the filters apply to pending reviews too (p2 is 2025)
        assert reviews.all_reviews(con, Filters(fiscal_years=(2024,)), home)["ppa_id"].to_list() == ["p3"]
        assert reviews.all_reviews(con, Filters(moas=("MPW",)), home)["status"].to_list() == [reviews.PENDING]


def test_a_note_without_a_tag_and_a_tag_without_a_note(home):
    note_only = reviews.save(home, "p4", None, "No goal fits seeds", "Ana")
    tag_only = reviews.save(home, "p5", "g1", "   ", "Ana")
    assert (note_only["strategic_goal_id"], note_only["note"]) == (None, "No goal fits seeds")
    assert (tag_only["strategic_goal_id"], tag_only["note"]) == ("g1", None)
    with read_only(home) as con:
        frame = reviews.all_reviews(con, Filters(fiscal_years=(2025,)), home)
    pending = frame.filter(status=reviews.PENDING)
    assert sorted(pending.select("ppa_id", "goal_title").rows()) == [("p4", None), ("p5", "One")]


def test_a_review_already_in_the_warehouse_is_not_pending(home):
    # reviews 1 and 2 of the state database are in the mart (saved before its refresh); 3 is not
    store = StateStore(home.state_url)
    with store.engine.begin() as conn:
        conn.execute(
            bdp_review.insert(),
            [
                {
                    "ppa_id": "p1",
                    "strategic_goal_id": "g1",
                    "note": "Fits goal one",
                    "reviewer": "Ana",
                    "created_at": datetime(2025, 11, 20, 8, 0),
                },
                {
                    "ppa_id": "p3",
                    "strategic_goal_id": None,
                    "note": "Check the OBC share",
                    "reviewer": "Ben",
                    "created_at": datetime(2025, 11, 20, 9, 0),
                },
            ],
        )
    store.add_bdp_review("p5", None, "Later", "Ben")
    with read_only(home) as con:
        frame = reviews.all_reviews(con, Filters(), home)
    assert frame.select("review_id", "status").rows() == [
        (3, reviews.PENDING),
        (2, reviews.IN_WAREHOUSE),
        (1, reviews.IN_WAREHOUSE),
    ]


@pytest.mark.parametrize(
    ("ppa_id", "goal", "note", "reviewer", "expected"),
    [
        ("p1", None, "", "Ana", ["Choose a BDP goal to tag the PPA to, or write a note (or both)."]),
        ("p1", "", "   \n ", "Ana", ["Choose a BDP goal to tag the PPA to, or write a note (or both)."]),
        ("p1", "g1", "ok", "  ", ["Enter your name as the reviewer."]),
        ("p1", "g1", "ok", None, ["Enter your name as the reviewer."]),
        (None, "g1", "ok", "Ana", ["Choose the PPA you are reviewing."]),
        (
            "p9",
            "g1",
            "ok",
            "Ana",
            ["That PPA is not in the warehouse (it may have been removed since the page was loaded)."],
        ),
        (
            HOSTILE,
            "g1",
            "ok",
            "Ana",
            ["That PPA is not in the warehouse (it may have been removed since the page was loaded)."],
        ),
        ("p1", HOSTILE, "ok", "Ana", ["That BDP goal is not one the warehouse knows."]),
        ("p1", "untagged", "ok", "Ana", ["That BDP goal is not one the warehouse knows."]),
        (
            "p1",
            None,
            "x" * (reviews.NOTE_MAX + 1),
            "Ana",
            [f"The note is {reviews.NOTE_MAX + 1:,} characters long; the limit is {reviews.NOTE_MAX:,}."],
        ),
        ("p1", None, "ok", "A" * (reviews.REVIEWER_MAX + 1), ["The reviewer's name is longer than 120 characters."]),
        (
            "",
            None,
            "",
            "",
            [
                "Choose the PPA you are reviewing.",
                "Choose a BDP goal to tag the PPA to, or write a note (or both).",
                "Enter your name as the reviewer.",
            ],
        ),
    ],
)
def test_invalid_reviews_are_refused_with_every_reason(home, ppa_id, goal, note, reviewer, expected):
    assert _problems(home, ppa_id, goal, note, reviewer) == expected
    assert reviews.stored(home) == []  # nothing written


def test_the_longest_note_is_accepted(home):
    saved = reviews.save(home, "p1", None, "n" * reviews.NOTE_MAX, "Ana")
    assert len(saved["note"]) == reviews.NOTE_MAX


def test_hostile_text_is_stored_as_text(home):
    note = "'); drop table bdp_review; --"
    reviews.save(home, "p1", "g1", note, "Robert'); --")
    (row,) = reviews.stored(home)
    assert (row["note"], row["reviewer"]) == (note, "Robert'); --")


def test_the_review_table_is_added_to_an_older_state_database(tmp_path):
    """An existing state database without the table gets it (tables and columns are only ever added)."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("create table refresh_run (run_id varchar(40) primary key)"))
    engine.dispose()
    engine = engine_for(url)
    assert bdp_review.name in sa.inspect(engine).get_table_names()
    assert {c["name"] for c in sa.inspect(engine).get_columns("bdp_review")} == {
        "review_id",
        "ppa_id",
        "strategic_goal_id",
        "note",
        "reviewer",
        "created_at",
    }
