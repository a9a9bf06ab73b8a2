with

ceilings as (

    select * from {{ ref('int_budget_ceilings_mapped') }}

),

funding_codes as (

    select * from {{ ref('int_budget_ceiling_funding_codes') }}

),

ppas as (

    select * from {{ ref('dim_ppa') }}

),

budgeted_ppas as (

    select * from ppas

    where category in ('moa_ppa', 'oobc_ppa')
        and fiscal_year is not null
        and budget_allocation is not null

),

checkable_ceilings as (

    -- a ceiling whose stated sector or funding source could not be mapped has no PPAs under it
    select * from ceilings

    where sector_match <> 'unmapped'
        and funding_source_match <> 'unmapped'

),

under_ceiling as (

    select
        checkable_ceilings.ceiling_id,
        checkable_ceilings.source_table,
        checkable_ceilings.fiscal_year,
        checkable_ceilings.ceiling_amount,
        budgeted_ppas.ppa_id,
        budgeted_ppas.moa_id,
        budgeted_ppas.sector,
        budgeted_ppas.funding_source,
        budgeted_ppas.budget_allocation

    from checkable_ceilings

    inner join budgeted_ppas
        on checkable_ceilings.fiscal_year = budgeted_ppas.fiscal_year
        and (checkable_ceilings.sector_mapped is null or checkable_ceilings.sector_mapped = budgeted_ppas.sector)

    where checkable_ceilings.funding_key is null
        or exists (
            select 1
            from funding_codes
            where funding_codes.funding_key = checkable_ceilings.funding_key
                and funding_codes.ppa_funding_source = budgeted_ppas.funding_source
        )

),

ranked as (

    select
        under_ceiling.*,
        row_number() over (
            partition by ceiling_id order by budget_allocation desc, ppa_id
        ) as budget_rank,
        sum(budget_allocation) over (
            partition by ceiling_id order by budget_allocation desc, ppa_id
            rows between unbounded preceding and current row
        ) as running_allocated_amount

    from under_ceiling

),

final as (

    select
        cast(ceiling_id as varchar) as ceiling_id,
        cast(source_table as varchar) as source_table,
        cast(ppa_id as varchar) as ppa_id,
        cast(moa_id as varchar) as moa_id,
        cast(fiscal_year as integer) as fiscal_year,
        cast(sector as varchar) as sector,
        cast(funding_source as varchar) as funding_source,
        cast(budget_allocation as {{ money_type() }}) as budget_allocation,
        cast(budget_rank as integer) as budget_rank,
        cast(running_allocated_amount as {{ money_total_type() }}) as running_allocated_amount,
        cast(ceiling_amount as {{ money_total_type() }}) as ceiling_amount,
        cast(running_allocated_amount > ceiling_amount as boolean) as is_beyond_ceiling

    from ranked

)

select * from final
