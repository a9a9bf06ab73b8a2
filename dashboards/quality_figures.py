"""What the data-quality page shows, made from ``quality_queries`` frames: table rows and source status badges.

Nothing here reads the warehouse or knows about Dash. Timestamps in the warehouse are UTC without a zone; they are
shown in Philippine time like the footer's "data as of".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import polars as pl

from dashboards import formatting as fmt
from dashboards.figures import Column

SOURCE_LABELS = {
    "obcms": "OBCMS database",
    "ppa_yaml": "MOA PPA files",
    "organizations": "BARMM organisation list",
    "psa": "PSA population files",
    "meta": "Load history",
}
# status -> (label, Bootstrap colour of its badge)
FRESHNESS_STATUS = {
    "fresh": ("Fresh", "success"),
    "stale": ("Stale", "warning"),
    "error": ("Error", "danger"),
    "not_loaded": ("Not loaded", "secondary"),
}
RUN_STATUS_LABELS = {
    "loaded": "Loaded",
    "loaded_with_rejects": "Loaded with rejects",
    "failed": "Failed",
    "running": "Running",
    "succeeded": "Succeeded",
}
LEVEL_LABELS = {"province": "Province", "municipality": "City/municipality", "barangay": "Barangay"}
FAILED_ROW = "row-failed"  # the class of a table row for a failed load or refresh
NONE = "None"  # what an empty finding table says


# ------------------------------------------------------------------------------------------ helpers
def source_label(name: str | None) -> str:
    if name is None:
        return fmt.MISSING
    return SOURCE_LABELS.get(name, name)


def timestamp(value: datetime | None) -> str:
    """A UTC timestamp from the warehouse, in Philippine time."""
    if value is None:
        return fmt.MISSING
    return fmt.as_of(value.replace(tzinfo=UTC) if value.tzinfo is None else value)


def age(hours: Decimal | float | None) -> str:
    """An age in hours as people say it: 45 minutes, 5.0 hours, 3.2 days."""
    if hours is None:
        return fmt.MISSING
    value = float(hours)
    if value < 1:
        return f"{round(value * 60)} minutes"
    if value < 48:
        return f"{value:.1f} hours"
    return f"{value / 24:.1f} days"


def _text(value: object) -> str:
    return fmt.MISSING if value is None or value == "" else str(value)


def _count(value: int | None) -> str:
    return fmt.count(value)


# ----------------------------------------------------------------------------------------------- runs
RUN_COLUMNS = (
    Column("started", "Refresh started"),
    Column("command", "Command"),
    Column("source", "Source"),
    Column("table", "Table"),
    Column("status", "Status", tooltip="error"),
    Column("read", "Read", numeric=True),
    Column("loaded", "Loaded", numeric=True),
    Column("rejected", "Rejected", numeric=True),
    Column("inserted", "Inserted", numeric=True),
    Column("updated", "Updated", numeric=True),
    Column("unchanged", "Unchanged", numeric=True),
    Column("deleted", "Deleted", numeric=True),
    Column("seconds", "Seconds", numeric=True),
    Column("accounted", "Read = loaded + rejected"),
)


def _run_status(row: dict) -> str:
    if row["status"] is None:  # a refresh that loaded no table
        return f"Refresh {RUN_STATUS_LABELS.get(row['refresh_status'], row['refresh_status'] or fmt.MISSING).lower()}"
    status = RUN_STATUS_LABELS.get(row["status"], row["status"])
    if row["refresh_status"] == "failed" and row["status"] != "failed":
        return f"{status} (refresh failed)"
    return status


def run_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    """``quality_queries.runs`` as display rows; failed loads and refreshes carry the ``row-failed`` class."""
    rows = []
    for r in frame.iter_rows(named=True):
        accounted = r["accounted"]
        rows.append(
            {
                "run_id": r["run_id"],
                "started": timestamp(r["run_started_at"]),
                "command": _text(r["command"]),
                "source": _text(r["source_name"]),
                "table": _text(r["table_name"]),
                "status": _run_status(r),
                "error": r["error"] or "",
                "read": _count(r["rows_read"]),
                "loaded": _count(r["rows_loaded"]),
                "rejected": _count(r["rows_rejected"]),
                "inserted": _count(r["rows_inserted"]),
                "updated": _count(r["rows_updated"]),
                "unchanged": _count(r["rows_unchanged"]),
                "deleted": _count(r["rows_deleted"]),
                "seconds": fmt.MISSING if r["seconds"] is None else f"{r['seconds']:,.1f}",
                "accounted": fmt.MISSING if accounted is None else ("Yes" if accounted else "No"),
                "row_class": FAILED_ROW if r["is_failed"] else "",
            }
        )
    return rows


# -------------------------------------------------------------------------------------------- rejects
REJECT_COLUMNS = (
    Column("started", "Run"),
    Column("source", "Source"),
    Column("table", "Table"),
    Column("location", "Location"),
    Column("row_key", "Row key"),
    Column("column", "Column"),
    Column("value", "Value"),
    Column("reason", "Reason", tooltip="check"),
)


def reject_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    """``quality_queries.rejects`` as display rows; the location is file:line, else the row's position."""
    return [
        {
            "started": timestamp(r["run_started_at"]),
            "source": _text(r["source_name"]),
            "table": _text(r["table_name"]),
            "location": r["location"]
            or (f"row {r['source_row_number']:,}" if r["source_row_number"] is not None else fmt.MISSING),
            "row_key": _text(r["row_key"]),
            "column": _text(r["column_name"]),
            "value": _text(r["failure_value"]),
            "reason": _text(r["reason"]),
            "check": f"Check: {r['check_name']}" if r["check_name"] else "",
        }
        for r in frame.iter_rows(named=True)
    ]


