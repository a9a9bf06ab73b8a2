with

ppas as (

    select * from {{ ref('stg_obcms__monitoring_entries') }}

),

organizations as (

    select * from {{ ref('stg_obcms__organizations') }}

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

final as (

    select
        ppas_with_moa.*,
        organizations.acronym as moa_acronym,
        organizations.name as moa_name

    from ppas_with_moa

    left join organizations
        on ppas_with_moa.moa_id = organizations.organization_id

)

select * from final
