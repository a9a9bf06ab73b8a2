with

source as (

    select * from {{ source('obcms', 'common_region') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

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
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
