"""Hand-worked cases for centavo arithmetic, OBCMS's distribution rules and largest-remainder apportionment."""

from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.money import (
    MoneyError,
    apportion,
    distribute_equal,
    distribute_weighted,
    exact_centavos,
    from_centavos,
    to_centavos,
    validate_manual,
)


def test_centavos_round_trip_and_rejects():
    assert to_centavos("1,234.565") == 123457  # half-up at the centavo
    assert to_centavos(0.1) == 10
    assert from_centavos(123457) == Decimal("1234.57")
    for bad in ("abc", None, True, float("nan"), float("inf"), object()):
        with pytest.raises(MoneyError):
            to_centavos(bad)


def test_equal_gives_the_remainder_to_the_first_item():
    # 100.00 / 3 = 33.333… → floor 33.33 each, 0.01 left over goes to the FIRST item as given
    assert distribute_equal(Decimal("100.00"), ["z", "a", "m"]) == {
        "z": Decimal("33.34"),
        "a": Decimal("33.33"),
        "m": Decimal("33.33"),
    }
    # 0.05 over 3: base 0.01, first gets 0.03
    assert distribute_equal("0.05", [1, 2, 3]) == {1: Decimal("0.03"), 2: Decimal("0.01"), 3: Decimal("0.01")}
    with pytest.raises(MoneyError):
        distribute_equal(0, ["a"])


def test_weighted_sorts_by_str_id_and_gives_the_rest_to_the_last():
    # sorted by str(id): "10" < "9"; floor₂(10 × 0.3333) = 3.33 twice; the last ("a") gets 10 − 6.66 = 3.34
    result = distribute_weighted("10.00", {9: "0.3333", 10: "0.3333", "a": "0.3334"})
    assert result == {10: Decimal("3.33"), 9: Decimal("3.33"), "a": Decimal("3.34")}
    # within tolerance: 0.99995 is accepted, the last item absorbs the difference
    assert sum(distribute_weighted("1.00", {"a": 0.5, "b": 0.49995}).values()) == Decimal("1.00")
    with pytest.raises(MoneyError, match="sum to 1"):
        distribute_weighted("10", {"a": 0.5, "b": 0.4})


def test_manual_validation():
    assert validate_manual("100", {"a": "60", "b": "40.01"}) == []  # within ±0.01
    assert validate_manual("100", {"a": "60", "b": "40.02"}) != []
    assert any("negative" in p for p in validate_manual("100", {"a": "-1", "b": "101"}))


def test_apportion_ties_by_remainder_then_id():
    # 100 centavos over three equal shares: 33 each, the one leftover centavo to the smallest id "a"
    assert apportion(100, [1, 1, 1], ["b", "a", "c"]) == [33, 34, 33]
    # remainders 0.6 / 0.3 / 0.1 (quota 3.6, 2.3, 4.1 of 10): the leftover centavo goes to the largest remainder
    assert apportion(10, [3.6, 2.3, 4.1], ["x", "y", "z"]) == [4, 2, 4]
    # caps: "a" would get 500 but is capped at 300; the rest is re-spread over b and c
    assert apportion(1000, [5, 1, 1], ["a", "b", "c"], caps=[300, 1000, 1000]) == [300, 350, 350]


@settings(max_examples=60, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=10**13),
    shares=st.lists(st.floats(min_value=0.001, max_value=1e6), min_size=1, max_size=20),
)
def test_apportion_sums_exactly_and_stays_within_one_centavo_of_the_quota(total, shares):
    ids = [f"p{i:02d}" for i in range(len(shares))]
    result = apportion(total, shares, ids)
    assert sum(result) == total
    quotas = [total * s / sum(shares) for s in shares]
    assert all(abs(r - q) < 1.0 + 1e-3 * max(1.0, q) * 1e-6 for r, q in zip(result, quotas, strict=True))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_apportion_with_caps_never_exceeds_a_cap(data):
    caps = data.draw(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=15))
    shares = data.draw(st.lists(st.floats(min_value=0.01, max_value=100), min_size=len(caps), max_size=len(caps)))
    total = data.draw(st.integers(min_value=0, max_value=sum(caps)))
    result = apportion(total, shares, [str(i) for i in range(len(caps))], caps=caps)
    assert sum(result) == total
    assert all(0 <= r <= c for r, c in zip(result, caps, strict=True))


@pytest.mark.parametrize(
    ("values", "dtype"),
    [
        ([Decimal("1.50"), None, Decimal("-3.25"), Decimal("123456789012.34"), Decimal("0.00")], pl.Decimal(18, 2)),
        ([Decimal("1.5"), Decimal("-0.1"), None], pl.Decimal(10, 1)),
        ([Decimal("7"), Decimal("-2")], pl.Decimal(12, 0)),
        ([5, -3, None, 0], pl.Int64),
        ([5, 200], pl.UInt8),
    ],
)
def test_exact_centavos_agrees_with_to_centavos_item_by_item(values, dtype):
    series = pl.Series(values, dtype=dtype)
    converted = exact_centavos(series)
    assert converted is not None and converted.dtype == pl.Int64
    assert converted.to_list() == [None if v is None else to_centavos(v) for v in series.to_list()]


@given(st.lists(st.integers(min_value=-(10**15), max_value=10**15), max_size=30))
@settings(max_examples=50, deadline=None)
def test_exact_centavos_of_any_two_place_decimals(centavos):
    series = pl.Series([Decimal(c) / 100 for c in centavos], dtype=pl.Decimal(18, 2))
    assert exact_centavos(series).to_list() == centavos


@pytest.mark.parametrize(
    "series",
    [
        pl.Series([1.005, 2.5]),  # floats: each read through its repr, one by one
        pl.Series(["10", "abc"]),  # text
        pl.Series([Decimal("1.005")], dtype=pl.Decimal(10, 3)),  # a third place to round half-up
        pl.Series([2**62], dtype=pl.Int64),  # more centavos than 64 bits hold
    ],
)
def test_exact_centavos_leaves_what_needs_rounding_or_parsing_to_to_centavos(series):
    assert exact_centavos(series) is None
