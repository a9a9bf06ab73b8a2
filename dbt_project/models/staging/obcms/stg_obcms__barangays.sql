with

source as (

    select * from {{ source('obcms', 'common_barangay') }}

),

renamed as (

    select

        ---------- ids
        id as barangay_id,
        municipality_id,

        ---------- text
        code,
        name,

        ---------- numerics
        population_total,

        ---------- booleans
        is_urban,
        is_active,

        ---------- timestamps
        created_at,
        updated_at,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at

    from source

)

select * from renamed
