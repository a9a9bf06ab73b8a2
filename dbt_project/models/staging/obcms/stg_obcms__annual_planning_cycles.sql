with

source as (

    select * from {{ source('obcms', 'monitoring_annualplanningcycle') }}

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
        _loaded_at as loaded_at

    from source

)

select * from renamed