def reject_options(frame: pl.DataFrame, source: str | None) -> tuple[list[dict], list[dict]]:
    """Dropdown options from ``quality_queries.reject_tables``: every source, and the tables of ``source`` (or all)."""
    sources: dict[str, int] = {}
    tables: dict[str, int] = {}
    for r in frame.iter_rows(named=True):
        sources[r["source_name"]] = sources.get(r["source_name"], 0) + r["reject_count"]
        if source is None or r["source_name"] == source:
            tables[r["table_name"]] = tables.get(r["table_name"], 0) + r["reject_count"]
    return (
        [{"label": f"{name} ({n:,})", "value": name} for name, n in sources.items()],
        [{"label": f"{name} ({n:,})", "value": name} for name, n in sorted(tables.items())],
    )


def shown_of(frame: pl.DataFrame, noun: str, plural: str | None = None) -> str:
    """'1 reject', '3 rejects' or 'the first 500 of 1,234 rejects' for a frame with ``match_count``."""
    plural = plural or f"{noun}s"
    if frame.height == 0:
        return f"no {plural}"
    total = frame["match_count"][0]
    if total > frame.height:
        return f"the first {frame.height:,} of {total:,} {plural}"
    return f"{total:,} {noun if total == 1 else plural}"


# ------------------------------------------------------------------------------------------ freshness
@dataclass(frozen=True)
class SourceStatus:
    source: str  # the dbt source name
    label: str
    status: str  # fresh, stale, error, not_loaded
    status_label: str
    colour: str  # Bootstrap colour of the badge
    details: tuple[str, ...]
    definition: str  # shown on hover


def freshness_badges(frame: pl.DataFrame) -> list[SourceStatus]:
    """One status per source of ``quality_queries.freshness``."""
    statuses = []
    for r in frame.iter_rows(named=True):
        label, colour = FRESHNESS_STATUS.get(r["status"], (r["status"], "secondary"))
        if r["last_loaded_at"] is None:
            details = ("Never loaded into this warehouse (not configured).",)
        else:
            details = (
                f"Last loaded {timestamp(r['last_loaded_at'])} ({age(r['age_hours'])} ago)",
                f"{fmt.count(r['rows_live'])} rows · {fmt.count(r['rows_deleted'])} marked deleted · "
                f"{fmt.count(r['tables_with_rows'])} of {fmt.count(r['table_count'])} tables with rows",
            )
            if r["newest_updated_at"] is not None:
                details += (f"Newest change in the source: {timestamp(r['newest_updated_at'])}",)
        warn, error = r["warn_after_hours"], r["error_after_hours"]
        definition = (
            f"Stale after {age(warn)}" if warn is not None else "Never stale",
            f"error after {age(error)}" if error is not None else "never an error",
        )
        statuses.append(
            SourceStatus(
                source=r["source_name"],
                label=source_label(r["source_name"]),
                status=r["status"],
                status_label=label,
                colour=colour,
                details=details,
                definition=f"{definition[0]}, {definition[1]} without a successful load",
            )
        )
    return statuses


