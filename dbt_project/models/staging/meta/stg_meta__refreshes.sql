with

source as (

    select * from {{ source('meta', 'refreshes') }}

),

renamed as (

    select

        ---------- ids
        run_id,

        ---------- text
        command,
        status,
        warehouse_file,
        error as error_message,

        ---------- timestamps
        started_at,
        finished_at,

        ---------- json documents (text)
        steps

    from source

)

select * from renamed
