"""What the policy–budget page shows, made from ``policy_queries`` frames: the policy × MOA heatmap, the funding-gap
chart and table rows.

Nothing here reads the warehouse or knows about Dash. Amounts stay ``Decimal`` until plotted; hover text and labels
are formatted from the exact values. A funding gap is red, a fully covered policy green (:mod:`dashboards.theme`).
"""

from __future__ import annotations

from decimal import Decimal

import plotly.graph_objects as go
import polars as pl

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.figures import Column, base_layout, clicked_points, empty_figure

HEATMAP_TITLE = "Budget of the PPAs implementing each policy, by MOA"
GAP_TITLE = "Funding gap: estimated cost against the implementing PPAs' budget"
NO_CELLS = "No PPA implementing a policy matches these filters"
NO_COSTS = "No policy recommendation has an estimated cost"
NO_MOA_LABEL = "No MOA"
POLICY_STATUS_LABELS = {
    "draft": "Draft",
    "submitted": "Submitted",
    "under_review": "Under review",
    "under_consideration": "Under consideration",
    "needs_revision": "Needs revision",
    "approved": "Approved",
    "in_implementation": "In implementation",
    "implemented": "Implemented",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
    "on_hold": "On hold",
    "expired": "Expired",
}
TITLE_CHARS = 48


def _short(text: str | None, limit: int = TITLE_CHARS) -> str:
    if not text:
        return fmt.MISSING
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def policy_label(reference: str | None, title: str | None) -> str:
    """``OOBC-REC-001 · Expand BARMM scholarship access…``"""
    return f"{reference} · {_short(title)}" if reference else _short(title)


def moa_label(acronym: str | None, moa_key: str | None) -> str:
    return acronym or moa_key or NO_MOA_LABEL


def status_label(code: str | None) -> str:
    if code is None:
        return fmt.MISSING
    return POLICY_STATUS_LABELS.get(code, code.replace("_", " ").capitalize())


# ------------------------------------------------------------------------------------------ heatmap
def heatmap(frame: pl.DataFrame, selected: tuple[str, str] | None = None) -> go.Figure:
    """Policies (rows, in the frame's order) × MOAs (columns, largest total budget first); a cell is the budget of
    the policy's PPAs in that MOA, blank when there are none. Clicking a cell selects it (customdata[0], [1] are the
    policy id and the MOA key); the selected cell is outlined."""
    if frame.height == 0:
        return empty_figure(HEATMAP_TITLE, NO_CELLS)
    rows = list(frame.iter_rows(named=True))
    policies: dict[str, str] = {}
    for r in rows:
        policies.setdefault(r["policy_recommendation_id"], policy_label(r["reference_number"], r["policy_title"]))
    totals: dict[str, Decimal] = {}
    acronyms: dict[str, str] = {}
    for r in rows:
        totals[r["moa_key"]] = totals.get(r["moa_key"], Decimal(0)) + (r["budget"] or Decimal(0))
        acronyms[r["moa_key"]] = moa_label(r["moa_acronym"], r["moa_key"])
    moas = sorted(totals, key=lambda k: (-totals[k], acronyms[k]))
    policy_ids = list(policies)
    cell = {(r["policy_recommendation_id"], r["moa_key"]): r for r in rows}
    scale, unit = fmt.axis_scale(float(max(r["budget"] or 0 for r in rows)))

    z, text, custom = [], [], []
    for p in policy_ids:
        z_row, text_row, custom_row = [], [], []
        for m in moas:
            r = cell.get((p, m))
            if r is None:
                z_row.append(None)
                text_row.append("")
                custom_row.append([p, m, "", "", "", ""])
                continue
            z_row.append(float(r["budget"] or 0) / scale)
            text_row.append(fmt.peso_short(r["budget"]))
            custom_row.append(
                [p, m, fmt.peso_exact(r["budget"]), fmt.count(r["ppa_count"]), r["policy_title"] or "",
                 r["moa_name"] or acronyms[m]]
            )  # fmt: skip
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    labels = [acronyms[m] for m in moas]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=[policies[p] for p in policy_ids],
            text=text,
            texttemplate="%{text}",
            textfont={"size": 11},
            customdata=custom,
            colorscale=theme.AMOUNT_SCALE,
            zmin=0,
            xgap=2,
            ygap=2,
            hoverongaps=False,
            colorbar={"title": {"text": unit, "side": "right"}, "thickness": 12},
            hovertemplate=(
                "<b>%{customdata[4]}</b><br>%{customdata[5]}<br>Budget: %{customdata[2]}"
                "<br>PPAs: %{customdata[3]}<extra>click to list the PPAs</extra>"
            ),
        )
    )
    if selected is not None and selected[0] in policy_ids and selected[1] in moas:
        x, y = moas.index(selected[1]), policy_ids.index(selected[0])
        fig.add_shape(
            type="rect", x0=x - 0.5, x1=x + 0.5, y0=y - 0.5, y1=y + 0.5, line={"color": theme.WARNING, "width": 3}
        )
    base_layout(fig, HEATMAP_TITLE, max(300, 120 + 44 * len(policy_ids)))
    fig.update_xaxes(type="category", side="top", tickangle=0, showgrid=False, fixedrange=True, title_text=None)
    fig.update_yaxes(type="category", autorange="reversed", showgrid=False, fixedrange=True)
    fig.update_layout(margin={"t": 80})
    return fig


