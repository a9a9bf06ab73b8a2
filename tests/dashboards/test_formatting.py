from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from dashboards import formatting as fmt


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234567890"), "₱1.23B"),
        (Decimal("45600000"), "₱45.6M"),
        (Decimal("22450000.50"), "₱22.5M"),
        (Decimal("8200000.00"), "₱8.20M"),
        (Decimal("123456789"), "₱123M"),
        (Decimal("950000"), "₱950K"),
        (Decimal("1500"), "₱1.50K"),
        (Decimal("820"), "₱820"),
        (Decimal("0.00"), "₱0"),
        (0, "₱0"),
        (2_500_000_000_000, "₱2.50T"),
        (Decimal("-1500000"), "-₱1.50M"),
        (1_250_000.0, "₱1.25M"),
        # rounding that carries into the next unit moves up a unit
        (Decimal("999960"), "₱1.00M"),
        (Decimal("999.6"), "₱1.00K"),
        (Decimal("999499"), "₱999K"),
        # half up, on the exact decimal value
        (Decimal("1235000"), "₱1.24M"),
        (None, "—"),
    ],
)
def test_peso_short(value, expected):
    assert fmt.peso_short(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("22450000.50"), "₱22,450,000.50"),
        (Decimal("13650000.25"), "₱13,650,000.25"),
        (Decimal("0"), "₱0.00"),
        (7, "₱7.00"),
        (Decimal("1234.505"), "₱1,234.51"),
        (Decimal("-1234.505"), "-₱1,234.51"),
        (0.1 + 0.2, "₱0.30"),
        (None, "—"),
    ],
)
def test_peso_exact(value, expected):
    assert fmt.peso_exact(value) == expected


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (Decimal("13650000.25") / Decimal("19000000"), "71.8%"),
        (0.25000025, "25.0%"),
        (0.0, "0.0%"),
        (1.0, "100.0%"),
        (1.2345, "123.5%"),  # over-obligation is shown as it is, never capped
        (None, "—"),  # division by zero upstream
    ],
)
def test_percent(rate, expected):
    assert fmt.percent(rate) == expected


def test_counts_progress_and_years():
    assert fmt.count(1234567) == "1,234,567"
    assert fmt.count(None) == "—"
    assert fmt.progress(99.5) == "100%"
    assert fmt.progress(0) == "0%"
    assert fmt.progress(None) == "—"
    assert fmt.fiscal_year(2025) == "2025"
    assert fmt.fiscal_year(None) == "No FY"


def test_labels():
    assert fmt.sector_label("peace_security") == "Peace and security"
    assert fmt.sector_label("unspecified") == "Unspecified"
    assert fmt.sector_label(None) == "Unspecified"
    assert fmt.sector_label("blue_economy") == "Blue economy"
    assert fmt.status_label("on_hold") == "On hold"
    assert fmt.status_label(None) == "—"


@pytest.mark.parametrize(
    ("largest", "expected"),
    [
        (4.02e9, (1e9, "₱ billions")),
        (22_450_000.5, (1e6, "₱ millions")),
        (700_000.0, (1e3, "₱ thousands")),
        (500.0, (1.0, "₱")),
        (0.0, (1.0, "₱")),
    ],
)
def test_axis_scale(largest, expected):
    assert fmt.axis_scale(largest) == expected


def test_as_of_is_in_philippine_time():
    assert fmt.as_of(datetime(2025, 11, 21, 5, 20, tzinfo=UTC)) == "21 Nov 2025, 13:20 PHT"
    assert fmt.as_of(datetime(2025, 12, 31, 16, 5, tzinfo=UTC)) == "1 Jan 2026, 00:05 PHT"
    assert fmt.as_of(None) == "—"