# ------------------------------------------------------------------------------------------- findings
DELETED_COLUMNS = (
    Column("source", "Source"),
    Column("table", "Table"),
    Column("deleted", "Rows marked deleted", numeric=True),
    Column("live", "Rows live", numeric=True),
    Column("last", "Last marked"),
    Column("first", "First marked"),
)


def deleted_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    return [
        {
            "source": source_label(r["source_name"]),
            "table": r["table_name"],
            "deleted": fmt.count(r["rows_deleted"]),
            "live": fmt.count(r["rows_live"]),
            "last": timestamp(r["last_deleted_at"]),
            "first": timestamp(r["first_deleted_at"]),
        }
        for r in frame.iter_rows(named=True)
    ]


UNKNOWN_ORGANIZATION_COLUMNS = (
    Column("acronym", "Acronym", tooltip="name"),
    Column("name", "Name in the PPA files"),
    Column("ppas", "PPAs", numeric=True),
    Column("budget", "Approved budget", numeric=True),
    Column("years", "Fiscal years"),
    Column("locations", "Where (file:line)"),
)


def unknown_organization_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    rows = []
    for r in frame.iter_rows(named=True):
        first, last = r["first_fiscal_year"], r["last_fiscal_year"]
        years = fmt.fiscal_year(first) if first == last else f"{fmt.fiscal_year(first)}–{fmt.fiscal_year(last)}"
        rows.append(
            {
                "acronym": r["moa_acronym"],
                "name": _text(r["moa_name"]),
                "ppas": fmt.count(r["ppa_count"]),
                "budget": fmt.peso_exact(r["approved_budget"]),
                "years": years,
                "locations": _text(r["locations"]),
            }
        )
    return rows


UNMATCHED_COLUMNS = (
    Column("side", "Name from"),
    Column("level", "Level"),
    Column("region", "Region"),
    Column("parent", "In"),
    Column("name", "Name", tooltip="normalized"),
    Column("location", "Where"),
    Column("best", "Closest on the other side"),
    Column("similarity", "Similarity", numeric=True),
    Column("candidates", "Candidates"),
)
UNMATCHED_SIDES = {"psa": "PSA file (no OBCMS area)", "obcms": "OBCMS (no PSA figure)"}


def unmatched_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    return [
        {
            "side": UNMATCHED_SIDES.get(r["source"], _text(r["source"])),
            "level": LEVEL_LABELS.get(r["level"], _text(r["level"])),
            "region": _text(r["region_code"]),
            "parent": _text(r["parent_name"]),
            "name": _text(r["name"]),
            "normalized": f"Compared as: {r['normalized_name']}" if r["normalized_name"] else "",
            "location": f"{r['source_file']}:{r['source_line']}" if r["source_file"] else fmt.MISSING,
            "best": _text(r["best_candidate"]),
            "similarity": fmt.MISSING if r["best_similarity"] is None else f"{float(r['best_similarity']):.3f}",
            "candidates": _text(r["candidates"]),
        }
        for r in frame.iter_rows(named=True)
    ]


POPULATION_COLUMNS = (
    Column("area", "Area"),
    Column("level", "Level"),
    Column("stated", "Stated population", numeric=True),
    Column("children", "Sum of its parts", numeric=True),
    Column("difference", "Difference", numeric=True),
    Column("parts", "Parts", numeric=True, tooltip="parts_detail"),
    Column("finding", "Finding"),
    Column("location", "Where"),
)
POPULATION_FINDINGS = {
    "children_do_not_add_up": "Parts do not add up",
    "no_children": "No parts loaded",
    "consistent": "Consistent",
}


