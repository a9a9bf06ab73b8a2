with

source as (

    select * from {{ source('obcms', 'monitoring_monitoringentry_needs_addressed') }}

),

renamed as (

    select

        ---------- ids
        id as monitoring_entry_need_id,
        monitoringentry_id as ppa_id,
        need_id,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at

    from source

)

select * from renamed
