-- Every OBCMS PPA reaches dim_ppa exactly once: the count and Σ budget_allocation of the rows of
-- raw.monitoring_monitoringentry not marked deleted equal those of the dim_ppa rows with ppa_source = 'obcms'.
-- Exact DECIMAL equality. Returns a row when they differ.

with

raw_ppas as (

    select
        count(*) as ppa_count,
        coalesce(sum(budget_allocation), 0) as budget

    from {{ source('obcms', 'monitoring_monitoringentry') }}

    where _deleted_at is null

),

dim_ppas as (

    select
        count(*) as ppa_count,
        coalesce(sum(budget_allocation), 0) as budget

    from {{ ref('dim_ppa') }}

    where ppa_source = 'obcms'

),

final as (

    select
        raw_ppas.ppa_count as raw_ppa_count,
        dim_ppas.ppa_count as dim_ppa_count,
        raw_ppas.budget as raw_budget,
        dim_ppas.budget as dim_budget

    from raw_ppas

    cross join dim_ppas

    where raw_ppas.ppa_count <> dim_ppas.ppa_count
        or raw_ppas.budget <> dim_ppas.budget

)

select * from final
