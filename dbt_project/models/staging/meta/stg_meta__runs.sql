with

source as (

    select * from {{ source('meta', 'runs') }}

),

renamed as (

    select

        ---------- ids
        run_id,

        ---------- text
        source as source_name,
        table_name,
        status,
        error as error_message,

        ---------- numerics
        rows_read,
        rows_loaded,
        rows_rejected,
        rows_inserted,
        rows_updated,
        rows_unchanged,
        rows_deleted,
        seconds,

        ---------- timestamps
        started_at,
        finished_at

    from source

)

select * from renamed