def clicked_cell(frame: pl.DataFrame, click: dict | None) -> tuple[str, str] | None:
    """The (policy id, MOA key) of a click on :func:`heatmap` drawn from ``frame``. Dash passes a heatmap point's
    axis labels (not its customdata), so they are matched against the labels the heatmap gives its rows and columns;
    an empty cell is no cell."""
    points = clicked_points(click)
    if not points:
        return None
    x, y = points[0].get("x"), points[0].get("y")
    for r in frame.iter_rows(named=True):
        if (
            policy_label(r["reference_number"], r["policy_title"]) == y
            and moa_label(r["moa_acronym"], r["moa_key"]) == x
        ):
            return r["policy_recommendation_id"], r["moa_key"]
    return None


# ------------------------------------------------------------------------------------------ gap chart
def gap_chart(frame: pl.DataFrame) -> go.Figure:
    """One bar per policy with an estimated cost (the frame's order): the implementing budget (green when it covers
    the cost, blue when it does not) with the funding gap stacked on it in red, so a bar with a gap ends at the
    estimated cost; the cost is also marked by a diamond."""
    costed = frame.filter(pl.col("estimated_cost").is_not_null())
    if costed.height == 0:
        return empty_figure(GAP_TITLE, NO_COSTS)
    rows = list(costed.iter_rows(named=True))
    labels = [policy_label(r["reference_number"], r["title"]) for r in rows]
    largest = max(max(float(r["estimated_cost"] or 0), float(r["implementing_budget"] or 0)) for r in rows)
    scale, unit = fmt.axis_scale(largest)
    covered = [r["funding_gap"] == 0 for r in rows]
    custom = [
        [fmt.peso_exact(r["estimated_cost"]), fmt.peso_exact(r["implementing_budget"]),
         fmt.peso_exact(r["funding_gap"]), fmt.count(r["implementing_ppa_count"]), r["title"] or ""]
        for r in rows
    ]  # fmt: skip
    hover = (
        "<b>%{customdata[4]}</b><br>Estimated cost: %{customdata[0]}<br>Implementing budget: %{customdata[1]}"
        " (%{customdata[3]} PPAs)<br>Funding gap: %{customdata[2]}<extra></extra>"
    )
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=[float(r["implementing_budget"] or 0) / scale for r in rows],
            y=labels,
            orientation="h",
            name="Implementing budget",
            marker_color=[theme.GOOD if c else theme.LIGHT_BLUE for c in covered],
            customdata=custom,
            hovertemplate=hover,
        )
    )
    fig.add_trace(
        go.Bar(
            x=[float(r["funding_gap"] or 0) / scale for r in rows],
            y=labels,
            orientation="h",
            name="Funding gap",
            marker_color=theme.BAD,
            text=["covered" if c else fmt.peso_short(r["funding_gap"]) for r, c in zip(rows, covered, strict=True)],
            textposition="outside",
            cliponaxis=False,
            customdata=custom,
            hovertemplate=hover,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[float(r["estimated_cost"]) / scale for r in rows],
            y=labels,
            mode="markers",
            name="Estimated cost",
            marker={"symbol": "diamond", "size": 9, "color": theme.INK},
            customdata=custom,
            hovertemplate=hover,
        )
    )
    base_layout(fig, GAP_TITLE, max(300, 110 + 30 * len(rows)))
    fig.update_layout(
        barmode="stack",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        margin={"r": 64, "t": 72},
    )
    fig.update_xaxes(title_text=f"Amount ({unit})", rangemode="tozero", fixedrange=True)
    fig.update_yaxes(type="category", autorange="reversed", fixedrange=True)
    return fig


