with

source as (

    select * from {{ source('meta', 'rejects') }}

),

renamed as (

    select

        ---------- ids
        reject_id,
        run_id,
        row_key,

        ---------- text
        source as source_name,
        table_name,
        column_name,
        check_name,
        failure_value,
        reason,
        location,

        ---------- numerics
        row_number as source_row_number

    from source

)

select * from renamed
