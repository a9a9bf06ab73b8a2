with

-- One row per ceiling of either OBCMS ceiling table, its sector and funding source as stated and as
-- mapped to the PPA vocabularies (dim_ppa.sector, dim_ppa.funding_source). A stated value maps to one
-- PPA sector, or to a set of PPA funding codes (int_budget_ceiling_funding_codes); match kinds:
-- 'exact' (same meaning), 'broader' (the PPA value is wider than the ceiling's: education → social),
-- 'unmapped' (no defensible PPA value), 'not_stated' (the ceiling sets no such limit).
central as (

    select * from {{ ref('stg_obcms__budget_ceilings') }}

),

management as (

    select * from {{ ref('stg_obcms__ceiling_management') }}

),

unioned as (

    select
        cast(budget_ceiling_id as varchar) as ceiling_id,
        'project_central_budgetceiling' as source_table,
        name as ceiling_name,
        fiscal_year,
        sector as sector_stated,
        funding_source as funding_source_stated,
        ceiling_amount,
        cast(null as decimal(5, 4)) as threshold_stated,
        coalesce(enforcement_level, 'soft') as enforcement_level,
        coalesce(is_active, true) as is_active

    from central

    union all

    select
        cast(ceiling_management_id as varchar) as ceiling_id,
        'monitoring_ceilingmanagement' as source_table,
        cast(null as varchar) as ceiling_name,
        fiscal_year,
        sector as sector_stated,
        nullif(trim(funding_source), '') as funding_source_stated,
        ceiling_amount,
        cast(threshold_warning as decimal(5, 4)) as threshold_stated,
        'soft' as enforcement_level,
        true as is_active

    from management

),

normalized as (

    select
        unioned.*,
        lower(trim(sector_stated)) as sector_key,
        lower(trim(funding_source_stated)) as funding_key

    from unioned

),

sector_mapped as (

    select
        normalized.*,
        case
            when sector_key is null then null
            when sector_key in ('economic', 'social', 'infrastructure', 'environment', 'governance', 'peace_security')
                then sector_key
            when sector_key = 'peace' or sector_key like '%peace%' then 'peace_security'
            when sector_key in ('education', 'health') then 'social'
            when sector_key like '%social%' then 'social'
            when sector_key like '%infra%' then 'infrastructure'
            when sector_key like '%econom%' then 'economic'
            when sector_key like '%environment%' or sector_key like '%drrm%' then 'environment'
            when sector_key like '%governance%' then 'governance'
        end as sector_mapped,
        case
            when sector_key is null then 'not_stated'
            when sector_key in ('education', 'health') then 'broader'
            when sector_key in ('economic', 'social', 'infrastructure', 'environment', 'governance', 'peace_security',
                                'peace')
                or sector_key like '%peace%' or sector_key like '%social%' or sector_key like '%infra%'
                or sector_key like '%econom%' or sector_key like '%environment%' or sector_key like '%drrm%'
                or sector_key like '%governance%'
                then 'exact'
            else 'unmapped'
        end as sector_match

    from normalized

),

funding_codes as (

    select * from {{ ref('int_budget_ceiling_funding_codes') }}

),

funding_mapped as (

    select
        funding_key,
        {{ dbt.listagg('ppa_funding_source', "','", 'order by ppa_funding_source') }} as funding_source_mapped

    from funding_codes

    group by funding_key

),

final as (

    select
        sector_mapped.ceiling_id,
        sector_mapped.source_table,
        sector_mapped.ceiling_name,
        cast(sector_mapped.fiscal_year as integer) as fiscal_year,
        sector_mapped.sector_stated,
        sector_mapped.sector_key,
        sector_mapped.sector_mapped,
        sector_mapped.sector_match,
        sector_mapped.funding_source_stated,
        sector_mapped.funding_key,
        funding_mapped.funding_source_mapped,
        case
            when sector_mapped.funding_key is null then 'not_stated'
            when funding_mapped.funding_key is null then 'unmapped'
            else 'exact'
        end as funding_source_match,
        cast(sector_mapped.ceiling_amount as {{ money_total_type() }}) as ceiling_amount,
        sector_mapped.threshold_stated,
        sector_mapped.enforcement_level,
        sector_mapped.is_active

    from sector_mapped

    left join funding_mapped
        on sector_mapped.funding_key = funding_mapped.funding_key

)

select * from final
