with

source as (

    select * from {{ source('obcms', 'mana_need') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- ids
        id as need_id,
        category_id as needs_category_id,
        assessment_id,
        community_id as obc_community_id,
        forwarded_to_mao_id,
        linked_ppa_id,

        ---------- text
        title,
        description,
        urgency_level,
        feasibility,
        status,
        submission_type,

        ---------- numerics
        affected_population,
        affected_households,
        impact_severity,
        estimated_cost,
        priority_score,
        priority_rank,
        community_votes,

        ---------- booleans
        is_validated,

        ---------- dates
        submission_date,
        forwarded_date,
        budget_inclusion_date,

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
