-- fct_policy_budget's Σ implementing_budget equals Σ budget_allocation over the distinct (policy, PPA) links of
-- stg_obcms__monitoring_entry_implementing_policies whose policy and PPA exist in staging (a PPA implementing
-- two policies counts in both), to the centavo. Returns a row when they differ.

with

mart as (

    select coalesce(sum(implementing_budget), 0) as budget

    from {{ ref('fct_policy_budget') }}

),

links as (

    select distinct
        cast(links.policy_recommendation_id as varchar) as policy_recommendation_id,
        cast(links.ppa_id as varchar) as ppa_id

    from {{ ref('stg_obcms__monitoring_entry_implementing_policies') }} as links

    inner join {{ ref('stg_obcms__policy_recommendations') }} as policies
        on links.policy_recommendation_id = policies.policy_recommendation_id

),

staging as (

    select coalesce(sum(coalesce(entries.budget_allocation, 0)), 0) as budget

    from links

    inner join {{ ref('stg_obcms__monitoring_entries') }} as entries
        on links.ppa_id = cast(entries.ppa_id as varchar)

),

final as (

    select
        mart.budget as mart_budget,
        staging.budget as staging_budget

    from mart

    cross join staging

    where mart.budget <> staging.budget

)

select * from final
