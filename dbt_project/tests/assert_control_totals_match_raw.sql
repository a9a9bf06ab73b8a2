-- The control totals ingest recorded for the latest refresh (meta.control_totals; the refresh that built this
-- warehouse is the latest one in its copy of meta) agree with what raw holds. Returns the disagreements.
--
-- What is checkable. A load merges its rows into raw: new and changed rows are written (they carry the run's
-- _run_id), identical rows are left as they were (older _run_id), and rows of the load's scope that the source no
-- longer has are marked deleted. So "the rows this run loaded" are not all recognisable in raw, but they lie
-- between two sets that are: the live rows the run wrote (W) and all live rows of the source (L). For a measure
-- of non-negative values (budgets, populations, row counts):
--
--   read_equals_loaded   a load without rejected rows loaded every row it read: read_value = loaded_value.
--                        (With rejects the two differ by the rejected rows' values, which meta does not keep.)
--   loaded_within_raw    Σ over W ≤ loaded_value ≤ Σ over L.
--   loaded_equals_raw    a load that left no row unchanged (a first load, or `oobc refresh --full`) wrote every
--                        row it loaded: loaded_value = Σ over W exactly.
--
-- Only the measures listed in `checkable` are compared with raw; failed loads are skipped (nothing of theirs was
-- published) and older refreshes were checked when they ran.
{%- set checkable = [
    {'source': 'ppa_yaml', 'table': 'ppa_yaml_ppas', 'measure': 'approved_budget', 'value': 'coalesce(approved_budget, 0)'},
    {'source': 'ppa_yaml', 'table': 'ppa_yaml_ppas', 'measure': 'rows', 'value': '1'},
    {'source': 'ppa_yaml', 'table': 'ppa_yaml_indicators', 'measure': 'rows', 'value': '1'},
    {'source': 'ppa_yaml', 'table': 'ppa_yaml_special_provisions', 'measure': 'rows', 'value': '1'},
    {'source': 'organizations', 'table': 'barmm_organizations', 'measure': 'rows', 'value': '1'},
    {'source': 'psa', 'table': 'psa_population', 'measure': 'population_province',
     'value': "case when level = 'province' then coalesce(population, 0) else 0 end"},
    {'source': 'psa', 'table': 'psa_population', 'measure': 'population_municipality',
     'value': "case when level = 'municipality' then coalesce(population, 0) else 0 end"},
    {'source': 'psa', 'table': 'psa_population', 'measure': 'population_barangay',
     'value': "case when level = 'barangay' then coalesce(population, 0) else 0 end"},
] %}

with

control_totals as (

    select * from {{ ref('stg_meta__control_totals') }}

),

runs as (

    select * from {{ ref('stg_meta__runs') }}

),

refreshes as (

    select * from {{ ref('stg_meta__refreshes') }}

),

refreshes_ranked as (

    select
        run_id,
        row_number() over (order by started_at desc, run_id desc) as recency

    from refreshes

),

latest_totals as (

    select
        control_totals.run_id,
        control_totals.source_name,
        control_totals.table_name,
        control_totals.measure,
        control_totals.read_value,
        control_totals.loaded_value,
        runs.rows_rejected,
        runs.rows_unchanged

    from control_totals

    inner join refreshes_ranked
        on control_totals.run_id = refreshes_ranked.run_id
        and refreshes_ranked.recency = 1

    inner join runs
        on control_totals.run_id = runs.run_id
        and control_totals.source_name = runs.source_name
        and control_totals.table_name = runs.table_name

    where runs.status <> 'failed'

),

read_equals_loaded as (

    select
        'read_equals_loaded' as check_name,
        run_id,
        source_name,
        table_name,
        measure,
        loaded_value,
        read_value as expected_low,
        read_value as expected_high

    from latest_totals

    where coalesce(rows_rejected, 0) = 0
        and read_value is distinct from loaded_value

),

{% for check in checkable %}
raw_{{ loop.index }} as (

    select
        latest_totals.run_id,
        latest_totals.source_name,
        latest_totals.table_name,
        latest_totals.measure,
        latest_totals.loaded_value,
        latest_totals.rows_unchanged,
        (
            select coalesce(sum({{ check.value }}), 0)
            from {{ source(check.source, check.table) }} as live
            where live._deleted_at is null
                and live._source = latest_totals.source_name
                and live._run_id = latest_totals.run_id
        ) as written_value,
        (
            select coalesce(sum({{ check.value }}), 0)
            from {{ source(check.source, check.table) }} as live
            where live._deleted_at is null
                and live._source = latest_totals.source_name
        ) as live_value

    from latest_totals

    where latest_totals.table_name = '{{ check.table }}'
        and latest_totals.measure = '{{ check.measure }}'

),

{% endfor %}
raw_totals as (

    {% for check in checkable -%}
    select * from raw_{{ loop.index }}
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}

),

loaded_within_raw as (

    select
        'loaded_within_raw' as check_name,
        run_id,
        source_name,
        table_name,
        measure,
        loaded_value,
        written_value as expected_low,
        live_value as expected_high

    from raw_totals

    where coalesce(loaded_value, 0) < written_value
        or coalesce(loaded_value, 0) > live_value

),

loaded_equals_raw as (

    select
        'loaded_equals_raw' as check_name,
        run_id,
        source_name,
        table_name,
        measure,
        loaded_value,
        written_value as expected_low,
        written_value as expected_high

    from raw_totals

    where rows_unchanged = 0
        and coalesce(loaded_value, 0) <> written_value

),

final as (

    select * from read_equals_loaded

    union all

    select * from loaded_within_raw

    union all

    select * from loaded_equals_raw

)

select * from final
