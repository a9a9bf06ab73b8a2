with

source as (

    select * from {{ source('obcms', 'monitoring_monitoringentryfunding') }}

),

renamed as (

    select

        ---------- ids
        id as funding_flow_id,
        entry_id as ppa_id,

        ---------- text
        tranche_type,
        nullif(trim(funding_source), '') as funding_source,
        nullif(trim(funding_source_other), '') as funding_source_other,
        remarks,

        ---------- numerics
        amount,

        ---------- dates
        scheduled_date,

        ---------- timestamps
        created_at,
        updated_at,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at

    from source

)

select * from renamed
