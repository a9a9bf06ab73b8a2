with

obc_communities as (

    select * from {{ ref('stg_obcms__obc_communities') }}

),

barangays as (

    select * from {{ ref('stg_obcms__barangays') }}

),

municipalities as (

    select * from {{ ref('stg_obcms__municipalities') }}

),

provinces as (

    select * from {{ ref('stg_obcms__provinces') }}

),

located as (

    select
        obc_communities.obc_community_id,
        obc_communities.barangay_id,
        barangays.municipality_id,
        municipalities.province_id,
        provinces.region_id,
        obc_communities.estimated_obc_population,
        obc_communities.is_active,
        obc_communities.is_deleted

    from obc_communities

    left join barangays
        on obc_communities.barangay_id = barangays.barangay_id

    left join municipalities
        on barangays.municipality_id = municipalities.municipality_id

    left join provinces
        on municipalities.province_id = provinces.province_id

),

final as (

    select * from located

)

select * from final
