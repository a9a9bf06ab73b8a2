with

obcms_ppas as (

    select * from {{ ref('int_obcms_ppas_with_moa') }}

),

yaml_ppas as (

    select * from {{ ref('int_ppa_yaml_ppas_matched') }}

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

from_obcms as (

    select
        cast(obcms_ppas.ppa_id as varchar) as ppa_id,
        obcms_ppas.title,
        obcms_ppas.category,
        cast(obcms_ppas.moa_id as varchar) as moa_id,
        obcms_ppas.moa_acronym,
        obcms_ppas.moa_name,
        obcms_ppas.moa_source,
        cast(obcms_ppas.lead_organization_id as varchar) as lead_organization_id,
        cast(obcms_ppas.implementing_moa_id as varchar) as implementing_moa_id,
        obcms_ppas.sector,
        obcms_ppas.funding_source,
        obcms_ppas.appropriation_class,
        obcms_ppas.fiscal_year,
        obcms_ppas.plan_year,
        obcms_ppas.status,
        obcms_ppas.approval_status,
        obcms_ppas.request_status,
        obcms_ppas.priority,
        obcms_ppas.program_code,
        obcms_ppas.budget_ceiling,
        obcms_ppas.budget_allocation,
        obcms_ppas.budget_obc_allocation,
        obcms_ppas.estimated_total_amount,
        obcms_ppas.progress,
        obcms_ppas.total_slots,
        obcms_ppas.obc_slots,
        obcms_ppas.coverage_region_id,
        obcms_ppas.coverage_province_id,
        obcms_ppas.coverage_municipality_id,
        obcms_ppas.coverage_level,
        case obcms_ppas.coverage_level
            when 'municipality' then {{ area_key('municipality', 'obcms_ppas.coverage_municipality_id') }}
            when 'province' then {{ area_key('province', 'obcms_ppas.coverage_province_id') }}
            when 'region' then {{ area_key('region', 'obcms_ppas.coverage_region_id') }}
        end as geography_id,
        regions.name as region_name,
        provinces.name as province_name,
        municipalities.name as municipality_name,
        obcms_ppas.start_date,
        obcms_ppas.target_end_date,
        obcms_ppas.actual_end_date,
        obcms_ppas.created_at,
        obcms_ppas.updated_at,
        'obcms' as ppa_source,
        obcms_ppas.source_file,
        obcms_ppas.source_line,
        false as fiscal_year_inferred

    from obcms_ppas

    left join regions
        on obcms_ppas.coverage_region_id = regions.region_id

    left join provinces
        on obcms_ppas.coverage_province_id = provinces.province_id

    left join municipalities
        on obcms_ppas.coverage_municipality_id = municipalities.municipality_id

),

from_files as (

    -- A PPA of the MOA PPA files, as OBCMS's importer would enter it: an MOA PPA in planning, progress 0,
    -- its approved budget as the allocation, the file's MOA as lead and implementing organisation. The
    -- fiscal year comes from the source's configuration (the files state none), hence fiscal_year_inferred.
    -- A PPA that OBCMS also holds is left out: the OBCMS row stands for it.
    select
        ppa_id,
        title,
        'moa_ppa' as category,
        moa_id,
        moa_acronym,
        moa_name,
        'implementing_moa' as moa_source,
        moa_id as lead_organization_id,
        moa_id as implementing_moa_id,
        cast(null as varchar) as sector,
        cast(null as varchar) as funding_source,
        cast(null as varchar) as appropriation_class,
        fiscal_year,
        cast(null as integer) as plan_year,
        'planning' as status,
        cast(null as varchar) as approval_status,
        cast(null as varchar) as request_status,
        cast(null as varchar) as priority,
        cast(null as varchar) as program_code,
        cast(null as {{ money_type() }}) as budget_ceiling,
        approved_budget as budget_allocation,
        cast(null as {{ money_type() }}) as budget_obc_allocation,
        cast(null as {{ money_type() }}) as estimated_total_amount,
        0 as progress,
        cast(null as integer) as total_slots,
        cast(null as integer) as obc_slots,
        cast(null as bigint) as coverage_region_id,
        cast(null as bigint) as coverage_province_id,
        cast(null as bigint) as coverage_municipality_id,
        cast(null as varchar) as coverage_level,
        cast(null as varchar) as geography_id,
        cast(null as varchar) as region_name,
        cast(null as varchar) as province_name,
        cast(null as varchar) as municipality_name,
        cast(null as date) as start_date,
        cast(null as date) as target_end_date,
        cast(null as date) as actual_end_date,
        cast(null as timestamp) as created_at,
        cast(null as timestamp) as updated_at,
        'ppa_yaml' as ppa_source,
        source_file,
        source_line,
        fiscal_year is not null as fiscal_year_inferred

    from yaml_ppas

    where superseded_by_ppa_id is null

),

unioned as (

    select * from from_obcms

    union all

    select * from from_files

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
        cast(updated_at as timestamp) as updated_at,
        cast(ppa_source as varchar) as ppa_source,
        cast(source_file as varchar) as source_file,
        cast(source_line as bigint) as source_line,
        cast(fiscal_year_inferred as boolean) as fiscal_year_inferred

    from unioned

)

select * from final
