-- Per PPA, the shares int_need_funding splits its budget into (weighted by the needs' estimated costs or
-- equal, macros/distribution.sql) add up to the PPA's budget_allocation in staging (null = 0) exactly:
-- no centavo lost or created by the flooring. Exact DECIMAL equality; returns the PPAs that differ.

with

shares as (

    select
        ppa_id,
        sum(funding_share) as shares_total

    from {{ ref('int_need_funding') }}

    group by ppa_id

),

ppas as (

    select
        cast(ppa_id as {{ dbt.type_string() }}) as ppa_id,
        coalesce(budget_allocation, 0) as budget_allocation

    from {{ ref('stg_obcms__monitoring_entries') }}

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
