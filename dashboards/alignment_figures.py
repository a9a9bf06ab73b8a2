"""What the BDP alignment page shows, made from ``alignment_queries`` frames: the budget treemap, the score
components as bars, and table rows. Nothing here reads the warehouse or knows about Dash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import plotly.graph_objects as go
import polars as pl

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.figures import Column, base_layout, empty_figure, peso_exact_list, peso_short_list

TREEMAP_TITLE = "Approved budget by BDP goal and MOA"
UNTAGGED_LABEL = "Untagged (no BDP goal)"
NO_MOA = "No MOA"

# (column, short header, the most points it can give, what earns them)
COMPONENTS = (
    (
        "outcome_indicators_points",
        "Outcome indicators",
        25,
        "25 when the PPA has at least one standard outcome indicator",
    ),
    ("sdg_points", "SDG", 15, "15 when the PPA supports the Sustainable Development Goals"),
    ("moral_governance_points", "Moral governance", 20, "20 when a moral-governance pillar is set"),
    ("obc_share_points", "OBC share", 20, "20 × OBC beneficiary slots ÷ all slots (0 when there are no slots)"),
    ("policy_points", "Policy", 20, "20 when the PPA implements at least one policy recommendation"),
)
# The mart's remarks and the status words of dashboards.theme (one colour per meaning on every page).
REMARK_STATUS = {
    "Strong BDP alignment": "strong",
    "Good": "good",
    "Moderate": "moderate",
    "Needs alignment review": "needs_review",
}
SCORE_DEFINITION = (
    "OBCMS's BPDA alignment score, 0 to 100: the sum of five components. "
    + " ".join(f"{label}: {rule}." for _c, label, _m, rule in COMPONENTS)
    + " Remark: 80 or more Strong BDP alignment, 60 or more Good, 40 or more Moderate, else Needs alignment review. "
    "Only OBCMS PPAs are scored (the MOA PPA files lack the fields)."
)
UNTAGGED_DEFINITION = (
    "A PPA is untagged when OBCMS links it to no BDP goal (a strategic goal marked as aligned with the "
    "Bangsamoro Development Plan). PPAs of the MOA PPA files alone are always untagged. In the treemap the "
    "untagged PPAs form one grey block per MOA; a PPA tagged to several goals has its budget split equally among them."
)
GOAL_BUDGET_DEFINITION = (
    "Approved budget of the PPAs tagged to each BDP goal, by MOA. A PPA tagged to several goals counts in each, "
    "with its budget split equally among them to the centavo, so the blocks add up to the total budget."
)
# Blues for the goals (plain amounts), grey for untagged ("not known").
GOAL_COLOURS = ("#12355b", "#1b4f72", "#2e86c1", "#5b8db8", "#21618c", "#2874a6", "#3498db", "#5d6d7e", "#154360")


# A MOA's box under a goal shows its largest PPAs; the rest are one box "N other PPAs" holding their exact total.
# At scale 100 a selection has ~26,000 PPA × goal rows: drawn one box each, the figure was 10 MB and took seconds,
# and boxes that small cannot be seen or read anyway.
PPAS_PER_BOX = 12


# ---------------------------------------------------------------------------------------------- treemap
def _text_or(column: str, fallback: str | pl.Expr) -> pl.Expr:
    """``column``, or ``fallback`` where it is null or empty (Python's ``a or b`` on text)."""
    value = pl.col(column)
    return pl.when(value.is_null() | (value == "")).then(fallback).otherwise(value)


def _counts(values: pl.Series) -> list[str]:
    return [fmt.count(v) for v in values.to_list()]


def goal_treemap(frame: pl.DataFrame, per_box: int = PPAS_PER_BOX) -> go.Figure:
    """Goals → MOAs → PPAs, from ``alignment_queries.budget_by_goal_folded`` with the same ``per_box``: under each
    goal × MOA its ``per_box`` largest PPAs, then one box for the others with their exact total; the untagged
    bucket grey and labelled. The boxes' texts are made by polars a column at a time (thousands of boxes)."""
    if frame.height == 0 or not any((v or 0) > 0 for v in frame["aligned_budget"].to_list()):
        return empty_figure(TREEMAP_TITLE, "No budget in this selection", height=460)
    goal_label = (
        pl.when(pl.col("is_untagged"))
        .then(pl.lit(UNTAGGED_LABEL))
        .otherwise(_text_or("goal_title", pl.col("goal_key")))
    )
    moa = _text_or("moa_acronym", pl.lit(NO_MOA))
    goal_id = pl.concat_str(pl.lit("goal:"), pl.col("goal_key"))
    moa_id = pl.concat_str(goal_id, pl.lit("/moa:"), moa)
    goals = frame.select("goal_key", "goal_title", "is_untagged", "goal_budget").unique(maintain_order=True)
    total = sum((v or Decimal(0)) for v in goals["goal_budget"].to_list())
    colour_of = {
        key: theme.NEUTRAL if untagged else GOAL_COLOURS[i % len(GOAL_COLOURS)]
        for i, (key, untagged) in enumerate(
            zip(goals["goal_key"].to_list(), goals["is_untagged"].to_list(), strict=True)
        )
    }
    shares = [fmt.percent(v / total) if total else fmt.MISSING for v in goals["goal_budget"].to_list()]
    goals = goals.with_columns(share=pl.Series(shares, dtype=pl.String)).select(
        goal_id.alias("id"),
        goal_label.alias("label"),
        pl.lit("").alias("parent"),
        pl.col("goal_key"),
        pl.col("goal_budget").alias("amount"),
        pl.concat_str(pl.lit("<b>"), goal_label, pl.lit("</b><br>")).alias("head"),
        pl.concat_str(pl.lit(" ("), pl.col("share"), pl.lit(" of the selection)")).alias("tail"),
    )  # fmt: skip
    moas = frame.group_by(["goal_key", "moa_acronym"], maintain_order=True).agg(
        pl.first("goal_title"),
        pl.first("is_untagged"),
        pl.first("moa_name"),
        pl.first("moa_budget"),
        pl.first("moa_ppa_count").alias("len"),
    )
    moas = moas.with_columns(count=pl.Series(_counts(moas["len"]), dtype=pl.String)).select(
        moa_id.alias("id"),
        moa.alias("label"),
        goal_id.alias("parent"),
        pl.col("goal_key"),
        pl.col("moa_budget").alias("amount"),
        pl.concat_str(pl.lit("<b>"), moa, pl.lit("</b> "), pl.col("moa_name").fill_null(""), pl.lit("<br>"), goal_label,
                      pl.lit("<br>Approved budget: ")).alias("head"),
        pl.concat_str(pl.lit("<br>PPAs: "), pl.col("count")).alias("tail"),
    )  # fmt: skip
    ppa_label = _text_or("title", pl.col("ppa_id"))
    shown = frame.filter(pl.col("others_count").is_null()).select(
        pl.concat_str(moa_id, pl.lit("/ppa:"), pl.col("ppa_id")).alias("id"),
        ppa_label.alias("label"),
        moa_id.alias("parent"),
        pl.col("goal_key"),
        pl.col("aligned_budget").alias("amount"),
        pl.concat_str(pl.lit("<b>"), ppa_label, pl.lit("</b><br>"), moa, pl.lit("<br>Aligned budget: ")).alias("head"),
        pl.lit("").alias("tail"),
    )
    others = frame.filter(pl.col("others_count").is_not_null())
    others = others.with_columns(count=pl.Series(_counts(others["others_count"]), dtype=pl.String)).select(
        pl.concat_str(moa_id, pl.lit("/others")).alias("id"),
        pl.concat_str(pl.col("count"), pl.lit(" other PPAs")).alias("label"),
        moa_id.alias("parent"),
        pl.col("goal_key"),
        pl.col("aligned_budget").alias("amount"),
        pl.concat_str(pl.lit("<b>"), pl.col("count"), pl.lit(" other PPAs</b> of "), moa,
                      pl.lit(f", none larger than the {per_box} shown<br>Aligned budget together: ")).alias("head"),
        pl.lit("<br>Every PPA: the XLSX export").alias("tail"),
    )  # fmt: skip
    boxes = pl.concat([goals, moas, shown, others], how="vertical_relaxed")
    amounts = boxes["amount"].cast(pl.Decimal(38, 2))
    exact = pl.Series("exact", peso_exact_list(amounts), dtype=pl.String)
    hover = boxes.with_columns(exact).select(pl.concat_str("head", "exact", "tail").alias("hover"))["hover"]
    values = amounts.cast(pl.Float64).fill_null(0.0)
    # Only the PPAs carry a value ("remainder"): a goal or MOA box is the sum of its PPAs by construction, so float
    # rounding can never make a parent smaller than its children (plotly would then drop the branch).
    branches = goals.height + moas.height
    # numpy arrays: plotly takes them as they are instead of checking and copying thousands of list items
    fig = go.Figure(
        go.Treemap(
            ids=boxes["id"].to_numpy().astype(object),
            labels=boxes["label"].to_numpy().astype(object),
            parents=boxes["parent"].to_numpy().astype(object),
            values=np.concatenate([np.zeros(branches), values.to_numpy()[branches:]]),
            branchvalues="remainder",
            marker={
                "colors": np.array([colour_of[k] for k in boxes["goal_key"].to_list()], dtype=object),
                "line": {"color": "white", "width": 1},
            },
            texttemplate="<b>%{label}</b><br>%{customdata[1]}",
            customdata=np.array(
                list(zip(hover.to_list(), peso_short_list(amounts.fill_null(0)), strict=True)), dtype=object
            ),
            hovertemplate="%{customdata[0]}<extra></extra>",
            textfont={"color": "white"},
            tiling={"pad": 2},
            pathbar={"visible": True},
            sort=False,
        )
    )
    base_layout(fig, TREEMAP_TITLE, 460)
    fig.update_layout(margin={"l": 4, "r": 4, "t": 48, "b": 4})
    return fig


# ------------------------------------------------------------------------------------------ score rows
@dataclass(frozen=True)
class Bar:
    """One score component of one PPA, drawn as a small bar: ``points`` of ``most``."""

    points: str
    fraction: float  # 0..1, the bar's length
    colour: str  # green: all the points, amber: some, grey: none
    title: str  # shown on hover


def component_bar(points: Decimal | float | None, most: int, label: str) -> Bar:
    value = Decimal(str(points)) if points is not None else Decimal(0)
    colour = theme.GOOD if value >= most else theme.WARNING if value > 0 else theme.NEUTRAL
    shown = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:.2f}"
    return Bar(shown, float(min(value / most, Decimal(1))) if most else 0.0, colour, f"{label}: {shown} of {most}")


