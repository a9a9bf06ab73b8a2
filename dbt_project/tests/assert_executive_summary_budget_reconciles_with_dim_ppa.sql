-- Σ budget_allocation of rpt_executive_summary equals Σ budget_allocation of the dim_ppa rows that have a
-- fiscal year, to the centavo (exact DECIMAL comparison, no tolerance). Returns a row when they differ.

with

summary_total as (

    select coalesce(sum(budget_allocation), 0) as budget_allocation

    from {{ ref('rpt_executive_summary') }}

),

ppa_total as (

    select coalesce(sum(budget_allocation), 0) as budget_allocation

    from {{ ref('dim_ppa') }}

    where fiscal_year is not null

),

final as (

    select
        summary_total.budget_allocation as summary_budget_allocation,
        ppa_total.budget_allocation as ppa_budget_allocation

    from summary_total

    cross join ppa_total

    where summary_total.budget_allocation <> ppa_total.budget_allocation

)

select * from final
