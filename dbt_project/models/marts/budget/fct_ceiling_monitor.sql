with

ceilings as (

    select * from {{ ref('int_budget_ceilings_mapped') }}

),

ceiling_ppas as (

    select * from {{ ref('fct_ceiling_ppas') }}

),

allocated_by_ceiling as (

    select
        ceiling_id,
        sum(budget_allocation) as allocated_amount,
        count(*) as ppa_count,
        sum(case when is_beyond_ceiling then 1 else 0 end) as ppas_beyond_ceiling_count

    from ceiling_ppas

    group by ceiling_id

),

measured as (

    select
        ceilings.*,
        case
            when ceilings.sector_match = 'unmapped' or ceilings.funding_source_match = 'unmapped' then null
            else coalesce(allocated_by_ceiling.allocated_amount, 0)
        end as allocated_amount,
        coalesce(allocated_by_ceiling.ppa_count, 0) as ppa_count,
        coalesce(allocated_by_ceiling.ppas_beyond_ceiling_count, 0) as ppas_beyond_ceiling_count,
        coalesce(ceilings.threshold_stated, {{ var('ceiling_warning_threshold', 0.90) }}) as warning_threshold,
        ceilings.threshold_stated is null as is_threshold_default

    from ceilings

    left join allocated_by_ceiling
        on ceilings.ceiling_id = allocated_by_ceiling.ceiling_id

),

rated as (

    select
        measured.*,
        ceiling_amount - allocated_amount as remaining_amount,
        case
            when ceiling_amount is null or ceiling_amount = 0 then null
            else round(cast(allocated_amount as decimal(38, 6)) / ceiling_amount, 6)
        end as utilization

    from measured

),

final as (

    select
        cast(ceiling_id as varchar) as ceiling_id,
        cast(source_table as varchar) as source_table,
        cast(ceiling_name as varchar) as ceiling_name,
        cast(fiscal_year as integer) as fiscal_year,
        cast(sector_stated as varchar) as sector_stated,
        cast(sector_mapped as varchar) as sector_mapped,
        cast(sector_match as varchar) as sector_match,
        cast(funding_source_stated as varchar) as funding_source_stated,
        cast(funding_source_mapped as varchar) as funding_source_mapped,
        cast(funding_source_match as varchar) as funding_source_match,
        cast(ceiling_amount as {{ money_total_type() }}) as ceiling_amount,
        cast(allocated_amount as {{ money_total_type() }}) as allocated_amount,
        cast(remaining_amount as {{ money_total_type() }}) as remaining_amount,
        cast(utilization as decimal(18, 6)) as utilization,
        cast(warning_threshold as decimal(5, 4)) as warning_threshold,
        cast(is_threshold_default as boolean) as is_threshold_default,
        cast(
            case
                when allocated_amount is null then 'unmapped'
                when allocated_amount > ceiling_amount then 'exceeded'
                when utilization >= warning_threshold then 'warning'
                else 'ok'
            end as varchar
        ) as status,
        cast(enforcement_level as varchar) as enforcement_level,
        cast(is_active as boolean) as is_active,
        cast(ppa_count as integer) as ppa_count,
        cast(ppas_beyond_ceiling_count as integer) as ppas_beyond_ceiling_count

    from rated

)

select * from final
