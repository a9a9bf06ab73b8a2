with

source as (

    select * from {{ source('obcms', 'policy_tracking_policyrecommendation') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- ids
        id as policy_recommendation_id,
        target_region_id,
        target_province_id,

        ---------- text
        title,
        reference_number,
        category,
        description,
        scope,
        status,
        priority,
        nullif(trim(funding_source), '') as funding_source,
        recommendation_type,
        importance,
        urgency,
        core_recommendation_type,

        ---------- numerics
        estimated_cost,

        ---------- dates
        submission_date,
        approval_date,
        implementation_start_date,
        implementation_deadline,

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
