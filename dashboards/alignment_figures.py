"""What the BDP alignment page shows, made from ``alignment_queries`` frames: the budget treemap, the score
components as bars, and table rows. Nothing here reads the warehouse or knows about Dash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import plotly.graph_objects as go
import polars as pl

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.figures import Column, base_layout, empty_figure

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
def goal_treemap(frame: pl.DataFrame, per_box: int = PPAS_PER_BOX) -> go.Figure:
    """Goals → MOAs → PPAs, from ``alignment_queries.budget_by_goal_folded`` with the same ``per_box``: under each
    goal × MOA its ``per_box`` largest PPAs, then one box for the others with their exact total; the untagged
    bucket grey and labelled."""
    if frame.height == 0 or not any((v or 0) > 0 for v in frame["aligned_budget"].to_list()):
        return empty_figure(TREEMAP_TITLE, "No budget in this selection", height=460)
    ids, labels, parents, values, colours, hover = [], [], [], [], [], []
    goals = frame.select("goal_key", "goal_title", "is_untagged", "goal_budget").unique(maintain_order=True)
    total = sum((v or Decimal(0)) for v in goals["goal_budget"].to_list())
    colour_of: dict[str, str] = {}
    for i, g in enumerate(goals.iter_rows(named=True)):
        colour = theme.NEUTRAL if g["is_untagged"] else GOAL_COLOURS[i % len(GOAL_COLOURS)]
        colour_of[g["goal_key"]] = colour
        label = UNTAGGED_LABEL if g["is_untagged"] else (g["goal_title"] or g["goal_key"])
        ids.append(f"goal:{g['goal_key']}")
        labels.append(label)
        parents.append("")
        values.append(float(g["goal_budget"] or 0))
        colours.append(colour)
        share = fmt.percent(g["goal_budget"] / total) if total else fmt.MISSING
        hover.append(f"<b>{label}</b><br>{fmt.peso_exact(g['goal_budget'])} ({share} of the selection)")
    moas = frame.group_by(["goal_key", "moa_acronym"], maintain_order=True).agg(
        pl.first("goal_title"),
        pl.first("is_untagged"),
        pl.first("moa_name"),
        pl.first("moa_budget"),
        pl.first("moa_ppa_count").alias("len"),
    )
    for r in moas.iter_rows(named=True):
        moa = r["moa_acronym"] or NO_MOA
        ids.append(f"goal:{r['goal_key']}/moa:{moa}")
        labels.append(moa)
        parents.append(f"goal:{r['goal_key']}")
        values.append(float(r["moa_budget"] or 0))
        colours.append(colour_of[r["goal_key"]])
        goal = UNTAGGED_LABEL if r["is_untagged"] else (r["goal_title"] or r["goal_key"])
        hover.append(
            f"<b>{moa}</b> {r['moa_name'] or ''}<br>{goal}<br>Approved budget: {fmt.peso_exact(r['moa_budget'])}"
            f"<br>PPAs: {fmt.count(r['len'])}"
        )
    shown = frame.filter(pl.col("others_count").is_null())
    others = frame.filter(pl.col("others_count").is_not_null()).rename({"others_count": "len"})
    for r in shown.iter_rows(named=True):
        moa = r["moa_acronym"] or NO_MOA
        ids.append(f"goal:{r['goal_key']}/moa:{moa}/ppa:{r['ppa_id']}")
        labels.append(r["title"] or r["ppa_id"])
        parents.append(f"goal:{r['goal_key']}/moa:{moa}")
        values.append(float(r["aligned_budget"] or 0))
        colours.append(colour_of[r["goal_key"]])
        hover.append(
            f"<b>{r['title'] or r['ppa_id']}</b><br>{moa}<br>Aligned budget: {fmt.peso_exact(r['aligned_budget'])}"
        )
    for r in others.iter_rows(named=True):
        moa = r["moa_acronym"] or NO_MOA
        label = f"{fmt.count(r['len'])} other PPAs"
        ids.append(f"goal:{r['goal_key']}/moa:{moa}/others")
        labels.append(label)
        parents.append(f"goal:{r['goal_key']}/moa:{moa}")
        values.append(float(r["aligned_budget"] or 0))
        colours.append(colour_of[r["goal_key"]])
        hover.append(
            f"<b>{label}</b> of {moa}, none larger than the {per_box} shown<br>"
            f"Aligned budget together: {fmt.peso_exact(r['aligned_budget'])}<br>Every PPA: the XLSX export"
        )
    # Only the PPAs carry a value ("remainder"): a goal or MOA box is the sum of its PPAs by construction, so float
    # rounding can never make a parent smaller than its children (plotly would then drop the branch).
    branches = len(ids) - shown.height - others.height
    # numpy arrays: plotly takes them as they are instead of checking and copying thousands of list items
    fig = go.Figure(
        go.Treemap(
            ids=np.array(ids, dtype=object),
            labels=np.array(labels, dtype=object),
            parents=np.array(parents, dtype=object),
            values=np.array([0.0] * branches + values[branches:]),
            branchvalues="remainder",
            marker={"colors": np.array(colours, dtype=object), "line": {"color": "white", "width": 1}},
            texttemplate="<b>%{label}</b><br>%{customdata[1]}",
            customdata=np.array([[h, fmt.peso_short(v)] for h, v in zip(hover, values, strict=True)], dtype=object),
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


def untagged_rows(frame: pl.DataFrame) -> list[dict]:
    return [
        {
            "ppa_id": r["ppa_id"],
            "title": r["title"] or fmt.MISSING,
            "moa": r["moa_acronym"] or fmt.MISSING,
            "moa_name": r["moa_name"] or "",
            "sector": fmt.sector_label(r["sector"]),
            "fiscal_year": fmt.fiscal_year(r["fiscal_year"]),
            "budget": fmt.peso_exact(r["budget_allocation"]),
            "source": SOURCE_LABELS.get(r["ppa_source"], r["ppa_source"] or fmt.MISSING),
            "score": fmt.MISSING if r["bpda_score"] is None else f"{r['bpda_score']:.2f}",
            "pick": PICK_TEXT,
        }
        for r in frame.iter_rows(named=True)
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
