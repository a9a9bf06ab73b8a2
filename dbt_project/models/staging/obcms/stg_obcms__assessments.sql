with

source as (

    select * from {{ source('obcms', 'mana_assessment') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

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
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
