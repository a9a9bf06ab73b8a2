-- Validation never loses a row: for every table a run loaded, rows_read = rows_loaded + rows_rejected.
-- Warn-level because a run that failed part-way may have recorded incomplete counts.
{{ config(severity='warn') }}

with

runs as (

    select * from {{ ref('stg_meta__runs') }}

),

final as (

    select
        run_id,
        source_name,
        table_name,
        rows_read,
        rows_loaded,
        rows_rejected

    from runs

    where rows_read is not null
        and rows_read <> coalesce(rows_loaded, 0) + coalesce(rows_rejected, 0)

)

select * from final
