-- Every PPA of the MOA PPA files reaches dim_ppa exactly once, or is left out because OBCMS holds it: per
-- fiscal year, the count and Σ approved_budget of the rows in raw.ppa_yaml_ppas not marked deleted equal the
-- count and Σ budget_allocation of the dim_ppa rows with ppa_source = 'ppa_yaml', plus those of the PPAs
-- superseded by an OBCMS PPA (int_ppa_yaml_ppas_matched.superseded_by_ppa_id, counted apart here).
-- Exact DECIMAL equality. Returns the fiscal years that differ.

with

raw_ppas as (

    select
        fiscal_year,
        count(*) as ppa_count,
        coalesce(sum(approved_budget), 0) as budget

    from {{ source('ppa_yaml', 'ppa_yaml_ppas') }}

    where _deleted_at is null

    group by fiscal_year

),

dim_ppas as (

    select
        fiscal_year,
        count(*) as ppa_count,
        coalesce(sum(budget_allocation), 0) as budget

    from {{ ref('dim_ppa') }}

    where ppa_source = 'ppa_yaml'

    group by fiscal_year

),

superseded as (

    select
        fiscal_year,
        count(*) as ppa_count,
        coalesce(sum(approved_budget), 0) as budget

    from {{ ref('int_ppa_yaml_ppas_matched') }}

    where superseded_by_ppa_id is not null

    group by fiscal_year

),

fiscal_years as (

    select fiscal_year from raw_ppas
    union
    select fiscal_year from dim_ppas
    union
    select fiscal_year from superseded

),

final as (

    select
        fiscal_years.fiscal_year,
        coalesce(raw_ppas.ppa_count, 0) as raw_ppa_count,
        coalesce(dim_ppas.ppa_count, 0) as dim_ppa_count,
        coalesce(superseded.ppa_count, 0) as superseded_ppa_count,
        coalesce(raw_ppas.budget, 0) as raw_budget,
        coalesce(dim_ppas.budget, 0) as dim_budget,
        coalesce(superseded.budget, 0) as superseded_budget

    from fiscal_years

    left join raw_ppas
        on fiscal_years.fiscal_year is not distinct from raw_ppas.fiscal_year

    left join dim_ppas
        on fiscal_years.fiscal_year is not distinct from dim_ppas.fiscal_year

    left join superseded
        on fiscal_years.fiscal_year is not distinct from superseded.fiscal_year

    where coalesce(raw_ppas.ppa_count, 0) <> coalesce(dim_ppas.ppa_count, 0) + coalesce(superseded.ppa_count, 0)
        or coalesce(raw_ppas.budget, 0) <> coalesce(dim_ppas.budget, 0) + coalesce(superseded.budget, 0)

)

select * from final
