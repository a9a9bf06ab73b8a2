with

source as (

    select * from {{ source('meta', 'scenario_versions') }}

),

renamed as (

    select

        ---------- ids
        scenario_id,
        version::integer as version,

        ---------- text
        trim(saved_by) as saved_by,
        nullif(trim(comment), '') as comment,
        status,

        ---------- json documents (text)
        spec as spec_json,

        ---------- timestamps
        saved_at

    from source

)

select * from renamed
