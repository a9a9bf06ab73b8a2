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

    -- One row per (policy, implementing PPA), as in fct_policy_budget: a link repeated in the source counts once,
    -- and only links to a known policy and a known PPA count.
    select distinct
        cast(policy_links.policy_recommendation_id as varchar) as policy_recommendation_id,
        ppas.ppa_id

    from policy_links

    inner join ppas
        on cast(policy_links.ppa_id as varchar) = ppas.ppa_id

    inner join policies
        on cast(policy_links.policy_recommendation_id as varchar)
            = cast(policies.policy_recommendation_id as varchar)

),

by_cell as (

    -- A PPA has one MOA and one fiscal year, so it falls in exactly one cell of each policy it implements.
    -- PPAs without a MOA or a fiscal year keep a cell of their own (null key) so nothing is lost.
    select
        implementing.policy_recommendation_id,
        ppas.moa_id,
        ppas.fiscal_year,
        min(ppas.moa_acronym) as moa_acronym,
        min(ppas.moa_name) as moa_name,
        count(*) as implementing_ppa_count,
        sum(coalesce(ppas.budget_allocation, 0)) as implementing_budget,
        list(implementing.ppa_id order by ppas.budget_allocation desc nulls last, implementing.ppa_id) as ppa_ids

    from implementing

    inner join ppas
        on implementing.ppa_id = ppas.ppa_id

    group by implementing.policy_recommendation_id, ppas.moa_id, ppas.fiscal_year

),

final as (

    select
        cast(policy_recommendation_id as varchar) as policy_recommendation_id,
        cast(moa_id as varchar) as moa_id,
        cast(moa_acronym as varchar) as moa_acronym,
        cast(moa_name as varchar) as moa_name,
        cast(fiscal_year as integer) as fiscal_year,
        cast(implementing_ppa_count as integer) as implementing_ppa_count,
        cast(implementing_budget as {{ money_total_type() }}) as implementing_budget,
        cast(ppa_ids as varchar[]) as ppa_ids

    from by_cell

)

select * from final
