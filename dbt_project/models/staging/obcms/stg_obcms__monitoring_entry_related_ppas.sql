with

source as (

    select * from {{ source('obcms', 'monitoring_monitoringentry_related_ppas') }}

),

renamed as (

    select

        ---------- ids
        id as monitoring_entry_related_ppa_id,
        from_monitoringentry_id as from_ppa_id,
        to_monitoringentry_id as to_ppa_id,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at

    from source

)

select * from renamed
