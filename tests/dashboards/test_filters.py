from __future__ import annotations

from dashboards.filters import Filters


def test_query_string_round_trip():
    filters = Filters(fiscal_years=(2024, 2025), moas=("MOH", "MBHTE"), sectors=("social",))
    search = filters.to_search()
    assert search == "?fiscal_year=2024&fiscal_year=2025&moa=MOH&moa=MBHTE&sector=social"
    assert Filters.from_search(search) == filters
    assert Filters.from_search(search.lstrip("?")) == filters


def test_the_documented_link():
    assert Filters.from_search("?fiscal_year=2025&moa=MOH&sector=social") == Filters((2025,), ("MOH",), ("social",))


def test_nothing_selected_is_an_empty_query_string():
    assert Filters().to_search() == ""
    assert Filters.from_search("") == Filters()
    assert Filters.from_search(None) == Filters()
    assert Filters.from_search("?") == Filters()
    assert Filters().is_empty
    assert not Filters(sectors=("social",)).is_empty


def test_hand_edited_links_are_tolerated():
    filters = Filters.from_search("?fiscal_year=abc&fiscal_year=2025&fiscal_year=2025&moa=&page=2&sector=social")
    assert filters == Filters((2025,), (), ("social",))


def test_awkward_text_survives_the_round_trip():
    hostile = "x' OR 1=1 --&sector=all"
    filters = Filters(moas=(hostile, "A,B"))
    assert Filters.from_search(filters.to_search()) == filters


def test_dropdown_values_and_store():
    assert Filters.of(2025, "MOH", None) == Filters((2025,), ("MOH",), ())
    assert Filters.of(["2024", 2025], [], "") == Filters((2024, 2025), (), ())
    filters = Filters((2025,), ("MOH",), ("social", "unspecified"))
    assert filters.to_store() == {
        "fiscal_year": [2025],
        "moa": ["MOH"],
        "sector": ["social", "unspecified"],
        "area": [],
    }
    assert Filters.from_store(filters.to_store()) == filters
    assert Filters.from_store({}) == Filters()


def test_restricted_to_known_values():
    filters = Filters((2025, 1999), ("MOH", "NOPE"), ("social", "x' OR 1=1 --"))
    assert filters.restricted_to([2024, 2025], ["MOH", "MPW"], ["social"]) == Filters((2025,), ("MOH",), ("social",))


def test_params_are_lists_for_binding():
    assert Filters((2025,), ("MOH",), (), ("province:72",)).params() == {
        "fiscal_years": [2025],
        "moas": ["MOH"],
        "sectors": [],
        "areas": ["province:72"],
    }


def test_areas_travel_in_the_link_and_unknown_ones_are_dropped():
    filters = Filters.from_search("?area=province:72&area=region:9&area=province:999")
    assert filters.areas == ("province:72", "region:9", "province:999")
    assert filters.to_search() == "?area=province%3A72&area=region%3A9&area=province%3A999"
    assert Filters.from_search(filters.to_search()) == filters
    known = filters.restricted_to([], [], [], ["region:9", "province:72"])
    assert known.areas == ("province:72", "region:9")
    assert not Filters(areas=("region:9",)).is_empty


def test_describe_names_every_filter_for_an_export():
    filters = Filters((2025,), ("MOH", "MPW"), (), ("province:72",))
    assert filters.describe({"province:72": "Zamboanga Sibugay (IX)"}) == [
        ("Fiscal year", "2025"),
        ("MOA", "MOH, MPW"),
        ("Sector", "All"),
        ("Area", "Zamboanga Sibugay (IX)"),
    ]
