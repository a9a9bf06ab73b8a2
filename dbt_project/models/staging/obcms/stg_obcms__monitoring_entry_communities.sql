with

source as (

    select * from {{ source('obcms', 'monitoring_monitoringentry_communities') }}

),

renamed as (

    select

        ---------- ids
        id as monitoring_entry_community_id,
        monitoringentry_id as ppa_id,
        obccommunity_id as obc_community_id,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at

    from source

)

select * from renamed
