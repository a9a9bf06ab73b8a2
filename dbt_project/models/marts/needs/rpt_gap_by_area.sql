with

needs as (

    select * from {{ ref('fct_need_gap') }}

),

located as (

    select * from needs

    where region_id is not null

),

-- every need once per level of its community's area: municipality, province, region
by_level as (

    select
        'municipality' as level,
        {{ area_key('municipality', 'municipality_id') }} as geography_id,
        *

    from located

    where municipality_id is not null

    union all

    select
        'province' as level,
        {{ area_key('province', 'province_id') }} as geography_id,
        *

    from located

    where province_id is not null

    union all

    select
        'region' as level,
        {{ area_key('region', 'region_id') }} as geography_id,
        *

    from located

),

aggregated as (

    select
        level,
        geography_id,
        coalesce(sector, 'unassigned') as sector,
        count(*) as needs_count,
        sum(case when is_funded then 1 else 0 end) as funded_needs_count,
        sum(case when is_high_priority then 1 else 0 end) as high_priority_needs_count,
        sum(case when is_high_priority and not is_funded then 1 else 0 end) as high_priority_unfunded_count,
        coalesce(sum(case when is_high_priority and not is_funded then estimated_cost end), 0)
            as high_priority_unfunded_cost,
        coalesce(sum(case when is_high_priority and not is_funded then affected_population end), 0)
            as high_priority_unfunded_affected_population,
        coalesce(sum(affected_population), 0) as affected_population,
        coalesce(sum(estimated_cost), 0) as estimated_cost,
        coalesce(sum(funding_amount), 0) as funding_amount,
        coalesce(sum(unmet_cost), 0) as unmet_cost,
        coalesce(sum(priority_weighted_unmet_need), 0) as priority_weighted_unmet_need

    from by_level

    group by 1, 2, 3

),

final as (

    select
        cast(geography_id as varchar) as geography_id,
        cast(level as varchar) as level,
        cast(sector as varchar) as sector,
        cast(needs_count as integer) as needs_count,
        cast(funded_needs_count as integer) as funded_needs_count,
        cast(cast(funded_needs_count as decimal(18, 6)) / needs_count as decimal(18, 6)) as need_coverage,
        cast(high_priority_needs_count as integer) as high_priority_needs_count,
        cast(high_priority_unfunded_count as integer) as high_priority_unfunded_count,
        cast(high_priority_unfunded_cost as {{ money_total_type() }}) as high_priority_unfunded_cost,
        cast(high_priority_unfunded_affected_population as bigint) as high_priority_unfunded_affected_population,
        cast(affected_population as bigint) as affected_population,
        cast(estimated_cost as {{ money_total_type() }}) as estimated_cost,
        cast(funding_amount as {{ money_total_type() }}) as funding_amount,
        cast(unmet_cost as {{ money_total_type() }}) as unmet_cost,
        cast(priority_weighted_unmet_need as decimal(18, 6)) as priority_weighted_unmet_need

    from aggregated

)

select * from final
