with

source as (

    select * from {{ source('obcms', 'monitoring_strategicgoal') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

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
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
