"""The MFBM budget execution report as an XLSX workbook: frames in, bytes out (no Dash, no warehouse).

OBCMS's "MFBM execution report" (``src/monitoring/services/reports.py``, obcms_schema.md §1.6.7) lists the MOA PPAs
(category ``moa_ppa``) of one fiscal year with their approved budget, disbursements, variance and utilization, and a
remark per PPA. Its users expect the sheets Summary, Allocation, Expenditure, Variance, Raw data and Metadata; this
module writes them from :func:`dashboards.execution_queries.mfbm_ppas` (``fct_ppa_budget``).

OBCMS's rules, kept here because no mart holds them yet (they belong in a mart, e.g. an ``rpt_mfbm_execution``):

- variance = budget_allocation − disbursements (positive = not yet spent);
- variance % = variance / budget_allocation × 100 (undefined, shown empty, when the budget is 0);
- utilization % = disbursements / budget_allocation × 100: the mart's ``disbursement_rate_vs_budget``, used as is;
- remarks: variance % > 20 "High underspending", variance % < −5 "Over budget", utilization < 50 "Low utilization",
  utilization > 95 "Near full utilization". OBCMS lists them as one rule set; as utilization < 50 always implies
  variance % > 20, a first-match chain would never say "Low utilization", so every remark that applies is given,
  in that order, joined with "; ".

Totals rows are exact sums of the PPA rows (Decimal), and their rates are ratios of the sums, never averages.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import polars as pl
import xlsxwriter

MONEY_FORMAT = '"₱"#,##0.00'
PERCENT_FORMAT = '0.00" %"'
SHEETS = ("Summary", "Allocation", "Expenditure", "Variance", "Raw data", "Metadata")

HIGH_UNDERSPENDING = "High underspending"
OVER_BUDGET = "Over budget"
LOW_UTILIZATION = "Low utilization"
NEAR_FULL_UTILIZATION = "Near full utilization"

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")

DEFINITIONS = (
    ("Approved budget", "The PPA's budget_allocation (the appropriation), fct_ppa_budget.budget_allocation."),
    ("Allotment", "Σ allotment releases (allocation tranches) of the PPA's funding ledger."),
    ("Obligations", "Σ obligation tranches of the funding ledger."),
    ("Disbursements", "Σ disbursement tranches of the funding ledger (OBCMS's total_disbursements)."),
    ("Variance", "Approved budget − disbursements (positive = not yet disbursed), as OBCMS's MFBM report."),
    ("Variance %", "Variance ÷ approved budget × 100; empty when the budget is 0. Totals: Σ variance ÷ Σ budget."),
    ("Utilization %", "Disbursements ÷ approved budget × 100 (OBCMS's budget_utilization_rate). Totals: Σ ÷ Σ."),
    ("Obligation rate %", "Obligations ÷ allotment × 100. Totals: Σ obligations ÷ Σ allotment."),
    ("Disbursement rate %", "Disbursements ÷ obligations × 100. Totals: Σ disbursements ÷ Σ obligations."),
    (
        "Remarks",
        f"Variance % > 20: {HIGH_UNDERSPENDING}; < −5: {OVER_BUDGET}; utilization < 50: {LOW_UTILIZATION}; "
        f"> 95: {NEAR_FULL_UTILIZATION}. Every remark that applies, in that order.",
    ),
    ("PPAs", "MOA PPAs (category moa_ppa) of the fiscal year, within the MOA, sector and area filters."),
)


# ------------------------------------------------------------------------------------------------ rules
def remarks(variance_pct: Decimal | None, utilization_pct: Decimal | None) -> str:
    """OBCMS's MFBM remarks for one PPA (see the module docstring); "" when none applies or nothing is known."""
    said = []
    if variance_pct is not None and variance_pct > 20:
        said.append(HIGH_UNDERSPENDING)
    if variance_pct is not None and variance_pct < -5:
        said.append(OVER_BUDGET)
    if utilization_pct is not None and utilization_pct < 50:
        said.append(LOW_UTILIZATION)
    if utilization_pct is not None and utilization_pct > 95:
        said.append(NEAR_FULL_UTILIZATION)
    return "; ".join(said)


