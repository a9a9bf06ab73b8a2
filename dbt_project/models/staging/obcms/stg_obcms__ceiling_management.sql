with

source as (

    select * from {{ source('obcms', 'monitoring_ceilingmanagement') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- ids
        id as ceiling_management_id,

        ---------- text
        funding_source,
        nullif(trim(sector), '') as sector,
        notes,

        ---------- numerics
        fiscal_year,
        ceiling_amount,
        allocated_amount,
        remaining_ceiling,
        threshold_warning,

        ---------- booleans
        is_exceeded,

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
