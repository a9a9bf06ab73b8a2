"""The gap-analysis queries on a hand-made warehouse: which needs count, their sums by area, the table's order and
the alerts, under the global filters and the page's controls."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from dashboards import gap_queries as gq
from dashboards.filters import Filters

HOSTILE = "x' or 1=1 --"
ALL = Filters()


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute(
        """
        create table dim_geography as select * from (values
            ('region:1', 'region', 1, 'IX', 'Zamboanga Peninsula', null, null, null, null, 3000, 122.5, 7.5),
            ('region:2', 'region', 2, 'XII', 'SOCCSKSARGEN', null, null, null, null, 800, 124.8, 6.5),
            ('province:10', 'province', 1, 'IX', 'Zamboanga Peninsula', 10, 'Zamboanga Sibugay', null, null,
             1000, 122.6, 7.7),
            ('province:20', 'province', 2, 'XII', 'SOCCSKSARGEN', 20, 'Sultan Kudarat', null, null, 0, 124.4, 6.6),
            ('province:30', 'province', 2, 'XII', 'SOCCSKSARGEN', 30, 'Sarangani', null, null, 500, null, null),
            ('municipality:100', 'municipality', 1, 'IX', 'Zamboanga Peninsula', 10, 'Zamboanga Sibugay', 100, 'Ipil',
             400, 122.5, 7.8),
            ('municipality:101', 'municipality', 1, 'IX', 'Zamboanga Peninsula', 10, 'Zamboanga Sibugay', 101,
             'Kabasalan', null, 122.7, 7.6),
            ('municipality:200', 'municipality', 2, 'XII', 'SOCCSKSARGEN', 20, 'Sultan Kudarat', 200, 'Isulan',
             300, null, null),
            ('municipality:300', 'municipality', 2, 'XII', 'SOCCSKSARGEN', 30, 'Sarangani', 300, 'Alabel',
             200, 125.1, 6.0)
        ) as t(geography_id, level, region_id, region_code, region_name, province_id, province_name,
               municipality_id, municipality_name, population_total, center_longitude, center_latitude);
        alter table dim_geography alter center_longitude type double;
        alter table dim_geography alter center_latitude type double;
        alter table dim_geography alter population_total type bigint;

        create table fct_need_gap (
            need_id bigint, title varchar, region_id bigint, region_name varchar, province_id bigint,
            province_name varchar, municipality_id bigint, municipality_name varchar, barangay_name varchar,
            geography_id varchar, sector varchar, category_name varchar, urgency_level varchar,
            priority_score decimal(6, 2), is_high_priority boolean, is_funded boolean, funded_via varchar,
            funding_ppa_ids varchar, estimated_cost decimal(15, 2), funding_amount decimal(18, 2),
            unmet_cost decimal(18, 2), coverage_ratio decimal(9, 6), affected_population integer, status varchar
        );
        insert into fct_need_gap values
            (1, 'Clinic', 1, 'Zamboanga Peninsula', 10, 'Zamboanga Sibugay', 100, 'Ipil', 'Poblacion',
             'municipality:100', 'health', 'Primary care', 'immediate', 5.00, true, false, null, null,
             1000.00, 0.00, 1000.00, 0, 100, 'validated'),
            (2, 'Classrooms', 1, 'Zamboanga Peninsula', 10, 'Zamboanga Sibugay', 100, 'Ipil', 'Poblacion',
             'municipality:100', 'education', 'Schools', 'short_term', 4.50, true, true, 'linked_ppa', 'p1',
             800.00, 300.00, 500.00, 0.375, 50, 'planned'),
            (3, 'Midwife', 1, 'Zamboanga Peninsula', 10, 'Zamboanga Sibugay', 101, 'Kabasalan', 'Banker',
             'municipality:101', 'health', 'Primary care', 'medium_term', 4.00, false, false, null, null,
             200.00, 0.00, 200.00, 0, 10, 'identified'),
            (4, 'Road', 2, 'SOCCSKSARGEN', 20, 'Sultan Kudarat', 200, 'Isulan', 'Kalawag',
             'municipality:200', 'infrastructure', 'Roads', 'immediate', 6.00, true, false, null, null,
             null, 0.00, null, 0, 300, 'identified'),
            (5, 'Medicines', 2, 'SOCCSKSARGEN', 20, 'Sultan Kudarat', 200, 'Isulan', 'Kalawag',
             'municipality:200', 'health', 'Primary care', 'long_term', 4.20, true, false, null, null,
             50.25, 0.00, 50.25, 0, 5, 'identified'),
            (6, 'Water', 2, 'SOCCSKSARGEN', 30, 'Sarangani', 300, 'Alabel', 'Maribulan',
             'municipality:300', 'health', 'Water', 'immediate', 4.10, true, true, 'both', 'p2, p3',
             100.00, 100.00, 0.00, 1, 20, 'planned'),
            (7, 'Unplaced clinic', null, null, null, null, null, null, null,
             null, 'health', 'Primary care', 'immediate', 7.00, true, false, null, null,
             70.00, 0.00, 70.00, 0, 7, 'identified'),
            (8, 'Livelihood', 1, 'Zamboanga Peninsula', 10, 'Zamboanga Sibugay', 100, 'Ipil', 'Poblacion',
             'municipality:100', 'social', 'Livelihood', 'short_term', 3.50, false, false, null, null,
             10.00, 0.00, 10.00, 0, 1, 'identified'),
            (9, 'No score', 2, 'SOCCSKSARGEN', 30, 'Sarangani', 300, 'Alabel', 'Maribulan',
             'municipality:300', 'health', 'Water', null, null, false, false, null, null,
             5.00, 0.00, 5.00, 0, 2, 'identified');
        -- the need's sector in the PPA vocabulary, as the mart maps it (health, education → social)
        update fct_need_gap set sector = 'economic_development' where need_id = 8;
        alter table fct_need_gap add column ppa_sector varchar;
        update fct_need_gap set ppa_sector = case sector
            when 'health' then 'social' when 'education' then 'social'
            when 'economic_development' then 'economic' else sector end;

        create table rpt_assessment_alerts as select * from (values
            ('a1', 'Ipil MANA', 'municipal', 'completed', 1, 10, 100, date '2024-05-01', 4, 3, 0.75, 900.00),
            ('a2', 'Sarangani MANA', 'provincial', 'completed', 2, 30, null, date '2023-01-10', 2, 2, 1.0, 150.00)
        ) as t(assessment_id, title, assessment_level, status, region_id, province_id, municipality_id,
               actual_end_date, high_priority_needs_count, high_priority_unfunded_count, unfunded_share,
               high_priority_unfunded_cost);
        """
    )
    yield connection
    connection.close()


def _headline(con, filters=ALL, **selection) -> dict:
    return gq.headline(con, filters, gq.NeedSelection.of(**selection)).row(0, named=True)


def _need_ids(con, filters=ALL, sort=gq.DEFAULT_SORT, descending=True, limit=None, **selection) -> list[int]:
    return gq.needs(con, filters, gq.NeedSelection.of(**selection), sort, descending, limit)["need_id"].to_list()


# --------------------------------------------------------------------------------------- selection
def test_headline_counts_the_unfunded_needs_above_the_threshold(con):
    row = _headline(con)
    # above 4.0 and unfunded: 1 (5.00), 4 (6.00, no cost), 5 (4.20), 7 (7.00, unplaced); 3 sits exactly at 4.00
    assert row["unfunded_count"] == 4
    assert row["unfunded_unmet_cost"] == Decimal("1120.25")
    assert row["unfunded_cost_unknown"] == 1
    assert row["unfunded_affected_population"] == 100 + 300 + 5 + 7
    # high priority: 1, 2, 4, 5, 6, 7; funded: 2 and 6
    assert (row["high_priority_count"], row["funded_count"]) == (6, 2)
    assert row["funded_share"] == pytest.approx(2 / 6)


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ({"threshold": 3.0}, [1, 3, 7, 5, 8, 4]),  # 3 (4.00, unmet 200) and 8 (3.50, unmet 10) join
        ({"threshold": "4.5"}, [1, 7, 4]),
        ({"include_funded": True}, [1, 2, 7, 5, 6, 4]),
        ({"urgencies": ["immediate"]}, [1, 7, 4]),
        ({"urgencies": ["long_term", "short_term"], "include_funded": True}, [2, 5]),
        ({"sectors": ["health"]}, [1, 7, 5]),
        ({"sectors": ["health"], "urgencies": ["long_term"]}, [5]),
        ({"area": "province:20"}, [5, 4]),
        ({"area": "municipality:100", "include_funded": True, "threshold": 0}, [1, 2, 8]),
        ({"area": "municipality:999"}, []),
        ({"urgencies": [HOSTILE]}, []),
        ({"sectors": [HOSTILE]}, []),
        ({"area": HOSTILE}, []),
    ],
)
def test_the_page_controls_select_the_needs(con, selection, expected):
    assert _need_ids(con, **selection) == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(sectors=("social",)), [1, 7, 5]),  # health needs are social services
        (Filters(sectors=("health",)), []),  # a need sector, not a PPA sector: the page's own control selects it
        (Filters(sectors=("economic",)), []),  # 8 is economic but below the threshold
        (Filters(areas=("region:2",)), [5, 4]),
        (Filters(areas=("province:10",)), [1]),
        (Filters(areas=("province:10", "province:20")), [1, 5, 4]),
        (Filters(fiscal_years=(2025,), moas=("MOH",)), [1, 7, 5, 4]),  # needs carry neither: not applied
        (Filters(sectors=(HOSTILE,)), []),
        (Filters(areas=(HOSTILE,)), []),
    ],
)
def test_the_global_filters_that_apply(con, filters, expected):
    assert _need_ids(con, filters) == expected


def test_the_global_and_the_page_sector_both_apply(con):
    assert _need_ids(con, Filters(sectors=("economic",)), threshold=3.0) == [8]
    assert _need_ids(con, Filters(sectors=("economic",)), threshold=3.0, sectors=["health"]) == []
    assert _need_ids(con, Filters(sectors=("social",)), sectors=["education"]) == []  # 2 is funded


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, Decimal("4.0")),
        ("", Decimal("4.0")),
        ("abc", Decimal("4.0")),
        ("nan", Decimal("4.0")),
        (3, Decimal("3")),
        (4.5, Decimal("4.5")),
        (-2, Decimal("0")),
        (1e9, Decimal("10")),
    ],
)
def test_a_threshold_from_the_input_is_always_usable(value, expected):
    assert gq.NeedSelection.of(threshold=value).threshold == expected


def test_an_empty_selection_gives_zeros_and_no_share(con):
    row = _headline(con, Filters(areas=("region:99",)))
    assert row["unfunded_count"] == 0 and row["high_priority_count"] == 0
    assert row["unfunded_unmet_cost"] is None and row["funded_share"] is None
    assert row["unfunded_affected_population"] == 0


# ------------------------------------------------------------------------------------------- areas
def test_areas_by_province_sum_the_needs_and_divide_by_population(con):
    frame = gq.areas(con, Filters(), gq.NeedSelection(area="province:20"), "province")  # the pick does not apply
    rows = {r["geography_id"]: r for r in frame.iter_rows(named=True)}
    assert frame["geography_id"].to_list() == ["province:10", "province:20"]  # largest unmet cost first
    assert rows["province:10"]["unmet_cost"] == Decimal("1000.00")
    assert rows["province:10"]["unmet_per_capita"] == pytest.approx(1.0)  # 1,000 / 1,000 people
    assert rows["province:10"]["area_name"] == "Zamboanga Sibugay"
    assert (rows["province:10"]["center_longitude"], rows["province:10"]["center_latitude"]) == (122.6, 7.7)
    sultan_kudarat = rows["province:20"]
    assert (sultan_kudarat["needs_count"], sultan_kudarat["cost_unknown_count"]) == (2, 1)
    assert sultan_kudarat["unmet_cost"] == Decimal("50.25")
    assert sultan_kudarat["affected_population"] == 305
    assert sultan_kudarat["unmet_per_capita"] is None  # population 0: no per-capita figure
    assert sultan_kudarat["region_name"] == "SOCCSKSARGEN"


def test_areas_by_municipality_and_an_area_without_a_centre(con):
    frame = gq.areas(con, Filters(), gq.NeedSelection(include_funded=True, threshold=Decimal(0)), "municipality")
    rows = {r["geography_id"]: r for r in frame.iter_rows(named=True)}
    # Ipil: 1 (1,000) + 2 (500 unmet of a partly funded need) + 8 (10) over 400 people
    assert rows["municipality:100"]["unmet_cost"] == Decimal("1510.00")
    assert rows["municipality:100"]["unmet_per_capita"] == pytest.approx(1510 / 400)
    assert rows["municipality:100"]["province_name"] == "Zamboanga Sibugay"
    assert rows["municipality:101"]["unmet_per_capita"] is None  # no population recorded
    assert rows["municipality:200"]["center_longitude"] is None  # Isulan has no map position
    assert rows["municipality:300"]["unmet_cost"] == Decimal("0.00")  # 6 is fully funded; 9 has no score


def test_areas_follow_the_filters_and_refuse_an_unknown_level(con):
    frame = gq.areas(con, Filters(areas=("region:1",)), gq.NeedSelection(), "province")
    assert frame["geography_id"].to_list() == ["province:10"]
    assert gq.areas(con, Filters(sectors=(HOSTILE,)), gq.NeedSelection(), "province").height == 0
    with pytest.raises(ValueError, match="unknown map level"):
        gq.areas(con, Filters(), gq.NeedSelection(), "barangay; drop table dim_geography")


def test_unplaced_counts_needs_no_bubble_holds(con):
    row = gq.unplaced(con, Filters(), gq.NeedSelection()).row(0, named=True)
    assert row == {"without_province": 1, "without_municipality": 1}  # need 7
    row = gq.unplaced(con, Filters(areas=("region:1",)), gq.NeedSelection()).row(0, named=True)
    assert row == {"without_province": 0, "without_municipality": 0}


def test_regions_with_a_centre_for_the_labels(con):
    assert gq.regions(con)["region_code"].to_list() == ["IX", "XII"]


# ------------------------------------------------------------------------------------------- needs
@pytest.mark.parametrize(
    ("sort", "descending", "expected"),
    [
        ("unmet_cost", True, [1, 7, 5, 4]),  # an unknown unmet cost sorts last either way
        ("unmet_cost", False, [5, 7, 1, 4]),
        ("priority_score", True, [7, 4, 1, 5]),
        ("affected_population", False, [5, 7, 1, 4]),
        ("urgency", True, [1, 4, 7, 5]),  # immediate first, ties by need id
        ("area", False, [4, 5, 1, 7]),  # SOCCSKSARGEN Sultan Kudarat Isulan, Zamboanga…, the unplaced need last
        ("no such column; drop table fct_need_gap", True, [1, 7, 5, 4]),  # unknown key: by unmet cost
        (None, True, [1, 7, 5, 4]),
    ],
)
def test_the_needs_table_order(con, sort, descending, expected):
    assert _need_ids(con, sort=sort, descending=descending) == expected


def test_the_needs_table_top_n_and_its_count(con):
    frame = gq.needs(con, Filters(), gq.NeedSelection(), limit=2)
    assert frame["need_id"].to_list() == [1, 7]
    assert frame["matching_count"].to_list() == [4, 4]
    assert frame["unmet_cost"].to_list() == [Decimal("1000.00"), Decimal("70.00")]
    assert gq.needs(con, Filters(areas=("region:99",)), gq.NeedSelection()).height == 0


# ------------------------------------------------------------------------------------------ alerts
def test_alerts_worst_first_with_area_names(con):
    frame = gq.alerts(con, Filters())
    assert frame["assessment_id"].to_list() == ["a2", "a1"]
    a1 = frame.row(1, named=True)
    assert (a1["municipality_name"], a1["province_name"], a1["region_name"]) == (
        "Ipil",
        "Zamboanga Sibugay",
        "Zamboanga Peninsula",
    )
    assert frame.row(0, named=True)["municipality_name"] is None


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(areas=("region:1",)), ["a1"]),
        (Filters(areas=("province:30",)), ["a2"]),
        (Filters(areas=("province:20",)), []),
        (Filters(sectors=("health",), fiscal_years=(1999,), moas=("MOH",)), ["a2", "a1"]),  # not applied
        (Filters(areas=(HOSTILE,)), []),
    ],
)
def test_alerts_follow_the_area_filter_only(con, filters, expected):
    assert gq.alerts(con, filters)["assessment_id"].to_list() == expected


# ----------------------------------------------------------------------------------------- options
def test_control_options_and_area_names(con):
    assert gq.need_sectors(con)["sector"].to_list() == ["economic_development", "education", "health", "infrastructure"]
    assert gq.urgency_levels(con).rows() == [("immediate", 4), ("short_term", 2), ("medium_term", 1), ("long_term", 1)]
    assert gq.area_name(con, "municipality:100") == "Ipil (Zamboanga Sibugay)"
    assert gq.area_name(con, "province:20") == "Sultan Kudarat (SOCCSKSARGEN)"
    assert gq.area_name(con, "region:1") == "Zamboanga Peninsula"
    assert gq.area_name(con, HOSTILE) is None
    assert gq.area_name(con, None) is None