SHORT_HEADERS = {"outcome_indicators_points": "Indicators", "moral_governance_points": "Moral gov."}
SCORE_COLUMNS = (
    Column("title", "PPA", tooltip="goals"),
    Column("moa", "MOA", tooltip="moa_name"),
    Column("fiscal_year", "FY", numeric=True),
    Column("budget", "Approved budget", numeric=True),
    *(Column(c, SHORT_HEADERS.get(c, label), numeric=True) for c, label, _m, _r in COMPONENTS),
    Column("score", "BPDA score", numeric=True),
    Column("remark", "Remark"),
)


def score_rows(frame: pl.DataFrame) -> list[dict]:
    """``alignment_queries.scores`` as display rows: text, the five component bars, the score and its colour."""
    rows = []
    for r in frame.iter_rows(named=True):
        status = REMARK_STATUS.get(r["bpda_remark"], "")
        row = {
            "ppa_id": r["ppa_id"],
            "title": r["title"] or fmt.MISSING,
            "moa": r["moa_acronym"] or fmt.MISSING,
            "moa_name": r["moa_name"] or "",
            "fiscal_year": fmt.fiscal_year(r["fiscal_year"]),
            "budget": fmt.peso_exact(r["budget_allocation"]),
            "score": f"{r['bpda_score']:.2f}",
            "remark": r["bpda_remark"] or fmt.MISSING,
            "status": status,
            "badge": theme.status_badge(status),
            "goals": f"BDP goals: {r['bdp_goal_titles']}" if r["bdp_goal_titles"] else "Tagged to no BDP goal",
            "tagged": bool(r["bdp_goal_count"]),
        }
        for column, label, most, _rule in COMPONENTS:
            row[column] = component_bar(r[column], most, label)
        rows.append(row)
    return rows


