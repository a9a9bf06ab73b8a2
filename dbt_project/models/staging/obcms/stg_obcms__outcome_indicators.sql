with

source as (

    select * from {{ source('obcms', 'monitoring_outcomeindicator') }}

    -- rows gone from their source stay in raw, marked deleted (rpt_deleted_rows lists them)
    where _deleted_at is null

),

renamed as (

    select

        ---------- ids
        id as outcome_indicator_id,

        ---------- text
        category,
        indicator_name,
        definition,
        nullif(trim(unit_of_measure), '') as unit_of_measure,
        nullif(trim(related_sdg), '') as related_sdg,

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
