with

ppas as (

    select * from {{ ref('stg_obcms__monitoring_entries') }}

),

organizations as (

    select * from {{ ref('stg_obcms__organizations') }}

),

regions as (

    select * from {{ ref('stg_obcms__regions') }}

),

provinces as (

    select * from {{ ref('stg_obcms__provinces') }}

),

municipalities as (

    select * from {{ ref('stg_obcms__municipalities') }}

),

ppas_with_moa as (

    -- The MOA answerable for a PPA is its implementing MOA. OBCMS requires one only for MOA PPAs;
    -- OOBC PPAs and requests fall back to their lead organisation. moa_source says which was used.
    select
        *,
        coalesce(implementing_moa_id, lead_organization_id) as moa_id,
        case
            when implementing_moa_id is not null then 'implementing_moa'
            when lead_organization_id is not null then 'lead_organization'
        end as moa_source,
        case
            when coverage_municipality_id is not null then 'municipality'
            when coverage_province_id is not null then 'province'
            when coverage_region_id is not null then 'region'
        end as coverage_level

    from ppas

),

joined as (

    select
        ppas_with_moa.*,
        organizations.acronym as moa_acronym,
        organizations.name as moa_name,
        regions.name as region_name,
        provinces.name as province_name,
        municipalities.name as municipality_name,
        case ppas_with_moa.coverage_level
            when 'municipality' then {{ area_key('municipality', 'ppas_with_moa.coverage_municipality_id') }}
            when 'province' then {{ area_key('province', 'ppas_with_moa.coverage_province_id') }}
            when 'region' then {{ area_key('region', 'ppas_with_moa.coverage_region_id') }}
        end as geography_id

    from ppas_with_moa

    left join organizations
        on ppas_with_moa.moa_id = organizations.organization_id

    left join regions
        on ppas_with_moa.coverage_region_id = regions.region_id

    left join provinces
        on ppas_with_moa.coverage_province_id = provinces.province_id

    left join municipalities
        on ppas_with_moa.coverage_municipality_id = municipalities.municipality_id

),

final as (

    select
        cast(ppa_id as varchar) as ppa_id,
        cast(title as varchar) as title,
        cast(category as varchar) as category,
        cast(moa_id as varchar) as moa_id,
        cast(moa_acronym as varchar) as moa_acronym,
        cast(moa_name as varchar) as moa_name,
        cast(moa_source as varchar) as moa_source,
        cast(lead_organization_id as varchar) as lead_organization_id,
        cast(implementing_moa_id as varchar) as implementing_moa_id,
        cast(sector as varchar) as sector,
        cast(funding_source as varchar) as funding_source,
        cast(appropriation_class as varchar) as appropriation_class,
        cast(fiscal_year as integer) as fiscal_year,
        cast(plan_year as integer) as plan_year,
        cast(status as varchar) as status,
        cast(approval_status as varchar) as approval_status,
        cast(request_status as varchar) as request_status,
        cast(priority as varchar) as priority,
        cast(program_code as varchar) as program_code,
        cast(budget_ceiling as {{ money_type() }}) as budget_ceiling,
        cast(budget_allocation as {{ money_type() }}) as budget_allocation,
        cast(budget_obc_allocation as {{ money_type() }}) as budget_obc_allocation,
        cast(estimated_total_amount as {{ money_type() }}) as estimated_total_amount,
        cast(progress as integer) as progress,
        cast(total_slots as integer) as total_slots,
        cast(obc_slots as integer) as obc_slots,
        cast(coverage_region_id as bigint) as coverage_region_id,
        cast(coverage_province_id as bigint) as coverage_province_id,
        cast(coverage_municipality_id as bigint) as coverage_municipality_id,
        cast(coverage_level as varchar) as coverage_level,
        cast(geography_id as varchar) as geography_id,
        cast(region_name as varchar) as region_name,
        cast(province_name as varchar) as province_name,
        cast(municipality_name as varchar) as municipality_name,
        cast(start_date as date) as start_date,
        cast(target_end_date as date) as target_end_date,
        cast(actual_end_date as date) as actual_end_date,
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at

    from joined

)

select * from final
