-- fct_ppa_budget has every dim_ppa row once and the same approved budget: count and Σ budget_allocation are
-- equal to the centavo. Returns a row when they differ.

with

dim as (

    select
        count(*) as ppa_count,
        coalesce(sum(budget_allocation), 0) as budget_allocation

    from {{ ref('dim_ppa') }}

),

fct as (

    select
        count(*) as ppa_count,
        coalesce(sum(budget_allocation), 0) as budget_allocation

    from {{ ref('fct_ppa_budget') }}

),

final as (

    select
        dim.ppa_count as dim_ppa_count,
        fct.ppa_count as fct_ppa_count,
        dim.budget_allocation as dim_budget_allocation,
        fct.budget_allocation as fct_budget_allocation

    from dim

    cross join fct

    where dim.ppa_count <> fct.ppa_count
        or dim.budget_allocation <> fct.budget_allocation

)

select * from final
