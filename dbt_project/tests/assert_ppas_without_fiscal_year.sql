-- Known data problem, declared rather than hidden: OBCMS's PPA importer never sets fiscal_year, so such PPAs
-- cannot be placed in a budget year and are left out of rpt_executive_summary. Warns with their count.
{{ config(severity='warn') }}

with

ppas as (

    select * from {{ ref('dim_ppa') }}

),

final as (

    select
        ppa_id,
        category,
        moa_acronym,
        budget_allocation

    from ppas

    where fiscal_year is null

)

select * from final
