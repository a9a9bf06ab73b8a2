with

source as (

    select * from {{ source('obcms', 'monitoring_monitoringentryfunding') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

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
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
