with

runs as (

    select * from {{ ref('stg_meta__runs') }}

),

refreshes as (

    select * from {{ ref('stg_meta__refreshes') }}

),

table_loads as (

    select
        run_id,
        source_name,
        table_name,
        status,
        started_at,
        finished_at,
        rows_read,
        rows_loaded,
        rows_rejected,
        rows_inserted,
        rows_updated,
        rows_unchanged,
        rows_deleted,
        seconds,
        error_message,
        rows_read = coalesce(rows_loaded, 0) + coalesce(rows_rejected, 0) as accounted

    from runs

),

refreshes_without_loads as (

    -- A refresh that failed before loading any table (a source it could not read, a bad configuration)
    -- still gets a row, under source and table '(none)', so its failure shows.
    select
        refreshes.run_id,
        '(none)' as source_name,
        '(none)' as table_name,
        cast(null as varchar) as status,
        cast(null as timestamp) as started_at,
        cast(null as timestamp) as finished_at,
        cast(null as bigint) as rows_read,
        cast(null as bigint) as rows_loaded,
        cast(null as bigint) as rows_rejected,
        cast(null as bigint) as rows_inserted,
        cast(null as bigint) as rows_updated,
        cast(null as bigint) as rows_unchanged,
        cast(null as bigint) as rows_deleted,
        cast(null as double) as seconds,
        cast(null as varchar) as error_message,
        cast(null as boolean) as accounted

    from refreshes

    where not exists (
        select 1
        from runs
        where runs.run_id = refreshes.run_id
    )

),

unioned as (

    select * from table_loads

    union all

    select * from refreshes_without_loads

),

final as (

    select
        cast(unioned.run_id as varchar) as run_id,
        cast(unioned.source_name as varchar) as source_name,
        cast(unioned.table_name as varchar) as table_name,
        cast(refreshes.command as varchar) as command,
        cast(refreshes.status as varchar) as refresh_status,
        cast(refreshes.started_at as timestamp) as refresh_started_at,
        cast(refreshes.finished_at as timestamp) as refresh_finished_at,
        cast(refreshes.error_message as varchar) as refresh_error,
        cast(unioned.status as varchar) as status,
        cast(unioned.started_at as timestamp) as started_at,
        cast(unioned.finished_at as timestamp) as finished_at,
        cast(coalesce(refreshes.started_at, unioned.started_at) as timestamp) as run_started_at,
        cast(unioned.rows_read as bigint) as rows_read,
        cast(unioned.rows_loaded as bigint) as rows_loaded,
        cast(unioned.rows_rejected as bigint) as rows_rejected,
        cast(unioned.rows_inserted as bigint) as rows_inserted,
        cast(unioned.rows_updated as bigint) as rows_updated,
        cast(unioned.rows_unchanged as bigint) as rows_unchanged,
        cast(unioned.rows_deleted as bigint) as rows_deleted,
        cast(unioned.seconds as double) as seconds,
        cast(unioned.error_message as varchar) as error_message,
        cast(unioned.accounted as boolean) as accounted,
        cast(
            coalesce(unioned.status = 'failed', false) or coalesce(refreshes.status = 'failed', false)
            as boolean
        ) as is_failed

    from unioned

    left join refreshes
        on unioned.run_id = refreshes.run_id

)

select * from final
