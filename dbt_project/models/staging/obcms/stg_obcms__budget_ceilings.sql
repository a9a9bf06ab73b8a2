with

source as (

    select * from {{ source('obcms', 'project_central_budgetceiling') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- ids
        id as budget_ceiling_id,

        ---------- text
        name,
        nullif(trim(sector), '') as sector,
        nullif(trim(funding_source), '') as funding_source,
        enforcement_level,

        ---------- numerics
        fiscal_year,
        ceiling_amount,
        allocated_amount,

        ---------- booleans
        is_active,

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
