with

source as (

    select * from {{ source('obcms', 'monitoring_budgetscenario') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- ids
        id as budget_scenario_id,
        planning_cycle_id,

        ---------- text
        name,
        description,
        scenario_type,
        status,
        notes,

        ---------- numerics
        total_budget,
        allocated_budget,
        weight_needs_coverage,
        weight_equity,
        weight_strategic_alignment,
        optimization_score,

        ---------- booleans
        is_baseline,

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
