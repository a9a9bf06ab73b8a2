with

source as (

    select * from {{ source('obcms', 'monitoring_monitoringentry_supporting_organizations') }}

),

renamed as (

    select

        ---------- ids
        id as monitoring_entry_supporting_organization_id,
        monitoringentry_id as ppa_id,
        organization_id,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at

    from source

)

select * from renamed