def _ratio_pct(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return (numerator * _HUNDRED / denominator).quantize(_CENT)


def with_variance(ppas: pl.DataFrame) -> pl.DataFrame:
    """``ppas`` (execution_queries.mfbm_ppas) with ``variance``, ``variance_pct`` and ``remarks`` added, exact."""
    budgets = ppas["budget_allocation"].to_list()
    paid = ppas["disbursements"].to_list()
    variance = [(b or Decimal(0)) - (d or Decimal(0)) for b, d in zip(budgets, paid, strict=True)]
    variance_pct = [_ratio_pct(v, b) for v, b in zip(variance, budgets, strict=True)]
    utilization = ppas["utilization_pct"].to_list()
    return ppas.with_columns(
        pl.Series("variance", variance, dtype=pl.Decimal(18, 2)),
        pl.Series("variance_pct", variance_pct, dtype=pl.Decimal(18, 2)),
        pl.Series("remarks", [remarks(v, u) for v, u in zip(variance_pct, utilization, strict=True)], dtype=pl.String),
    )


def choose_fiscal_year(selected: Sequence[int], available: Sequence[int]) -> tuple[int | None, str]:
    """The one fiscal year the report covers, and a sentence saying how it was chosen.

    One selected year: that year. Several: the latest of them (said so). None: the latest year with MOA PPAs.
    """
    if len(selected) == 1:
        return selected[0], f"FY {selected[0]}, the fiscal year selected."
    if selected:
        year = max(selected)
        listed = ", ".join(str(y) for y in sorted(selected))
        return year, f"FY {year}: the report covers one fiscal year, the latest of those selected ({listed})."
    if available:
        year = max(available)
        return year, f"FY {year}: no fiscal year was selected, so the latest with MOA PPAs."
    return None, "No fiscal year has MOA PPAs."


@dataclass(frozen=True)
class Totals:
    ppa_count: int
    budget_allocation: Decimal
    allotment: Decimal
    obligations: Decimal
    disbursements: Decimal
    unpaid_obligations: Decimal
    variance: Decimal

    @property
    def variance_pct(self) -> Decimal | None:
        return _ratio_pct(self.variance, self.budget_allocation)

    @property
    def utilization_pct(self) -> Decimal | None:
        return _ratio_pct(self.disbursements, self.budget_allocation)

    @property
    def obligation_rate(self) -> Decimal | None:
        return _ratio_pct(self.obligations, self.allotment)

    @property
    def disbursement_rate(self) -> Decimal | None:
        return _ratio_pct(self.disbursements, self.obligations)


def totals(frame: pl.DataFrame) -> Totals:
    """Exact sums of a :func:`with_variance` frame (or part of it)."""

    def total(column: str) -> Decimal:
        return sum((v for v in frame[column].to_list() if v is not None), Decimal("0.00"))

    return Totals(
        frame.height,
        total("budget_allocation"),
        total("allotment"),
        total("obligations"),
        total("disbursements"),
        total("unpaid_obligations"),
        total("variance"),
    )


def by_moa(frame: pl.DataFrame) -> list[tuple[str, str, Totals]]:
    """(MOA acronym, MOA name, totals) per MOA, in the order the MOAs first appear."""
    keys = list(dict.fromkeys(zip(frame["moa_acronym"].to_list(), frame["moa_name"].to_list(), strict=True)))
    out = []
    for acronym, name in keys:
        part = frame.filter(
            (pl.col("moa_acronym").is_null() if acronym is None else pl.col("moa_acronym") == acronym)
            & (pl.col("moa_name").is_null() if name is None else pl.col("moa_name") == name)
        )
        out.append((acronym or "No MOA", name or "", totals(part)))
    return out


# ---------------------------------------------------------------------------------------------- workbook
def _number(value: Decimal | int | float | None) -> float | int | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def report_bytes(
    ppas: pl.DataFrame,
    *,
    fiscal_year: int | None,
    year_note: str,
    filters: Sequence[tuple[str, str]],
    data_as_of: str,
    generated_at: datetime,
) -> bytes:
    """The MFBM workbook of the MOA PPAs in ``ppas`` (execution_queries.mfbm_ppas of ``fiscal_year``).

    ``filters``: (filter, values) pairs in words; ``data_as_of``: the warehouse's data date as text;
    ``generated_at``: when the file is made. Empty ``ppas`` still gives every sheet, with zero totals.
    """
    frame = with_variance(ppas)
    grand = totals(frame)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    f = {
        "title": book.add_format({"bold": True, "font_size": 14, "font_color": "#12355B"}),
        "bold": book.add_format({"bold": True}),
        "header": book.add_format(
            {"bold": True, "bg_color": "#12355B", "font_color": "#FFFFFF", "text_wrap": True, "valign": "top"}
        ),
        "money": book.add_format({"num_format": MONEY_FORMAT}),
        "pct": book.add_format({"num_format": PERCENT_FORMAT}),
        "text": book.add_format({}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "total_text": book.add_format({"bold": True, "top": 1}),
        "total_money": book.add_format({"bold": True, "top": 1, "num_format": MONEY_FORMAT}),
        "total_pct": book.add_format({"bold": True, "top": 1, "num_format": PERCENT_FORMAT}),
        "total_int": book.add_format({"bold": True, "top": 1}),
    }
    heading = f"MFBM budget execution report — FY {fiscal_year}" if fiscal_year else "MFBM budget execution report"

    def sheet_with_table(name: str, columns: Sequence[tuple[str, str, int]], rows: list[list], total: list | None):
        """columns: (header, kind, width) with kind money / pct / int / text; the table starts on row 3."""
        sheet = book.add_worksheet(name)
        sheet.write_string(0, 0, heading, f["title"])
        sheet.write_string(1, 0, year_note)
        for c, (header, _kind, width) in enumerate(columns):
            sheet.set_column(c, c, width)
            sheet.write_string(3, c, header, f["header"])
        for r, values in enumerate(rows, start=4):
            for c, value in enumerate(values):
                _write(sheet, r, c, value, columns[c][1], f, total=False)
        if total is not None:
            r = 4 + len(rows)
            for c, value in enumerate(total):
                _write(sheet, r, c, value, columns[c][1], f, total=True)
        sheet.freeze_panes(4, 0)
        return sheet

    # Summary: one row per MOA and the grand total
    summary_columns = (
        ("MOA", "text", 12), ("MOA name", "text", 44), ("PPAs", "int", 8), ("Approved budget", "money", 20),
        ("Allotment", "money", 20), ("Obligations", "money", 20), ("Disbursements", "money", 20),
        ("Variance", "money", 20), ("Variance %", "pct", 12), ("Utilization %", "pct", 13),
    )  # fmt: skip

    def summary_values(label: str, name: str, t: Totals) -> list:
        return [label, name, t.ppa_count, t.budget_allocation, t.allotment, t.obligations, t.disbursements,
                t.variance, t.variance_pct, t.utilization_pct]  # fmt: skip

    sheet_with_table(
        "Summary",
        summary_columns,
        [summary_values(a, n, t) for a, n, t in by_moa(frame)],
        summary_values("Total", "", grand),
    )

    rows = list(frame.iter_rows(named=True))
    sheet_with_table(
        "Allocation",
        (("MOA", "text", 12), ("PPA", "text", 60), ("Sector", "text", 16), ("Status", "text", 12),
         ("Approved budget", "money", 20), ("Allotment", "money", 20), ("Unobligated allotment", "money", 20)),
        [[r["moa_acronym"], r["title"], r["sector"], r["status"], r["budget_allocation"], r["allotment"],
          r["unobligated_allotment"]] for r in rows],
        ["Total", f"{grand.ppa_count} PPAs", None, None, grand.budget_allocation, grand.allotment,
         grand.allotment - grand.obligations],
    )  # fmt: skip
    sheet_with_table(
        "Expenditure",
        (("MOA", "text", 12), ("PPA", "text", 60), ("Obligations", "money", 20), ("Disbursements", "money", 20),
         ("Unpaid obligations", "money", 20), ("Obligation rate %", "pct", 14), ("Disbursement rate %", "pct", 14),
         ("Utilization %", "pct", 13), ("Progress %", "int", 10)),
        [[r["moa_acronym"], r["title"], r["obligations"], r["disbursements"], r["unpaid_obligations"],
          r["obligation_rate_vs_allotment"], r["disbursement_rate_vs_obligations"], r["utilization_pct"],
          r["progress"]] for r in rows],
        ["Total", f"{grand.ppa_count} PPAs", grand.obligations, grand.disbursements, grand.unpaid_obligations,
         grand.obligation_rate, grand.disbursement_rate, grand.utilization_pct, None],
    )  # fmt: skip
    sheet_with_table(
        "Variance",
        (("MOA", "text", 12), ("PPA", "text", 60), ("Approved budget", "money", 20), ("Disbursements", "money", 20),
         ("Variance", "money", 20), ("Variance %", "pct", 12), ("Utilization %", "pct", 13), ("Remarks", "text", 40)),
        [[r["moa_acronym"], r["title"], r["budget_allocation"], r["disbursements"], r["variance"], r["variance_pct"],
          r["utilization_pct"], r["remarks"]] for r in rows],
        ["Total", f"{grand.ppa_count} PPAs", grand.budget_allocation, grand.disbursements, grand.variance,
         grand.variance_pct, grand.utilization_pct, remarks(grand.variance_pct, grand.utilization_pct)],
    )  # fmt: skip

    # Raw data: every column of every PPA, as the query gave it
    raw = book.add_worksheet("Raw data")
    for c, column in enumerate(frame.columns):
        raw.write_string(0, c, column, f["header"])
        dtype = frame.schema[column]
        numeric = dtype.is_numeric() and dtype != pl.Boolean
        kind = (
            "money"
            if isinstance(dtype, pl.Decimal) and dtype.scale == 2 and "pct" not in column
            else ("num" if numeric else "text")
        )
        raw.set_column(c, c, 18 if kind == "money" else max(10, min(40, len(column) + 2)))
        for r, value in enumerate(frame[column].to_list(), start=1):
            _write(raw, r, c, value, kind, f, total=False)
    raw.freeze_panes(1, 0)
    if frame.width:
        raw.autofilter(0, 0, max(frame.height, 1), frame.width - 1)

    meta = book.add_worksheet("Metadata")
    meta.set_column(0, 0, 26)
    meta.set_column(1, 1, 100, f["wrap"])
    lines: list[tuple[str, str]] = [
        ("Report", "MFBM budget execution report (OBCMS reports.py layout)"),
        ("Fiscal year", str(fiscal_year) if fiscal_year else "—"),
        ("Fiscal year chosen", year_note),
        *[(f"Filter: {name}", value) for name, value in filters],
        ("Category", "moa_ppa (MOA PPAs only, as OBCMS's report)"),
        ("Data as of", data_as_of),
        ("Generated", generated_at.strftime("%Y-%m-%d %H:%M %Z").strip()),
        ("Source", "OOBC warehouse, marts.fct_ppa_budget with marts.dim_ppa"),
        ("Amounts", "Philippine pesos (₱), exact to the centavo"),
        *[(f"Definition: {term}", text) for term, text in DEFINITIONS],
    ]
    for r, (key, value) in enumerate(lines):
        meta.write_string(r, 0, key, f["bold"])
        meta.write_string(r, 1, value)
    book.close()
    return buffer.getvalue()


def _write(sheet, row: int, col: int, value, kind: str, f: dict, *, total: bool) -> None:
    prefix = "total_" if total else ""
    if value is None:
        if total:
            sheet.write_blank(row, col, None, f["total_text"])
        return
    if (
        kind in ("money", "pct", "int", "num")
        and isinstance(value, Decimal | int | float)
        and not isinstance(value, bool)
    ):
        style = f[f"{prefix}{kind}"] if kind in ("money", "pct") or (kind == "int" and total) else None
        sheet.write_number(row, col, _number(value), style)
    else:
        sheet.write_string(row, col, str(value), f[f"{prefix}text"] if total else None)
