with

policies as (

    select * from {{ ref('stg_obcms__policy_recommendations') }}

),

policy_links as (

    select * from {{ ref('stg_obcms__monitoring_entry_implementing_policies') }}

),

ppas as (

    select * from {{ ref('dim_ppa') }}

),

implementing as (

    -- One row per (policy, implementing PPA); a link repeated in the source counts once.
    select distinct
        cast(policy_links.policy_recommendation_id as varchar) as policy_recommendation_id,
        ppas.ppa_id,
        ppas.budget_allocation,
        ppas.progress

    from policy_links

    inner join ppas
        on cast(policy_links.ppa_id as varchar) = ppas.ppa_id

),

by_policy as (

    select
        policy_recommendation_id,
        count(*) as implementing_ppa_count,
        sum(coalesce(budget_allocation, 0)) as implementing_budget,
        avg(progress) as average_progress

    from implementing

    group by policy_recommendation_id

),

joined as (

    select
        cast(policies.policy_recommendation_id as varchar) as policy_recommendation_id,
        policies.reference_number,
        policies.title,
        policies.status,
        policies.priority,
        policies.importance,
        policies.urgency,
        case
            when policies.importance = 'high' and policies.urgency = 'high' then 'A'
            when policies.importance = 'high' and policies.urgency = 'low' then 'B'
            else 'C'
        end as priority_category,
        policies.estimated_cost,
        coalesce(by_policy.implementing_ppa_count, 0) as implementing_ppa_count,
        coalesce(by_policy.implementing_budget, 0) as implementing_budget,
        by_policy.average_progress

    from policies

    left join by_policy
        on cast(policies.policy_recommendation_id as varchar) = by_policy.policy_recommendation_id

),

final as (

    select
        cast(policy_recommendation_id as varchar) as policy_recommendation_id,
        cast(reference_number as varchar) as reference_number,
        cast(title as varchar) as title,
        cast(status as varchar) as status,
        cast(priority as varchar) as priority,
        cast(importance as varchar) as importance,
        cast(urgency as varchar) as urgency,
        cast(priority_category as varchar) as priority_category,
        cast(implementing_ppa_count as integer) as implementing_ppa_count,
        cast(implementing_budget as {{ money_total_type() }}) as implementing_budget,
        cast(average_progress as decimal(5, 2)) as average_progress,
        cast(estimated_cost as {{ money_total_type() }}) as estimated_cost,
        cast(
            case
                when estimated_cost is null then null
                when estimated_cost > implementing_budget then estimated_cost - implementing_budget
                else 0
            end
            as {{ money_total_type() }}
        ) as funding_gap

    from joined

)

select * from final
