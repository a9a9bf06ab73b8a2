with

raw_tables as (

    select * from {{ ref('stg_meta__raw_tables') }}

),

final as (

    select
        cast(source_name as varchar) as source_name,
        cast(table_name as varchar) as table_name,
        cast(rows_deleted as bigint) as rows_deleted,
        cast(rows_live as bigint) as rows_live,
        cast(first_deleted_at as timestamp) as first_deleted_at,
        cast(last_deleted_at as timestamp) as last_deleted_at,
        cast(loaded_by as varchar) as loaded_by

    from raw_tables

    where rows_deleted > 0

)

select * from final
