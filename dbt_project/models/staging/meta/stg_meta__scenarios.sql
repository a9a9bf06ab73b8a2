with

source as (

    select * from {{ source('meta', 'scenarios') }}

),

renamed as (

    select

        ---------- ids
        scenario_id,

        ---------- text
        trim(name) as scenario_name,
        nullif(trim(description), '') as description,
        trim(owner) as owner,
        status,

        ---------- numbers
        fiscal_year::integer as fiscal_year,
        current_version::integer as current_version,

        ---------- timestamps
        created_at,
        updated_at

    from source

)

select * from renamed
