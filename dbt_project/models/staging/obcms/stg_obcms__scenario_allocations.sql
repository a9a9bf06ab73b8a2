with

source as (

    select * from {{ source('obcms', 'monitoring_scenarioallocation') }}

),

renamed as (

    select

        ---------- ids
        id as scenario_allocation_id,
        scenario_id as budget_scenario_id,
        ppa_id,

        ---------- text
        status,
        allocation_rationale,

        ---------- numerics
        allocated_amount,
        priority_rank,

        ---------- timestamps
        created_at,
        updated_at,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at

    from source

)

select * from renamed
