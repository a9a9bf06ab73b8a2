with

source as (

    select * from {{ source('obcms', 'mana_assessment') }}

),

renamed as (

    select

        ---------- ids
        id as assessment_id,
        region_id,
        province_id,
        municipality_id,
        barangay_id,
        community_id as obc_community_id,

        ---------- text
        title,
        assessment_level,
        primary_methodology,
        status,
        priority,

        ---------- numerics
        estimated_budget,
        actual_budget,
        progress_percentage,

        ---------- dates
        planned_start_date,
        planned_end_date,
        actual_start_date,
        actual_end_date,

        ---------- timestamps
        created_at,
        updated_at,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at

    from source

)

select * from renamed
