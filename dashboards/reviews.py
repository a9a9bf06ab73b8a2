"""BDP alignment reviews: what a BPDA reviewer saves on the alignment page, checked, stored, and read back.

A review is a PPA, optionally the BDP goal the reviewer tags it to, a note, and the reviewer's name. It is written
at once to the state database (``ingest.state.bdp_review``), which the dashboard can write while the warehouse is
read-only; the next ``oobc refresh`` copies it into the warehouse (``meta.bdp_reviews`` → ``marts.rpt_bdp_reviews``).
Until then the page lists it as "pending refresh".

Input is checked here before anything is written, against the published warehouse (the PPA and the goal must be
ones it knows); nothing the user types ever becomes SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from dashboards import alignment_queries as aq
from dashboards.filters import Filters
from ingest.home import Home
from ingest.state import BDP_REVIEW_NOTE_MAX, BDP_REVIEW_REVIEWER_MAX, StateStore
from ingest.warehouse import read_only

NOTE_MAX = BDP_REVIEW_NOTE_MAX
REVIEWER_MAX = BDP_REVIEW_REVIEWER_MAX
IN_WAREHOUSE = "In warehouse"
PENDING = "Pending refresh"

# The columns of the reviews the page and the export show, mart and pending alike.
REVIEW_SCHEMA = {
    "review_id": pl.Int64,
    "status": pl.String,
    "created_at": pl.Datetime("us"),
    "reviewer": pl.String,
    "ppa_id": pl.String,
    "ppa_title": pl.String,
    "moa_acronym": pl.String,
    "fiscal_year": pl.Int32,
    "strategic_goal_id": pl.String,
    "goal_title": pl.String,
    "note": pl.String,
}


class ReviewError(ValueError):
    """The review cannot be saved; ``problems`` says why, one sentence each."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ReviewInput:
    ppa_id: str
    strategic_goal_id: str | None
    note: str | None
    reviewer: str


def _clean(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def validate(
    con: duckdb.DuckDBPyConnection,
    ppa_id: object,
    strategic_goal_id: object,
    note: object,
    reviewer: object,
) -> ReviewInput:
    """The review as it will be stored, or :class:`ReviewError` with every problem found."""
    ppa_text, goal, text, name = _clean(ppa_id), _clean(strategic_goal_id), _clean(note), _clean(reviewer)
    problems = []
    if not ppa_text:
        problems.append("Choose the PPA you are reviewing.")
    elif aq.ppa(con, ppa_text).height == 0:
        problems.append("That PPA is not in the warehouse (it may have been removed since the page was loaded).")
    if not goal and not text:
        problems.append("Choose a BDP goal to tag the PPA to, or write a note (or both).")
    if goal and goal not in set(aq.goals(con)["strategic_goal_id"].to_list()):
        problems.append("That BDP goal is not one the warehouse knows.")
    if len(text) > NOTE_MAX:
        problems.append(f"The note is {len(text):,} characters long; the limit is {NOTE_MAX:,}.")
    if not name:
        problems.append("Enter your name as the reviewer.")
    elif len(name) > REVIEWER_MAX:
        problems.append(f"The reviewer's name is longer than {REVIEWER_MAX} characters.")
    if problems:
        raise ReviewError(problems)
    return ReviewInput(ppa_text, goal or None, text or None, name)


def save(home: Home, ppa_id: object, strategic_goal_id: object, note: object, reviewer: object) -> dict:
    """Check the review against the published warehouse and store it in the state database; the stored row."""
    with read_only(home) as con:
        review = validate(con, ppa_id, strategic_goal_id, note, reviewer)
    return StateStore(home.state_url).add_bdp_review(
        review.ppa_id, review.strategic_goal_id, review.note, review.reviewer
    )


def stored(home: Home) -> list[dict]:
    """Every review in the state database, newest first."""
    return StateStore(home.state_url).bdp_reviews()


def all_reviews(con: duckdb.DuckDBPyConnection, filters: Filters, home: Home) -> pl.DataFrame:
    """The reviews of the selection's PPAs, newest first: those in the warehouse (``rpt_bdp_reviews``, as of the
    last refresh) and those saved since, marked "Pending refresh" (``status``)."""
    in_warehouse = aq.reviews(con, filters).with_columns(pl.lit(IN_WAREHOUSE).alias("status"))
    known = aq.review_keys(con)
    waiting = [r for r in stored(home) if (r["review_id"], r["created_at"]) not in known]
    frames = [in_warehouse.select([pl.col(c).cast(t) for c, t in REVIEW_SCHEMA.items()])]
    if waiting:
        labels = aq.ppa_labels(con, filters, sorted({r["ppa_id"] for r in waiting}))
        titles = dict(aq.goals(con).rows())
        pending = (
            pl.DataFrame(waiting, infer_schema_length=None)
            .join(labels, on="ppa_id", how="inner")  # inner: only the PPAs of the selection
            .with_columns(
                pl.lit(PENDING).alias("status"),
                pl.col("strategic_goal_id")
                .cast(pl.String)
                .replace_strict(titles, default=None, return_dtype=pl.String)
                .alias("goal_title"),
            )
        )
        frames.append(pending.select([pl.col(c).cast(t) for c, t in REVIEW_SCHEMA.items()]))
    return pl.concat(frames).sort(["created_at", "review_id"], descending=True)
