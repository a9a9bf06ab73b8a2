with

raw_tables as (

    select * from {{ ref('stg_meta__raw_tables') }}

),

runs as (

    select * from {{ ref('stg_meta__runs') }}

),

refreshes as (

    select * from {{ ref('stg_meta__refreshes') }}

),

successful_loads as (

    -- A load counts when it did not fail and its refresh did not fail either (a failed refresh publishes
    -- nothing, so its loads never reached this warehouse). A refresh still 'running' is the one that
    -- built this file.
    select
        runs.table_name,
        max(runs.finished_at) as last_load_finished_at

    from runs

    left join refreshes
        on runs.run_id = refreshes.run_id

    where runs.status <> 'failed'
        and coalesce(refreshes.status, 'running') <> 'failed'

    group by runs.table_name

),

by_source as (

    -- Ingest leaves a row that did not change untouched, _loaded_at included, so the newest _loaded_at
    -- alone would make a source reloaded every day without changes look stale: the last successful
    -- load of its tables counts too.
    select
        raw_tables.source_name,
        count(*) as table_count,
        sum(case when raw_tables.rows_total > 0 then 1 else 0 end) as tables_with_rows,
        sum(raw_tables.rows_live) as rows_live,
        sum(raw_tables.rows_deleted) as rows_deleted,
        max(raw_tables.last_loaded_at) as last_row_loaded_at,
        max(successful_loads.last_load_finished_at) as last_load_finished_at,
        max(raw_tables.newest_updated_at) as newest_updated_at,
        -- the thresholds of the source's freshness config (the same for all its tables; the strictest wins)
        min(raw_tables.warn_after_hours) as warn_after_hours,
        min(raw_tables.error_after_hours) as error_after_hours

    from raw_tables

    left join successful_loads
        on raw_tables.table_name = successful_loads.table_name

    group by raw_tables.source_name

),

aged as (

    select
        *,
        case
            when last_load_finished_at is null then last_row_loaded_at
            when last_row_loaded_at is null then last_load_finished_at
            when last_load_finished_at > last_row_loaded_at then last_load_finished_at
            else last_row_loaded_at
        end as last_loaded_at,
        {{ utc_now() }} as checked_at

    from by_source

),

final as (

    select
        cast(source_name as varchar) as source_name,
        cast(table_count as integer) as table_count,
        cast(tables_with_rows as integer) as tables_with_rows,
        cast(rows_live as bigint) as rows_live,
        cast(rows_deleted as bigint) as rows_deleted,
        cast(last_loaded_at as timestamp) as last_loaded_at,
        cast(last_row_loaded_at as timestamp) as last_row_loaded_at,
        cast(last_load_finished_at as timestamp) as last_load_finished_at,
        cast(newest_updated_at as timestamp) as newest_updated_at,
        cast(checked_at as timestamp) as checked_at,
        cast(
            {{ dbt.datediff('last_loaded_at', 'checked_at', 'second') }} / 3600.0 as decimal(12, 1)
        ) as age_hours,
        cast(warn_after_hours as decimal(10, 2)) as warn_after_hours,
        cast(error_after_hours as decimal(10, 2)) as error_after_hours,
        cast(
            case
                when last_loaded_at is null then 'not_loaded'
                when {{ dbt.datediff('last_loaded_at', 'checked_at', 'second') }} >= error_after_hours * 3600
                    then 'error'
                when {{ dbt.datediff('last_loaded_at', 'checked_at', 'second') }} >= warn_after_hours * 3600
                    then 'stale'
                else 'fresh'
            end as varchar
        ) as status

    from aged

)

select * from final
