with

source as (

    select * from {{ source('meta', 'control_totals') }}

),

renamed as (

    select

        ---------- ids
        run_id,

        ---------- text
        source as source_name,
        table_name,
        measure,

        ---------- numerics
        read_value,
        loaded_value

    from source

)

select * from renamed