def population_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    rows = []
    for r in frame.iter_rows(named=True):
        area = ", ".join(p for p in (r["municipality_name"], r["province_name"]) if p)
        difference = r["difference"]
        rows.append(
            {
                "area": f"{area} ({r['region_code']})",
                "level": LEVEL_LABELS.get(r["level"], _text(r["level"])),
                "stated": fmt.count(r["stated_population"]),
                "children": fmt.count(r["sum_of_children"]),
                "difference": fmt.MISSING if difference is None else f"{difference:+,}",
                "parts": fmt.count(r["children_count"]),
                "parts_detail": f"{fmt.count(r['children_without_population'])} without a figure",
                "finding": POPULATION_FINDINGS.get(r["status"], _text(r["status"])),
                "location": f"{r['source_file']}:{r['source_line']}" if r["source_file"] else fmt.MISSING,
            }
        )
    return rows


# ------------------------------------------------------------------------------------ duplicate PPAs
DUPLICATE_COLUMNS = (
    Column("rank", "#", numeric=True),
    Column("title_a", "PPA", tooltip="detail_a"),
    Column("moa_a", "MOA", tooltip="moa_name_a"),
    Column("budget_a", "Budget", numeric=True),
    Column("title_b", "Possible duplicate", tooltip="detail_b"),
    Column("moa_b", "MOA", tooltip="moa_name_b"),
    Column("budget_b", "Budget", numeric=True),
    Column("shared", "Shared area"),
    Column("overlap", "Overlap", numeric=True),
    Column("similarity", "Title similarity", numeric=True),
)
DUPLICATES_NONE = (
    "No possible duplicates: no two PPAs of different MOAs serve the same community or municipality in the same "
    "sector over overlapping dates."
)


def shared_area(row: dict) -> str:
    """'Cotabato City (Maguindanao) · 2 shared OBC communities' — the place both PPAs serve."""
    parts = []
    if row["same_municipality"]:
        name = row["shared_municipality"] or f"municipality {row['shared_municipality_id']}"
        parts.append(f"{name} ({row['shared_province']})" if row["shared_province"] else name)
    communities = row["shared_community_count"] or 0
    if communities:
        parts.append(f"{communities:,} shared OBC {'community' if communities == 1 else 'communities'}")
    return " · ".join(parts) or fmt.MISSING


def duplicate_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    """``quality_queries.duplicate_pairs`` as display rows, most similar first."""
    rows = []
    for r in frame.iter_rows(named=True):
        days = r["overlap_days"]
        rows.append(
            {
                "rank": fmt.count(r["similarity_rank"]),
                "title_a": _text(r["title_a"]),
                "detail_a": f"FY {fmt.fiscal_year(r['fiscal_year_a'])} · id {r['ppa_id_a']}",
                "moa_a": _text(r["moa_a"]),
                "moa_name_a": r["moa_name_a"] or "",
                "budget_a": fmt.peso_exact(r["budget_a"]),
                "title_b": _text(r["title_b"]),
                "detail_b": f"FY {fmt.fiscal_year(r['fiscal_year_b'])} · id {r['ppa_id_b']}",
                "moa_b": _text(r["moa_b"]),
                "moa_name_b": r["moa_name_b"] or "",
                "budget_b": fmt.peso_exact(r["budget_b"]),
                "shared": f"{fmt.sector_label(r['sector'])}: {shared_area(r)}",
                "overlap": fmt.MISSING if days is None else f"{days:,} day{'' if days == 1 else 's'}",
                "similarity": fmt.MISSING if r["title_similarity"] is None else f"{float(r['title_similarity']):.3f}",
            }
        )
    return rows


# ------------------------------------------------------------------------------------ stale warning
def stale_sources(frame: pl.DataFrame) -> list[str]:
    """The sources of ``quality_queries.freshness`` past their warning age, one line each, worst first.

    Sources never loaded are left out: they are not configured, which the data-quality page says; a source that
    was loaded and has not been reloaded since is what makes a page's figures older than its "data as of" line.
    """
    late = frame.filter(pl.col("status").is_in(["error", "stale"])).sort(
        [pl.col("status") == "stale", pl.col("age_hours")], descending=[False, True]
    )
    return [
        f"{source_label(r['source_name'])}: last loaded {age(r['age_hours'])} ago "
        f"(stale after {age(r['warn_after_hours'])})"
        for r in late.iter_rows(named=True)
    ]
