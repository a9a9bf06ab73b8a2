"""How numbers and codes read on the dashboards: pesos, rates, counts, dates and labels.

Amounts arrive as ``Decimal`` from the warehouse; formatting works on the exact value and rounds half up only for
display, so a card and a table never disagree by a centavo. ``None`` (an undefined rate, a missing amount) always
reads as an em dash.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

MISSING = "—"
PESO = "₱"
# The Philippines keeps one offset all year (no daylight saving time).
PHILIPPINE_TIME = timezone(timedelta(hours=8), "PHT")

# (size, suffix) from the smallest unit up; executives read "B" for billion, not the SI "G".
UNITS: tuple[tuple[Decimal, str], ...] = (
    (Decimal(1), ""),
    (Decimal(10) ** 3, "K"),
    (Decimal(10) ** 6, "M"),
    (Decimal(10) ** 9, "B"),
    (Decimal(10) ** 12, "T"),
)
_AXIS_UNITS: tuple[tuple[float, str], ...] = ((1e9, "billions"), (1e6, "millions"), (1e3, "thousands"))
_CENTAVO = Decimal("0.01")

SECTOR_LABELS = {
    "economic": "Economic",
    "social": "Social",
    "infrastructure": "Infrastructure",
    "environment": "Environment",
    "governance": "Governance",
    "peace_security": "Peace and security",
    "unspecified": "Unspecified",
}
STATUS_LABELS = {
    "planning": "Planning",
    "ongoing": "Ongoing",
    "completed": "Completed",
    "on_hold": "On hold",
    "cancelled": "Cancelled",
}


def to_decimal(value: Decimal | float | int | str | None) -> Decimal | None:
    """The exact value of an amount; floats go through their shortest repr so 0.1 stays 0.1."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def peso_short(value: Decimal | float | int | None) -> str:
    """A compact amount with three significant digits: ₱1.23B, ₱45.6M, ₱950K, ₱820."""
    amount = to_decimal(value)
    if amount is None:
        return MISSING
    sign = "-" if amount < 0 else ""
    magnitude = abs(amount)
    for i, (size, suffix) in enumerate(UNITS):
        next_size = UNITS[i + 1][0] if i + 1 < len(UNITS) else None
        if next_size is not None and magnitude >= next_size:
            continue
        scaled = magnitude / size
        places = 0 if not suffix else max(0, 3 - len(str(int(scaled))))
        rounded = scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if next_size is not None and rounded * size >= next_size:
            continue  # rounding carried over into the next unit: 999.96K reads as ₱1.00M
        if rounded == 0:
            sign = ""
        return f"{sign}{PESO}{rounded:,.{places}f}{suffix}"
    raise AssertionError("unreachable: the last unit always returns")


def peso_exact(value: Decimal | float | int | None) -> str:
    """The amount to the centavo with thousands separators: ₱1,234,567.89."""
    amount = to_decimal(value)
    if amount is None:
        return MISSING
    rounded = amount.quantize(_CENTAVO, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    return f"{sign}{PESO}{abs(rounded):,.2f}"


def percent(rate: Decimal | float | None, places: int = 1) -> str:
    """A ratio as a percentage (0.7184 → 71.8%); an undefined ratio (division by zero) reads as —."""
    value = to_decimal(rate)
    if value is None:
        return MISSING
    shown = (value * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{shown:,.{places}f}%"


def count(value: int | None) -> str:
    return MISSING if value is None else f"{value:,}"


def progress(value: float | Decimal | int | None) -> str:
    """Physical progress, 0–100, as a whole percentage."""
    amount = to_decimal(value)
    if amount is None:
        return MISSING
    return f"{amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def fiscal_year(value: int | None) -> str:
    return "No FY" if value is None else str(value)


def sector_label(code: str | None) -> str:
    if code is None:
        return SECTOR_LABELS["unspecified"]
    return SECTOR_LABELS.get(code, code.replace("_", " ").capitalize())


def area_labels(areas: list[dict]) -> list[str]:
    """Dropdown labels of regions and provinces (rows of ``queries.areas``): "Region IX — Zamboanga Peninsula",
    then its provinces as "Zamboanga del Norte (IX)"."""
    labels = []
    for area in areas:
        code = area.get("region_code")
        if area["level"] == "region":
            name = area.get("region_name") or MISSING
            labels.append(f"Region {code} — {name}" if code else name)
        else:
            name = area.get("province_name") or MISSING
            labels.append(f"{name} ({code})" if code else name)
    return labels


def status_label(code: str | None) -> str:
    if code is None:
        return MISSING
    return STATUS_LABELS.get(code, code.replace("_", " ").capitalize())


def axis_scale(largest: float) -> tuple[float, str]:
    """Divisor and axis title for peso amounts up to ``largest``: (1e6, "₱ millions")."""
    for size, name in _AXIS_UNITS:
        if abs(largest) >= size:
            return size, f"{PESO} {name}"
    return 1.0, PESO


def as_of(moment: datetime | None) -> str:
    """A timestamp in Philippine time, as the footer shows it: 21 Nov 2025, 13:20 PHT."""
    if moment is None:
        return MISSING
    local = moment.astimezone(PHILIPPINE_TIME)
    return f"{local.day} {local:%b %Y, %H:%M} PHT"
