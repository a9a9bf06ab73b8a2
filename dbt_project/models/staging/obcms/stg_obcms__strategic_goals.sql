with

source as (

    select * from {{ source('obcms', 'monitoring_strategicgoal') }}

),

renamed as (

    select

        ---------- ids
        id as strategic_goal_id,
        lead_agency_id,

        ---------- text
        title,
        description,
        goal_statement,
        sector,
        priority_level,
        nullif(trim(rdp_reference), '') as rdp_reference,
        status,

        ---------- numerics
        start_year,
        target_year,
        estimated_total_budget,
        progress_percentage,

        ---------- booleans
        aligns_with_rdp,

        ---------- timestamps
        created_at,
        updated_at,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at

    from source

)

select * from renamed
