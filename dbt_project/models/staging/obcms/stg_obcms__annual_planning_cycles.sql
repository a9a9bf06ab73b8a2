with

source as (

    select * from {{ source('obcms', 'monitoring_annualplanningcycle') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- ids
        id as planning_cycle_id,

        ---------- text
        cycle_name,
        status,
        notes,

        ---------- numerics
        fiscal_year,
        total_budget_envelope,
        allocated_budget,

        ---------- dates
        planning_start_date,
        planning_end_date,
        budget_submission_date,
        budget_approval_date,
        execution_start_date,
        execution_end_date,

        ---------- timestamps
        created_at,
        updated_at,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
