-- fct_equity counts a PPA at its coverage level and above: per fiscal year, Σ spending of its regions =
-- Σ budget_allocation (null = 0) of the dim_ppa PPAs of that year whose coverage area dim_geography holds
-- with a region; of its provinces = those at province or municipality level with a province; of its
-- municipalities = those at municipality level. Exact DECIMAL equality. Returns a row per year and level
-- that differs.

with

ppas as (

    select * from {{ ref('dim_ppa') }}

),

geography as (

    select * from {{ ref('dim_geography') }}

),

equity as (

    select * from {{ ref('fct_equity') }}

),

placed as (

    select
        ppas.fiscal_year,
        ppas.coverage_level,
        coalesce(ppas.budget_allocation, 0) as budget_allocation,
        geography.region_id,
        geography.province_id

    from ppas

    inner join geography
        on ppas.geography_id = geography.geography_id

    where ppas.fiscal_year is not null

),

control as (

    select fiscal_year, 'region' as level, sum(budget_allocation) as spending

    from placed

    where region_id is not null

    group by fiscal_year

    union all

    select fiscal_year, 'province' as level, sum(budget_allocation) as spending

    from placed

    where coverage_level in ('province', 'municipality')
        and province_id is not null

    group by fiscal_year

    union all

    select fiscal_year, 'municipality' as level, sum(budget_allocation) as spending

    from placed

    where coverage_level = 'municipality'

    group by fiscal_year

),

built as (

    select
        fiscal_year,
        level,
        sum(spending) as spending

    from equity

    group by fiscal_year, level

),

final as (

    select
        control.fiscal_year,
        control.level,
        control.spending as control_spending,
        built.spending as built_spending

    from control

    left join built
        on control.fiscal_year = built.fiscal_year
        and control.level = built.level

    where built.spending is null
        or control.spending <> built.spending

)

select * from final
