with

source as (

    select * from {{ source('obcms', 'common_work_item') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- ids
        id as work_item_id,
        parent_id as parent_work_item_id,
        tree_id,
        related_ppa_id as ppa_id,
        implementing_moa_id,

        ---------- text
        work_type,
        title,
        description,
        status,
        priority,
        nullif(trim(ppa_category), '') as ppa_category,
        budget_notes,

        ---------- numerics
        lft,
        rght,
        level,
        progress,
        allocated_budget,
        actual_expenditure,

        ---------- booleans
        auto_calculate_progress,

        ---------- dates
        start_date,
        due_date,

        ---------- timestamps
        completed_at,
        created_at,
        updated_at,

        ---------- json documents (text)
        project_data,

        ---------- load metadata
        _run_id as run_id,
        _loaded_at as loaded_at,
        _file as source_file,
        _line as source_line

    from source

)

select * from renamed
