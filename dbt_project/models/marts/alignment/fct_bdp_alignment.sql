with

ppas as (

    select * from {{ ref('dim_ppa') }}

),

entries as (

    select * from {{ ref('stg_obcms__monitoring_entries') }}

),

outcome_indicator_links as (

    select * from {{ ref('stg_obcms__monitoring_entry_outcome_indicators') }}

),

policy_links as (

    select * from {{ ref('stg_obcms__monitoring_entry_implementing_policies') }}

),

goal_shares as (

    select * from {{ ref('int_alignment__ppa_bdp_goal_shares') }}

),

with_indicators as (

    select distinct cast(ppa_id as varchar) as ppa_id

    from outcome_indicator_links

),

with_policies as (

    select distinct cast(ppa_id as varchar) as ppa_id

    from policy_links

),

goals_by_ppa as (

    select
        ppa_id,
        count(*) as bdp_goal_count,
        {{ dbt.listagg('goal_title', "'; '", 'order by goal_position') }} as bdp_goal_titles

    from goal_shares

    group by ppa_id

),

components as (

    -- OBCMS's BPDA report (obcms_schema.md §1.6.7), component by component. Only OBCMS holds the fields it
    -- scores, so the PPAs of the MOA PPA files alone are not scored.
    select
        ppas.ppa_id,
        ppas.title,
        ppas.category,
        ppas.fiscal_year,
        ppas.moa_id,
        ppas.sector,
        ppas.budget_allocation,
        ppas.obc_slots,
        ppas.total_slots,
        case when with_indicators.ppa_id is not null then 25 else 0 end as outcome_indicators_points,
        case when coalesce(entries.supports_sdg, false) then 15 else 0 end as sdg_points,
        case when entries.moral_governance_pillar is not null then 20 else 0 end as moral_governance_points,
        case
            when coalesce(ppas.total_slots, 0) = 0 then 0
            else round(20.0 * coalesce(ppas.obc_slots, 0) / ppas.total_slots, 2)
        end as obc_share_points,
        case when with_policies.ppa_id is not null then 20 else 0 end as policy_points,
        coalesce(goals_by_ppa.bdp_goal_count, 0) as bdp_goal_count,
        goals_by_ppa.bdp_goal_titles

    from ppas

    inner join entries
        on ppas.ppa_id = cast(entries.ppa_id as varchar)

    left join with_indicators
        on ppas.ppa_id = with_indicators.ppa_id

    left join with_policies
        on ppas.ppa_id = with_policies.ppa_id

    left join goals_by_ppa
        on ppas.ppa_id = goals_by_ppa.ppa_id

    where ppas.ppa_source = 'obcms'

),

scored as (

    select
        *,
        outcome_indicators_points + sdg_points + moral_governance_points + obc_share_points + policy_points
            as bpda_score

    from components

),

final as (

    select
        cast(ppa_id as varchar) as ppa_id,
        cast(title as varchar) as title,
        cast(category as varchar) as category,
        cast(fiscal_year as integer) as fiscal_year,
        cast(moa_id as varchar) as moa_id,
        cast(sector as varchar) as sector,
        cast(budget_allocation as {{ money_type() }}) as budget_allocation,
        cast(obc_slots as integer) as obc_slots,
        cast(total_slots as integer) as total_slots,
        cast(outcome_indicators_points as decimal(5, 2)) as outcome_indicators_points,
        cast(sdg_points as decimal(5, 2)) as sdg_points,
        cast(moral_governance_points as decimal(5, 2)) as moral_governance_points,
        cast(obc_share_points as decimal(5, 2)) as obc_share_points,
        cast(policy_points as decimal(5, 2)) as policy_points,
        cast(bpda_score as decimal(5, 2)) as bpda_score,
        cast(
            case
                when bpda_score >= 80 then 'Strong BDP alignment'
                when bpda_score >= 60 then 'Good'
                when bpda_score >= 40 then 'Moderate'
                else 'Needs alignment review'
            end
            as varchar
        ) as bpda_remark,
        cast(bdp_goal_count as integer) as bdp_goal_count,
        cast(bdp_goal_titles as varchar) as bdp_goal_titles

    from scored

)

select * from final
