with

allocations as (

    select * from {{ ref('fct_scenario_allocations') }}

),

runs as (

    select * from {{ ref('fct_scenario_runs') }}

),

geography as (

    select geography_id, population_total from {{ ref('dim_geography') }}

),

by_key as (

    select scenario_id, 'sector' as dimension, sector as key, max(sector) as key_label,
        count(*) as ppa_count,
        count(*) filter (where allocated_amount > 0) as funded_ppa_count,
        sum(allocated_amount) as allocated_amount, sum(baseline_amount) as baseline_amount,
        sum(projected_beneficiaries) as projected_beneficiaries
    from allocations group by scenario_id, sector

    union all

    select scenario_id, 'area', area_id, max(area_name),
        count(*), count(*) filter (where allocated_amount > 0),
        sum(allocated_amount), sum(baseline_amount), sum(projected_beneficiaries)
    from allocations group by scenario_id, area_id

    union all

    select scenario_id, 'moa', moa, max(moa),
        count(*), count(*) filter (where allocated_amount > 0),
        sum(allocated_amount), sum(baseline_amount), sum(projected_beneficiaries)
    from allocations group by scenario_id, moa

    union all

    select runs.scenario_id, 'total', 'total', 'All PPAs',
        count(allocations.ppa_id), count(allocations.ppa_id) filter (where allocations.allocated_amount > 0),
        coalesce(sum(allocations.allocated_amount), 0), max(runs.baseline_total),
        coalesce(sum(allocations.projected_beneficiaries), 0)
    from runs
    left join allocations on allocations.scenario_id = runs.scenario_id
    group by runs.scenario_id

),

scenario_totals as (

    select scenario_id, allocated_amount as scenario_allocated, baseline_amount as scenario_baseline
    from by_key where dimension = 'total'

),

final as (

    select
        by_key.scenario_id,
        runs.version,
        runs.scenario_name,
        runs.fiscal_year,
        runs.scenario_status,
        by_key.dimension,
        by_key.key,
        by_key.key_label,
        by_key.ppa_count::integer as ppa_count,
        by_key.funded_ppa_count::integer as funded_ppa_count,
        cast(by_key.allocated_amount as {{ money_total_type() }}) as allocated_amount,
        cast(by_key.baseline_amount as {{ money_total_type() }}) as baseline_amount,
        cast(by_key.allocated_amount - by_key.baseline_amount as {{ money_total_type() }}) as delta_vs_baseline,
        cast(by_key.allocated_amount / nullif(scenario_totals.scenario_allocated, 0) as decimal(12, 8))
            as allocated_share,
        cast(by_key.baseline_amount / nullif(scenario_totals.scenario_baseline, 0) as decimal(12, 8))
            as baseline_share,
        case when by_key.dimension = 'area' then geography.population_total end as population_total,
        case when by_key.dimension = 'area'
            then cast(by_key.allocated_amount / nullif(geography.population_total, 0) as decimal(18, 4))
        end as allocated_per_capita,
        by_key.projected_beneficiaries::bigint as projected_beneficiaries,
        case when by_key.dimension = 'total' then runs.is_valid end as is_valid,
        case when by_key.dimension = 'total' then runs.problems end as problems,
        cast(case when by_key.dimension = 'total' then runs.envelope end as {{ money_total_type() }}) as envelope,
        cast(case when by_key.dimension = 'total' then runs.unallocated end as {{ money_total_type() }})
            as unallocated,
        case when by_key.dimension = 'total' then runs.hard_ceilings_at_limit end::integer as hard_ceilings_at_limit,
        case when by_key.dimension = 'total' then runs.soft_ceilings_exceeded end::integer as soft_ceilings_exceeded,
        case when by_key.dimension = 'total' then runs.soft_ceilings_warning end::integer as soft_ceilings_warning,
        case when by_key.dimension = 'total' then runs.needs_covered end::integer as needs_covered,
        case when by_key.dimension = 'total' then runs.gini_per_capita end::double as gini_per_capita,
        case
            when by_key.dimension = 'total' then runs.baseline_gini_per_capita
        end::double as baseline_gini_per_capita

    from by_key
    inner join runs on runs.scenario_id = by_key.scenario_id
    left join scenario_totals on scenario_totals.scenario_id = by_key.scenario_id
    left join geography on by_key.dimension = 'area' and geography.geography_id = by_key.key

)

select * from final