def shown_of(frame: pl.DataFrame, noun: str = "PPA") -> str:
    if frame.height == 0:
        return f"no {noun}s"
    total = frame["match_count"][0]
    if total > frame.height:
        return f"the {frame.height:,} lowest-scoring of {total:,} {noun}s"
    return f"{total:,} {noun if total == 1 else noun + 's'}"


# -------------------------------------------------------------------------------------- untagged rows
UNTAGGED_COLUMNS = (
    Column("title", "PPA"),
    Column("moa", "MOA", tooltip="moa_name"),
    Column("sector", "Sector"),
    Column("fiscal_year", "FY", numeric=True),
    Column("budget", "Approved budget", numeric=True),
    Column("source", "Source"),
    Column("score", "BPDA score", numeric=True),
)
SOURCE_LABELS = {"obcms": "OBCMS", "ppa_yaml": "MOA PPA file"}
PICK_TEXT = "Review"
# The untagged PPAs in a paged grid (thousands at scale): the same columns, "Review" first, amounts and scores
# ordered by their values.
UNTAGGED_GRID_COLUMNS = (
    Column("pick", ""),
    *(
        Column(c.key, c.header, c.numeric, c.tooltip, {"budget": "budget_allocation", "score": "bpda_score"}.get(c.key))
        for c in UNTAGGED_COLUMNS
    ),
)


