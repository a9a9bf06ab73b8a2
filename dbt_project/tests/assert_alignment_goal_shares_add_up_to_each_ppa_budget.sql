-- Per PPA, the equal shares int_alignment__ppa_bdp_goal_shares splits its budget into among its BDP goals
-- (macros/distribution.sql) add up to the PPA's budget_allocation in dim_ppa (null = 0) exactly: no centavo
-- lost or created by the flooring. Exact DECIMAL equality; returns the PPAs that differ.

with

shares as (

    select
        ppa_id,
        sum(budget_share) as shares_total

    from {{ ref('int_alignment__ppa_bdp_goal_shares') }}

    group by ppa_id

),

ppas as (

    select
        ppa_id,
        coalesce(budget_allocation, 0) as budget_allocation

    from {{ ref('dim_ppa') }}

),

final as (

    select
        shares.ppa_id,
        ppas.budget_allocation,
        shares.shares_total

    from shares

    left join ppas
        on shares.ppa_id = ppas.ppa_id

    where ppas.ppa_id is null
        or shares.shares_total <> ppas.budget_allocation

)

select * from final
