with

ppa_goals as (

    -- one row per PPA × goal (or the untagged bucket), the budget already split (fct_ppa_bdp_goal)
    select * from {{ ref('fct_ppa_bdp_goal') }}

),

unioned as (

    select
        goal_key,
        goal_title,
        moa_id,
        fiscal_year,
        ppa_id,
        budget_share as budget

    from ppa_goals

),

grouped as (

    select
        goal_key,
        goal_title,
        moa_id,
        fiscal_year,
        count(distinct ppa_id) as ppa_count,
        sum(budget) as aligned_budget

    from unioned

    group by goal_key, goal_title, moa_id, fiscal_year

),

with_totals as (

    select
        *,
        sum(aligned_budget) over (partition by moa_id, fiscal_year) as moa_year_budget,
        sum(aligned_budget) over (partition by fiscal_year) as year_budget

    from grouped

),

with_previous as (

    select
        with_totals.*,
        previous.aligned_budget as aligned_budget_prev_year

    from with_totals

    left join with_totals as previous
        on with_totals.goal_key = previous.goal_key
        and with_totals.moa_id is not distinct from previous.moa_id
        and with_totals.fiscal_year = previous.fiscal_year + 1

),

final as (

    select
        cast(goal_key as varchar) as goal_key,
        cast(goal_title as varchar) as goal_title,
        cast(goal_key = 'untagged' as boolean) as is_untagged,
        cast(moa_id as varchar) as moa_id,
        cast(fiscal_year as integer) as fiscal_year,
        cast(ppa_count as integer) as ppa_count,
        cast(aligned_budget as {{ money_total_type() }}) as aligned_budget,
        cast(moa_year_budget as {{ money_total_type() }}) as moa_year_budget,
        cast(year_budget as {{ money_total_type() }}) as year_budget,
        case
            when moa_year_budget <> 0 then cast(aligned_budget * 100.0 / moa_year_budget as decimal(9, 4))
        end as share_of_moa_budget_pct,
        case
            when year_budget <> 0 then cast(aligned_budget * 100.0 / year_budget as decimal(9, 4))
        end as share_of_all_budget_pct,
        cast(aligned_budget_prev_year as {{ money_total_type() }}) as aligned_budget_prev_year,
        cast(aligned_budget - aligned_budget_prev_year as {{ money_total_type() }}) as aligned_budget_yoy_change

    from with_previous

)

select * from final