def _each(values: list, text: Callable[[Any], str]) -> list[str]:
    """``text`` of every value, worked out once per distinct value (sectors, years, sources repeat)."""
    known = {v: text(v) for v in set(values)}
    return [known[v] for v in values]


def untagged_rows(frame: pl.DataFrame) -> list[dict]:
    """The grid's rows, a column at a time (thousands of PPAs at scale): the money by ``peso_exact_list``, the
    repeated codes through ``_each``."""
    column = {c: frame[c].to_list() for c in ("ppa_id", "title", "moa_acronym", "moa_name", "ppa_source")}
    return [
        {
            "ppa_id": ppa_id,
            "title": title or fmt.MISSING,
            "moa": moa or fmt.MISSING,
            "moa_name": moa_name or "",
            "sector": sector,
            "fiscal_year": year,
            "budget": budget,
            "source": SOURCE_LABELS.get(source, source or fmt.MISSING),
            "score": score,
            "pick": PICK_TEXT,
        }
        for ppa_id, title, moa, moa_name, source, sector, year, budget, score in zip(
            *column.values(),
            _each(frame["sector"].to_list(), fmt.sector_label),
            _each(frame["fiscal_year"].to_list(), fmt.fiscal_year),
            peso_exact_list(frame["budget_allocation"]),
            _each(frame["bpda_score"].to_list(), lambda v: fmt.MISSING if v is None else f"{v:.2f}"),
            strict=True,
        )
    ]


def untagged_summary(frame: pl.DataFrame) -> str:
    """'3 untagged PPAs, ₱12.3M' (the budget to the centavo on the page's total line)."""
    if frame.height == 0:
        return "Every PPA of the selection is tagged to a BDP goal."
    total = sum((v for v in frame["budget_allocation"].to_list() if v is not None), Decimal(0))
    noun = "PPA" if frame.height == 1 else "PPAs"
    return f"{frame.height:,} untagged {noun}, approved budget {fmt.peso_exact(total)}"


# ---------------------------------------------------------------------------------------- review rows
REVIEW_COLUMNS = (
    Column("created", "Saved"),
    Column("reviewer", "Reviewer"),
    Column("ppa", "PPA", tooltip="ppa_id"),
    Column("moa", "MOA"),
    Column("fiscal_year", "FY", numeric=True),
    Column("goal", "BDP goal tagged"),
    Column("note", "Note"),
    Column("status", "Status"),
)
PENDING_ROW = "row-pending"


def _moment(value: datetime | None) -> str:
    return fmt.as_of(value.replace(tzinfo=UTC)) if value is not None else fmt.MISSING


def review_rows(frame: pl.DataFrame, pending_status: str) -> list[dict]:
    """``reviews.all_reviews`` as display rows; those waiting for a refresh carry the ``row-pending`` class."""
    return [
        {
            "review_id": str(r["review_id"]),
            "created": _moment(r["created_at"]),
            "reviewer": r["reviewer"] or fmt.MISSING,
            "ppa": r["ppa_title"] or r["ppa_id"],
            "ppa_id": r["ppa_id"],
            "moa": r["moa_acronym"] or fmt.MISSING,
            "fiscal_year": fmt.fiscal_year(r["fiscal_year"]),
            "goal": r["goal_title"] or ("(goal no longer in OBCMS)" if r["strategic_goal_id"] else "No tag"),
            "note": r["note"] or fmt.MISSING,
            "status": r["status"],
            "row_class": PENDING_ROW if r["status"] == pending_status else "",
        }
        for r in frame.iter_rows(named=True)
    ]


# -------------------------------------------------------------------------------------- form choices
def ppa_options(frame: pl.DataFrame) -> list[dict]:
    """Dropdown options of ``alignment_queries.ppa_choices``: 'Title · MOA · FY', untagged ones say so."""
    return [
        {
            "label": " · ".join(
                [
                    r["title"] or r["ppa_id"],
                    r["moa_acronym"] or NO_MOA,
                    fmt.fiscal_year(r["fiscal_year"]),
                    *([] if r["bdp_goal_count"] else ["untagged"]),
                ]
            ),
            "value": r["ppa_id"],
        }
        for r in frame.iter_rows(named=True)
    ]


def goal_options(frame: pl.DataFrame) -> list[dict]:
    return [
        {"label": r["goal_title"] or r["strategic_goal_id"], "value": r["strategic_goal_id"]}
        for r in frame.iter_rows(named=True)
    ]
