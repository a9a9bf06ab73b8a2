with

source as (

    select * from {{ source('obcms', 'monitoring_annualplanningcycle_monitoring_entries') }}

),

renamed as (

    select

        ---------- ids
        id as planning_cycle_entry_id,
        annualplanningcycle_id as planning_cycle_id,
        monitoringentry_id as ppa_id,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at

    from source

)

select * from renamed
