with

source as (

    select * from {{ source('obcms', 'monitoring_ceilingmanagement') }}

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
        _loaded_at as loaded_at

    from source

)

select * from renamed
