with

ppas as (

    select * from {{ ref('dim_ppa') }}

),

geography as (

    select * from {{ ref('dim_geography') }}

),

needs as (

    select * from {{ ref('fct_need_gap') }}

),

-- PPAs with a fiscal year and a coverage area dim_geography knows, placed in that area's hierarchy
placed_ppas as (

    select
        ppas.ppa_id,
        ppas.fiscal_year,
        ppas.coverage_level,
        coalesce(ppas.budget_allocation, 0) as budget_allocation,
        geography.region_id,
        geography.province_id,
        geography.municipality_id

    from ppas

    inner join geography
        on ppas.geography_id = geography.geography_id

    where ppas.fiscal_year is not null

),

-- a PPA counts in its own coverage area and in the areas above it, never in the areas below it:
-- a province-wide PPA is province and region spending, not spending of each of its municipalities
spending as (

    select
        fiscal_year,
        {{ area_key('municipality', 'municipality_id') }} as geography_id,
        budget_allocation,
        1 as ppa_count

    from placed_ppas

    where coverage_level = 'municipality'

    union all

    select
        fiscal_year,
        {{ area_key('province', 'province_id') }} as geography_id,
        budget_allocation,
        1 as ppa_count

    from placed_ppas

    where coverage_level in ('municipality', 'province')
        and province_id is not null

    union all

    select
        fiscal_year,
        {{ area_key('region', 'region_id') }} as geography_id,
        budget_allocation,
        1 as ppa_count

    from placed_ppas

    where region_id is not null

),

spending_by_area as (

    select
        fiscal_year,
        geography_id,
        sum(budget_allocation) as spending,
        sum(ppa_count) as ppa_count

    from spending

    group by fiscal_year, geography_id

),

fiscal_years as (

    select distinct fiscal_year from placed_ppas

),

-- unmet need cost (estimated cost not covered by funding PPAs) by area, at each level
need_by_area as (

    select
        {{ area_key('municipality', 'municipality_id') }} as geography_id,
        sum(unmet_cost) as unmet_need_cost,
        sum(case when is_high_priority and not is_funded then 1 else 0 end) as high_priority_unfunded_count

    from needs

    where municipality_id is not null

    group by municipality_id

    union all

    select
        {{ area_key('province', 'province_id') }} as geography_id,
        sum(unmet_cost) as unmet_need_cost,
        sum(case when is_high_priority and not is_funded then 1 else 0 end) as high_priority_unfunded_count

    from needs

    where province_id is not null

    group by province_id

    union all

    select
        {{ area_key('region', 'region_id') }} as geography_id,
        sum(unmet_cost) as unmet_need_cost,
        sum(case when is_high_priority and not is_funded then 1 else 0 end) as high_priority_unfunded_count

    from needs

    where region_id is not null

    group by region_id

),

grid as (

    select
        geography.geography_id,
        geography.level,
        geography.region_id,
        geography.province_id,
        geography.municipality_id,
        geography.population_total,
        geography.obc_population,
        fiscal_years.fiscal_year,
        coalesce(spending_by_area.spending, 0) as spending,
        coalesce(spending_by_area.ppa_count, 0) as ppa_count,
        coalesce(need_by_area.unmet_need_cost, 0) as unmet_need_cost,
        coalesce(need_by_area.high_priority_unfunded_count, 0) as high_priority_unfunded_count

    from geography

    cross join fiscal_years

    left join spending_by_area
        on geography.geography_id = spending_by_area.geography_id
        and fiscal_years.fiscal_year = spending_by_area.fiscal_year

    left join need_by_area
        on geography.geography_id = need_by_area.geography_id

    where geography.level in ('region', 'province', 'municipality')

),

-- shares within the level and fiscal year
shared as (

    select
        *,
        sum(spending) over (partition by level, fiscal_year) as level_spending,
        sum(unmet_need_cost) over (partition by level, fiscal_year) as level_unmet_need_cost

    from grid

),

measured as (

    select
        shared.*,
        case when population_total > 0 then cast(spending as decimal(18, 2)) / population_total end
            as spending_per_capita_total,
        case when obc_population > 0 then cast(spending as decimal(18, 2)) / obc_population end
            as spending_per_capita_obc,
        case when level_spending > 0 then cast(spending as decimal(18, 2)) / level_spending end
            as allocation_share,
        case when level_unmet_need_cost > 0 then cast(unmet_need_cost as decimal(18, 2)) / level_unmet_need_cost end
            as need_share

    from shared

),

with_previous as (

    select
        measured.*,
        previous.spending as spending_prev_year

    from measured

    left join grid as previous
        on measured.geography_id = previous.geography_id
        and measured.fiscal_year - 1 = previous.fiscal_year

),

final as (

    select
        cast(geography_id as varchar) as geography_id,
        cast(fiscal_year as integer) as fiscal_year,
        cast(level as varchar) as level,
        cast(region_id as bigint) as region_id,
        cast(province_id as bigint) as province_id,
        cast(municipality_id as bigint) as municipality_id,
        cast(ppa_count as integer) as ppa_count,
        cast(spending as {{ money_total_type() }}) as spending,
        cast(population_total as bigint) as population_total,
        cast(obc_population as bigint) as obc_population,
        cast(spending_per_capita_total as decimal(18, 4)) as spending_per_capita_total,
        cast(spending_per_capita_obc as decimal(18, 4)) as spending_per_capita_obc,
        cast(unmet_need_cost as {{ money_total_type() }}) as unmet_need_cost,
        cast(high_priority_unfunded_count as integer) as high_priority_unfunded_count,
        cast(allocation_share as decimal(12, 8)) as allocation_share,
        cast(need_share as decimal(12, 8)) as need_share,
        cast(
            case when need_share > 0 then allocation_share / need_share end as decimal(18, 6)
        ) as allocation_need_ratio,
        cast(spending_prev_year as {{ money_total_type() }}) as spending_prev_year,
        cast(spending - spending_prev_year as {{ money_total_type() }}) as spending_yoy_change,
        cast(
            case when spending_prev_year > 0 then (spending - spending_prev_year) * 100.0 / spending_prev_year end
            as decimal(18, 4)
        ) as spending_yoy_pct

    from with_previous

)

select * from final
