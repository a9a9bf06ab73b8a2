with

source as (

    select * from {{ source('obcms', 'monitoring_scenarioallocation') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

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
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
