-- The BDP goals' aligned budget plus the untagged bucket adds up, per MOA and fiscal year and in total, to the
-- budget of dim_ppa (multi-goal PPAs are split to the centavo), and fct_bdp_alignment's Σ budget equals that of
-- stg_obcms__monitoring_entries. Exact DECIMAL equality. Returns a row per difference.

with

by_goal as (

    select
        moa_id,
        fiscal_year,
        sum(aligned_budget) as budget

    from {{ ref('rpt_bdp_alignment_by_goal') }}

    group by moa_id, fiscal_year

),

ppas as (

    select
        moa_id,
        fiscal_year,
        sum(coalesce(budget_allocation, 0)) as budget

    from {{ ref('dim_ppa') }}

    group by moa_id, fiscal_year

),

group_differences as (

    select
        'moa_fiscal_year' as check_name,
        coalesce(by_goal.moa_id, ppas.moa_id) as moa_id,
        coalesce(by_goal.fiscal_year, ppas.fiscal_year) as fiscal_year,
        by_goal.budget as mart_budget,
        ppas.budget as source_budget

    from by_goal

    full outer join ppas
        on by_goal.moa_id is not distinct from ppas.moa_id
        and by_goal.fiscal_year is not distinct from ppas.fiscal_year

    where by_goal.budget is distinct from ppas.budget

),

alignment_total as (

    select coalesce(sum(budget_allocation), 0) as budget

    from {{ ref('fct_bdp_alignment') }}

),

staging_total as (

    select coalesce(sum(budget_allocation), 0) as budget

    from {{ ref('stg_obcms__monitoring_entries') }}

),

total_difference as (

    select
        'fct_bdp_alignment_total' as check_name,
        cast(null as varchar) as moa_id,
        cast(null as integer) as fiscal_year,
        alignment_total.budget as mart_budget,
        staging_total.budget as source_budget

    from alignment_total

    cross join staging_total

    where alignment_total.budget <> staging_total.budget

),

final as (

    select * from group_differences

    union all

    select * from total_difference

)

select * from final
