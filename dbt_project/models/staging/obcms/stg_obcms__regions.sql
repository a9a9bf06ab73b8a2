with

source as (

    select * from {{ source('obcms', 'common_region') }}

),

renamed as (

    select

        ---------- ids
        id as region_id,

        ---------- text
        code,
        name,
        description,

        ---------- booleans
        is_active,

        ---------- timestamps
        created_at,
        updated_at,

        ---------- json documents (text)
        center_coordinates,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at

    from source

)

select * from renamed
