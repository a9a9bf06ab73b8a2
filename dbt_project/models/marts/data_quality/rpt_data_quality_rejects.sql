with

rejects as (

    select * from {{ ref('stg_meta__rejects') }}

),

refreshes as (

    select * from {{ ref('stg_meta__refreshes') }}

),

final as (

    select
        cast(rejects.reject_id as bigint) as reject_id,
        cast(rejects.run_id as varchar) as run_id,
        cast(refreshes.started_at as timestamp) as run_started_at,
        cast(rejects.source_name as varchar) as source_name,
        cast(rejects.table_name as varchar) as table_name,
        cast(rejects.location as varchar) as location,
        cast(rejects.source_row_number as bigint) as source_row_number,
        cast(rejects.row_key as varchar) as row_key,
        cast(rejects.column_name as varchar) as column_name,
        cast(rejects.check_name as varchar) as check_name,
        cast(rejects.failure_value as varchar) as failure_value,
        cast(rejects.reason as varchar) as reason

    from rejects

    left join refreshes
        on rejects.run_id = refreshes.run_id

)

select * from final
