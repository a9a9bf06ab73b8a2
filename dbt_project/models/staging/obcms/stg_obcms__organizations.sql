with

source as (

    select * from {{ source('obcms', 'coordination_organization') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- ids
        id as organization_id,
        region_id,

        ---------- text
        name,
        nullif(trim(acronym), '') as acronym,
        organization_type,
        description,
        mandate,
        partnership_level,
        partnership_status,
        notes,

        ---------- numerics
        annual_budget,

        ---------- booleans
        is_active,
        is_priority,

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
