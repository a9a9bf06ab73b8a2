with

source as (

    select * from {{ source('psa', 'psa_population') }}

    -- rows gone from their file stay in raw, marked deleted
    where _deleted_at is null

),

renamed as (

    select

        ---------- keys
        region_code,
        level,
        province_name,
        municipality_name,
        barangay_name,

        ---------- numerics
        population,

        ---------- load metadata
        _source as source_name,
        _run_id as run_id,
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