# ------------------------------------------------------------------------------------------ tables
POLICY_COLUMNS = (
    Column("reference", "Reference"),
    Column("title", "Recommendation", tooltip="full_title"),
    Column("status", "Status"),
    Column("priority", "Priority", tooltip="category"),
    Column("ppas", "Implementing PPAs", numeric=True),
    Column("budget", "Implementing budget", numeric=True),
    Column("selection_budget", "Budget in selection", numeric=True, tooltip="selection_ppas"),
    Column("progress", "Avg. progress", numeric=True),
    Column("cost", "Estimated cost", numeric=True),
    Column("gap", "Funding gap", numeric=True),
)
GAP_ROW = "row-funding-gap"
COVERED_ROW = "row-covered"


def policy_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    """``policy_queries.policies`` as display rows; a policy with a gap carries ``GAP_ROW``, a covered one
    ``COVERED_ROW``."""
    rows = []
    for r in frame.iter_rows(named=True):
        gap = r["funding_gap"]
        rows.append(
            {
                "policy_recommendation_id": r["policy_recommendation_id"],
                "reference": r["reference_number"] or fmt.MISSING,
                "title": _short(r["title"], 70),
                "full_title": r["title"] or "",
                "status": status_label(r["status"]),
                "priority": status_label(r["priority"]),
                "category": f"Priority category {r['priority_category']}" if r["priority_category"] else "",
                "ppas": fmt.count(r["implementing_ppa_count"]),
                "budget": fmt.peso_exact(r["implementing_budget"]),
                "selection_budget": fmt.peso_exact(r["selection_budget"]),
                "selection_ppas": f"{fmt.count(r['selection_ppa_count'])} PPAs in the selection",
                "progress": fmt.progress(r["average_progress"]),
                "cost": fmt.peso_exact(r["estimated_cost"]),
                "gap": fmt.peso_exact(gap),
                "row_class": "" if gap is None else (GAP_ROW if gap > 0 else COVERED_ROW),
            }
        )
    return rows


PPA_COLUMNS = (
    Column("title", "PPA"),
    Column("moa", "MOA", tooltip="moa_name"),
    Column("fiscal_year", "FY", numeric=True),
    Column("sector", "Sector"),
    Column("status", "Status"),
    Column("progress", "Progress", numeric=True),
    Column("budget", "Approved budget", numeric=True),
)


def ppa_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    """``policy_queries.cell_ppas`` as display rows."""
    return [
        {
            "title": r["title"] or r["ppa_id"],
            "moa": moa_label(r["moa_acronym"], r["moa_key"]),
            "moa_name": r["moa_name"] or "",
            "fiscal_year": fmt.fiscal_year(r["fiscal_year"]),
            "sector": fmt.sector_label(r["sector"]),
            "status": fmt.status_label(r["status"]),
            "progress": fmt.progress(r["progress"]),
            "budget": fmt.peso_exact(r["budget_allocation"]),
        }
        for r in frame.iter_rows(named=True)
    ]


def cell_caption(frame: pl.DataFrame, selected: tuple[str, str] | None) -> str:
    """What the PPA list under the heatmap shows."""
    if selected is None:
        return "Click a cell of the matrix to list the PPAs behind it."
    if frame.height == 0:
        return "No PPA of this policy and MOA matches the filters."
    first = frame.row(0, named=True)
    total = sum((v or Decimal(0) for v in frame["budget_allocation"].to_list()), Decimal(0))
    return (
        f"{policy_label(first['reference_number'], first['policy_title'])} × "
        f"{moa_label(first['moa_acronym'], first['moa_key'])}: {fmt.count(frame.height)} "
        ""
        f"{'PPA' if frame.height == 1 else 'PPAs'}, {fmt.peso_exact(total)}."
    )
