with

source as (

    select * from {{ source('obcms', 'project_central_budgetceiling') }}

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
        _loaded_at as loaded_at

    from source

)

select * from renamed
