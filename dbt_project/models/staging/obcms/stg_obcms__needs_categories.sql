with

source as (

    select * from {{ source('obcms', 'mana_needscategory') }}

),

renamed as (

    select

        ---------- ids
        id as needs_category_id,

        ---------- text
        name,
        sector,
        description,

        ---------- numerics
        weight_factor,

        ---------- booleans
        is_active,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at

    from source

)

select * from renamed
