with

source as (

    select * from {{ source('obcms', 'mana_needscategory') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

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
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
