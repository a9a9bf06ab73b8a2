with

ppas as (

    select * from {{ ref('dim_ppa') }}

),

goal_shares as (

    select * from {{ ref('int_alignment__ppa_bdp_goal_shares') }}

),

tagged as (

    -- a PPA tagged to BDP goals: one row per goal with its equal share of the budget (centavo-exact)
    select
        goal_shares.ppa_id,
        cast(goal_shares.strategic_goal_id as varchar) as goal_key,
        goal_shares.goal_title,
        goal_shares.budget_share

    from goal_shares

),

untagged as (

    -- a PPA tagged to no BDP goal: one row in the untagged bucket with its whole budget
    select
        ppas.ppa_id,
        'untagged' as goal_key,
        'Untagged (no BDP goal)' as goal_title,
        coalesce(ppas.budget_allocation, 0) as budget_share

    from ppas

    left join goal_shares
        on ppas.ppa_id = goal_shares.ppa_id

    where goal_shares.ppa_id is null

),

unioned as (

    select * from tagged

    union all

    select * from untagged

),

final as (

    select
        cast(unioned.ppa_id as varchar) as ppa_id,
        cast(unioned.goal_key as varchar) as goal_key,
        cast(unioned.goal_title as varchar) as goal_title,
        cast(unioned.goal_key = 'untagged' as boolean) as is_untagged,
        cast(ppas.title as varchar) as title,
        cast(ppas.moa_id as varchar) as moa_id,
        cast(ppas.moa_acronym as varchar) as moa_acronym,
        cast(ppas.sector as varchar) as sector,
        cast(ppas.fiscal_year as integer) as fiscal_year,
        cast(ppas.coverage_region_id as bigint) as region_id,
        cast(ppas.coverage_province_id as bigint) as province_id,
        cast(unioned.budget_share as {{ money_type() }}) as budget_share

    from unioned

    inner join ppas
        on unioned.ppa_id = ppas.ppa_id

)

select * from final
