with

ppas as (

    select * from {{ ref('dim_ppa') }}

),

funding_totals as (

    select * from {{ ref('int_ppa_funding_totals') }}

),

ppas_in_fiscal_years as (

    -- A PPA without a fiscal year cannot be placed in a budget year: it is left out here and counted
    -- by the warn-level test assert_ppas_without_fiscal_year.
    select
        ppas.fiscal_year,
        coalesce(ppas.moa_acronym, ppas.moa_name, 'UNASSIGNED') as moa_acronym,
        coalesce(ppas.moa_name, 'Unassigned') as moa_name,
        coalesce(ppas.sector, 'unspecified') as sector,
        ppas.coverage_region_id as region_id,
        ppas.coverage_province_id as province_id,
        ppas.status,
        ppas.progress,
        coalesce(ppas.budget_allocation, 0) as budget_allocation,
        coalesce(ppas.budget_obc_allocation, 0) as budget_obc_allocation,
        coalesce(ppas.budget_ceiling, 0) as budget_ceiling,
        coalesce(funding_totals.allocations, 0) as allocations,
        coalesce(funding_totals.obligations, 0) as obligations,
        coalesce(funding_totals.disbursements, 0) as disbursements

    from ppas

    left join funding_totals
        on ppas.ppa_id = funding_totals.ppa_id

    where ppas.fiscal_year is not null

),

summarised as (

    select
        fiscal_year,
        moa_acronym,
        sector,
        region_id,
        province_id,
        max(moa_name) as moa_name,
        count(*) as ppa_count,
        sum(budget_allocation) as budget_allocation,
        sum(budget_obc_allocation) as budget_obc_allocation,
        sum(budget_ceiling) as budget_ceiling,
        sum(allocations) as allocations,
        sum(obligations) as obligations,
        sum(disbursements) as disbursements,
        avg(cast(progress as decimal(9, 4))) as avg_progress,
        sum(case when status = 'completed' then 1 else 0 end) as completed_count

    from ppas_in_fiscal_years

    group by
        fiscal_year,
        moa_acronym,
        sector,
        region_id,
        province_id

),

final as (

    select
        cast(fiscal_year as integer) as fiscal_year,
        cast(moa_acronym as varchar) as moa_acronym,
        cast(moa_name as varchar) as moa_name,
        cast(sector as varchar) as sector,
        cast(region_id as bigint) as region_id,
        cast(province_id as bigint) as province_id,
        cast(ppa_count as integer) as ppa_count,
        cast(budget_allocation as {{ money_total_type() }}) as budget_allocation,
        cast(budget_obc_allocation as {{ money_total_type() }}) as budget_obc_allocation,
        cast(budget_ceiling as {{ money_total_type() }}) as budget_ceiling,
        cast(allocations as {{ money_total_type() }}) as allocations,
        cast(obligations as {{ money_total_type() }}) as obligations,
        cast(disbursements as {{ money_total_type() }}) as disbursements,
        cast(round(avg_progress, 2) as decimal(5, 2)) as avg_progress,
        cast(completed_count as integer) as completed_count

    from summarised

)

select * from final
