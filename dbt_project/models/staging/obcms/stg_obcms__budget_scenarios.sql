with

source as (

    select * from {{ source('obcms', 'monitoring_budgetscenario') }}

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
        _loaded_at as loaded_at

    from source

)

select * from renamed
